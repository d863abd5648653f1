import { createHash } from 'node:crypto';
import { inventoryHashInput, type Inventory } from '@patchwave/shared';

/** SHA-256 (lowercase hex) of the inventory's stable content: what agent and server compare. */
export function inventoryHash(inventory: Inventory): string {
  return createHash('sha256').update(inventoryHashInput(inventory), 'utf8').digest('hex');
}
