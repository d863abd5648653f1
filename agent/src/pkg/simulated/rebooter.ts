import { randomUUID } from 'node:crypto';
import type { Rebooter } from '../../jobs/rebooter.js';
import { SimulatedHostState } from './host-state.js';
import type { Scenario } from './scenario.js';

/**
 * The simulated host's reboot: a new boot id, no reboot pending, then `onReboot` — which the agent
 * wiring uses to restart itself (in a test harness, exit and be started again). Never reboots the
 * real machine.
 */
export class SimulatedRebooter implements Rebooter {
  private readonly state: SimulatedHostState;

  constructor(
    stateDir: string,
    scenario: Scenario,
    private readonly onReboot: (reason: string) => void,
  ) {
    this.state = new SimulatedHostState(stateDir, scenario);
  }

  async reboot(reason: string): Promise<void> {
    const s = await this.state.read();
    await this.state.write({ ...s, bootId: randomUUID(), rebootRequired: false, rebootPackages: [] });
    this.onReboot(reason);
  }
}

/** The simulated host's boot id (changes on every simulated reboot); the executor's `bootId` under --simulate. */
export function simulatedBootId(stateDir: string, scenario: Scenario): () => Promise<string> {
  const state = new SimulatedHostState(stateDir, scenario);
  return async () => (await state.read()).bootId;
}
