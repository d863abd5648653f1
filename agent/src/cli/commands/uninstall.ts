import { loadConfig } from '../../config/load.js';
import { parseCommandArgs } from '../args.js';
import { EXIT, type CliIO } from '../io.js';
import { uninstall } from '../uninstall.js';

/**
 * `patchwave-agent uninstall [--purge] [--config FILE] [--state-dir DIR] [--json]`: without
 * --purge it only reports what stays; with --purge it deletes the state directory and config file.
 * Program files and the service are the OS package manager's job (the output says how).
 */
export async function uninstallCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(
    'uninstall',
    args,
    { purge: { type: 'boolean' }, json: { type: 'boolean' }, config: { type: 'string' }, 'state-dir': { type: 'string' } },
    { min: 0, max: 0 },
  );
  const config = loadConfig({
    flags: { config: values.config, stateDir: values['state-dir'] },
    env: io.env,
    platform: io.platform,
    cwd: io.cwd,
  });
  const result = await uninstall({ purge: Boolean(values.purge), stateDir: config.stateDir, configPath: config.configFile.path, platform: io.platform });
  if (values.json) {
    io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    return EXIT.ok;
  }
  const lines = [
    result.purged ? 'purged the agent configuration and state' : 'nothing deleted (use --purge to delete configuration and state)',
    ...result.removed.map((p) => `  removed ${p}`),
    ...result.kept.map((p) => `  kept    ${p}`),
    `program files and service: ${result.packageRemoval}`,
  ];
  io.stdout(`${lines.join('\n')}\n`);
  return EXIT.ok;
}
