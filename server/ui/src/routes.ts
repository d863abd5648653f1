import type { FunctionComponent } from 'preact';
import type { Permission } from './auth/permissions.js';
import { lazyPage } from './components/lazy-page.js';
import { AuditLogPage } from './pages/audit-log.js';
import { DashboardPage } from './pages/dashboard.js';
import { DevicePage } from './pages/device.js';
import { DevicesPage } from './pages/devices.js';
import { matchPath } from './route-match.js';

export interface PageProps {
  params: Record<string, string>;
}

export interface RouteDef {
  path: string;
  page: FunctionComponent<PageProps>;
  /** Shown in the navigation when set; `match` also highlights it on sub-paths. */
  nav?: { label: string; match?: (pathname: string) => boolean; needs?: Permission };
}

// Pages beyond the first screens load on demand (their own chunks): see components/lazy-page.tsx.
const DeploymentsPage = lazyPage(() => import('./pages/deployments.js').then((m) => m.DeploymentsPage));
const DeploymentBuilderPage = lazyPage(() => import('./pages/deployment-builder.js').then((m) => m.DeploymentBuilderPage));
const DeploymentPage = lazyPage(() => import('./pages/deployment.js').then((m) => m.DeploymentPage));
const FindingsPage = lazyPage(() => import('./pages/findings.js').then((m) => m.FindingsPage));
const FindingPage = lazyPage(() => import('./pages/finding.js').then((m) => m.FindingPage));
const CompliancePage = lazyPage(() => import('./pages/compliance.js').then((m) => m.CompliancePage));
const UsersPage = lazyPage(() => import('./pages/users.js').then((m) => m.UsersPage));
const EnrollmentTokensPage = lazyPage(() => import('./pages/enrollment-tokens.js').then((m) => m.EnrollmentTokensPage));
const AccountPage = lazyPage(() => import('./pages/account.js').then((m) => m.AccountPage));

const under = (prefix: string) => (p: string) => p === prefix || p.startsWith(`${prefix}/`);

/**
 * Every page of the console, one file each under pages/. A feature adds its page here and, when it
 * belongs in the navigation, a `nav` label (with `needs` when only some roles may use it).
 */
export const ROUTES: readonly RouteDef[] = [
  { path: '/', page: DashboardPage, nav: { label: 'Dashboard' } },
  { path: '/devices', page: DevicesPage, nav: { label: 'Devices', match: under('/devices') } },
  { path: '/devices/:id', page: DevicePage },
  { path: '/findings', page: FindingsPage, nav: { label: 'Findings', match: under('/findings') } },
  { path: '/findings/:id', page: FindingPage },
  { path: '/deployments', page: DeploymentsPage, nav: { label: 'Deployments', match: under('/deployments') } },
  { path: '/deployments/new', page: DeploymentBuilderPage },
  { path: '/deployments/:id', page: DeploymentPage },
  { path: '/compliance', page: CompliancePage, nav: { label: 'Compliance' } },
  { path: '/audit', page: AuditLogPage, nav: { label: 'Audit log' } },
  { path: '/settings/users', page: UsersPage, nav: { label: 'Users', match: under('/settings/users') } },
  { path: '/settings/enrollment-tokens', page: EnrollmentTokensPage, nav: { label: 'Enrollment tokens', needs: 'admin' } },
  { path: '/account', page: AccountPage },
];

export function findRoute(pathname: string): { route: RouteDef; params: Record<string, string> } | null {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  for (const route of ROUTES) {
    const params = matchPath(route.path, path);
    if (params) return { route, params };
  }
  return null;
}
