import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRpmQuery } from '../rpmdb/rpm-query.js';
import { featureBlock } from './feature-file.js';
import { mergeUpdates } from './merge-updates.js';
import { parseRpmRun } from './parse-apply.js';
import { parseCheckUpdate } from './parse-check-update.js';
import { parseNeedsRestarting } from './parse-needs-restarting.js';
import { parseRepoquery } from './parse-repoquery.js';
import { parseTransaction } from './parse-transaction.js';
import { parseDnf5AdvisoryJson, parseUpdateinfoList } from './parse-updateinfo.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseCheckUpdate', () => {
  it('reads yum check-update on EL7, epochs included', () => {
    const { value, problems } = parseCheckUpdate(fixture('yum-check-update.el7.txt'));
    expect(problems).toEqual([]);
    expect(value).toHaveLength(5);
    expect(value[0]).toEqual({ name: 'selinux-policy', arch: 'noarch', evr: '3.13.1-102.el7_3.16', repo: 'rhui-rhel-7-server-rhui-rpms' });
    expect(value.find((c) => c.name === 'tcpdump')).toEqual({ name: 'tcpdump', arch: 'x86_64', evr: '14:4.9.2-3.el7', repo: 'rhui-rhel-7-server-rhui-rpms' });
    expect(value.find((c) => c.name === 'libgcc')?.arch).toBe('i686');
  });

  it('reads the real dnf4 check-update capture, epoch and long name included', () => {
    const { value, problems } = parseCheckUpdate(fixture('dnf4-check-update.debian12.txt'));
    expect(problems).toEqual([]);
    expect(value.map((c) => `${c.name}.${c.arch} ${c.evr}`)).toEqual([
      'pwtest-a-very-long-package-name-that-wraps-the-table-columns.noarch 1.1-1',
      'pwtest-bar.noarch 1:2.1-1',
      'pwtest-broken.noarch 1.1-1',
      'pwtest-foo.noarch 1.1-1',
      'pwtest-postfail.noarch 1.1-1',
    ]);
  });

  it('reads tdnf list updates (Azure Linux 3), keeping every row as printed', () => {
    const { value, problems } = parseCheckUpdate(fixture('tdnf-list-updates.azurelinux3.txt'));
    expect(problems).toEqual([]);
    expect(value).toHaveLength(12);
    expect(value.filter((c) => c.name === 'python3').map((c) => c.evr)).toEqual(['3.12.3-2.azl3', '3.12.3-5.azl3', '3.12.3-6.azl3', '3.12.3-4.azl3']);
  });

  it('reads the check-upgrade rows from the ci-dnf-stack expectations', () => {
    const feature = fixture('ci-dnf-stack.check-update.feature.txt');
    const rows = feature
      .split('\n')
      .filter((l) => l.includes('Then stdout contains "glibc'))
      .map((l) => /"(.+)"/.exec(l)?.[1]?.replace(/\\s\+/g, '   ') ?? '')
      .join('\n');
    const { value, problems } = parseCheckUpdate(rows);
    expect(problems).toEqual([]);
    expect(value.map((c) => c.name)).toEqual(['glibc', 'glibc-common', 'glibc-all-langpacks']);
  });

  it('joins a row that yum wrapped after a long name', () => {
    // yum's fmtColumns puts a name longer than its column on a line of its own and the rest,
    // indented, below. This is the el7 capture with its first row split that way.
    const text = fixture('yum-check-update.el7.txt').replace(
      'selinux-policy.noarch                                              3.13.1',
      'selinux-policy.noarch\n                                                   3.13.1',
    );
    const { value, problems } = parseCheckUpdate(text);
    expect(problems).toEqual([]);
    expect(value[0]).toEqual({ name: 'selinux-policy', arch: 'noarch', evr: '3.13.1-102.el7_3.16', repo: 'rhui-rhel-7-server-rhui-rpms' });
    expect(value).toHaveLength(5);
  });

  it('stops at Obsoleting Packages and skips yum plugin chatter', () => {
    const text = `Loaded plugins: langpacks, product-id\n${fixture('yum-check-update.el7.txt')}Obsoleting Packages\ngrub2.x86_64   1:2.02-0.65.el7_4.2   rhel-7\n    grub2.x86_64   1:2.02-0.64.el7   @anaconda\n`;
    const { value, problems } = parseCheckUpdate(text);
    expect(problems).toEqual([]);
    expect(value.map((c) => c.name)).not.toContain('grub2');
  });

  it('reports malformed and truncated rows with their line and keeps the rest', () => {
    const truncated = fixture('yum-check-update.el7.txt').slice(0, -30);
    const { value, problems } = parseCheckUpdate(truncated);
    expect(value).toHaveLength(4);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.line).toBe(6);
    expect(parseCheckUpdate('this is not\na table at all\n').problems).toHaveLength(2);
    expect(parseCheckUpdate('')).toEqual({ value: [], problems: [] });
  });
});

