import type { FunctionComponent } from 'preact';
import { AuditLogPage } from './pages/audit-log.js';
import { DashboardPage } from './pages/dashboard.js';
import { DevicePage } from './pages/device.js';
import { DevicesPage } from './pages/devices.js';
import { EnrollmentTokensPage } from './pages/enrollment-tokens.js';
import { matchPath } from './route-match.js';

export interface PageProps {
  params: Record<string, string>;
}

export interface RouteDef {
  path: string;
  page: FunctionComponent<PageProps>;
  /** Shown in the navigation when set; `match` also highlights it on sub-paths. */
  nav?: { label: string; match?: (pathname: string) => boolean };
}

/**
 * Every page of the console, one file each under pages/. A feature adds its page here (findings,
 * deployments, compliance, users…) and, when it belongs in the navigation, a `nav` label.
 */
export const ROUTES: readonly RouteDef[] = [
  { path: '/', page: DashboardPage, nav: { label: 'Dashboard' } },
  { path: '/devices', page: DevicesPage, nav: { label: 'Devices', match: (p) => p === '/devices' || p.startsWith('/devices/') } },
  { path: '/devices/:id', page: DevicePage },
  { path: '/audit', page: AuditLogPage, nav: { label: 'Audit log' } },
  { path: '/settings/enrollment-tokens', page: EnrollmentTokensPage, nav: { label: 'Enrollment tokens', match: (p) => p.startsWith('/settings/') } },
];

export function findRoute(pathname: string): { route: RouteDef; params: Record<string, string> } | null {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  for (const route of ROUTES) {
    const params = matchPath(route.path, path);
    if (params) return { route, params };
  }
  return null;
}
