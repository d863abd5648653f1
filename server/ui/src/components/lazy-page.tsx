import type { FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorNotice } from './notice.js';

/**
 * A page whose code is its own chunk, fetched on first visit: the dashboard (the first load) does
 * not wait for the deployment builder, the findings or the compliance pages. Once loaded, the
 * module is kept, so later visits render at once.
 */
export function lazyPage<P extends object>(load: () => Promise<FunctionComponent<P>>): FunctionComponent<P> {
  let loaded: FunctionComponent<P> | null = null;
  let pending: Promise<FunctionComponent<P>> | null = null;
  return function LazyPage(props: P) {
    const [, setReady] = useState(loaded !== null);
    const [error, setError] = useState<Error | null>(null);
    useEffect(() => {
      if (loaded) return;
      pending ??= load().then((page) => (loaded = page));
      pending.then(
        () => setReady(true),
        (err: unknown) => {
          pending = null;
          setError(err instanceof Error ? err : new Error(String(err)));
        },
      );
    }, []);
    if (error) return <ErrorNotice error={new Error(`This page could not be loaded (${error.message}). Reload to try again.`)} />;
    if (!loaded) return <p class="muted page-loading" aria-busy="true">Loading…</p>;
    const Page = loaded;
    return <Page {...props} />;
  };
}
