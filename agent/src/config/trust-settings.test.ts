import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { loadConfig, type ConfigInputs } from './load.js';

const FP = 'AB:CD:'.repeat(16).slice(0, 95);
const canonical = 'abcd'.repeat(16);

function inputs(over: Partial<ConfigInputs> & { file?: string } = {}): ConfigInputs {
  return { flags: over.flags ?? {}, env: over.env ?? {}, platform: 'linux', cwd: '/w', readFile: () => over.file };
}

describe('trust settings: pinned server key and TLS fingerprint', () => {
  it('takes PATCHWAVE_SERVER_KEY / PATCHWAVE_SERVER_FINGERPRINT in any common spelling and keeps them canonical', () => {
    const config = loadConfig(inputs({ env: { PATCHWAVE_SERVER_KEY: `sha256:${canonical.toUpperCase()}`, PATCHWAVE_SERVER_FINGERPRINT: FP } }));
    expect(config.serverKey).toBe(canonical);
    expect(config.serverFingerprint).toBe(canonical);
    expect(config.sources.serverKey).toBe('environment PATCHWAVE_SERVER_KEY');
  });

  it('reads them from the config file and lets flags win', () => {
    const file = JSON.stringify({ serverKey: canonical, serverFingerprint: canonical });
    expect(loadConfig(inputs({ file })).serverKey).toBe(canonical);
    expect(loadConfig(inputs({ file, flags: { serverKey: 'ef'.repeat(32) } })).serverKey).toBe('ef'.repeat(32));
  });

  it('refuses something that is not a SHA-256 fingerprint, naming where it came from', () => {
    let error: unknown;
    try {
      loadConfig(inputs({ flags: { serverFingerprint: 'deadbeef' } }));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('invalid configuration: serverFingerprint (from flag --server-fingerprint) is not a SHA-256 fingerprint (64 hex digits, colons allowed)');
  });
});
