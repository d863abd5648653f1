import type { TargetedKeyboardEvent } from 'preact';

export interface TabDef {
  id: string;
  label: string;
}

/**
 * WAI-ARIA tabs: one tab stop, arrow keys / Home / End move between tabs and select them. The
 * selected tab lives in the URL (the caller's `onSelect`), so a tab can be linked and reloaded.
 */
export function TabList({ tabs, selected, onSelect, label }: { tabs: readonly TabDef[]; selected: string; onSelect: (id: string) => void; label: string }) {
  const keydown = (event: TargetedKeyboardEvent<HTMLDivElement>) => {
    const index = tabs.findIndex((t) => t.id === selected);
    let next = index;
    if (event.key === 'ArrowRight') next = (index + 1) % tabs.length;
    else if (event.key === 'ArrowLeft') next = (index - 1 + tabs.length) % tabs.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = tabs.length - 1;
    else return;
    event.preventDefault();
    const tab = tabs[next];
    if (!tab) return;
    onSelect(tab.id);
    document.getElementById(`tab-${tab.id}`)?.focus();
  };
  return (
    <div class="tabs" role="tablist" aria-label={label} onKeyDown={keydown}>
      {tabs.map((t) => (
        <button
          key={t.id}
          id={`tab-${t.id}`}
          type="button"
          role="tab"
          aria-selected={t.id === selected ? 'true' : 'false'}
          aria-controls={`panel-${t.id}`}
          tabIndex={t.id === selected ? 0 : -1}
          onClick={() => onSelect(t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
