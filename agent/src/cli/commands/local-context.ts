import { loadConfig } from '../../config/load.js';
import { ExecaCommandRunner } from '../../exec/execa-runner.js';
import { createLogger } from '../../log/logger.js';
import { probeHost } from '../../pkg/host-probe.js';
import type { PackageManager } from '../../pkg/package-manager.js';
import { createManagers } from '../../runtime/managers.js';
import type { CliIO } from '../io.js';

/** Config, logger and package managers of this host, for commands that need no server. */
export async function localContext(io: CliIO, values: { config?: string | undefined; 'log-level'?: string | undefined }) {
  const config = loadConfig({ flags: { config: values.config, logLevel: values['log-level'] ?? 'warn' }, env: io.env, platform: io.platform, cwd: io.cwd });
  const log = createLogger({ level: config.logLevel });
  const host = await probeHost();
  const managers: PackageManager[] = createManagers({ host, exec: new ExecaCommandRunner(), log, local: config.managers });
  return { config, log, host, managers };
}
