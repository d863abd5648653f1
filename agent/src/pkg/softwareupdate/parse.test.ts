import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseApplications, parseInstallOutput, parseSoftwareUpdateList, parseSoftwareUpdates, parseSwVers } from './parse.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseSoftwareUpdateList on the captures', () => {
  it('reads the macOS 26 (Tahoe) offer: TAB-indented detail, KiB sizes, trailing ", "', () => {
    const { value, problems } = parseSoftwareUpdateList(fixture('softwareupdate-list.macos-tahoe-26.6-offer.txt'));
    expect(problems).toEqual([]);
    expect(value).toEqual([
      { label: 'macOS Tahoe 26.6-25G72', title: 'macOS Tahoe 26.6', version: '26.6', sizeKiB: 3829595, recommended: true, restart: true, shutdown: false, layout: '10.15+' },
    ]);
  });

  it('reads the 10.15 layout: restart, shut down, no action, and a not-recommended "-" entry', () => {
    const { value, problems } = parseSoftwareUpdateList(fixture('softwareupdate-l.catalina-10.15.salt.txt'));
    expect(problems).toEqual([]);
    expect(value.map((u) => [u.label, u.title, u.version, u.sizeKiB, u.recommended, u.restart, u.shutdown])).toEqual([
      ['Command Line Tools beta 5 for Xcode-11.0', 'Command Line Tools beta 5 for Xcode', '11.0', 224804, true, false, false],
      ['macOS Catalina Developer Beta-6', 'macOS Catalina Public Beta', '5', 3084292, true, true, false],
      ['BridgeOSUpdateCustomer', 'BridgeOSUpdateCustomer', '10.15.0.1.1.1560926689', 390674, true, false, true],
      ['iCal-1.0.2', 'iCal', '1.0.2', 6520, false, false, false],
    ]);
  });

  it('reads the pre-10.15 layout, including titles with parentheses of their own', () => {
    const { value, problems } = parseSoftwareUpdateList(fixture('softwareupdate-l.mojave-10.14.salt.txt'));
    expect(problems).toEqual([]);
    expect(value.map((u) => [u.label, u.title, u.version, u.sizeKiB, u.recommended, u.restart, u.shutdown, u.layout])).toEqual([
      ['Command Line Tools (macOS Mojave version 10.14) for Xcode-10.3', 'Command Line Tools (macOS Mojave version 10.14) for Xcode', '10.3', 199140, true, false, false, 'pre-10.15'],
      ['macOS 10.14.1 Update', 'macOS 10.14.1 Update', '10.14.1', 199140, true, true, false, 'pre-10.15'],
      ['BridgeOSUpdateCustomer', 'BridgeOSUpdateCustomer', '10.14.4.1.1.1555388607', 328394, true, false, true, 'pre-10.15'],
      ['iCal-1.0.2', 'iCal', '1.0.2', 6520, false, false, false, 'pre-10.15'],
    ]);
  });

  it('keeps the trailing space of a label byte for byte', () => {
    const { value, problems } = parseSoftwareUpdateList(fixture('softwareupdate-l.mojave-trailing-space-label.salt.txt'));
    expect(problems).toEqual([]);
    expect(value).toHaveLength(1);
    expect(value[0]?.label).toBe('macOS Mojave 10.14.6 Supplemental Update- ');
    expect(value[0]).toMatchObject({ title: 'macOS Mojave 10.14.6 Supplemental Update', version: '', restart: true });
  });
});

describe('parseSoftwareUpdateList on other input', () => {
  it('reads "No new software available." (stderr) as no updates', () => {
    expect(parseSoftwareUpdateList('Software Update Tool\n\nFinding available software\nNo new software available.\n')).toEqual({ value: [], problems: [] });
    expect(parseSoftwareUpdateList('')).toEqual({ value: [], problems: [] });
  });

  it('keeps a label whose detail line was cut off, and says so', () => {
    const text = fixture('softwareupdate-l.catalina-10.15.salt.txt').split('\n').slice(0, 9).join('\n');
    const { value, problems } = parseSoftwareUpdateList(text);
    expect(value.map((u) => [u.label, u.version])).toEqual([
      ['Command Line Tools beta 5 for Xcode-11.0', '11.0'],
      ['macOS Catalina Developer Beta-6', '5'],
      ['BridgeOSUpdateCustomer', ''],
    ]);
    expect(problems).toEqual([{ line: 9, message: 'label "BridgeOSUpdateCustomer" has no detail line' }]);
  });

  it('reports lines it cannot place', () => {
    const { problems } = parseSoftwareUpdateList('Software Update Tool\nsomething odd\n   * Label-1\n    no version here\n');
    expect(problems.map((p) => p.line)).toEqual([2, 4]);
  });

  it('marks only Apple-titled security updates as security; everything else is unknown', () => {
    const text = [
      'Software Update found the following new or updated software:',
      '* Label: Security Update 2021-005 Catalina-10.15.7',
      '\tTitle: Security Update 2021-005 Catalina, Version: 10.15.7, Size: 2107011K, Recommended: YES, Action: restart,',
      '* Label: Safari15.0CatalinaAuto-15.0',
      '\tTitle: Safari, Version: 15.0, Size: 71983K, Recommended: YES,',
    ].join('\n');
    expect(parseSoftwareUpdates(text).value.map((u) => [u.name, u.security, u.rebootRequired])).toEqual([
      ['Security Update 2021-005 Catalina-10.15.7', true, true],
      ['Safari15.0CatalinaAuto-15.0', 'unknown', false],
    ]);
  });
});

