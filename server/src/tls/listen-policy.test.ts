import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { assertListenAllowed, isLoopbackHost } from './listen-policy.js';

describe('listen policy', () => {
  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.10.0.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.2', 'patch.example.com', '128.0.0.1']) expect(isLoopbackHost(h), h).toBe(false);
  });

  it('refuses plain HTTP off loopback unless TLS or --insecure-http', () => {
    expect(() => assertListenAllowed({ host: '0.0.0.0', what: 'host' }, false, false)).toThrow(ConfigError);
    expect(() => assertListenAllowed({ host: '0.0.0.0', what: 'host' }, true, false)).not.toThrow();
    expect(() => assertListenAllowed({ host: '0.0.0.0', what: 'host' }, false, true)).not.toThrow();
    expect(() => assertListenAllowed({ host: '127.0.0.1', what: 'host' }, false, false)).not.toThrow();
  });

  it('folds the TLS, insecure-HTTP and agent-listener flags and variables into the config', () => {
    const fromFlags = loadConfig({ dataDir: '/d', tlsCert: '/c.pem', tlsKey: '/k.pem', insecureHttp: true, agentPort: '8443', agentHost: '0.0.0.0' }, {});
    expect(fromFlags).toMatchObject({ tls: { certFile: '/c.pem', keyFile: '/k.pem' }, insecureHttp: true, agentListener: { host: '0.0.0.0', port: 8443 } });
    const fromEnv = loadConfig({ dataDir: '/d' }, { PATCHWAVE_INSECURE_HTTP: '1', PATCHWAVE_AGENT_PORT: '9000' });
    expect(fromEnv).toMatchObject({ insecureHttp: true, agentListener: { host: '0.0.0.0', port: 9000 } });
    expect(() => loadConfig({ dataDir: '/d', tlsCert: '/c.pem' }, {})).toThrow(/tls.keyFile \(from flags --tls-cert\/--tls-key\)/);
    expect(loadConfig({ dataDir: '/d' }, {}).security).toMatchObject({ sessionIdleMinutes: 30, loginMaxFailures: 5, addressMaxFailures: 20 });
  });
});
