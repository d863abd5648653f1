import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { logout } from '../api/auth.js';
import { can, useRole } from '../auth/permissions.js';
import { currentSession, sessionEnded } from '../auth/session.js';
import { ROUTES } from '../routes.js';
import { Link } from './link.js';

/**
 * The frame around every page: a skip link, the navigation (a sidebar on wide screens, a bar on
 * narrow ones) and the main region. After each navigation, focus moves to the new page's h1.
 */
async function signOut(): Promise<void> {
  try {
    await logout();
  } finally {
    sessionEnded();
  }
}

export function Layout({ pathname, children }: { pathname: string; children: ComponentChildren }) {
  const role = useRole();
  const user = currentSession().user;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    window.scrollTo(0, 0);
    document.querySelector<HTMLElement>('#main h1')?.focus();
  }, [pathname]);

  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link href="/" class="brand">
          <span class="brand-mark" aria-hidden="true" />
          patchwave
        </Link>
        <nav class="nav" aria-label="Main">
          <ul>
            {ROUTES.filter((r) => r.nav && (!r.nav.needs || can(role, r.nav.needs))).map((r) => {
              const active = r.nav?.match ? r.nav.match(pathname) : pathname === r.path;
              return (
                <li key={r.path}>
                  <Link href={r.path} aria-current={active ? 'page' : undefined}>
                    {r.nav?.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div class="session">
          <Link href="/account" class="session-user" title="Your account: change the password" data-testid="session-user">
            {user?.username ?? ''} <span class="badge badge-muted">{role}</span>
          </Link>
          <button type="button" class="link-button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