describe('parseRepoquery', () => {
  it('reads the real dnf4 repoquery capture with epochs', () => {
    const { value, problems } = parseRepoquery(fixture('dnf4-repoquery-upgrades.debian12.txt'));
    expect(problems).toEqual([]);
    expect(value).toHaveLength(5);
    expect(value.find((c) => c.name === 'pwtest-bar')).toEqual({ name: 'pwtest-bar', arch: 'noarch', evr: '1:2.1-1', repo: 'pwlocal' });
  });

  it('rejects rows that are not six tab-separated fields', () => {
    const { value, problems } = parseRepoquery('foo\t0\t1.0\t1\tnoarch\nbar 0 1.0 1 x86_64 repo\n');
    expect(value).toEqual([]);
    expect(problems.map((p) => p.line)).toEqual([1, 2]);
  });
});

describe('parseUpdateinfoList', () => {
  it('reads yum list-sec on RHEL 6: severity, epoch inside the NEVRA', () => {
    const { value, problems } = parseUpdateinfoList(fixture('yum-list-sec.rhel6.txt'));
    expect(problems).toEqual([]);
    expect(value).toHaveLength(26);
    expect(value[0]).toEqual({
      id: 'RHSA-2013:0550',
      type: 'security',
      severity: 'moderate',
      nevra: { name: 'bind-libs', epoch: '32', version: '9.8.2', release: '0.17.rc1.el6.3', arch: 'x86_64' },
    });
    expect(value.filter((e) => e.severity === 'important')).toHaveLength(10);
  });

  it('reads dnf4 updateinfo list, list all (installed marker) and the -v date column', () => {
    const feature = fixture('ci-dnf-stack.dnf4.updateinfo.feature.txt');
    const list = parseUpdateinfoList(featureBlock(feature, 'Scenario: Listing available updates'));
    expect(list.problems).toEqual([]);
    expect(list.value.map((e) => [e.id, e.type, e.nevra.name])).toEqual([
      ['FEDORA-2999:002-02', 'enhancement', 'flac'],
      ['FEDORA-2018-318f184000', 'bugfix', 'glibc'],
    ]);
    const all = parseUpdateinfoList(featureBlock(feature, 'Scenario: updateinfo list all security'));
    expect(all.value).toEqual([
      { id: 'FEDORA-2018-318f184113', type: 'security', severity: 'moderate', installed: true, nevra: { name: 'CQRlib', epoch: '', version: '1.1.2', release: '16.fc29', arch: 'x86_64' } },
    ]);
    expect(parseUpdateinfoList(featureBlock(feature, 'Scenario: updateinfo list all bugfix')).value[0]?.installed).toBe(false);
    const verbose = featureBlock(feature, 'with dates in verbose mode (DNF version)')
      .split('\n')
      .filter((l) => /^(CVE-)?2999 /.test(l))
      .join('\n');
    expect(parseUpdateinfoList(verbose).value.map((e) => e.id)).toEqual(['2999', 'CVE-2999']);
  });

  it('reads the real dnf4 captures of list --all and --with-cve', () => {
    expect(parseUpdateinfoList(fixture('dnf4-updateinfo-list-all.debian12.txt')).value).toEqual([
      { id: 'PWSA-2026:0001', type: 'security', severity: 'important', installed: false, nevra: { name: 'pwtest-foo', epoch: '', version: '1.1', release: '1', arch: 'noarch' } },
    ]);
    expect(parseUpdateinfoList(fixture('dnf4-updateinfo-list-with-cve.debian12.txt')).value[0]?.id).toBe('CVE-2026-0001');
  });

  it('skips yum chatter and reports rows it cannot read', () => {
    const { value, problems } = parseUpdateinfoList('Loaded plugins: security\nRHSA-1 Important/Sec. not-a-nevra\nupdateinfo list done\n');
    expect(value).toEqual([]);
    expect(problems).toEqual([{ line: 2, message: expect.stringContaining('not an advisory row') as string }]);
  });
});

