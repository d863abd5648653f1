import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AvailableUpdate, Inventory } from '@patchwave/shared';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sampleFacts, sampleInventory } from '../../server/src/testing/facts.js';
import { stop } from '../support/processes.js';
import type { Browser, PageProblems } from './support/chromium.js';
import { launchChromium, watchProblems } from './support/chromium.js';
import { ensureConsoleBuilt } from './support/console-build.js';
import { signIn, signOut, submitSignIn, unexpected, waitForText } from './support/console-page.js';
import { AdminApi, type ConsoleServer, FAST_DEPLOYMENTS, startConsoleServer } from './support/console-server.js';
import { enrollFakeAgent, type FakeAgent } from './support/fake-agent.js';
import { debianOsv, debPackage, epss, importBody, kev } from './support/feeds.js';
import { JobInbox, nextOffer } from './support/fake-agent-jobs.js';
import { screenshot } from './support/screenshots.js';

/**
 * Phase 2 of the console in Debian's Chromium against a real server process: users signing in
 * with passwords (a forced password change, roles), findings with KEV and EPSS and "deploy the
 * fix", the deployment builder with the server's field errors, the dry run, approval by another
 * user, the live view fed by server-sent events while three fake agents report results through a three-wave rollout and a gate
 * halts the rollout, compliance downloads, and what an auditor may not do.
 */

const CVE = 'CVE-2099-31337';
const OPENSSL_OLD = '3.0.11-1~deb12u1';
const OPENSSL_NEW = '3.0.11-1~deb12u2';

let dir: string;
let server: ConsoleServer;
let api: AdminApi;
let browser: Browser;
let p: Page;
const agents: FakeAgent[] = [];
const inboxes: JobInbox[] = [];
const deviceIds: string[] = [];
const passwords: Record<string, string> = {};
const problems: PageProblems[] = [];
let deploymentId = '';
let ownDeploymentId = '';

function inventoryOf(hostname: string): Inventory {
  const update: AvailableUpdate = {
    manager: 'apt',
    name: 'openssl',
    arch: 'amd64',
    installedVersion: OPENSSL_OLD,
    candidateVersion: OPENSSL_NEW,
    security: true,
    origin: 'Debian-Security:12/stable-security',
    advisories: ['DSA-9999-1'],
    cves: [CVE],
  };
  return sampleInventory([debPackage('openssl', OPENSSL_OLD), debPackage('libfoo1', '1.0-1')], { facts: sampleFacts({ hostname }), updates: [update], collectedAt: new Date().toISOString() });
}

const heading = (name: string | RegExp) => p.getByRole('heading', { level: 1, name });

async function as(username: string): Promise<void> {
  if (await p.getByRole('button', { name: 'Sign out' }).isVisible()) await signOut(p);
  await signIn(p, server.url, username, passwords[username] as string);
}

beforeAll(async () => {
  ensureConsoleBuilt();
  dir = mkdtempSync(join(tmpdir(), 'patchwave-browser-deploy-'));
  server = await startConsoleServer(dir, FAST_DEPLOYMENTS);
  api = new AdminApi(server.url, server.token);
  passwords['admin'] = server.adminPassword;
  passwords['amy'] = await api.user('amy', 'auditor'); // made an approver in the console below
  passwords['audrey'] = await api.user('audrey', 'auditor');
  passwords['dan'] = await api.user('dan', 'operator');

  // Vulnerability data: an OSV record in Debian's schema for openssl, KEV and EPSS naming its CVE.
  const due = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
  const today = new Date().toISOString().slice(0, 10);
  await api.ok('POST', '/api/v1/feeds/import', importBody([debianOsv(CVE, 'openssl', OPENSSL_NEW), kev(CVE, today, due), epss(today, [[CVE, 0.63, 0.98]])]));

  for (const hostname of ['web-01', 'web-02', 'web-03']) {
    const agent = await enrollFakeAgent(server.url, server.token, inventoryOf(hostname), ['jobs']);
    agents.push(agent);
    inboxes.push(new JobInbox(agent, hostname));
    deviceIds.push(agent.deviceId);
    await api.ok('PATCH', `/api/v1/devices/${agent.deviceId}`, { tags: ['web'] });
  }
  browser = await launchChromium();
  p = await browser.newPage();
  problems.push(watchProblems(p));
}, 120_000);

