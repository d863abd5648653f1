import { ConfigError } from '../../config/config-error.js';
import { loadConfig, requireServerUrl } from '../../config/load.js';
import { createLogger } from '../../log/logger.js';
import { runAgent } from '../../runtime/run-agent.js';
import { parseCommandArgs } from '../args.js';
import { EXIT, type CliIO } from '../io.js';

/** Signals that stop the agent cleanly (finish or journal the running job, close the socket). */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGBREAK'];

export async function runCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(
    'run',
    args,
    {
      config: { type: 'string' },
      'server-url': { type: 'string' },
      'enroll-token': { type: 'string' },
      'state-dir': { type: 'string' },
      'inventory-interval': { type: 'string' },
      'log-level': { type: 'string' },
      tag: { type: 'string', multiple: true },
      simulate: { type: 'string' },
      'server-key': { type: 'string' },
      'server-fingerprint': { type: 'string' },
    },
    { min: 0, max: 0 },
  );
  const config = loadConfig({
    flags: {
      config: values.config,
      serverUrl: values['server-url'],
      enrollToken: values['enroll-token'],
      stateDir: values['state-dir'],
      inventoryInterval: values['inventory-interval'],
      logLevel: values['log-level'],
      tags: values.tag,
      simulate: values.simulate,
      serverKey: values['server-key'],
      serverFingerprint: values['server-fingerprint'],
    },
    env: io.env,
    platform: io.platform,
    cwd: io.cwd,
  });
  requireServerUrl(config);
  const log = createLogger({ level: config.logLevel });
  log.info({ configFile: config.configFile.path, configFound: config.configFile.found, stateDir: config.stateDir, sources: config.sources }, 'configuration loaded');
  const controller = new AbortController();
  // `on`, not `once`: execa's signal-exit re-raises a signal that no other listener handles, which
  // would kill the agent in the middle of a clean stop. A second signal forces the exit.
  const stop = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      log.warn({ signal }, 'second signal; exiting without waiting');
      process.exit(1);
    }
    log.info({ signal }, 'signal received; stopping');
    controller.abort(new Error(`stopped by ${signal}`));
  };
  // SIGBREAK: the Windows service wrapper stops the agent with CTRL_BREAK (Node raises SIGBREAK);
  // on other systems the signal does not exist and the listener is inert.
  for (const signal of STOP_SIGNALS) process.on(signal, stop);
  // A bug must not kill the agent silently: log it (synchronously, so the line survives) and exit
  // non-zero so that the service manager restarts it.
  const crash = (err: unknown) => {
    log.fatal({ err }, 'uncaught error; exiting');
    process.exit(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  try {
    await runAgent(config, log, controller.signal);
    return EXIT.ok;
  } catch (err) {
    if (controller.signal.aborted) return EXIT.ok;
    // Configuration problems are printed by main() as one clear line; anything else is logged in full.
    if (!(err instanceof ConfigError)) log.fatal({ err }, 'agent stopped on an error');
    throw err;
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, stop);
    process.off('uncaughtException', crash);
    process.off('unhandledRejection', crash);
  }
}
