import path from 'node:path';

/**
 * Files in the agent's state directory (mode 0700):
 * - `credential.json` (0600): device id, credential and the server it belongs to.
 * - `inventory-base.json` (0600): hash and package list of the last inventory the server acked,
 *   so that after a restart the agent sends a delta against it.
 * - `agent.lock`: pid of the running agent; one agent per state directory.
 * Later issues add `journal/` (job journal and outbox) next to these.
 */
export function stateLayout(stateDir: string) {
  return {
    dir: stateDir,
    credential: path.join(stateDir, 'credential.json'),
    inventoryBase: path.join(stateDir, 'inventory-base.json'),
    lock: path.join(stateDir, 'agent.lock'),
  };
}

export type StateLayout = ReturnType<typeof stateLayout>;