describe('parseDnf5AdvisoryJson', () => {
  const feature = fixture('ci-dnf-stack.dnf5.advisory-json.feature.txt');

  it('reads the basic form, with custom types and severities', () => {
    const { value, problems } = parseDnf5AdvisoryJson(featureBlock(feature, 'Scenario: Listing updates in json format with custom type and severity'));
    expect(problems).toEqual([]);
    expect(value.map((e) => [e.id, e.type, e.severity])).toEqual([
      ['FEDORA-2019-57b5902ed1', 'security', 'critical'],
      ['FEDORA-2022-2222222222', 'custom_type', 'unspecified'],
      ['FEDORA-2022-2222222223', 'security', 'unspecified'],
      ['FEDORA-2022-2222222224', 'custom_type', 'critical'],
      ['FEDORA-2019-f4eb34cf4c', 'security', 'moderate'],
    ]);
  });

  it('reads the extended form with references', () => {
    const { value } = parseDnf5AdvisoryJson(featureBlock(feature, 'Scenario: Listing available updates referencing bugizilla in json format'));
    expect(value).toEqual([
      {
        id: 'FEDORA-2018-318f184000',
        type: 'bugfix',
        severity: 'unspecified',
        cves: [],
        nevra: { name: 'glibc', epoch: '', version: '2.28', release: '26.fc29', arch: 'x86_64' },
      },
    ]);
  });

  it('reads an empty list, and reports non-JSON and wrong shapes', () => {
    expect(parseDnf5AdvisoryJson(featureBlock(feature, "Scenario: Listing updates in json format (when there's nothing to report)"))).toEqual({ value: [], problems: [] });
    expect(parseDnf5AdvisoryJson('[{"name":"X"').problems[0]?.message).toMatch(/not JSON/);
    expect(parseDnf5AdvisoryJson('{"upgrades":[]}').problems[0]?.message).toMatch(/array/);
    expect(parseDnf5AdvisoryJson('[{"name":"X","type":"security","nevra":"nope"}]').problems).toHaveLength(1);
  });
});

