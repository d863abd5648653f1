import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostDescription } from '../host.js';
import { PacmanPackageManager } from './adapter.js';
import { PacmanTestRepo } from './test-repo.js';

/**
 * The real pacman (Debian's pacman-package-manager 6.0.2 / libalpm 13) with --config, --root and
 * --dbpath in a temp directory and a local repository made with repo-add. The scene: version 1.0
 * of three packages installed, then newer versions published and the databases synced (as the
 * system's last `pacman -Sy` would have left them).
 */
const host: HostDescription = { platform: 'linux', arch: 'x64', osRelease: { ID: 'arch' }, executables: new Set(['pacman']) };
const timeout = { timeoutMs: 120_000 };

let repo: PacmanTestRepo;
let pacman: PacmanPackageManager;

const version = async (name: string): Promise<string | undefined> => (await pacman.listInstalled()).find((p) => p.name === name)?.version;

beforeAll(async () => {
  repo = await PacmanTestRepo.create();
  await repo.provideShell();
  await repo.add([
    await repo.build({ name: 'pwtest-foo', version: '1.0-1' }),
    await repo.build({ name: 'pwtest-bar', version: '2.0-1' }),
    await repo.build({ name: 'pwtest-broken', version: '1.0-1' }),
  ]);
  await repo.pacman(['-Syy', '--noconfirm']);
  await repo.pacman(['-S', '--noconfirm', '--', 'pwtest-foo', 'pwtest-bar', 'pwtest-broken']);
  await repo.add([
    await repo.build({ name: 'pwtest-foo', version: '1.1-1' }),
    await repo.build({ name: 'pwtest-dep', version: '1.0-1' }),
    await repo.build({ name: 'pwtest-bar', version: '2.1-1', depends: ['pwtest-dep'] }),
    await repo.build({ name: 'pwtest-broken', version: '1.1-1', postUpgrade: '  echo "pwtest-broken: post_upgrade failing on purpose" >&2\n  return 1' }),
  ]);
  await repo.pacman(['-Syy', '--noconfirm']);
  pacman = new PacmanPackageManager({ exec: repo.runner, log: pino({ level: 'silent' }), host, local: { pacman: repo.settings } });
}, 300_000);

afterAll(async () => {
  await repo?.remove();
});

describe('pacman adapter against the real pacman', { timeout: 120_000 }, () => {
  it('lists installed packages with their architecture, and updates without security metadata', async () => {
    expect(await pacman.version()).toMatch(/^6\./);
    expect(await pacman.listInstalled()).toEqual([
      { manager: 'pacman', name: 'pwtest-bar', version: '2.0-1', arch: 'any' },
      { manager: 'pacman', name: 'pwtest-broken', version: '1.0-1', arch: 'any' },
      { manager: 'pacman', name: 'pwtest-foo', version: '1.0-1', arch: 'any' },
    ]);
    expect(await pacman.listUpdates()).toEqual([
      { manager: 'pacman', name: 'pwtest-bar', arch: 'any', installedVersion: '2.0-1', candidateVersion: '2.1-1', security: 'unknown', advisories: [], cves: [] },
      { manager: 'pacman', name: 'pwtest-broken', arch: 'any', installedVersion: '1.0-1', candidateVersion: '1.1-1', security: 'unknown', advisories: [], cves: [] },
      { manager: 'pacman', name: 'pwtest-foo', arch: 'any', installedVersion: '1.0-1', candidateVersion: '1.1-1', security: 'unknown', advisories: [], cves: [] },
    ]);
  });

  it('plans a whole-system upgrade whatever was named, and says so', async () => {
    const plan = await pacman.plan({ packages: [{ name: 'pwtest-foo' }, { name: 'pwtest-bar', version: '2.1-1' }] });
    expect(plan.targets).toEqual(['-Syu', '--noconfirm']);
    expect(plan.changes).toEqual(
      expect.arrayContaining([
        { kind: 'upgrade', name: 'pwtest-foo', arch: 'any', from: '1.0-1', to: '1.1-1' },
        { kind: 'upgrade', name: 'pwtest-bar', arch: 'any', from: '2.0-1', to: '2.1-1' },
        { kind: 'upgrade', name: 'pwtest-broken', arch: 'any', from: '1.0-1', to: '1.1-1' },
        { kind: 'install', name: 'pwtest-dep', arch: 'any', from: null, to: '1.0-1' },
      ]),
    );
    expect(plan.changes).toHaveLength(4);
    expect(plan.notes[0]).toMatch(/does not support partial upgrades/);
    expect(plan.unresolved).toEqual([{ name: 'pwtest-bar', code: 'E_NOT_SUPPORTED', message: "pacman installs the repository's current version, not 2.1-1" }]);
    expect(await pacman.plan({ securityOnly: true })).toMatchObject({ changes: [], notes: ['pacman has no security metadata: a security-only selection selects nothing'] });
    expect(await version('pwtest-foo')).toBe('1.0-1');
  });

  it('applies -Syu and reports the package whose install scriptlet failed although pacman exits 0', async () => {
    const result = await pacman.apply(await pacman.plan({ all: true }), timeout);
    expect(result.exitCode).toBe(0);
    expect(result.ok).toBe(false);
    expect(result.errorCode).toBe('E_PKG_SCRIPT_FAILED');
    expect(result.packages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'pwtest-foo', before: '1.0-1', after: '1.1-1', ok: true }),
        expect.objectContaining({ name: 'pwtest-dep', before: null, after: '1.0-1', ok: true }),
        expect.objectContaining({ name: 'pwtest-broken', before: '1.0-1', after: '1.1-1', ok: false, errorCode: 'E_PKG_SCRIPT_FAILED' }),
      ]),
    );
    expect(result.outputTail).toContain('pwtest-broken: post_upgrade failing on purpose');
    expect(await pacman.listUpdates()).toEqual([]);
  });

  it('rolls back from the package cache, and reports what pacman refuses', async () => {
    const back = await pacman.rollback([{ name: 'pwtest-foo', version: '1.0-1' }], timeout);
    expect(back).toMatchObject({ ok: true, packages: [expect.objectContaining({ name: 'pwtest-foo', before: '1.1-1', after: '1.0-1', ok: true })] });
    expect(await version('pwtest-foo')).toBe('1.0-1');
    const uncached = await pacman.rollback([{ name: 'pwtest-foo', version: '0.9-1' }], timeout);
    expect(uncached).toMatchObject({ ok: false, errorCode: 'E_PKG_NOT_FOUND', packages: [expect.objectContaining({ name: 'pwtest-foo', errorCode: 'E_PKG_NOT_FOUND' })] });
    // pwtest-bar 2.1 depends on pwtest-dep: pacman will not remove it.
    const refused = await pacman.rollback([{ name: 'pwtest-dep', version: null }], timeout);
    expect(refused).toMatchObject({ ok: false, exitCode: 1, errorCode: 'E_PKG_CONFLICT', packages: [expect.objectContaining({ name: 'pwtest-dep', after: '1.0-1', ok: false })] });
  });

  it('cannot tell a reboot for an alternative root, and says so', async () => {
    expect(await pacman.rebootRequired()).toEqual({ required: 'unknown', reasons: ['the running kernel says nothing about an alternative pacman root'], packages: [] });
  });
});
