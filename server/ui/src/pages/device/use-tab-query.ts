import { useEffect, useState } from 'preact/hooks';
import { useDebounced } from '../../hooks/use-debounced.js';
import { useSearchParams } from '../../router.js';

export const TAB_PAGE_SIZE = 50;

/**
 * The paging and name filter of a device tab, kept in the address (`name`, `offset`) so a
 * filtered view can be linked; the name box is debounced into it.
 */
export function useTabQuery() {
  const [params, setParams] = useSearchParams();
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  const name = params.get('name') ?? '';
  const [draft, setDraft] = useState(name);
  const settled = useDebounced(draft, 300);
  useEffect(() => {
    if (settled.trim() !== name) setParams({ name: settled.trim(), offset: null }, { replace: true });
  }, [settled]);
  // Back/forward to another filter: the box follows the address.
  useEffect(() => {
    if (settled.trim() !== name) setDraft(name);
  }, [name]);
  return {
    params,
    offset,
    name,
    draft,
    setDraft,
    setOffset: (o: number) => setParams({ offset: o || null }, { replace: true }),
    setFilter: (changes: Record<string, string | null>) => setParams({ ...changes, offset: null }, { replace: true }),
  };
}
