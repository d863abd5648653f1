import { createHash } from 'node:crypto';
import type { Inventory } from '@patchwave/shared';
import { inventoryHashInput } from '@patchwave/shared';

/** The content hash agent and server agree on: SHA-256 (hex) of `inventoryHashInput`. */
export function inventoryHash(inventory: Inventory): string {
  return createHash('sha256').update(inventoryHashInput(inventory), 'utf8').digest('hex');
}
