import pino, { type Level, type Logger } from 'pino';

/** Paths whose values never reach a log line: the agent credential and the enrollment token. */
export const REDACTED_PATHS = [
  'credential',
  '*.credential',
  'token',
  '*.token',
  'enrollToken',
  '*.enrollToken',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers.Authorization',
  '*.headers.Authorization',
];

export interface LoggerOptions {
  level?: Level | 'silent';
  /** File descriptor to write to; 2 (stderr) by default so stdout stays clean for --json output. */
  fd?: number;
}

/**
 * JSON logs on stderr. The destination is synchronous so that the last lines before a crash or
 * `process.exit` are written, not left in a buffer (pino's "asynchronous logging" caveat).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { svc: 'patchwave-agent', pid: process.pid },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.destination({ fd: options.fd ?? 2, sync: true }),
  );
}

/** A logger that drops everything, for commands and tests that must stay quiet. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
