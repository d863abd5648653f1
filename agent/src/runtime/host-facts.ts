import type { DeviceFacts } from '@patchwave/shared';
import type { Logger } from 'pino';
import type { AgentConfig } from '../config/load.js';
import { collectFacts } from '../inventory/facts.js';
import { simulatedFacts } from '../pkg/simulated/facts.js';
import { loadScenario } from '../pkg/simulated/scenario.js';

/** Where the agent's host facts come from: this host, or under --simulate the simulated endpoint's. */
export function hostFacts(config: AgentConfig, log: Logger): () => Promise<DeviceFacts> {
  const file = config.managers.simulateScenario;
  if (!file) return () => collectFacts(log);
  return async () => simulatedFacts(config.stateDir, loadScenario(file));
}
