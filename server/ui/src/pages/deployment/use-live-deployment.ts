import type { DeploymentPlanView, DeploymentStreamEvent } from '@patchwave/shared';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { isAbort } from '../../api/client.js';
import { deploymentEventsUrl, getDeployment, getPlan, listDeviceJobs } from '../../api/deployments.js';
import type { LiveState } from './live-state.js';
import { applyEvent } from './live-state.js';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting';

export interface LiveDeployment extends LiveState {
  plan: DeploymentPlanView | undefined;
  status: StreamStatus;
  error: Error | undefined;
  /** Reads everything again now (after an action of this page). */
  reload(): void;
}

const EVENT_TYPES = ['snapshot', 'deployment.updated', 'wave.updated', 'job.updated', 'heartbeat'] as const;
/** Bursts of job events (a wave of 500 devices reporting) become one read per this many ms. */
const COALESCE_MS = 400;
/** A stream the server closed (an error status) is opened again after this long, never sooner. */
const REOPEN_MS = 5_000;

/**
 * A deployment kept live by its server-sent events (`GET /deployments/:id/events`): the stream's
 * snapshot, then each change as it happens. The browser's EventSource reconnects by itself and the
 * server then sends a fresh snapshot. Reads that events ask for (counts, live gate numbers, the
 * device jobs, the dry run) are coalesced; nothing polls on a timer.
 */
export function useLiveDeployment(id: string): LiveDeployment {
  const [live, setLiveState] = useState<LiveState>({ view: undefined, jobs: undefined, seq: -1 });
  // The truth between renders: events are applied to it in order, then rendered.
  const current = useRef(live);
  const setLive = useCallback((next: LiveState) => {
    current.current = next;
    setLiveState(next);
  }, []);
  const [plan, setPlan] = useState<DeploymentPlanView | undefined>(undefined);
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const [error, setError] = useState<Error | undefined>(undefined);
  const pending = useRef({ view: false, jobs: false, plan: false });
  const timer = useRef<number | undefined>(undefined);
  const aborter = useRef<AbortController | null>(null);
  const [generation, setGeneration] = useState(0);

  const flush = useCallback(async () => {
    timer.current = undefined;
    const want = pending.current;
    pending.current = { view: false, jobs: false, plan: false };
    aborter.current?.abort();
    const controller = new AbortController();
    aborter.current = controller;
    const { signal } = controller;
    try {
      const [view, jobs, dryRun] = await Promise.all([
        want.view ? getDeployment(id, signal) : undefined,
        want.jobs ? listDeviceJobs(id, { kind: 'apply' }, signal).then((r) => r.items) : undefined,
        want.plan ? getPlan(id, signal).catch(() => undefined) : undefined,
      ]);
      if (signal.aborted) return;
      setLive({ ...current.current, ...(view ? { view } : {}), ...(jobs ? { jobs } : {}) });
      if (dryRun) setPlan(dryRun);
      setError(undefined);
    } catch (err) {
      if (isAbort(err) || signal.aborted) return;
      setError(err instanceof Error ? err : new Error(String(err)));
    }
  }, [id, setLive]);

  const schedule = useCallback(
    (what: { view: boolean; jobs: boolean; plan: boolean }, now = false) => {
      const p = pending.current;
      pending.current = { view: p.view || what.view, jobs: p.jobs || what.jobs, plan: p.plan || what.plan };
      if (!pending.current.view && !pending.current.jobs && !pending.current.plan) return;
      if (now) {
        if (timer.current !== undefined) window.clearTimeout(timer.current);
        void flush();
      } else timer.current ??= window.setTimeout(() => void flush(), COALESCE_MS);
    },
    [flush],
  );

  useEffect(() => {
    const source = new EventSource(deploymentEventsUrl(id), { withCredentials: true });
    const onEvent = (message: MessageEvent<string>) => {
      let event: DeploymentStreamEvent;
      try {
        event = JSON.parse(message.data) as DeploymentStreamEvent;
      } catch {
        return; // not JSON: nothing the server sends; ignore rather than break the view
      }
      setStatus('live');
      const applied = applyEvent(current.current, event);
      setLive(applied.state);
      schedule(applied.refetch, event.type === 'snapshot');
    };
    for (const type of EVENT_TYPES) source.addEventListener(type, onEvent as EventListener);
    // EventSource retries by itself after a dropped connection (the server then sends a new
    // snapshot). An error status closes it for good: read the view once (a 401 there ends the
    // session and shows the sign-in page) and open the stream again in 5 s.
    let reopen: number | undefined;
    source.onerror = () => {
      setStatus('reconnecting');
      if (source.readyState === EventSource.CLOSED && reopen === undefined) {
        schedule({ view: true, jobs: false, plan: false }, true);
        reopen = window.setTimeout(() => setGeneration((g) => g + 1), REOPEN_MS);
      }
    };
    source.onopen = () => setStatus('live');
    return () => {
      source.close();
      if (reopen !== undefined) window.clearTimeout(reopen);
      aborter.current?.abort();
      if (timer.current !== undefined) window.clearTimeout(timer.current);
    };
  }, [id, schedule, setLive, generation]);

  // A stream that the server refused (404, 401) never delivers a snapshot: read the view directly
  // so the page can say why.
  useEffect(() => {
    const controller = new AbortController();
    getDeployment(id, controller.signal)
      .then((view) => {
        if (!current.current.view) setLive({ ...current.current, view });
      })
      .catch((err: unknown) => {
        if (!isAbort(err)) setError(err instanceof Error ? err : new Error(String(err)));
      });
    return () => controller.abort();
  }, [id, setLive]);

  return { ...live, plan, status, error, reload: () => schedule({ view: true, jobs: true, plan: true }, true) };
}
