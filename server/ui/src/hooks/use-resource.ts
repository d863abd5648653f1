import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { isAbort } from '../api/client.js';

/** No live view polls faster than this (issue 7): server-sent events are the way to be faster. */
export const MIN_REFRESH_MS = 5_000;

export interface Resource<T> {
  data: T | undefined;
  error: Error | undefined;
  /** A request is in flight (the previous data, if any, stays shown meanwhile: no layout jump). */
  loading: boolean;
  /** When the data last arrived (ms since epoch). */
  updatedAt: number | null;
  reload(): void;
}

/**
 * Loads data for a view and keeps it fresh: reloads when `deps` change (aborting the previous
 * request), every `refreshMs` (at least 5 s) while the tab is visible, and on `reload()`. A
 * refresh never starts while another request is in flight.
 */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[], options: { refreshMs?: number } = {}): Resource<T> {
  const [state, setState] = useState<{ data: T | undefined; error: Error | undefined; loading: boolean; updatedAt: number | null }>({
    data: undefined,
    error: undefined,
    loading: true,
    updatedAt: null,
  });
  const loader = useRef(load);
  loader.current = load;
  const inFlight = useRef<AbortController | null>(null);

  const run = useCallback((background: boolean) => {
    if (background && inFlight.current) return;
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    if (!background) setState((s) => ({ ...s, loading: true }));
    loader
      .current(controller.signal)
      .then((data) => {
        if (controller.signal.aborted) return;
        setState({ data, error: undefined, loading: false, updatedAt: Date.now() });
      })
      .catch((err: unknown) => {
        if (isAbort(err) || controller.signal.aborted) return;
        setState((s) => ({ ...s, error: err instanceof Error ? err : new Error(String(err)), loading: false }));
      })
      .finally(() => {
        if (inFlight.current === controller) inFlight.current = null;
      });
  }, []);

  // A layout effect: the request leaves before the first paint and before children's effects
  // (chart set-up), which takes a good part off the time to first data.
  useLayoutEffect(() => {
    run(false);
    return () => inFlight.current?.abort();
  }, deps); // the caller names what the load depends on

  const refreshMs = options.refreshMs;
  useEffect(() => {
    if (refreshMs === undefined) return undefined;
    const every = Math.max(refreshMs, MIN_REFRESH_MS);
    const timer = window.setInterval(() => {
      if (!document.hidden) run(true);
    }, every);
    return () => window.clearInterval(timer);
  }, [refreshMs, run]);

  return { ...state, reload: () => run(false) };
}
