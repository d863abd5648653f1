import { useEffect, useState } from 'preact/hooks';

/**
 * A small history-API router: the route table lives in routes.ts (one page file per route), links
 * are ordinary <a href> elements (components/link.tsx) whose plain left clicks become pushState
 * navigations, so opening in a new tab, copying the address and keyboard activation all work.
 */

export interface Location {
  pathname: string;
  search: string;
}

type Listener = () => void;
const listeners = new Set<Listener>();

function readLocation(): Location {
  return { pathname: window.location.pathname, search: window.location.search };
}

function notify(): void {
  for (const l of [...listeners]) l();
}

window.addEventListener('popstate', notify);

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const current = `${window.location.pathname}${window.location.search}`;
  if (to === current) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  notify();
}

export function useLocation(): Location {
  const [location, setLocation] = useState(readLocation);
  useEffect(() => {
    const update = () => setLocation(readLocation());
    listeners.add(update);
    update();
    return () => {
      listeners.delete(update);
    };
  }, []);
  return location;
}

/** The query string as a map, and a setter that merges changes into it (empty values are dropped). */
export function useSearchParams(): [URLSearchParams, (changes: Record<string, string | number | undefined | null>, options?: { replace?: boolean }) => void] {
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  const update = (changes: Record<string, string | number | undefined | null>, options: { replace?: boolean } = {}) => {
    const next = new URLSearchParams(window.location.search);
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined || value === null || value === '') next.delete(key);
      else next.set(key, String(value));
    }
    const qs = next.toString();
    navigate(`${window.location.pathname}${qs ? `?${qs}` : ''}`, options);
  };
  return [params, update];
}
