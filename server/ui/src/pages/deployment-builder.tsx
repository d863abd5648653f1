import { useState } from 'preact/hooks';
import type { FieldIssue } from '../api/client.js';
import { issuesOf } from '../api/client.js';
import { createDeployment } from '../api/deployments.js';
import { useCan } from '../auth/permissions.js';
import { errorText, Notice } from '../components/notice.js';
import { PageHeader } from '../components/page-header.js';
import { navigate } from '../router.js';
import type { BuilderForm } from './deployment-builder/form-state.js';
import { formFromQuery, toSpec } from './deployment-builder/form-state.js';
import { ScheduleSection } from './deployment-builder/schedule-section.js';
import { TargetsSection } from './deployment-builder/targets-section.js';
import { WavesSection } from './deployment-builder/waves-section.js';
import { WhatSection } from './deployment-builder/what-section.js';

/** Focuses the control of the first field the server named, so the problem is where the eye lands. */
function focusFirst(issues: readonly FieldIssue[]): void {
  requestAnimationFrame(() => {
    const field = issues.length > 0 ? document.querySelector<HTMLElement>('.builder [aria-invalid="true"]') : null;
    (field ?? document.getElementById('builder-issues'))?.focus();
  });
}

/**
 * The deployment builder: what, which devices, waves with their gates, schedule and windows,
 * reboot policy and approval. The server validates the whole spec; each issue it returns is shown
 * at the field it names (and listed at the top). A created deployment opens on its own page,
 * where the dry run, the approval and the start happen.
 */
export function DeploymentBuilderPage() {
  const [form, setForm] = useState<BuilderForm>(() => formFromQuery(new URLSearchParams(window.location.search)));
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const mayDeploy = useCan('deploy');
  const change = (c: Partial<BuilderForm>) => setForm((f) => ({ ...f, ...c }));
  const prefilled = new URLSearchParams(window.location.search).has('ids');

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await createDeployment(toSpec(form));
      navigate(`/deployments/${encodeURIComponent(created.id)}`);
    } catch (err) {
      const found = issuesOf(err);
      setIssues(found);
      setError(found.length > 0 ? `The server refused the deployment: ${found.length === 1 ? '1 problem' : `${found.length} problems`}, shown at the fields.` : errorText(err as Error));
      focusFirst(found);
      setBusy(false);
    }
  };

  if (!mayDeploy) {
    return (
      <>
        <PageHeader title="New deployment" />
        <Notice kind="warn">Your role may not create deployments (operators and admins may).</Notice>
      </>
    );
  }

  return (
    <>
      <PageHeader title="New deployment" sub="Nothing is stored until the server accepts the whole spec; a dry run and the approval follow on the deployment's page." />
      {prefilled ? <Notice kind="info">Prefilled from the findings: the advisories to fix and the affected devices. Check the waves before creating it.</Notice> : null}
      <form class="builder" onSubmit={(e) => void submit(e)} noValidate>
        <div id="builder-issues" class="builder-issues" tabIndex={-1} role="alert" data-testid="builder-issues">
          {error ? (
            <div class="notice notice-error">
              <p>{error}</p>
              {issues.length > 0 ? (
                <ul>
                  {issues.map((i) => (
                    <li key={`${i.path}:${i.message}`}>
                      <code>{i.path}</code>: {i.message}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
        </div>
        <WhatSection form={form} issues={issues} onChange={change} />
        <TargetsSection form={form} issues={issues} onChange={change} />
        <WavesSection waves={form.waves} issues={issues} onChange={(waves) => change({ waves })} />
        <ScheduleSection form={form} issues={issues} onChange={change} />
        <div class="form-actions sticky-actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create deployment'}
          </button>
          <a href="/deployments" class="button secondary">
            Cancel
          </a>
        </div>
      </form>
    </>
  );
}
