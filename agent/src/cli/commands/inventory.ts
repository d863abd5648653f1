import { collectInventory } from '../../inventory/collect.js';
import { collectFacts } from '../../inventory/facts.js';
import { inventoryHash } from '../../inventory/hash.js';
import { parseCommandArgs } from '../args.js';
import { EXIT, type CliIO } from '../io.js';
import { localContext } from './local-context.js';

/** `patchwave-agent inventory [--json]`: this machine's inventory, without any server. */
export async function inventoryCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs('inventory', args, { json: { type: 'boolean' }, config: { type: 'string' }, 'log-level': { type: 'string' } }, { min: 0, max: 0 });
  const { log, managers } = await localContext(io, values);
  const inventory = await collectInventory({ managers, facts: () => collectFacts(log), log });
  const hash = inventoryHash(inventory);
  if (values.json) {
    io.stdout(`${JSON.stringify({ hash, ...inventory }, null, 2)}\n`);
    return EXIT.ok;
  }
  const f = inventory.facts;
  const lines = [
    `host      ${f.hostname}${f.fqdn ? ` (${f.fqdn})` : ''}`,
    `os        ${f.os.distro} ${f.os.release}${f.os.codename ? ` (${f.os.codename})` : ''}, kernel ${f.os.kernel}, ${f.os.arch}`,
    `hardware  ${[f.hardware.manufacturer, f.hardware.model].filter(Boolean).join(' ') || 'unknown'}${f.hardware.virtual ? ' (virtual)' : ''}, ${f.hardware.cpu.cores} cores, ${Math.round(f.hardware.memoryBytes / 2 ** 20)} MiB`,
    `reboot    ${inventory.reboot.required === true ? `required: ${inventory.reboot.reasons.join('; ')}` : inventory.reboot.required === false ? 'not required' : `unknown${inventory.reboot.reasons.length ? ` (${inventory.reboot.reasons.join('; ')})` : ''}`}`,
    ...inventory.managers.map((m) => {
      const pkgs = inventory.packages.filter((p) => p.manager === m.name).length;
      const ups = inventory.updates.filter((u) => u.manager === m.name);
      const sec = ups.filter((u) => u.security === true).length;
      return `${m.name.padEnd(10)}${m.version ? `${m.version}, ` : ''}${pkgs} installed, ${ups.length} updates (${sec} security)${m.ok ? '' : ` — FAILED ${m.error?.code}: ${m.error?.message}`}`;
    }),
    `hash      ${hash}`,
  ];
  if (inventory.managers.length === 0) lines.push('no supported package manager found on this host');
  io.stdout(`${lines.join('\n')}\n`);
  return inventory.managers.every((m) => m.ok) ? EXIT.ok : EXIT.failure;
}
