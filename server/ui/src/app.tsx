import { useEffect, useState } from 'preact/hooks';
import { isSignedIn, onSessionChange } from './auth/session.js';
import { Layout } from './components/layout.js';
import { NotFoundPage } from './pages/not-found.js';
import { SignInPage } from './pages/sign-in.js';
import { findRoute } from './routes.js';
import { useLocation } from './router.js';

function useSignedIn(): boolean {
  const [signedIn, setSignedIn] = useState(isSignedIn);
  useEffect(() => onSessionChange(() => setSignedIn(isSignedIn())), []);
  return signedIn;
}

/** Signed out: the sign-in page at whatever address was asked for (deep links survive). */
export function App() {
  const signedIn = useSignedIn();
  const { pathname } = useLocation();
  if (!signedIn) return <SignInPage />;
  const match = findRoute(pathname);
  const Page = match?.route.page;
  return <Layout pathname={pathname}>{Page && match ? <Page key={pathname} params={match.params} /> : <NotFoundPage />}</Layout>;
}