// A failed step leaves a picture of what the console showed (test-output/screenshots/failed-*.png).
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail' && p) await screenshot(p, `failed-${ctx.task.name.slice(0, 40).replace(/[^a-z0-9]+/gi, '-')}`);
});

afterAll(async () => {
  for (const a of agents) a.close();
  await browser?.close();
  if (server) await stop(server.proc, 'SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('console phase 2 in Chromium', () => {
  it('lets an admin create an operator, change a role and disable a user; the operator must change the one-time password', async () => {
    await as('admin');
    await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users', exact: true }).click();
    await heading('Users').waitFor();
    await p.getByLabel('Username').fill('oscar');
    await p.getByLabel('Display name').fill('Oscar Operator');
    await p.getByLabel('Role', { exact: true }).selectOption('operator');
    await p.getByRole('button', { name: 'Create user' }).click();
    const otpField = p.getByLabel('One-time password', { exact: true });
    await otpField.waitFor();
    const otp = await otpField.inputValue();
    expect(otp.length).toBeGreaterThanOrEqual(12);
    const row = (name: string) => p.getByTestId('users-table').locator('tbody tr').filter({ has: p.locator('td:first-child', { hasText: new RegExp(`^${name}$`) }) });
    await waitForText(row('oscar').locator('td').nth(3), 'must change password');
    await p.getByLabel('Role of amy').selectOption('approver');
    await waitForText(p.locator('.notice-ok'), 'amy is now approver.');
    await row('dan').getByRole('button', { name: 'Disable dan' }).click();
    await waitForText(row('dan').locator('td').nth(3), 'disabled');
    await screenshot(p, '20-users');
    const users = await api.ok<{ items: { username: string; role: string; disabled: boolean }[] }>('GET', '/api/v1/users');
    expect(users.items.find((u) => u.username === 'amy')?.role).toBe('approver');
    expect(users.items.find((u) => u.username === 'dan')?.disabled).toBe(true);

    // The new operator signs in with the one-time password and must choose a password first.
    await signOut(p);
    await submitSignIn(p, 'oscar', otp);
    await heading('Choose a new password').waitFor();
    expect(await p.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await p.getByLabel('Current password').fill(otp);
    await p.getByLabel('New password', { exact: true }).fill('short');
    await p.getByLabel('Repeat the new password').fill('short');
    await p.getByRole('button', { name: 'Change password' }).click();
    await waitForText(p.locator('#pw-problem'), 'The new password needs at least 12 characters.');
    passwords['oscar'] = 'oscar-correct-horse-battery';
    await p.getByLabel('New password', { exact: true }).fill(passwords['oscar']);
    await p.getByLabel('Repeat the new password').fill(passwords['oscar']);
    await p.getByRole('button', { name: 'Change password' }).click();
    // The console opens where the sign-in started (the users page), now as oscar.
    await heading('Users').waitFor();
    await waitForText(p.getByTestId('session-user'), /^oscar\s+operator$/);
    // An operator's navigation has no admin-only page.
    expect(await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Enrollment tokens' }).count()).toBe(0);
  });

  it('shows findings with KEV and EPSS, their score parts, and "deploy the fix" opens a prefilled builder', async () => {
    await as('oscar');
    await p.goto(`${server.url}/findings`);
    await heading('Findings').waitFor();
    const first = p.getByTestId('findings-table').locator('tbody tr:not(.placeholder-row)').first();
    await first.waitFor();
    const cells = await first.locator('td').allTextContents();
    expect(cells.slice(2, 8)).toEqual([CVE, `openssl ${OPENSSL_OLD}`, expect.stringMatching(/^web-0[123]$/), 'KEV', '63 % (p98)', expect.any(String)]);
    // One finding per device and source of the match (OSV, and apt's own security metadata).
    const open = await api.ok<{ total: number; items: { hostname: string; cves: string[] }[] }>('GET', '/api/v1/findings?status=open,overdue');
    expect(open.total).toBeGreaterThanOrEqual(3);
    expect(new Set(open.items.map((f) => f.hostname))).toEqual(new Set(['web-01', 'web-02', 'web-03']));
    expect(await p.getByTestId('findings-table').locator('tbody tr').count()).toBe(open.total);
    await screenshot(p, '21-findings');
    await first.getByRole('link', { name: CVE }).click();
    await heading(CVE).waitFor();
    const parts = await p.getByTestId('score-parts').locator('tbody tr td:first-child').allTextContents();
    expect(parts).toEqual(expect.arrayContaining(['CVSS base score', 'EPSS probability', 'CISA KEV']));

    await p.goto(`${server.url}/findings?tab=cve`);
    const cveRow = p.getByTestId('cve-table').locator('tbody tr').filter({ hasText: CVE });
    await cveRow.waitFor();
    expect(await cveRow.locator('td').nth(5).textContent()).toBe('3');
    await screenshot(p, '22-findings-by-cve');
    await cveRow.getByRole('link', { name: `Deploy the fix for ${CVE}` }).click();
    await heading('New deployment').waitFor();
    expect(await p.getByLabel('Fixes for advisories / CVEs').isChecked()).toBe(true);
    expect(await p.getByLabel('Advisory and CVE ids').inputValue()).toBe(CVE);
    expect((await p.getByLabel('Device ids', { exact: true }).inputValue()).split('\n').sort()).toEqual([...deviceIds].sort());
    expect(await p.getByLabel('Name', { exact: true }).first().inputValue()).toBe(`Fix ${CVE}`);

    await p.goto(`${server.url}/findings?tab=package`);
    const catalogRow = p.getByTestId('catalog-table').locator('tbody tr').filter({ hasText: 'openssl' });
    await catalogRow.waitFor();
    expect(await catalogRow.locator('td').allTextContents()).toEqual(expect.arrayContaining(['openssl', OPENSSL_NEW, 'KEV', CVE, '3']));
  });

  it('builds a deployment: the server names a bad gate at its field, then accepts the fixed spec', async () => {
    await as('oscar');
    await p.goto(`${server.url}/deployments`);
    await p.getByRole('link', { name: 'New deployment' }).click();
    await heading('New deployment').waitFor();
    await p.getByLabel('Name', { exact: true }).first().fill('openssl canary rollout');
    await p.getByLabel('Tags', { exact: true }).fill('web');
    const canary = p.getByTestId('wave-form-0');
    // Three waves over the three web devices: canary 33 % (1), pilot the next 33 % (1), broad the rest (1).
    await canary.getByLabel('Percent').fill('33');
    await p.getByRole('button', { name: 'Add a wave' }).click();
    const pilot = p.getByTestId('wave-form-1');
    await pilot.getByLabel('Name', { exact: true }).fill('pilot');
    await pilot.getByLabel('Percent').fill('33');
    expect(await p.locator('[data-testid^="wave-form-"]').count()).toBe(3);
    await canary.getByLabel('Min. success %').fill('150');
    await p.getByLabel('Change record').fill('CHG-4711');
    await p.getByRole('button', { name: 'Create deployment' }).click();
    const fieldError = p.locator('[data-path="waves.0.gates.minSuccessRate"]');
    await waitForText(fieldError, 'minSuccessRate must be between 0 and 100 (got 150)');
    expect(await canary.getByLabel('Min. success %').getAttribute('aria-invalid')).toBe('true');
    await waitForText(p.getByTestId('builder-issues'), /1 problem, shown at the fields/);
    expect((await api.ok<{ total: number }>('GET', '/api/v1/deployments')).total).toBe(0);
    await screenshot(p, '23-builder-error');

    await canary.getByLabel('Min. success %').fill('100');
    await p.getByRole('button', { name: 'Create deployment' }).click();
    await heading('openssl canary rollout').waitFor();
    deploymentId = new URL(p.url()).pathname.split('/').pop() as string;
    await waitForText(p.getByTestId('deployment-state').first(), 'awaiting approval');
    await waitForText(p.getByTestId('approval-status'), /Waiting for an approver \(change record CHG-4711\)\. Your role cannot approve\./);
    expect(await p.getByTestId('wave-0-counts').textContent()).toMatch(/^0 devices ·/);
  });

  it('shows the dry run device by device with the removal highlighted', async () => {
    await p.getByRole('button', { name: 'Request a dry run' }).click();
    const answered: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { inbox, job } = await nextOffer(inboxes, 'plan');
      const upgrade = { kind: 'upgrade' as const, name: 'openssl', arch: 'amd64', from: OPENSSL_OLD, to: OPENSSL_NEW };
      const removal = { kind: 'remove' as const, name: 'libfoo1', arch: 'amd64', from: '1.0-1', to: null };
      inbox.plan(job, [{ manager: 'apt', changes: inbox.name === 'web-02' ? [upgrade, removal] : [upgrade], unresolved: [], notes: [] }]);
      answered.push(inbox.name);
    }
    expect(answered.sort()).toEqual(['web-01', 'web-02', 'web-03']);
    await waitForText(p.getByTestId('plan-summary'), /3 of 3 devices answered, 3 with changes/);
    const web02 = p.getByTestId('plan-device').filter({ hasText: 'web-02' });
    await web02.locator('.change-removed').waitFor();
    expect(await web02.getAttribute('class')).toContain('has-removals');
    await waitForText(web02.locator('.change-removed'), /remove\s+libfoo1 \(apt, amd64\) 1\.0-1 removed/);
    expect(await p.getByTestId('plan-device').filter({ hasText: 'web-01' }).locator('.change-removed').count()).toBe(0);
    await screenshot(p, '24-dry-run');
  });

  it("refuses self-approval with the server's message; another user with the approver role approves", async () => {
    await as('admin');
    // The admin creates a deployment of their own through the console's session (cookie + CSRF)...
    const created = await p.evaluate(async () => {
      const me = (await (await fetch('/api/v1/auth/me')).json()) as { csrfToken: string };
      const res = await fetch('/api/v1/deployments', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        body: JSON.stringify({ name: 'admin own change', what: { kind: 'security' }, targets: { tags: ['web'] }, waves: [{ name: 'all', select: { kind: 'rest' } }], approval: { required: true } }),
      });
      return { status: res.status, body: (await res.json()) as { id: string } };
    });
    expect(created.status).toBe(201);
    ownDeploymentId = created.body.id;
    // ...and may not approve it: the server's message is shown as it is.
    await p.goto(`${server.url}/deployments/${ownDeploymentId}`);
    await heading('admin own change').waitFor();
    await p.getByRole('button', { name: 'Approve' }).click();
    await waitForText(p.getByTestId('approval-error'), /an approver cannot approve their own deployment \(user:.+ created it\); ask another approver/);
    await screenshot(p, '25-self-approval-refused');

    await as('amy');
    await p.goto(`${server.url}/deployments/${deploymentId}`);
    await heading('openssl canary rollout').waitFor();
    expect(await p.getByLabel('Change record').inputValue()).toBe('CHG-4711');
    await p.getByLabel('Comment').fill('dry run looks right; libfoo1 removal expected');
    await p.getByRole('button', { name: 'Approve' }).click();
    await waitForText(p.getByTestId('approval-status'), /^Approved by amy .+ · change record CHG-4711 · “dry run looks right; libfoo1 removal expected”$/);
    await waitForText(p.getByTestId('deployment-state').first(), 'scheduled');
    // An approver steers nothing: no start, pause or abort here.
    expect(await p.getByTestId('deployment-actions').count()).toBe(0);
  });

  it('updates the live view from the event stream as devices report, halts on the gate with its reason, and resumes with a reason', async () => {
    await as('oscar');
    await p.goto(`${server.url}/deployments/${deploymentId}`);
    await heading('openssl canary rollout').waitFor();
    await waitForText(p.getByTestId('stream-status'), 'Live');
    // Every change below must arrive without a reload: this marker would not survive one.
    await p.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    const requests: string[] = [];
    p.on('request', (r) => requests.push(r.url()));

    await p.getByRole('button', { name: 'Start now' }).click();
    await p.getByLabel('Reason').fill('CHG-4711 window');
    await p.getByRole('button', { name: 'Start now' }).last().click();
    await waitForText(p.getByTestId('deployment-state').first(), 'running');

    // The canary's device fails: the failure budget of 0 halts the deployment.
    const canary = await nextOffer(inboxes, 'apply');
    await waitForText(p.getByTestId('wave-0-counts'), /^1 device · 0 succeeded · 0 failed · 1 in progress/);
    canary.inbox.fail(canary.job, OPENSSL_OLD, 'dpkg: error processing package openssl (--configure)');
    await waitForText(p.getByTestId('deployment-state').first(), 'halted');
    await waitForText(p.getByTestId('halt-reason'), /^Halted\. wave 0 "canary": .*failureBudget: 1 failure \(1 failed\) exceed the failure budget of 0/);
    await waitForText(p.getByTestId('wave-0-counts'), /^1 device · 0 succeeded · 1 failed/);
    await waitForText(p.getByTestId('gate-0').locator('tr[data-gate="failureBudget"] td').last(), /1 failed/);
    expect(await p.getByTestId('gate-0').locator('tr[data-gate="failureBudget"] .badge').textContent()).toBe('breach');
    await waitForText(p.getByTestId('jobs-table').locator('tbody tr').first(), /failed.*E_PKG_SCRIPT_FAILED: dpkg: error processing package openssl/);
    await screenshot(p, '26-live-halted');

    // Resume without a reason is refused in place; with one, the failed canary gets a new job.
    await p.getByRole('button', { name: 'Resume' }).click();
    await p.getByRole('button', { name: 'Resume' }).last().click();
    await waitForText(p.locator('#action-error'), 'Give a reason: it is kept in the audit log.');
    expect(await p.getByLabel('Retry the failed devices of the current wave (their new results are judged by the gates)').isChecked()).toBe(true);
    await p.getByLabel('Reason').fill('mirror fixed, retry the canary');
    await p.getByRole('button', { name: 'Resume' }).last().click();
    await waitForText(p.getByTestId('deployment-state').first(), 'running');
    expect(await p.getByTestId('halt-reason').count()).toBe(0);
    const retry = await nextOffer(inboxes, 'apply');
    expect(retry.inbox).toBe(canary.inbox);
    retry.inbox.succeed(retry.job, OPENSSL_OLD);
    await waitForText(p.getByTestId('wave-0-counts'), /^1 device · 1 succeeded · 0 failed/);

    // The gate passes; the pilot's device gets its job, then the broad wave's, and the rollout completes.
    const pilot = await nextOffer(inboxes, 'apply');
    expect(pilot.inbox).not.toBe(canary.inbox);
    pilot.inbox.succeed(pilot.job, OPENSSL_OLD);
    await waitForText(p.getByTestId('wave-1-counts'), /^1 device · 1 succeeded · 0 failed/);
    const broad = await nextOffer(inboxes, 'apply');
    expect([canary.inbox, pilot.inbox]).not.toContain(broad.inbox);
    broad.inbox.succeed(broad.job, OPENSSL_OLD);
    await waitForText(p.getByTestId('deployment-state').first(), 'completed', 30_000);
    await waitForText(p.getByTestId('wave-2-counts'), /^1 device · 1 succeeded · 0 failed/);
    expect(await p.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    expect(requests.filter((u) => u.endsWith(`/api/v1/deployments/${deploymentId}/events`))).toEqual([]); // the stream opened before; no reconnect was needed
    await screenshot(p, '27-live-completed');

    const audit = await api.ok<{ items: { action: string; details: Record<string, unknown> }[] }>('GET', '/api/v1/audit?action=deployment.resume');
    expect(audit.items[0]?.details).toMatchObject({ reason: 'mirror fixed, retry the canary' });
  });

  it('downloads the compliance report as CSV, JSON and PDF for the chosen scope', async () => {
    await p.goto(`${server.url}/compliance?tag=web&days=90`);
    await heading('Compliance').waitFor();
    const summary = await api.ok<{ openFindings: { total: number } }>('GET', '/api/v1/compliance/summary?tag=web');
    expect(summary.openFindings.total).toBeGreaterThanOrEqual(2);
    await waitForText(p.getByTestId('metric-open'), String(summary.openFindings.total));
    await waitForText(p.getByTestId('compliance-scope'), /^3 of 3 devices in scope/);
    await p.getByLabel('CSV table').selectOption('breakdown');
    await screenshot(p, '28-compliance');
    const links = p.getByTestId('report-downloads');
    const fetchLink = async (name: string) => {
      const href = (await links.getByRole('link', { name }).getAttribute('href')) as string;
      expect(href).toContain('tag=web');
      // The browser context's own request: the session cookie authenticates it, as a click would.
      const res = await p.request.get(`${server.url}${href}`);
      return { status: res.status(), type: res.headers()['content-type'] ?? '', disposition: res.headers()['content-disposition'] ?? '', body: await res.body() };
    };
    const csv = await fetchLink('Download CSV');
    expect(csv).toMatchObject({ status: 200, type: expect.stringContaining('text/csv'), disposition: expect.stringContaining('attachment') });
    const lines = csv.body.toString('utf8').trim().split(/\r?\n/);
    expect(lines[0]).toBe('dimension,key,devices_in_scope,devices_stale,no_overdue_percent,no_overdue,no_missing_security_percent,no_missing_security,open_findings,overdue_findings');
    expect(lines.length).toBeGreaterThan(1);
    const json = await fetchLink('Download JSON');
    expect(json).toMatchObject({ status: 200, type: expect.stringContaining('application/json') });
    expect(JSON.parse(json.body.toString('utf8'))).toMatchObject({ summary: { scope: { tags: ['web'] }, openFindings: { total: summary.openFindings.total } } });
    const pdf = await fetchLink('Download PDF');
    expect(pdf).toMatchObject({ status: 200, type: expect.stringContaining('application/pdf') });
    expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('shows an auditor no deploy, approve or steering controls, and the server refuses a direct POST with 403', async () => {
    await as('audrey');
    await p.goto(`${server.url}/deployments`);
    await p.getByTestId('deployments-table').locator('tbody tr:not(.placeholder-row)').first().waitFor();
    expect(await p.getByRole('link', { name: 'New deployment' }).count()).toBe(0);
    await p.goto(`${server.url}/deployments/${ownDeploymentId}`);
    await heading('admin own change').waitFor();
    await waitForText(p.getByTestId('approval-status'), /Your role cannot approve\./);
    expect(await p.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    expect(await p.getByTestId('deployment-actions').count()).toBe(0);
    expect(await p.getByRole('button', { name: 'Request a dry run' }).count()).toBe(0);
    await p.goto(`${server.url}/findings?tab=cve`);
    await p.getByTestId('cve-table').locator('tbody tr').filter({ hasText: CVE }).waitFor();
    expect(await p.getByRole('link', { name: /Deploy the fix/ }).count()).toBe(0);
    await screenshot(p, '29-auditor-findings');

    const refused = await p.evaluate(async (id) => {
      const me = (await (await fetch('/api/v1/auth/me')).json()) as { csrfToken: string };
      const res = await fetch(`/api/v1/deployments/${id}/abort`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken }, body: JSON.stringify({ reason: 'not mine to stop' }) });
      return { status: res.status, body: (await res.json()) as { error: { code: string; message: string } } };
    }, ownDeploymentId);
    expect(refused).toEqual({ status: 403, body: { error: { code: 'E_FORBIDDEN', message: 'this route needs the operator role; your account has auditor' } } });
    expect((await api.ok<{ state: string }>('GET', `/api/v1/deployments/${ownDeploymentId}`)).state).toBe('awaiting_approval');
  });

  it('raised no script error and no Content-Security-Policy refusal on any page', () => {
    expect(problems.flatMap((x) => unexpected(x.errors))).toEqual([]);
  });
});
