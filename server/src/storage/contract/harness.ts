import { afterEach, beforeEach } from 'vitest';
import type { Store } from '../../domain/store.js';

/** How a contract suite gets a fresh, empty, migrated store of the implementation under test. */
export interface StoreUnderTest {
  store: Store;
  cleanup(): Promise<void>;
}

export type OpenStore = () => Promise<StoreUnderTest>;

/** Opens a fresh store before each test and disposes of it after; read `.store` inside tests. */
export function useFreshStore(open: OpenStore): { readonly store: Store } {
  let current: StoreUnderTest | null = null;
  beforeEach(async () => {
    current = await open();
  });
  afterEach(async () => {
    await current?.cleanup();
    current = null;
  });
  return {
    get store(): Store {
      if (!current) throw new Error('store used outside a test');
      return current.store;
    },
  };
}