describe('parseTransaction', () => {
  it('reads the real dnf4 --assumeno table: upgrades, epoch, a new dependency', () => {
    const { value, problems } = parseTransaction(fixture('dnf4-assumeno-upgrade.debian12.txt'));
    expect(problems).toEqual([]);
    expect(value.resolved).toBe(true);
    expect(value.rows.map((r) => `${r.kind} ${r.name} ${r.evr}`)).toEqual([
      'upgrade pwtest-a-very-long-package-name-that-wraps-the-table-columns 1.1-1',
      'upgrade pwtest-bar 1:2.1-1',
      'upgrade pwtest-broken 1.1-1',
      'upgrade pwtest-foo 1.1-1',
      'upgrade pwtest-postfail 1.1-1',
      'install pwtest-dep 1.0-1',
    ]);
  });

  it('lists an obsoleted package (`replacing`) as a removal, next to the upgrade and the new dependency', () => {
    const { value, problems } = parseTransaction(fixture('dnf4-assumeno-upgrade-obsoletes.debian12.txt'));
    expect(problems).toEqual([]);
    expect(value.rows).toEqual([
      { kind: 'upgrade', name: 'pwtest-a', arch: 'noarch', evr: '1.1-1', repo: 'pwlocal' },
      { kind: 'remove', name: 'pwtest-old', arch: 'noarch', evr: '1.0-1', repo: '@System' },
      { kind: 'install', name: 'pwtest-b', arch: 'noarch', evr: '1.0-1', repo: 'pwlocal' },
    ]);
  });

  it('reads the table at the head of a real apply output', () => {
    const { value } = parseTransaction(fixture('dnf4-install-prein-failure.debian12.txt'));
    expect(value.rows).toEqual([{ kind: 'upgrade', name: 'pwtest-broken', arch: 'noarch', evr: '1.1-1', repo: 'pwlocal' }]);
  });

  it('reads dnf5 tables: `new <- old` cells, replacing rows, wrapped names, skipped packages', () => {
    // Row layout as libdnf5-cli/output/transaction_table.cpp prints it (columns Package, Arch,
    // Version, Repository, Size; `<-` joins new and old values on wide terminals; obsoleted
    // packages get a ` replacing` child row). Values are made up; the layout is dnf5's.
    const text = [
      'Updating and loading repositories:',
      'Repositories loaded.',
      'Package                     Arch   Version                          Repository      Size',
      'Upgrading:',
      ' glibc                      x86_64 2.40-3.fc41      <- 2.40-1.fc41  updates      6.7 MiB',
      ' kernel-core                x86_64 0:6.11.4-301.fc41               updates     66.2 MiB',
      '   replacing kernel-headers x86_64 6.10.0-1.fc41                   @System      6.4 MiB',
      'Installing dependencies:',
      ' a-very-long-package-name-that-does-not-fit-the-column',
      '                            noarch 1.0-1.fc41                       fedora       4.0 KiB',
      'Removing:',
      ' oldpkg                     x86_64 1:0.9-3.fc40                     @System     12.0 KiB',
      '',
      'Transaction Summary:',
      ' Upgrading:          2 packages',
    ].join('\n');
    const { value, problems } = parseTransaction(text);
    expect(problems).toEqual([]);
    expect(value.rows).toEqual([
      { kind: 'upgrade', name: 'glibc', arch: 'x86_64', evr: '2.40-3.fc41', repo: 'updates', from: '2.40-1.fc41' },
      { kind: 'upgrade', name: 'kernel-core', arch: 'x86_64', evr: '6.11.4-301.fc41', repo: 'updates' },
      { kind: 'remove', name: 'kernel-headers', arch: 'x86_64', evr: '6.10.0-1.fc41', repo: '@System' },
      { kind: 'install', name: 'a-very-long-package-name-that-does-not-fit-the-column', arch: 'noarch', evr: '1.0-1.fc41', repo: 'fedora' },
      { kind: 'remove', name: 'oldpkg', arch: 'x86_64', evr: '1:0.9-3.fc40', repo: '@System' },
    ]);
  });

  it('says when there was nothing to do, and tolerates garbage inside the table', () => {
    expect(parseTransaction('Dependencies resolved.\nNothing to do.\nComplete!\n').value).toEqual({ rows: [], skipped: [], nothingToDo: true, resolved: false });
    const broken = fixture('dnf4-assumeno-upgrade.debian12.txt').replace(' pwtest-foo ', ' pwtest-foo ??? ');
    const { value, problems } = parseTransaction(broken);
    expect(value.rows).toHaveLength(5);
    expect(problems).toHaveLength(1);
  });
});

