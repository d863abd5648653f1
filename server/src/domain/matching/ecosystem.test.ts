import type { DeviceFacts } from '@patchwave/shared';
import { describe, expect, it } from 'vitest';
import { deviceEcosystem, normalizeOsvEcosystem } from './ecosystem.js';

const os = (id: string, release: string): DeviceFacts['os'] => ({ platform: 'linux', distro: id, release, id, kernel: '6.1', arch: 'x86_64' });

describe('normalizeOsvEcosystem', () => {
  it.each([
    ['Debian:12', 'Debian:12', 'dpkg'],
    ['Debian', 'Debian:*', 'dpkg'],
    ['Ubuntu:14.04:LTS', 'Ubuntu:14.04', 'dpkg'],
    ['Ubuntu:23.10', 'Ubuntu:23.10', 'dpkg'],
    ['Ubuntu:Pro:18.04:LTS', 'Ubuntu:Pro:18.04', 'dpkg'],
    ['Ubuntu:Pro:FIPS-updates:22.04:LTS', 'Ubuntu:Pro:FIPS-updates:22.04', 'dpkg'],
    ['Alpine:v3.20', 'Alpine:v3.20', 'apk'],
    ['Alpine:3.16', 'Alpine:v3.16', 'apk'],
    ['Red Hat:enterprise_linux:9::appstream', 'Red Hat:enterprise_linux:9', 'rpm'],
    ['Red Hat:enterprise_linux:9::baseos', 'Red Hat:enterprise_linux:9', 'rpm'],
    ['Red Hat:enterprise_linux:10.0', 'Red Hat:enterprise_linux:10', 'rpm'],
    ['Red Hat:rhel_aus:8.4::appstream', 'Red Hat:rhel_aus:8.4', 'rpm'],
    ['Red Hat', 'Red Hat:*', 'rpm'],
    ['Rocky Linux:9', 'Rocky Linux:9', 'rpm'],
    ['AlmaLinux:8', 'AlmaLinux:8', 'rpm'],
    ['AlmaLinux', 'AlmaLinux:*', 'rpm'],
    ['SUSE:Linux Enterprise Server 15 SP5', 'SUSE:SLE:15 SP5', 'rpm'],
    ['SUSE:Linux Enterprise Server 15 SP5-LTSS', 'SUSE:SLE:15 SP5', 'rpm'],
    ['SUSE:Linux Enterprise Module for Basesystem 15 SP5', 'SUSE:SLE:15 SP5', 'rpm'],
    ['SUSE:Linux Enterprise Server 12', 'SUSE:SLE:12', 'rpm'],
    ['SUSE:Linux Enterprise Micro 5.5', 'SUSE:Linux Enterprise Micro 5.5', 'rpm'],
    ['openSUSE:Leap 15.5', 'openSUSE:Leap 15.5', 'rpm'],
    ['Wolfi', 'Wolfi:*', 'apk'],
  ])('%s → %s (%s)', (raw, key, scheme) => {
    expect(normalizeOsvEcosystem(raw)).toMatchObject({ key, scheme });
  });

  it.each(['npm', 'PyPI', 'Go', 'crates.io', 'Maven:https://maven.google.com', 'Ubuntu:trusty', 'Debian:sid', ''])('%j is not an OS ecosystem agents report', (raw) => {
    expect(normalizeOsvEcosystem(raw)).toBeNull();
  });
});

describe('deviceEcosystem', () => {
  it.each([
    ['debian', '12', ['Debian:12', 'Debian:*'], 'source'],
    ['debian', '12.5', ['Debian:12', 'Debian:*'], 'source'],
    ['ubuntu', '22.04', ['Ubuntu:22.04', 'Ubuntu:*'], 'source'],
    ['alpine', '3.20.3', ['Alpine:v3.20', 'Alpine:*'], 'source'],
    ['rhel', '9.4', ['Red Hat:enterprise_linux:9', 'Red Hat:*'], 'binary-or-source'],
    ['rocky', '9.3', ['Rocky Linux:9', 'Rocky Linux:*'], 'source'],
    ['almalinux', '8.10', ['AlmaLinux:8', 'AlmaLinux:*'], 'source'],
    ['sles', '15.5', ['SUSE:SLE:15 SP5', 'SUSE:*'], 'source'],
    ['sles', '15', ['SUSE:SLE:15', 'SUSE:*'], 'source'],
    ['opensuse-leap', '15.5', ['openSUSE:Leap 15.5', 'openSUSE:*'], 'source'],
    ['opensuse-tumbleweed', '20240801', ['openSUSE:Tumbleweed', 'openSUSE:*'], 'source'],
    ['wolfi', '20230201', ['Wolfi:*'], 'source'],
  ])('%s %s → %j', (id, release, lookups, names) => {
    const r = deviceEcosystem(os(id, release));
    expect(r).toMatchObject({ ok: true, ecosystem: { lookups, names } });
  });

  it('adds Ubuntu Pro and Red Hat EUS streams the device is subscribed to', () => {
    expect(deviceEcosystem(os('ubuntu', '22.04'), { ubuntuPro: true })).toMatchObject({ ecosystem: { lookups: ['Ubuntu:22.04', 'Ubuntu:Pro:22.04', 'Ubuntu:*'] } });
    expect(deviceEcosystem(os('rhel', '9.4'), { redHatStreams: ['rhel_eus:9.4'] })).toMatchObject({
      ecosystem: { lookups: ['Red Hat:enterprise_linux:9', 'Red Hat:rhel_eus:9.4', 'Red Hat:*'] },
    });
  });

  it('says why an OS gets no OSV matching', () => {
    expect(deviceEcosystem(os('centos', '9'))).toEqual({ ok: false, reason: 'no OSV ecosystem for os id "centos"' });
    expect(deviceEcosystem(os('linuxmint', '21.3'))).toMatchObject({ ok: false });
    expect(deviceEcosystem({ ...os('', '10.0.22631'), platform: 'win32', id: undefined })).toEqual({ ok: false, reason: 'the device reports no os-release id' });
    expect(deviceEcosystem(os('debian', 'trixie/sid'))).toMatchObject({ ok: false, reason: 'release "trixie/sid" of debian is not a numbered release' });
  });
});
