import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';

/**
 * The page's h1 (focus moves here after each navigation, for screen readers and keyboards) and
 * the document title. `actions` sit at the right; `sub` below the title.
 */
export function PageHeader({ title, sub, actions }: { title: string; sub?: ComponentChildren; actions?: ComponentChildren }) {
  useEffect(() => {
    document.title = `${title} · patchwave`;
  }, [title]);
  return (
    <header class="page-header">
      <div class="page-title">
        <h1 tabIndex={-1}>{title}</h1>
        {sub ? <div class="page-sub">{sub}</div> : null}
      </div>
      {actions ? <div class="page-actions">{actions}</div> : null}
    </header>
  );
}
