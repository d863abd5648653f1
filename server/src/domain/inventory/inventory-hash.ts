import { createHash } from 'node:crypto';
import type { Inventory } from '@patchwave/shared';
import { writeInventoryHashInput } from '@patchwave/shared';

/** The content hash agent and server agree on: SHA-256 (hex) of `inventoryHashInput`, fed to the hash in pieces. */
export function inventoryHash(inventory: Inventory): string {
  const hash = createHash('sha256');
  writeInventoryHashInput(inventory, (piece) => hash.update(piece, 'utf8'));
  return hash.digest('hex');
}