describe('parseSwVers, parseApplications, parseInstallOutput', () => {
  it('reads sw_vers', () => {
    expect(parseSwVers('ProductName:\t\tmacOS\nProductVersion:\t\t14.5\nBuildVersion:\t\t23F79\n')).toEqual({ productName: 'macOS', productVersion: '14.5', buildVersion: '23F79' });
    expect(parseSwVers('')).toEqual({});
  });

  it('reads system_profiler SPApplicationsDataType JSON (built from its documented keys; no capture exists)', () => {
    const json = JSON.stringify({
      SPApplicationsDataType: [
        { _name: 'Safari', arch_kind: 'arch_arm_i64', lastModified: '2024-05-13T08:00:00Z', obtained_from: 'apple', path: '/Applications/Safari.app', version: '17.5' },
        { _name: 'Visual Studio Code', arch_kind: 'arch_arm', obtained_from: 'identified_developer', path: '/Applications/Visual Studio Code.app', version: '1.80.1' },
        { _name: 'Visual Studio Code', arch_kind: 'arch_arm', obtained_from: 'identified_developer', path: '/Users/alice/Applications/Visual Studio Code.app', version: '1.79.0' },
        { _name: 'NoVersion', path: '/Applications/NoVersion.app' },
        { version: '1.0' },
      ],
    });
    const { value, problems } = parseApplications(json);
    expect(value).toEqual([
      { manager: 'softwareupdate', name: 'Safari', version: '17.5', arch: 'universal' },
      { manager: 'softwareupdate', name: 'Visual Studio Code', version: '1.80.1', arch: 'arm64' },
      { manager: 'softwareupdate', name: 'Visual Studio Code (/Users/alice/Applications/Visual Studio Code.app)', version: '1.79.0', arch: 'arm64' },
      { manager: 'softwareupdate', name: 'NoVersion', version: '', arch: '' },
    ]);
    expect(problems).toHaveLength(1);
    expect(parseApplications('{"SPApplicationsDataType": [').problems[0]?.message).toMatch(/did not print JSON/);
    expect(parseApplications('{}').problems[0]?.message).toMatch(/no SPApplicationsDataType/);
  });

  it('reads what softwareupdate --install prints', () => {
    const text = [
      'Software Update Tool',
      '',
      'Finding available software',
      '',
      'Downloading macOS Mojave 10.14.6 Supplemental Update',
      'Downloaded macOS Mojave 10.14.6 Supplemental Update',
      'Installing macOS Mojave 10.14.6 Supplemental Update',
      'Done with macOS Mojave 10.14.6 Supplemental Update',
      'Done.',
      'You have installed one or more updates that requires that you restart your computer.  Please restart immediately.',
      'NoSuch-1.0: No such update',
    ].join('\n');
    expect(parseInstallOutput(text).value).toEqual({ done: ['macOS Mojave 10.14.6 Supplemental Update'], unknown: ['NoSuch-1.0'], errors: [], restart: true });
  });
});

describe('softwareupdate parsers on random input', () => {
  it('never throw', () => {
    const pieces = ['* Label: ', '   * ', '- ', '\t', 'Title: ', ', Version: ', ', Size: ', 'K', 'KiB', ' (', ')', '[restart]', '\n', 'x', ' '];
    const text = fc.oneof(fc.string(), fc.array(fc.constantFrom(...pieces)).map((a) => a.join('')), fc.jsonValue().map((v) => JSON.stringify(v)));
    fc.assert(
      fc.property(text, (t) => {
        parseSoftwareUpdates(t);
        parseSwVers(t);
        parseApplications(t);
        parseInstallOutput(t);
      }),
      { numRuns: 500 },
    );
  });
});
