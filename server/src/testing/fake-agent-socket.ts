import { EventEmitter } from 'node:events';
import { agentFrame, PROTOCOL_VERSION, type AgentMessage } from '@patchwave/shared';

/**
 * The side of a `ws` socket that AgentConnection uses: events in (`message`, `pong`, `close`),
 * frames, pings and terminations out, recorded for the test to read.
 */
export class FakeAgentSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  readonly sent: string[] = [];
  pings = 0;
  terminated = false;

  send(text: string): void {
    this.sent.push(text);
  }

  close(): void {
    this.readyState = 3;
  }

  ping(): void {
    this.pings += 1;
  }

  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
  }

  /** Delivers a frame from the agent, as a text message. */
  receive(frame: AgentMessage): void {
    this.emit('message', Buffer.from(JSON.stringify(frame)), false);
  }

  hello(): void {
    this.receive(agentFrame('agent.hello', { protocolVersion: PROTOCOL_VERSION, agentVersion: '1', capabilities: [] }));
  }
}
