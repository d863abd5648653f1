import type { PolicyList, PolicyRunList, PolicyRunView, PolicyView } from '@patchwave/shared';
import { CLIENT_OPTIONS, intFlag, parse, requirePositional } from '../args.js';
import { clientFromFlags } from '../client-from-flags.js';
import type { Io } from '../output.js';
import { printJson } from '../output.js';
import { UsageError } from '../usage-error.js';
import { bodyFromFileOrFlags } from './deploy-spec.js';
import { policyFromFlags, type PolicyFlags } from './policy-spec.js';
import { renderPolicy, renderPolicyList, renderRun, renderRuns } from './policy-render.js';

export const POLICY_HELP = `patchwave policy — patch policies: recurring deployments with deferral and auto-approval

  patchwave policy create --file SPEC.json [--json]
  patchwave policy create --name NAME [--tag T]... [--group G]... [--os linux[:debian[:12]]]... [--exclude-tag T]...
                          (--weekly tue,thu@02:00 | --monthly 2nd-tue@03:00 | --once 2026-12-24@18:00 | --cron "0 2 * * 2")
                          [--tz device|UTC|Europe/Berlin] [--fallback-tz ZONE]
                          [--all] [--min-severity low|medium|high|critical] [--manager apt]... [--package GLOB]... [--exclude GLOB]...
                          [--defer DAYS] [--no-expedite-kev] [--expedite-priority P1,P2]
                          [--waves 10%,rest] [--min-success 95] [--max-failures N] [--soak 10m] [--window "CRON|DURATION|TZ[|GROUP]"]... [--reboot never|if-required|always|deadline:30m]
                          [--auto-approve [--max-severity high] [--essential GLOB]... [--allow-major] [--allow-non-security]]
                          [--rollback-on-health-failure] [--timeout 60m] [--json | -q]
  patchwave policy list [--json]
  patchwave policy show <id|name> [--json]
  patchwave policy pause|resume <id|name> --reason TEXT [--json]
  patchwave policy run-now <id|name> [--json]
  patchwave policy history <id|name> [--limit N] [--json]
  patchwave policy delete <id|name> [--json]

--tz device runs each device at the time in its own time zone; devices that report none use --fallback-tz (default UTC).
A run with nothing to do is recorded and creates nothing. Otherwise it creates a deployment that needs approval, asks for its
dry run, and approves it as the policy only when every planned change passes the rules (never a removal); else it waits for
an approver and the run says why (policy history).
`;

const ref = (positionals: string[], command: string) => requirePositional(positionals, 0, 'policy id or name', `policy ${command}`);
const path = (idOrName: string, suffix = '') => `/api/v1/policies/${encodeURIComponent(idOrName)}${suffix}`;

export async function policyCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'create':
      return create(rest, io);
    case 'list':
      return list(rest, io);
    case 'show':
      return show(rest, io);
    case 'pause':
    case 'resume':
      return action(rest, io, sub);
    case 'run-now':
      return runNow(rest, io);
    case 'history':
      return history(rest, io);
    case 'delete':
      return remove(rest, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(POLICY_HELP);
      return sub === undefined ? 2 : 0;
    default:
      throw new UsageError(`policy: unknown command "${sub}" (expected create, list, show, pause, resume, run-now, history or delete)`);
  }
}

function help(io: Io): number {
  io.out(POLICY_HELP);
  return 0;
}

async function create(args: string[], io: Io): Promise<number> {
  const many = { type: 'string', multiple: true } as const;
  const one = { type: 'string' } as const;
  const flag = { type: 'boolean' } as const;
  const { values } = parse(
    args,
    {
      ...CLIENT_OPTIONS,
      file: one,
      name: one,
      description: one,
      tag: many,
      group: many,
      os: many,
      'exclude-tag': many,
      all: flag,
      'min-severity': one,
      manager: many,
      package: many,
      exclude: many,
      defer: one,
      'no-expedite-kev': flag,
      'expedite-priority': one,
      weekly: one,
      monthly: one,
      once: one,
      cron: one,
      tz: one,
      'fallback-tz': one,
      waves: one,
      'min-success': one,
      'max-failures': one,
      soak: one,
      window: many,
      reboot: one,
      'rollback-on-health-failure': flag,
      'auto-approve': flag,
      'max-severity': one,
      essential: many,
      'allow-major': flag,
      'allow-non-security': flag,
      timeout: one,
      quiet: { type: 'boolean', short: 'q' },
    },
    'policy create',
  );
  if (values.help) return help(io);
  const { server: _s, token: _t, json: _j, help: _h, quiet: _q, file, ...flags } = values;
  const body = bodyFromFileOrFlags('policy create', file, flags as PolicyFlags, policyFromFlags);
  const view = await clientFromFlags(values, io).post<PolicyView>('/api/v1/policies', body);
  if (values.json) printJson(io, view);
  else if (values.quiet) io.out(`${view.id}\n`);
  else io.out(`created policy ${view.id}\n${renderPolicy(view)}`);
  return 0;
}

async function list(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, CLIENT_OPTIONS, 'policy list');
  if (values.help) return help(io);
  const page = await clientFromFlags(values, io).get<PolicyList>('/api/v1/policies');
  if (values.json) printJson(io, page);
  else io.out(renderPolicyList(page));
  return 0;
}

async function show(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, CLIENT_OPTIONS, 'policy show', 1);
  if (values.help) return help(io);
  const view = await clientFromFlags(values, io).get<PolicyView>(path(ref(positionals, 'show')));
  if (values.json) printJson(io, view);
  else io.out(renderPolicy(view));
  return 0;
}

async function action(args: string[], io: Io, what: 'pause' | 'resume'): Promise<number> {
  const { values, positionals } = parse(args, { ...CLIENT_OPTIONS, reason: { type: 'string' } }, `policy ${what}`, 1);
  if (values.help) return help(io);
  if (!values.reason) throw new UsageError(`policy ${what}: give --reason (it goes to the audit log)`);
  const view = await clientFromFlags(values, io).post<PolicyView>(path(ref(positionals, what), `/${what}`), { reason: values.reason });
  if (values.json) printJson(io, view);
  else io.out(renderPolicy(view));
  return 0;
}

async function runNow(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, CLIENT_OPTIONS, 'policy run-now', 1);
  if (values.help) return help(io);
  const run = await clientFromFlags(values, io).post<PolicyRunView>(path(ref(positionals, 'run-now'), '/run-now'), {});
  if (values.json) printJson(io, run);
  else io.out(renderRun(run));
  return 0;
}

async function history(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { ...CLIENT_OPTIONS, limit: { type: 'string' } }, 'policy history', 1);
  if (values.help) return help(io);
  const page = await clientFromFlags(values, io).get<PolicyRunList>(path(ref(positionals, 'history'), '/runs'), { limit: intFlag(values.limit, '--limit', 1, 1000) });
  if (values.json) printJson(io, page);
  else io.out(renderRuns(page));
  return 0;
}

async function remove(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, CLIENT_OPTIONS, 'policy delete', 1);
  if (values.help) return help(io);
  const idOrName = ref(positionals, 'delete');
  await clientFromFlags(values, io).delete<unknown>(path(idOrName));
  if (values.json) printJson(io, { deleted: idOrName });
  else io.out(`deleted policy ${idOrName}\n`);
  return 0;
}
