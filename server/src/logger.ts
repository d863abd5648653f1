import type { DestinationStream, Logger } from 'pino';
import { pino } from 'pino';

/**
 * Paths pino blanks out. Secrets are also recognisable by prefix (pwe_, pwa_, pwt_), but nothing
 * should reach a log line in the first place: headers and every token-ish field are redacted.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'token',
  'secret',
  'credential',
  'password',
  '*.token',
  '*.secret',
  '*.credential',
  '*.password',
  'body.token',
  'body.credential',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'patchwave-server' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
