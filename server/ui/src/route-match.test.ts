import { describe, expect, it } from 'vitest';
import { matchPath } from './route-match.js';

describe('matchPath', () => {
  it('matches literal segments and decodes parameters', () => {
    expect(matchPath('/', '/')).toEqual({});
    expect(matchPath('/devices', '/devices')).toEqual({});
    expect(matchPath('/devices/:id', '/devices/a%2Fb')).toEqual({ id: 'a/b' });
    expect(matchPath('/settings/enrollment-tokens', '/settings/enrollment-tokens/')).toEqual({});
  });

  it('refuses other lengths, other literals and bad encodings', () => {
    expect(matchPath('/devices/:id', '/devices')).toBeNull();
    expect(matchPath('/devices/:id', '/devices/x/y')).toBeNull();
    expect(matchPath('/audit', '/audits')).toBeNull();
    expect(matchPath('/devices/:id', '/devices/%E0%A4%A')).toBeNull();
  });
});
