import { useEffect, useState } from 'preact/hooks';
import { listUsers } from '../api/users.js';

let cache: Promise<Map<string, string>> | null = null;

/** `user:<id>` → the username, from the users list (every role may read it), loaded once per page load. */
function loadNames(): Promise<Map<string, string>> {
  cache ??= listUsers()
    .then((r) => new Map(r.items.map((u) => [`user:${u.id}`, u.username])))
    .catch(() => {
      cache = null;
      return new Map<string, string>();
    });
  return cache;
}

/**
 * Audit actors (`user:<id>`, `api-token:<id>`, `system`) as people read them: a user's actor
 * becomes their username; anything else is shown as it is.
 */
export function useActorName(): (actor: string) => string {
  const [names, setNames] = useState<Map<string, string> | null>(null);
  useEffect(() => {
    let live = true;
    void loadNames().then((m) => live && setNames(m));
    return () => {
      live = false;
    };
  }, []);
  return (actor: string) => names?.get(actor) ?? actor;
}
