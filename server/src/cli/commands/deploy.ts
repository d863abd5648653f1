import type { DeploymentList, DeploymentPlanView, DeploymentView, DeviceJobList, RollbackView } from '@patchwave/shared';
import { GATE_NAMES } from '@patchwave/shared';
import type { ApiClient } from '../api-client.js';
import { CLIENT_OPTIONS, intFlag, parse, requirePositional } from '../args.js';
import { clientFromFlags } from '../client-from-flags.js';
import type { Io } from '../output.js';
import { printJson } from '../output.js';
import { UsageError } from '../usage-error.js';
import { renderDevices, renderList, renderPlan, renderRollback, renderStatus, stateLine } from './deploy-render.js';
import { bodyFromFileOrFlags, minutesOf, specFromFlags, type SpecFlags } from './deploy-spec.js';

export const DEPLOY_HELP = `patchwave deploy — deployments in gated waves

  patchwave deploy create --file SPEC.json [--json]
  patchwave deploy create [--security-only | --all | --package NAME[=VERSION]... | --advisory ID...]
                          [--tag TAG]... [--group G]... [--device ID]... [--os linux[:debian[:12]]]...
                          [--waves 5%,25%,rest] [--min-success 95] [--max-failures N] [--min-sample N]
                          [--soak 10m] [--health 15m] [--reboot never|if-required|always|deadline:30m]
                          [--window "CRON|DURATION|TZ[|GROUP]"]... [--start-at ISO] [--deadline ISO]
                          [--require-approval] [--change-record REF] [--timeout 60m] [--name TEXT]
                          [--rollback-on-health-failure] [--json | -q]
  patchwave deploy list [--state running,halted] [--limit N] [--json]
  patchwave deploy status <id> [--watch [--interval 2s]] [--json]
  patchwave deploy plan <id> [--wait [--timeout 2m]] [--json]       dry run: what each device would change
  patchwave deploy approve <id> [--comment TEXT] [--change-record REF] [--json]
  patchwave deploy start <id> [--reason TEXT] [--json]
  patchwave deploy pause|abort <id> --reason TEXT [--json]
  patchwave deploy resume <id> --reason TEXT [--no-retry] [--json]
  patchwave deploy skip-gate <id> --wave N --gate ${GATE_NAMES.join('|')}... --reason TEXT [--json]
  patchwave deploy rollback <id> (--wave N | --device ID... | --all) --reason TEXT [--json]
  patchwave deploy devices <id> [--wave N] [--state STATE] [--kind apply|rollback|plan] [--json]

--rollback-on-health-failure: a device whose group health probes pass before and fail after applying is rolled back by its agent
(see "patchwave group safety"). Gate flags apply to every wave; -q prints only the new deployment's id. --watch prints each change until the deployment completes (exit 0),
halts or is aborted (exit 1). An approver cannot approve a deployment they created.
`;

