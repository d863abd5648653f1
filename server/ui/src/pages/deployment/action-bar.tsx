import type { DeploymentView, GateName } from '@patchwave/shared';
import { useState } from 'preact/hooks';
import { abortDeployment, pauseDeployment, resumeDeployment, rollbackDeployment, skipGates, startDeployment } from '../../api/deployments.js';
import { errorText } from '../../components/notice.js';
import { ReasonPrompt } from './reason-prompt.js';

type Action = 'start' | 'pause' | 'resume' | 'abort' | 'rollback' | 'skip';

const LABELS: Record<Action, string> = { start: 'Start now', pause: 'Pause', resume: 'Resume', abort: 'Abort', rollback: 'Roll back', skip: 'Skip gate' };

/** Which actions the deployment's state allows (the server's state machine has the last word). */
export function availableActions(d: DeploymentView): Action[] {
  switch (d.state) {
    case 'scheduled':
      return ['start', 'abort'];
    case 'awaiting_approval':
      return ['abort'];
    case 'running':
      return ['pause', 'abort'];
    case 'paused':
      return ['resume', 'abort', 'rollback'];
    case 'halted':
      return ['resume', 'skip', 'abort', 'rollback'];
    case 'completed':
    case 'aborted':
      return ['rollback'];
    default:
      return [];
  }
}

/** Gates of the current wave that block it (breached or still waiting): what "skip gate" may waive. */
function blockingGates(d: DeploymentView): GateName[] {
  const wave = d.currentWave === null ? undefined : d.waves[d.currentWave];
  return (wave?.gate?.checks ?? []).filter((c) => c.status === 'breach' || c.status === 'wait').map((c) => c.gate);
}

/**
 * Start, pause, resume, abort, roll back and skip a gate — each asks for a reason first. Shown only
 * to roles that may steer deployments.
 */
export function ActionBar({ deployment, onDone }: { deployment: DeploymentView; onDone: (message: string) => void }) {
  const [open, setOpen] = useState<Action | null>(null);
  const [retryFailed, setRetryFailed] = useState(true);
  const [scope, setScope] = useState<string>('deployment');
  const [gates, setGates] = useState<GateName[]>([]);
  const [error, setError] = useState<string | null>(null);
  const id = deployment.id;
  const actions = availableActions(deployment);
  const blocking = blockingGates(deployment);

  const run = async (action: Action, reason: string) => {
    if (action === 'start') await startDeployment(id, reason);
    else if (action === 'pause') await pauseDeployment(id, reason);
    else if (action === 'resume') await resumeDeployment(id, { reason, retryFailed });
    else if (action === 'abort') await abortDeployment(id, reason);
    else if (action === 'skip') await skipGates(id, { wave: deployment.currentWave ?? 0, gates: gates.length > 0 ? gates : blocking, reason });
    else {
      const result = await rollbackDeployment(id, { reason, scope: scope === 'deployment' ? { kind: 'deployment' } : { kind: 'wave', wave: Number(scope) } });
      onDone(`Rollback asked: ${result.jobs.length} device jobs created${result.skipped.length ? `, ${result.skipped.length} devices had nothing to roll back` : ''}.`);
      setOpen(null);
      return;
    }
    onDone(`${LABELS[action]}: done.`);
    setOpen(null);
  };

  if (actions.length === 0) return null;
  return (
    <div class="action-bar" data-testid="deployment-actions">
      <div class="action-buttons">
        {actions.map((a) => (
          <button
            key={a}
            type="button"
            class={a === 'abort' || a === 'rollback' ? 'danger' : a === 'resume' || a === 'start' ? 'primary' : ''}
            aria-expanded={open === a ? 'true' : 'false'}
            onClick={() => {
              setError(null);
              setGates(blocking);
              setOpen(open === a ? null : a);
            }}
          >
            {LABELS[a]}
          </button>
        ))}
      </div>
      {error ? (
        <p class="field-error" role="alert">
          {error}
        </p>
      ) : null}
      {open ? (
        <ReasonPrompt
          key={open}
          title={`${LABELS[open]} “${deployment.name}”`}
          confirm={LABELS[open]}
          danger={open === 'abort' || open === 'rollback'}
          onCancel={() => setOpen(null)}
          onSubmit={(reason) => run(open, reason).catch((err: unknown) => Promise.reject(new Error(errorText(err as Error))))}
        >
          {open === 'resume' && deployment.state === 'halted' ? (
            <label class="checkbox">
              <input type="checkbox" checked={retryFailed} onChange={(e) => setRetryFailed((e.currentTarget as HTMLInputElement).checked)} />
              Retry the failed devices of the current wave (their new results are judged by the gates)
            </label>
          ) : null}
          {open === 'rollback' ? (
            <label>
              Roll back
              <select value={scope} onChange={(e) => setScope((e.currentTarget as HTMLSelectElement).value)}>
                <option value="deployment">every device of the deployment</option>
                {deployment.waves.map((w) => (
                  <option key={w.index} value={String(w.index)}>
                    wave {w.index + 1} ({w.name})
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          {open === 'skip' ? (
            <fieldset>
              <legend>Gates to waive for wave {(deployment.currentWave ?? 0) + 1}</legend>
              {(blocking.length > 0 ? blocking : (['successRate', 'failureBudget', 'minSample', 'soak', 'health', 'completion'] as GateName[])).map((g) => (
                <label key={g} class="checkbox">
                  <input type="checkbox" checked={gates.includes(g)} onChange={(e) => setGates((e.currentTarget as HTMLInputElement).checked ? [...gates, g] : gates.filter((x) => x !== g))} />
                  {g}
                </label>
              ))}
            </fieldset>
          ) : null}
        </ReasonPrompt>
      ) : null}
    </div>
  );
}
