import { PROTOCOL_VERSION } from './version.js';
import { AgentMessage, ServerMessage } from './messages.js';
import { parseFrame, type FrameParseResult } from './parse.js';

type PayloadOf<U, T> = U extends { type: T; payload: infer P } ? P : never;

/** Message types an agent may send; anything else is answered with E_UNKNOWN_MESSAGE. */
export const AGENT_MESSAGE_TYPES: ReadonlySet<string> = new Set(AgentMessage.options.map((o) => o.shape.type.value));
/** Message types a server may send. */
export const SERVER_MESSAGE_TYPES: ReadonlySet<string> = new Set(ServerMessage.options.map((o) => o.shape.type.value));

export function parseAgentFrame(text: string): FrameParseResult<AgentMessage> {
  return parseFrame(AgentMessage, text, AGENT_MESSAGE_TYPES);
}

export function parseServerFrame(text: string): FrameParseResult<ServerMessage> {
  return parseFrame(ServerMessage, text, SERVER_MESSAGE_TYPES);
}

function newFrameId(): string {
  return globalThis.crypto.randomUUID();
}

/** Builds a frame an agent sends. */
export function agentFrame<T extends AgentMessage['type']>(
  type: T,
  payload: PayloadOf<AgentMessage, T>,
  id: string = newFrameId(),
  now: Date = new Date(),
): AgentMessage {
  return { v: PROTOCOL_VERSION, id, type, ts: now.toISOString(), payload } as AgentMessage;
}

/** Builds a frame a server sends. */
export function serverFrame<T extends ServerMessage['type']>(
  type: T,
  payload: PayloadOf<ServerMessage, T>,
  id: string = newFrameId(),
  now: Date = new Date(),
): ServerMessage {
  return { v: PROTOCOL_VERSION, id, type, ts: now.toISOString(), payload } as ServerMessage;
}
