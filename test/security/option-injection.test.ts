import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PatchwaveError } from '@patchwave/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplayCommandRunner } from '../../agent/src/exec/replay-runner.js';
import { silentLogger } from '../../agent/src/log/logger.js';
import type { HostDescription } from '../../agent/src/pkg/host.js';
import { ADAPTERS } from '../../agent/src/pkg/registry.js';

/**
 * Threat: a package name, version or advisory id that a package manager would read as an option
 * (`-oAPT::Update::Pre-Invoke::=…`, `--config=…`) or a shell would read as a command. Every adapter
 * in ADAPTERS (the list the agent itself uses, so a new adapter is covered) is asked to plan and to
 * roll back such names with a command runner that records every command and runs none: the name
 * must be refused (E_INVALID_PACKAGE_NAME) and must never appear in a command line. (A space alone
 * is no threat: commands are argument arrays, never a shell, and softwareupdate labels contain spaces.)
 */

const EVIL_NAMES = [
  '-oAPT::Update::Pre-Invoke::=touch /tmp/pwned',
  '--config=/tmp/evil.conf',
  '-y',
  '--help',
  'curl; rm -rf /',
  '$(id)',
  '`id`',
  'pkg\nother',
  'a|b',
  '../../etc/passwd',
];
const EVIL_VERSIONS = ['--force', '-1', '1.0; reboot', '$(reboot)'];

/** A host on which every tool exists, so that every adapter builds. */
const host: HostDescription = {
  platform: 'linux',
  arch: 'x64',
  osRelease: { ID: 'debian', VERSION_ID: '12' },
  executables: new Set(['apt-get', 'dpkg', 'dpkg-query', 'dnf', 'yum', 'rpm', 'zypper', 'pacman', 'apk', 'brew', 'softwareupdate', 'winget', 'choco', 'powershell', 'pwsh']),
  uid: 0,
};

let stateDir: string;
beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'patchwave-injection-'));
});
afterAll(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

const isRefusal = (err: unknown) => err instanceof PatchwaveError && err.code === 'E_INVALID_PACKAGE_NAME';

describe('option injection: every adapter refuses hostile names before any process starts', () => {
  const real = ADAPTERS.filter((m) => !m.explicitOnly);

  it('covers every adapter that runs a package manager', () => {
    expect(real.map((m) => m.factory.name).sort()).toEqual(['apk', 'apt', 'brew', 'choco', 'dnf', 'pacman', 'softwareupdate', 'windows-update', 'winget', 'yum', 'zypper'].sort());
  });

  for (const module of real) {
    it(`${module.factory.name}: plan and rollback refuse option-like and shell-like names and versions`, async () => {
      const exec = new ReplayCommandRunner([]);
      const pm = module.factory.create({ exec, log: silentLogger(), host, stateDir, local: {} });
      const reached = (value: string) => exec.calls.some((c) => c.args.some((a) => a.includes(value)) || c.command.includes(value));
      for (const name of EVIL_NAMES) {
        let refused = false;
        try {
          const plan = await pm.plan({ packages: [{ name }] });
          refused = plan.unresolved.some((u) => u.code === 'E_INVALID_PACKAGE_NAME') && plan.targets.every((t) => !t.includes(name));
        } catch (err) {
          refused = isRefusal(err);
        }
        expect(refused, `${module.factory.name} plan(${JSON.stringify(name)})`).toBe(true);
        expect(reached(name), `${module.factory.name} ran a command with ${JSON.stringify(name)}: ${exec.lines().join(' | ')}`).toBe(false);
      }
      for (const version of EVIL_VERSIONS) {
        let refused = false;
        try {
          const plan = await pm.plan({ packages: [{ name: 'curl', version }] });
          refused = plan.unresolved.some((u) => u.code === 'E_INVALID_PACKAGE_NAME') || plan.unresolved.length > 0;
        } catch (err) {
          refused = isRefusal(err) || err instanceof Error;
        }
        expect(refused, `${module.factory.name} plan(curl=${version})`).toBe(true);
        expect(reached(version), `${module.factory.name} ran a command with ${JSON.stringify(version)}: ${exec.lines().join(' | ')}`).toBe(false);
      }
      for (const name of EVIL_NAMES.slice(0, 5)) {
        let outcome: unknown;
        try {
          outcome = await pm.rollback([{ name, version: '1.0' }], { timeoutMs: 1000 });
        } catch (err) {
          outcome = err;
        }
        const refused =
          isRefusal(outcome) ||
          (outcome instanceof Error && !reached(name)) ||
          (typeof outcome === 'object' && outcome !== null && 'packages' in outcome && (outcome as { ok: boolean; packages: { errorCode?: string }[] }).ok === false);
        expect(refused, `${module.factory.name} rollback(${JSON.stringify(name)})`).toBe(true);
        expect(reached(name), `${module.factory.name} ran a command with ${JSON.stringify(name)}: ${exec.lines().join(' | ')}`).toBe(false);
      }
    });
  }
});
