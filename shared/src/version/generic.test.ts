import { describe, expect, it } from 'vitest';
import { compareGeneric, parseGenericVersion } from './generic.js';

/** Each list is strictly ascending under the generic scheme. */
const ASCENDING: Record<string, string[]> = {
  'pre-releases, the release, post-releases (rule 6)': [
    '1.0-dev',
    '1.0-alpha',
    '1.0a1',
    '1.0-beta',
    '1.0-beta.2',
    '1.0b3',
    '1.0-preview.1',
    '1.0-rc1',
    '1.0-rc.2',
    '1.0',
    '1.0a',
    '1.0-hotfix',
    '1.0.1',
  ],
  'Homebrew revisions (rule 3)': ['1.2.3', '1.2.3_1', '1.2.3_2', '1.2.3_10', '1.2.4'],
  'winget and Windows build numbers': ['2.43.0.windows.1', '2.44.0.windows.1', '10.0.19045.3803', '10.0.22621.2861', '10.0.22631.1'],
  'OpenSSL-style letters': ['1.1.1', '1.1.1a', '1.1.1w', '3.0.0'],
  'numbers by value, not by text': ['1.2', '1.9', '1.10', '1.100', '2'],
  'choco / NuGet pre-releases': ['2.0.0-beta', '2.0.0-beta.2', '2.0.0-beta.10', '2.0.0-rc.1', '2.0.0'],
  'macOS softwareupdate versions': ['13.6.3', '13.6.4', '14.2', '14.2.1', '14.3'],
};

describe('compareGeneric', () => {
  describe.each(Object.entries(ASCENDING))('%s', (_name, list) => {
    it.each(list.slice(0, -1).map((v, i) => [v, list[i + 1] ?? ''] as const))('%s < %s', (a, b) => {
      expect(compareGeneric(a, b)).toBe(-1);
      expect(compareGeneric(b, a)).toBe(1);
    });
  });

  it.each([
    ['1.0', '1.0.0'],
    ['1.2', '1.02'],
    ['1.2.0.0', '01.2'],
    ['v1.2', '1.2'],
    ['V1.2', ' 1.2 '],
    ['1.2.3+build.7', '1.2.3'],
    ['1.2.3+a', '1.2.3+b'],
    ['1.0-RC1', '1.0-rc1'],
    ['1.0-pre', '1.0-preview'],
    ['1.2-3', '1.2.3'],
    ['1.2.3_0', '1.2.3'],
  ])('%j equals %j', (a, b) => {
    expect(compareGeneric(a, b)).toBe(0);
    expect(compareGeneric(b, a)).toBe(0);
  });

  it('puts the empty version below everything', () => {
    expect(compareGeneric('', '0')).toBe(-1);
    expect(compareGeneric('  ', 'Unknown')).toBe(-1);
    expect(compareGeneric('', ' ')).toBe(0);
  });
});

describe('parseGenericVersion', () => {
  it('shows how a version is read', () => {
    expect(parseGenericVersion('v2.0.0-Beta.2+sha.1_3')).toEqual({
      release: ['2'],
      qualifier: [
        { kind: 'pre', rank: 2, text: 'beta' },
        { kind: 'number', digits: '2' },
      ],
      revision: '0',
      empty: false,
    });
    expect(parseGenericVersion('1.2.3_4')).toEqual({ release: ['1', '2', '3'], qualifier: [], revision: '4', empty: false });
    expect(parseGenericVersion('1.1.1w')).toEqual({ release: ['1', '1', '1'], qualifier: [{ kind: 'word', text: 'w' }], revision: '0', empty: false });
  });
});
