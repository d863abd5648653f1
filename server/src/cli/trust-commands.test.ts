import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { enrollDevice } from '../testing/enroll.js';
import type { TestApp } from '../testing/test-app.js';
import { openTestApp } from '../testing/test-app.js';
import type { Io } from './output.js';
import { runCli } from './main.js';
import { userCommand } from './commands/users.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 30_000 });

let t: TestApp;
let server: string;
let home: string;

beforeEach(async () => {
  t = await openTestApp();
  server = await t.app.listen({ host: '127.0.0.1', port: 0 });
  home = mkdtempSync(join(tmpdir(), 'patchwave-cli-trust-'));
});
afterEach(async () => {
  await t.close();
  rmSync(home, { recursive: true, force: true });
});

function io(): { io: Io; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { out: (s) => void (out += s), err: (s) => void (err += s), env: { PATCHWAVE_CLI_CONFIG: join(home, 'cli.json'), PATCHWAVE_SERVER_URL: server, PATCHWAVE_API_TOKEN: t.adminToken } },
    out: () => out,
    err: () => err,
  };
}

async function cli(args: string[]) {
  const r = io();
  const code = await runCli(args, r.io);
  return { code, out: r.out(), err: r.err() };
}

describe('patchwave user', () => {
  it('creates a user with a one-time password, lists, disables, enables, sets the role and resets the password', async () => {
    const created = await cli(['user', 'create', 'alice', '--role', 'operator', '--display-name', 'Alice A.']);
    expect(created.code, created.err).toBe(0);
    expect(created.out).toMatch(/One-time password \(shown once.*\n {2}[0-9a-z]{5}(-[0-9a-z]{5}){4}\n/);
    const list = await cli(['user', 'list']);
    expect(list.out).toMatch(/alice\s+operator\s+must change password/);
    expect((await cli(['user', 'disable', 'ALICE'])).out).toContain('disabled user alice');
    expect((await cli(['user', 'enable', 'alice'])).out).toContain('enabled user alice');
    expect((await cli(['user', 'set-role', 'alice', 'approver'])).out).toContain('now has the approver role');
    const reset = await cli(['user', 'reset-password', 'alice', '--json']);
    expect(JSON.parse(reset.out)).toMatchObject({ user: { username: 'alice', role: 'approver', mustChangePassword: true }, oneTimePassword: expect.any(String) });
  });

  it('takes a chosen password on stdin, checked against the policy before anything is sent', async () => {
    const r = io();
    expect(await userCommand(['create', 'bob', '--role', 'auditor', '--password-stdin'], r.io, async () => 'short\n').catch((e: Error) => e.message)).toContain('at least 12 characters');
    const ok = io();
    expect(await userCommand(['create', 'bob', '--role', 'auditor', '--password-stdin'], ok.io, async () => 'a long enough passphrase\n')).toBe(0);
    expect(ok.out()).not.toContain('One-time password');
    expect((await t.app.services.users.checkLogin('bob', 'a long enough passphrase', '127.0.0.1')).ok).toBe(true);
  });

  it('refuses bad usage with exit 2', async () => {
    expect((await cli(['user', 'create', 'x'])).err).toContain('--role: expected admin, operator, approver, auditor');
    expect((await cli(['user', 'create', '-rf', '--role', 'admin'])).code).toBe(2);
    expect((await cli(['user', 'disable', 'nobody'])).err).toContain('no user "nobody"');
  });
});

describe('patchwave api-token', () => {
  it('creates (secret shown once), lists and revokes', async () => {
    const created = await cli(['api-token', 'create', '--name', 'ci', '--role', 'auditor', '--expires', '30d', '--json']);
    expect(created.code, created.err).toBe(0);
    const token = JSON.parse(created.out) as { id: string; token: string; expiresAt: string };
    expect(token.token).toMatch(/^pwt_/);
    expect(Date.parse(token.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect((await cli(['api-token', 'list'])).out).toMatch(/ci\s+auditor\s+active/);
    expect((await cli(['api-token', 'revoke', token.id])).out).toContain(`revoked API token ${token.id}`);
    expect(await t.app.services.apiTokens.authenticate(token.token)).toBeNull();
    expect((await cli(['api-token', 'create', '--name', 'x', '--role', 'root'])).code).toBe(2);
  });
});

describe('patchwave signing-key and devices trust commands', () => {
  it('lists, rotates and revokes signing keys', async () => {
    const before = t.app.signingKeys.currentKeyId;
    expect((await cli(['signing-key', 'list'])).out).toMatch(new RegExp(`${before}\\s+current`));
    const rotated = await cli(['signing-key', 'rotate', '--overlap', '2d']);
    expect(rotated.out).toContain(`previous key ${before} stays valid until`);
    expect((await cli(['signing-key', 'revoke', before])).out).toContain(`revoked job-signing key ${before}`);
    expect((await cli(['signing-key', 'revoke', t.app.signingKeys.currentKeyId])).err).toContain('rotate first');
  });

  it('shows trust, approves, rotates (pending while offline) and revokes a device', async () => {
    const { deviceId } = await enrollDevice(t.app);
    expect((await cli(['devices', 'trust', deviceId])).out).toMatch(/approved\s+yes/);
    expect((await cli(['devices', 'rotate-credential', deviceId])).out).toContain('is offline: it gets its new credential at its next connection');
    expect((await cli(['devices', 'revoke', deviceId, '--reason', 'lost'])).out).toMatch(/credential\s+revoked at/);
    expect((await cli(['devices', 'approve', deviceId])).err).toContain('revoked credential');
  });
});
