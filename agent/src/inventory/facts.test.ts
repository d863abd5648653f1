import { execFileSync } from 'node:child_process';
import { DeviceFacts, LIMITS } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log/logger.js';
import { collectFacts } from './facts.js';
import { mapFacts } from './facts-map.js';

describe('mapFacts', () => {
  it('keeps facts within the shared limits and drops placeholder serials', () => {
    const facts = mapFacts({
      hostname: 'h'.repeat(400),
      platform: 'linux',
      machine: 'x86_64',
      os: { distro: 'Debian GNU/Linux', release: '12', codename: 'bookworm', kernel: '6.1.0-18-amd64', fqdn: 'web1.example.com' },
      osRelease: { ID: 'debian', ID_LIKE: '' },
      system: { manufacturer: 'QEMU', model: 'Standard PC', serial: 'To Be Filled By O.E.M.', virtual: true },
      cpu: { manufacturer: 'AMD', brand: 'EPYC 7B13', cores: 2 },
      memoryBytes: 8 * 2 ** 30,
      disks: [{ mount: '/', type: 'ext4', size: 1e11, used: 5e10 }, { mount: '', type: 'tmpfs' }],
      network: [{ iface: 'eth0', mac: '52:54:00:12:34:56', ip4: '10.0.0.5', ip6: '', internal: false }],
      uptimeSeconds: 123.7,
      bootTimeMs: Date.UTC(2026, 0, 2, 3, 4, 5),
      timezone: 'Europe/Berlin',
    });
    expect(facts.hostname).toHaveLength(LIMITS.hostname);
    expect(facts.fqdn).toBe('web1.example.com');
    expect(facts.os).toEqual({ platform: 'linux', distro: 'Debian GNU/Linux', release: '12', codename: 'bookworm', id: 'debian', kernel: '6.1.0-18-amd64', arch: 'x86_64' });
    expect(facts.hardware).toEqual({ manufacturer: 'QEMU', model: 'Standard PC', virtual: true, cpu: { brand: 'AMD EPYC 7B13', cores: 2 }, memoryBytes: 8 * 2 ** 30 });
    expect(facts.disks).toEqual([{ mount: '/', fsType: 'ext4', sizeBytes: 1e11, usedBytes: 5e10 }]);
    expect(facts.network).toEqual([{ name: 'eth0', mac: '52:54:00:12:34:56', ipv4: ['10.0.0.5'], ipv6: [], internal: false }]);
    expect(facts.uptimeSeconds).toBe(123);
    expect(facts.lastBootAt).toBe('2026-01-02T03:04:05.000Z');
    expect(facts.timezone).toBe('Europe/Berlin');
  });

  it('works with nothing but the hostname (every probe failed)', () => {
    const facts = mapFacts({ hostname: 'lonely', platform: 'plan9', machine: '', uptimeSeconds: -1 });
    expect(DeviceFacts.safeParse(facts).success).toBe(true);
    expect(facts.os.platform).toBe('other');
    expect(facts.hardware.cpu).toEqual({ brand: 'unknown', cores: 0 });
    expect(facts.uptimeSeconds).toBe(0);
  });
});

describe('collectFacts on this machine', () => {
  it('reports the hostname exactly as `hostname` prints it, and the running kernel', async () => {
    const facts = await collectFacts(silentLogger());
    expect(facts.hostname).toBe(execFileSync('hostname', { encoding: 'utf8' }).trim());
    expect(facts.os.kernel).toBe(execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
    expect(facts.os.arch).toBe(execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim());
    expect(facts.hardware.memoryBytes).toBeGreaterThan(0);
    expect(facts.lastBootAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    // the boot time is read, not computed: two collections agree to the millisecond
    expect((await collectFacts(silentLogger())).lastBootAt).toBe(facts.lastBootAt);
  }, 60_000);
});
