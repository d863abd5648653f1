import { useEffect, useState } from 'preact/hooks';
import type { SessionState } from './auth/session.js';
import { currentSession, onSessionChange, restoreSession } from './auth/session.js';
import { Layout } from './components/layout.js';
import { ChangePasswordPage } from './pages/change-password.js';
import { NotFoundPage } from './pages/not-found.js';
import { SignInPage } from './pages/sign-in.js';
import { findRoute } from './routes.js';
import { useLocation } from './router.js';

function useSession(): SessionState {
  const [session, setSession] = useState(currentSession);
  useEffect(() => {
    const off = onSessionChange(() => setSession(currentSession()));
    if (currentSession().status === 'unknown') void restoreSession();
    return off;
  }, []);
  return session;
}

/**
 * Signed out: the sign-in page at whatever address was asked for (deep links survive). A one-time
 * password: the password change, nothing else. Otherwise the page of the address.
 */
export function App() {
  const session = useSession();
  const { pathname } = useLocation();
  if (session.status === 'unknown') return <div class="booting" aria-busy="true" />;
  if (session.status === 'signed-out') return <SignInPage />;
  if (session.user?.mustChangePassword) return <ChangePasswordPage username={session.user.username} />;
  const match = findRoute(pathname);
  const Page = match?.route.page;
  return <Layout pathname={pathname}>{Page && match ? <Page key={pathname} params={match.params} /> : <NotFoundPage />}</Layout>;
}
