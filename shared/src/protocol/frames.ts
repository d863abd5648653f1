import { FRAME_ID_PATTERN } from './envelope.js';
import { PROTOCOL_VERSION } from './version.js';
import { AgentMessage, ServerMessage } from './messages.js';
import { quickHeartbeat } from './heartbeat-fast-path.js';
import { parseFrame, type FrameParseResult } from './parse.js';

type PayloadOf<U, T> = U extends { type: T; payload: infer P } ? P : never;

/** Message types an agent may send; anything else is answered with E_UNKNOWN_MESSAGE. */
export const AGENT_MESSAGE_TYPES: ReadonlySet<string> = new Set(AgentMessage.options.map((o) => o.shape.type.value));
/** Message types a server may send. */
export const SERVER_MESSAGE_TYPES: ReadonlySet<string> = new Set(ServerMessage.options.map((o) => o.shape.type.value));

export function parseAgentFrame(text: string): FrameParseResult<AgentMessage> {
  return parseFrame(AgentMessage, text, AGENT_MESSAGE_TYPES, quickHeartbeat);
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

/**
 * The text of the server's `ack` of frame `of`: byte for byte `JSON.stringify(serverFrame('ack',
 * { of }, id, now))`, without building the object (the server acks every heartbeat). Ids are
 * letters, digits and `. _ : -`, which JSON writes as they are; any other `of` goes through JSON.
 */
export function ackFrameText(of: string, id: string = newFrameId(), now: Date = new Date()): string {
  if (!FRAME_ID_PATTERN.test(of) || !FRAME_ID_PATTERN.test(id)) return JSON.stringify(serverFrame('ack', { of }, id, now));
  return `{"v":${PROTOCOL_VERSION},"id":"${id}","type":"ack","ts":"${now.toISOString()}","payload":{"of":"${of}"}}`;
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
