import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostDescription } from '../host.js';
import { PacmanPackageManager } from './adapter.js';
import { PacmanTestRepo } from './test-repo.js';

/**
 * Dependency-aware pacman plans against the real pacman (--root in a temp directory): what the
 * upgrade installs (a new dependency), removes (a package another one `replaces`) and cannot do
 * (a conflict pacman --noconfirm refuses to resolve by removal).
 */
const host: HostDescription = { platform: 'linux', arch: 'x64', osRelease: { ID: 'arch' }, executables: new Set(['pacman']) };
let repo: PacmanTestRepo;
let pacman: PacmanPackageManager;

beforeAll(async () => {
  repo = await PacmanTestRepo.create();
  await repo.provideShell();
  await repo.add([await repo.build({ name: 'pwtest-a', version: '1.0-1' }), await repo.build({ name: 'pwtest-old', version: '1.0-1' })]);
  await repo.pacman(['-Syy', '--noconfirm']);
  await repo.pacman(['-S', '--noconfirm', '--', 'pwtest-a', 'pwtest-old']);
  await repo.add([
    await repo.build({ name: 'pwtest-a', version: '1.1-1', depends: ['pwtest-b'] }),
    await repo.build({ name: 'pwtest-b', version: '1.0-1' }),
    await repo.build({ name: 'pwtest-new', version: '2.0-1', replaces: ['pwtest-old<2'] }),
  ]);
  await repo.pacman(['-Syy', '--noconfirm']);
  pacman = new PacmanPackageManager({ exec: repo.runner, log: pino({ level: 'silent' }), host, local: { pacman: repo.settings } });
}, 300_000);

afterAll(async () => {
  await repo?.remove();
});

describe('pacman plans list installs, upgrades and removals', { timeout: 120_000 }, () => {
  it('plans the upgrade, the new dependency and the removal of the replaced package, and applies exactly that', async () => {
    const plan = await pacman.plan({ all: true });
    expect(plan.changes).toEqual(
      expect.arrayContaining([
        { kind: 'upgrade', name: 'pwtest-a', arch: 'any', from: '1.0-1', to: '1.1-1' },
        { kind: 'install', name: 'pwtest-b', arch: 'any', from: null, to: '1.0-1' },
        { kind: 'install', name: 'pwtest-new', arch: 'any', from: null, to: '2.0-1' },
        { kind: 'remove', name: 'pwtest-old', arch: 'any', from: '1.0-1', to: null },
      ]),
    );
    expect(plan.changes).toHaveLength(4);
    expect(plan.unresolved).toEqual([]);
    const result = await pacman.apply(plan, { timeoutMs: 120_000 });
    expect(result.ok).toBe(true);
    const installed = new Map((await pacman.listInstalled()).map((p) => [p.name, p.version]));
    expect(Object.fromEntries(installed)).toEqual({ 'pwtest-a': '1.1-1', 'pwtest-b': '1.0-1', 'pwtest-new': '2.0-1' });
  });

  it('says up front that a conflict with an installed package makes pacman refuse the upgrade', async () => {
    await repo.add([await repo.build({ name: 'pwtest-c', version: '1.0-1' })]);
    await repo.pacman(['-Syy', '--noconfirm']);
    await repo.pacman(['-S', '--noconfirm', '--', 'pwtest-c']);
    await repo.add([await repo.build({ name: 'pwtest-a', version: '1.2-1', depends: ['pwtest-b'], conflicts: ['pwtest-c'] })]);
    await repo.pacman(['-Syy', '--noconfirm']);
    const plan = await pacman.plan({ all: true });
    expect(plan.changes).toEqual([{ kind: 'upgrade', name: 'pwtest-a', arch: 'any', from: '1.1-1', to: '1.2-1' }]);
    expect(plan.unresolved).toEqual([
      {
        name: 'pwtest-a',
        code: 'E_PKG_CONFLICT',
        message: 'pwtest-a 1.2-1 conflicts with the installed pwtest-c: pacman -Su --noconfirm will not remove it and refuses the whole upgrade',
      },
    ]);
  });
});
