import type { ComponentChildren } from 'preact';

/**
 * A dashboard place kept for a feature this server does not serve yet (patch coverage, findings,
 * deployments). The page that lands with the feature replaces the slot's content; the grid keeps
 * its shape either way.
 */
export function FeatureSlot({ id, title, children }: { id: string; title: string; children: ComponentChildren }) {
  return (
    <section class="panel feature-slot" data-slot={id} aria-labelledby={`slot-${id}`}>
      <h2 id={`slot-${id}`}>{title}</h2>
      <p class="muted">{children}</p>
    </section>
  );
}
