import { PatchwaveError } from '@patchwave/shared';
import type { AdapterModule } from '../registry.js';
import { SimulatedPackageManager } from './adapter.js';
import { loadScenario } from './scenario.js';

/**
 * The `simulated` adapter: never detected (`detect` is false and the module is explicit-only);
 * created only when the agent runs with `--simulate <scenario file>`, which sets
 * `local.simulateScenario`, and with a state directory to keep the simulated host in.
 */
export const simulatedModule: AdapterModule = {
  factory: {
    name: 'simulated',
    detect: () => false,
    create: (deps) => {
      const file = deps.local?.simulateScenario;
      if (!file) {
        throw new PatchwaveError('E_CONFIG_INVALID', 'the simulated package manager runs only when the agent is started with --simulate <scenario file>');
      }
      if (!deps.stateDir) throw new PatchwaveError('E_CONFIG_INVALID', 'the simulated package manager needs the agent state directory');
      return new SimulatedPackageManager({ scenario: loadScenario(file), scenarioFile: file, stateDir: deps.stateDir, log: deps.log });
    },
  },
  parsers: {},
  explicitOnly: true,
};

export { SimulatedPackageManager, type SimulatedOptions } from './adapter.js';
export { SIMULATED_STATE_FILE, SimulatedHostState } from './host-state.js';
export { SimulatedRebooter, simulatedBootId } from './rebooter.js';
export { simulatedFacts } from './facts.js';
export { loadScenario, parseScenario, Scenario, type SimulatedFailure, type SimulatedPackage } from './scenario.js';
