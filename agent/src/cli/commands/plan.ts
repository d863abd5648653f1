import { PatchwaveError } from '@patchwave/shared';
import type { Plan } from '../../pkg/package-manager.js';
import { parseCommandArgs } from '../args.js';
import { EXIT, type CliIO } from '../io.js';
import { localContext } from './local-context.js';

type ManagerPlan = { manager: string; plan?: Plan; error?: { code: string; message: string } };

/** `patchwave-agent plan [--security-only] [--json]`: what this machine would install now, changing nothing. */
export async function planCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(
    'plan',
    args,
    { 'security-only': { type: 'boolean' }, json: { type: 'boolean' }, config: { type: 'string' }, 'log-level': { type: 'string' } },
    { min: 0, max: 0 },
  );
  const { managers } = await localContext(io, values);
  const selection = values['security-only'] ? { securityOnly: true } : { all: true };
  const plans: ManagerPlan[] = await Promise.all(
    managers.map(async (m): Promise<ManagerPlan> => {
      try {
        return { manager: m.name, plan: await m.plan(selection) };
      } catch (err) {
        return { manager: m.name, error: { code: err instanceof PatchwaveError ? err.code : 'E_INTERNAL', message: (err as Error).message } };
      }
    }),
  );
  if (values.json) {
    io.stdout(`${JSON.stringify({ selection, plans }, null, 2)}\n`);
  } else {
    const out: string[] = [];
    for (const p of plans) {
      out.push(`${p.manager}: ${p.error ? `FAILED ${p.error.code}: ${p.error.message}` : `${p.plan?.changes.length ?? 0} change(s)`}`);
      for (const c of p.plan?.changes ?? []) out.push(`  ${c.kind.padEnd(9)} ${c.name}${c.arch ? `:${c.arch}` : ''} ${c.from ?? '-'} -> ${c.to ?? '-'}`);
      for (const u of p.plan?.unresolved ?? []) out.push(`  skipped   ${u.name}: ${u.code} ${u.message}`);
      for (const n of p.plan?.notes ?? []) out.push(`  note: ${n}`);
    }
    if (plans.length === 0) out.push('no supported package manager found on this host');
    io.stdout(`${out.join('\n')}\n`);
  }
  return plans.some((p) => p.error) ? EXIT.failure : EXIT.ok;
}