describe('parseRpmRun', () => {
  it('names the failed %pre scriptlet of the real capture', () => {
    const { value } = parseRpmRun(fixture('dnf4-install-prein-failure.debian12.txt'));
    expect(value.errorCode).toBe('E_PKG_SCRIPT_FAILED');
    expect(value.scriptlets).toEqual([{ name: 'pwtest-broken', scriptlet: 'PREIN', fatal: true, message: expect.stringContaining('pwtest pre failure') as string }]);
    expect(value.complete).toBe(false);
  });

  it('names the failed %post scriptlet even though dnf said Complete!', () => {
    const { value } = parseRpmRun(fixture('dnf4-install-postin-failure.debian12.txt'));
    expect(value.complete).toBe(true);
    expect(value.scriptlets).toEqual([{ name: 'pwtest-postfail', scriptlet: 'POSTIN', fatal: false, message: expect.stringContaining('%post(pwtest-postfail') as string }]);
  });

  it('classifies locks, downloads, conflicts and unmatched arguments', () => {
    expect(parseRpmRun('Another app is currently holding the yum lock; waiting for it to exit...').value.errorCode).toBe('E_PKG_LOCKED');
    expect(parseRpmRun('Error: Failed to download metadata for repo \'baseos\': Cannot download repomd.xml').value.errorCode).toBe('E_PKG_DOWNLOAD_FAILED');
    expect(parseRpmRun('Error: \n Problem: package a-1-1.x86_64 requires b, but none of the providers can be installed').value.errorCode).toBe('E_PKG_CONFLICT');
    const nf = parseRpmRun('No match for argument: nonexist\nPackage pwtest-dep available, but not installed.\nError: No packages marked for upgrade.\n').value;
    expect(nf.errorCode).toBe('E_PKG_NOT_FOUND');
    expect(nf.notFound).toEqual(['nonexist', 'pwtest-dep']);
    expect(parseRpmRun('Warning: %post(foo-1.0-1.x86_64) scriptlet failed, exit status 1').value.scriptlets[0]).toMatchObject({ name: 'foo', scriptlet: 'POSTIN', fatal: false });
  });
});

describe('parseNeedsRestarting', () => {
  it('reads dnf5 and tdnf texts, and the yum-utils `name -> version` list', () => {
    expect(parseNeedsRestarting(fixture('dnf5-needs-restarting.reboot-required.txt')).value).toEqual({
      required: true,
      reasons: ['core libraries or services updated since boot: glibc', 'Reboot is required to fully utilize these updates.'],
      packages: ['glibc'],
    });
    expect(parseNeedsRestarting(fixture('tdnf-needs-restarting-r.azurelinux3.txt')).value.packages).toEqual(['kernel']);
    const el7 = parseNeedsRestarting(fixture('yum-needs-restarting-r.el7.reboot-required.txt'));
    expect(el7.problems).toEqual([]);
    expect(el7.value.packages).toEqual(['kernel', 'glibc', 'dbus', 'linux-firmware', 'openssl-libs', 'systemd', 'gnutls']);
  });

  it('reads "no reboot" from the dnf5 expectations and says unknown for a missing plugin', () => {
    const feature = fixture('ci-dnf-stack.dnf5.needs-restarting.feature.txt');
    expect(parseNeedsRestarting(featureBlock(feature, 'Scenario: Update non-core packages only', 1)).value).toEqual({ required: false, reasons: [], packages: [] });
    const missing = parseNeedsRestarting(fixture('dnf4-needs-restarting-missing-plugin.debian12.txt'));
    expect(missing.value.required).toBe('unknown');
    expect(missing.problems).toHaveLength(1);
    expect(parseNeedsRestarting('')).toEqual({ value: { required: 'unknown', reasons: [], packages: [] }, problems: [] });
  });
});

describe('parseRpmQuery', () => {
  it('reads the real rpm -qa capture: epoch, source package', () => {
    const { value, problems } = parseRpmQuery(fixture('rpm-qa.debian12.txt'), 'dnf');
    expect(problems).toEqual([]);
    expect(value.find((p) => p.name === 'pwtest-bar')).toEqual({ manager: 'dnf', name: 'pwtest-bar', version: '1:2.0-1', arch: 'noarch', source: { name: 'pwtest-bar', version: '1:2.0-1' } });
  });

  it('skips gpg-pubkey, keeps the newest of several kernels, reports malformed lines', () => {
    const text = [
      'gpg-pubkey\t(none)\tfd431d51\t4ae0493b\t(none)\t(none)',
      'kernel-core\t(none)\t5.14.0\t362.8.1.el9_3\tx86_64\tkernel-5.14.0-362.8.1.el9_3.src.rpm',
      'kernel-core\t(none)\t5.14.0\t427.13.1.el9_4\tx86_64\tkernel-5.14.0-427.13.1.el9_4.src.rpm',
      'kernel-core\t(none)\t5.14.0\t70.13.1.el9_0\tx86_64\tkernel-5.14.0-70.13.1.el9_0.src.rpm',
      'garbage line',
    ].join('\n');
    const { value, problems } = parseRpmQuery(text, 'dnf');
    expect(value).toEqual([{ manager: 'dnf', name: 'kernel-core', version: '5.14.0-427.13.1.el9_4', arch: 'x86_64', source: { name: 'kernel', version: '5.14.0-427.13.1.el9_4' } }]);
    expect(problems).toEqual([{ line: 5, message: expect.stringContaining('expected 6') as string }]);
  });
});

