import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

describe('createLogger', () => {
  it('writes JSON synchronously and redacts the credential and the enrollment token', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-log-'));
    const file = path.join(dir, 'log.jsonl');
    const fd = fs.openSync(file, 'w');
    try {
      const log = createLogger({ level: 'info', fd });
      log.info({ credential: 'SECRET-CRED', enrollToken: 'SECRET-TOKEN', identity: { credential: 'SECRET-2' }, headers: { authorization: 'Bearer SECRET-3' } }, 'enrolled');
      log.child({ deviceId: 'd1' }).warn({ token: 'SECRET-4' }, 'child');
      // synchronous destination: the lines are in the file before anything is flushed or closed
      const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatchObject({ msg: 'enrolled', credential: '[redacted]', enrollToken: '[redacted]', identity: { credential: '[redacted]' }, headers: { authorization: '[redacted]' } });
      expect(lines[1]).toMatchObject({ msg: 'child', deviceId: 'd1', token: '[redacted]', level: 40 });
      expect(fs.readFileSync(file, 'utf8')).not.toMatch(/SECRET/);
    } finally {
      fs.closeSync(fd);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