const id = (positionals: string[], command: string) => requirePositional(positionals, 0, 'deployment id', `deploy ${command}`);
const path = (deploymentId: string, suffix = '') => `/api/v1/deployments/${encodeURIComponent(deploymentId)}${suffix}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function deployCommand(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'create':
      return create(rest, io);
    case 'list':
      return list(rest, io);
    case 'status':
      return status(rest, io);
    case 'plan':
      return plan(rest, io);
    case 'approve':
      return approve(rest, io);
    case 'start':
      return action(rest, io, 'start', false);
    case 'pause':
      return action(rest, io, 'pause', true);
    case 'abort':
      return action(rest, io, 'abort', true);
    case 'resume':
      return resume(rest, io);
    case 'skip-gate':
      return skipGate(rest, io);
    case 'rollback':
      return rollback(rest, io);
    case 'devices':
      return devices(rest, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(DEPLOY_HELP);
      return sub === undefined ? 2 : 0;
    default:
      throw new UsageError(`deploy: unknown command "${sub}" (expected create, list, status, plan, approve, start, pause, resume, abort, skip-gate, rollback or devices)`);
  }
}

function show(io: Io, json: boolean | undefined, view: DeploymentView): number {
  if (json) printJson(io, view);
  else io.out(renderStatus(view));
  return 0;
}

async function create(args: string[], io: Io): Promise<number> {
  const { values } = parse(
    args,
    {
      ...CLIENT_OPTIONS,
      file: { type: 'string' },
      name: { type: 'string' },
      'security-only': { type: 'boolean' },
      all: { type: 'boolean' },
      package: { type: 'string', multiple: true },
      advisory: { type: 'string', multiple: true },
      tag: { type: 'string', multiple: true },
      group: { type: 'string', multiple: true },
      device: { type: 'string', multiple: true },
      os: { type: 'string', multiple: true },
      waves: { type: 'string' },
      'min-success': { type: 'string' },
      'max-failures': { type: 'string' },
      'min-sample': { type: 'string' },
      soak: { type: 'string' },
      health: { type: 'string' },
      reboot: { type: 'string' },
      window: { type: 'string', multiple: true },
      'start-at': { type: 'string' },
      deadline: { type: 'string' },
      'require-approval': { type: 'boolean' },
      'change-record': { type: 'string' },
      timeout: { type: 'string' },
      'rollback-on-health-failure': { type: 'boolean' },
      quiet: { type: 'boolean', short: 'q' },
    },
    'deploy create',
  );
  if (values.help) return help(io);
  const { server: _s, token: _t, json: _j, help: _h, quiet: _q, file, ...flags } = values;
  const body = bodyFromFileOrFlags('deploy create', file, flags as SpecFlags, specFromFlags);
  const view = await clientFromFlags(values, io).post<DeploymentView>('/api/v1/deployments', body);
  if (values.json) printJson(io, view);
  else if (values.quiet) io.out(`${view.id}\n`);
  else io.out(`created deployment ${view.id} (${stateLine(view)})\n${renderStatus(view)}`);
  return 0;
}

async function list(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { ...CLIENT_OPTIONS, state: { type: 'string' }, limit: { type: 'string' }, offset: { type: 'string' } }, 'deploy list');
  if (values.help) return help(io);
  const page = await clientFromFlags(values, io).get<DeploymentList>('/api/v1/deployments', {
    state: values.state,
    limit: intFlag(values.limit, '--limit', 1, 1000),
    offset: intFlag(values.offset, '--offset', 0, 1_000_000_000),
  });
  if (values.json) printJson(io, page);
  else io.out(renderList(page));
  return 0;
}

const FINAL = new Set(['completed', 'aborted', 'halted']);

function digest(d: DeploymentView): { line: string; key: string } {
  const w = d.currentWave !== null ? d.waves[d.currentWave] : undefined;
  const c = d.counts;
  const gate = w?.gate ? ` — ${w.gate.verdict}: ${w.gate.reason}` : '';
  const line = `${stateLine(d)}: ${c.succeeded ?? 0} succeeded, ${(c.failed ?? 0) + (c.timed_out ?? 0) + (c.interrupted ?? 0)} failed, ${(c.pending ?? 0) + (c.offered ?? 0) + (c.accepted ?? 0) + (c.running ?? 0)} open of ${d.targetCount}${gate}`;
  // A new line when something changes, not every time a soak counts down a second.
  const key = JSON.stringify([d.state, d.currentWave, c, w?.gate?.verdict, w?.gate?.checks.map((x) => x.status)]);
  return { line, key };
}

async function status(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { ...CLIENT_OPTIONS, watch: { type: 'boolean' }, interval: { type: 'string' } }, 'deploy status', 1);
  if (values.help) return help(io);
  const deploymentId = id(positionals, 'status');
  const client = clientFromFlags(values, io);
  const get = () => client.get<DeploymentView>(path(deploymentId));
  if (!values.watch) return show(io, values.json, await get());
  const intervalMs = Math.max(200, minutesOf(values.interval ?? '2s', '--interval') * 60_000);
  let view = await get();
  if (!values.json) io.out(renderStatus(view));
  let last = '';
  for (;;) {
    const { line, key } = digest(view);
    if (key !== last) {
      if (values.json) io.out(`${JSON.stringify(view)}\n`);
      else io.out(`${new Date().toISOString().slice(11, 19)}  ${line}\n`);
      last = key;
    }
    if (FINAL.has(view.state)) break;
    await sleep(intervalMs);
    view = await get();
  }
  if (!values.json) io.out(`\n${renderStatus(view)}`);
  return view.state === 'completed' ? 0 : 1;
}

async function plan(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { ...CLIENT_OPTIONS, wait: { type: 'boolean' }, timeout: { type: 'string' } }, 'deploy plan', 1);
  if (values.help) return help(io);
  const deploymentId = id(positionals, 'plan');
  const client = clientFromFlags(values, io);
  let view = await client.post<DeploymentPlanView>(path(deploymentId, '/plan'), {});
  if (values.wait) {
    const deadline = Date.now() + minutesOf(values.timeout ?? '2m', '--timeout') * 60_000;
    while (view.devices.some((d) => d.status === 'pending') && Date.now() < deadline) {
      await sleep(500);
      view = await client.get<DeploymentPlanView>(path(deploymentId, '/plan'));
    }
  }
  if (values.json) printJson(io, view);
  else io.out(renderPlan(view));
  return 0;
}

async function approve(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { ...CLIENT_OPTIONS, comment: { type: 'string' }, 'change-record': { type: 'string' } }, 'deploy approve', 1);
  if (values.help) return help(io);
  const body = { ...(values.comment ? { comment: values.comment } : {}), ...(values['change-record'] ? { changeRecord: values['change-record'] } : {}) };
  return show(io, values.json, await clientFromFlags(values, io).post<DeploymentView>(path(id(positionals, 'approve'), '/approve'), body));
}

async function action(args: string[], io: Io, verb: 'start' | 'pause' | 'abort', needsReason: boolean): Promise<number> {
  const { values, positionals } = parse(args, { ...CLIENT_OPTIONS, reason: { type: 'string' } }, `deploy ${verb}`, 1);
  if (values.help) return help(io);
  const deploymentId = id(positionals, verb);
  if (needsReason && !values.reason?.trim()) throw new UsageError(`deploy ${verb}: give --reason (it goes to the audit log)`);
  const body = values.reason ? { reason: values.reason } : {};
  return show(io, values.json, await clientFromFlags(values, io).post<DeploymentView>(path(deploymentId, `/${verb}`), body));
}

async function resume(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { ...CLIENT_OPTIONS, reason: { type: 'string' }, 'no-retry': { type: 'boolean' } }, 'deploy resume', 1);
  if (values.help) return help(io);
  const deploymentId = id(positionals, 'resume');
  if (!values.reason?.trim()) throw new UsageError('deploy resume: give --reason (it goes to the audit log)');
  const body = { reason: values.reason, retryFailed: !values['no-retry'] };
  return show(io, values.json, await clientFromFlags(values, io).post<DeploymentView>(path(deploymentId, '/resume'), body));
}

async function skipGate(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { ...CLIENT_OPTIONS, wave: { type: 'string' }, gate: { type: 'string', multiple: true }, reason: { type: 'string' } }, 'deploy skip-gate', 1);
  if (values.help) return help(io);
  const deploymentId = id(positionals, 'skip-gate');
  const wave = intFlag(values.wave, '--wave', 0, 19);
  if (wave === undefined) throw new UsageError('deploy skip-gate: give --wave N (0 is the first wave)');
  const gates = values.gate ?? [];
  if (gates.length === 0) throw new UsageError(`deploy skip-gate: give --gate (${GATE_NAMES.join(', ')})`);
  for (const g of gates) if (!(GATE_NAMES as readonly string[]).includes(g)) throw new UsageError(`--gate: expected one of ${GATE_NAMES.join(', ')}, got "${g}"`);
  if (!values.reason?.trim()) throw new UsageError('deploy skip-gate: give --reason (it goes to the audit log)');
  return show(io, values.json, await clientFromFlags(values, io).post<DeploymentView>(path(deploymentId, '/skip-gate'), { wave, gates, reason: values.reason }));
}

async function rollback(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    args,
    { ...CLIENT_OPTIONS, wave: { type: 'string' }, device: { type: 'string', multiple: true }, all: { type: 'boolean' }, reason: { type: 'string' } },
    'deploy rollback',
    1,
  );
  if (values.help) return help(io);
  const deploymentId = id(positionals, 'rollback');
  const scopes = [values.wave !== undefined, (values.device ?? []).length > 0, values.all === true].filter(Boolean).length;
  if (scopes !== 1) throw new UsageError('deploy rollback: give exactly one of --wave N, --device ID..., --all');
  if (!values.reason?.trim()) throw new UsageError('deploy rollback: give --reason (it goes to the audit log)');
  const scope = values.all ? { kind: 'deployment' } : values.device?.length ? { kind: 'devices', deviceIds: values.device } : { kind: 'wave', wave: intFlag(values.wave, '--wave', 0, 19) };
  const result = await clientFromFlags(values, io).post<RollbackView>(path(deploymentId, '/rollback'), { scope, reason: values.reason });
  if (values.json) printJson(io, result);
  else io.out(renderRollback(result));
  return 0;
}

async function devices(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { ...CLIENT_OPTIONS, wave: { type: 'string' }, state: { type: 'string' }, kind: { type: 'string' } }, 'deploy devices', 1);
  if (values.help) return help(io);
  const client: ApiClient = clientFromFlags(values, io);
  const page = await client.get<DeviceJobList>(path(id(positionals, 'devices'), '/devices'), { wave: intFlag(values.wave, '--wave', 0, 19), state: values.state, kind: values.kind });
  if (values.json) printJson(io, page);
  else io.out(renderDevices(page.items));
  return 0;
}

function help(io: Io): number {
  io.out(DEPLOY_HELP);
  return 0;
}