describe('mergeUpdates', () => {
  it('marks the update an advisory covers as security with its severity and CVE, the others not', () => {
    const installed = parseRpmQuery(fixture('rpm-qa.debian12.txt'), 'dnf').value;
    const candidates = parseRepoquery(fixture('dnf4-repoquery-upgrades.debian12.txt')).value;
    const updates = mergeUpdates({
      manager: 'dnf',
      installed,
      candidates,
      advisories: parseUpdateinfoList(fixture('dnf4-updateinfo-list-all.debian12.txt')).value,
      cveEntries: parseUpdateinfoList(fixture('dnf4-updateinfo-list-with-cve.debian12.txt')).value,
      metadataPresent: true,
    });
    expect(updates.find((u) => u.name === 'pwtest-foo')).toEqual({
      manager: 'dnf',
      name: 'pwtest-foo',
      arch: 'noarch',
      installedVersion: '1.0-1',
      candidateVersion: '1.1-1',
      security: true,
      severity: 'important',
      advisories: ['PWSA-2026:0001'],
      cves: ['CVE-2026-0001'],
      origin: 'pwlocal',
    });
    expect(updates.find((u) => u.name === 'pwtest-bar')).toMatchObject({ installedVersion: '1:2.0-1', candidateVersion: '1:2.1-1', security: false, advisories: [] });
  });

  it('counts an advisory for an intermediate version, ignores older ones, says unknown without metadata', () => {
    const installed = [{ manager: 'dnf' as const, name: 'a', version: '1.0-1', arch: 'x86_64' }];
    const candidates = [{ name: 'a', arch: 'x86_64', evr: '1.2-1', repo: 'r' }];
    const entry = (id: string, v: string, type = 'security') => ({ id, type, severity: 'low' as const, nevra: { name: 'a', epoch: '', version: v, release: '1', arch: 'x86_64' } });
    const [u] = mergeUpdates({ manager: 'dnf', installed, candidates, advisories: [entry('OLD', '0.9'), entry('MID', '1.1'), entry('NEW', '1.3')], cveEntries: [], metadataPresent: true });
    expect(u?.advisories).toEqual(['MID']);
    const [v] = mergeUpdates({ manager: 'dnf', installed, candidates, advisories: [], cveEntries: [], metadataPresent: false });
    expect(v?.security).toBe('unknown');
  });
});

describe('every dnf parser is total', () => {
  const parsers = [
    (t: string) => parseCheckUpdate(t),
    (t: string) => parseRepoquery(t),
    (t: string) => parseUpdateinfoList(t),
    (t: string) => parseDnf5AdvisoryJson(t),
    (t: string) => parseTransaction(t),
    (t: string) => parseRpmRun(t),
    (t: string) => parseNeedsRestarting(t),
    (t: string) => parseRpmQuery(t, 'dnf'),
  ];
  const samples = [
    fixture('dnf4-assumeno-upgrade.debian12.txt'),
    fixture('yum-check-update.el7.txt'),
    fixture('yum-list-sec.rhel6.txt'),
    fixture('rpm-qa.debian12.txt'),
    fixture('ci-dnf-stack.dnf5.advisory-json.feature.txt'),
  ];

  it('never throws on random text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        for (const parse of parsers) parse(text);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on captured output cut or spliced at random points', () => {
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.nat(), fc.nat(), fc.string({ maxLength: 20 }), (text, a, b, junk) => {
        const i = a % (text.length + 1);
        const j = b % (text.length + 1);
        const mutated = text.slice(0, Math.min(i, j)) + junk + text.slice(Math.max(i, j));
        for (const parse of parsers) parse(mutated);
      }),
      { numRuns: 300 },
    );
  });
});
