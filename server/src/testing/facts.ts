import type { DeviceFacts, InstalledPackage, Inventory } from '@patchwave/shared';
import { DeviceFacts as DeviceFactsSchema, Inventory as InventorySchema } from '@patchwave/shared';
import type { NewDevice } from '../domain/devices/device.js';
import { hashSecret } from '../domain/secrets.js';

/** Facts of a plausible Debian host, parsed through the shared schema (defaults applied). */
export function sampleFacts(overrides: Partial<DeviceFacts> = {}): DeviceFacts {
  return DeviceFactsSchema.parse({
    hostname: 'web-01',
    os: { platform: 'linux', distro: 'Debian GNU/Linux', release: '12', codename: 'bookworm', id: 'debian', kernel: '6.1.0-18-amd64', arch: 'x64' },
    hardware: { manufacturer: 'QEMU', model: 'Standard PC', virtual: true, cpu: { brand: 'Intel Xeon', cores: 2 }, memoryBytes: 4_294_967_296 },
    disks: [{ mount: '/', fsType: 'ext4', sizeBytes: 20_000_000_000, usedBytes: 5_000_000_000 }],
    network: [{ name: 'eth0', mac: '52:54:00:12:34:56', ipv4: ['10.0.0.5'], ipv6: [], internal: false }],
    uptimeSeconds: 3600,
    ...overrides,
  });
}

let counter = 0;

export function sampleNewDevice(overrides: Partial<NewDevice> = {}): NewDevice {
  counter += 1;
  return {
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    hostname: `host-${counter}`,
    facts: sampleFacts({ hostname: overrides.hostname ?? `host-${counter}` }),
    agentVersion: '0.1.0',
    credentialHash: hashSecret(`pwa_test_credential_${counter}_${Math.random()}`),
    enrollmentTokenId: null,
    tags: [],
    criticality: 'medium',
    enrolledAt: new Date('2026-01-01T00:00:00.000Z'),
    ...overrides,
  };
}

/** `count` apt packages named `pkg-00001`…, version `1.0-<n>`. */
export function samplePackages(count: number, version = (i: number) => `1.0-${i}`): InstalledPackage[] {
  return Array.from({ length: count }, (_, i) => ({
    manager: 'apt' as const,
    name: `pkg-${String(i + 1).padStart(5, '0')}`,
    version: version(i + 1),
    arch: 'amd64',
    source: { name: `src-${String(i + 1).padStart(5, '0')}`, version: version(i + 1) },
  }));
}

export function sampleInventory(packages: InstalledPackage[], overrides: Partial<Inventory> = {}): Inventory {
  return InventorySchema.parse({
    collectedAt: '2026-01-01T00:00:00.000Z',
    facts: sampleFacts(),
    managers: [{ name: 'apt', version: '2.6.1', ok: true }],
    packages,
    updates: [
      {
        manager: 'apt',
        name: 'openssl',
        arch: 'amd64',
        installedVersion: '3.0.11-1~deb12u1',
        candidateVersion: '3.0.11-1~deb12u2',
        security: true,
        origin: 'Debian-Security:12/stable-security',
        advisories: ['DSA-5532-1'],
        cves: ['CVE-2023-5363'],
      },
      { manager: 'apt', name: 'tzdata', arch: 'all', installedVersion: '2024a-0+deb12u1', candidateVersion: '2025b-0+deb12u1', security: false },
    ],
    reboot: { required: false },
    ...overrides,
  });
}
