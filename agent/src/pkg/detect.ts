import { PatchwaveError } from '@patchwave/shared';
import type { HostDescription } from './host.js';
import type { AdapterModule } from './registry.js';

export interface DetectOptions {
  /** `run --simulate <scenario>`: use only the explicit `simulated` adapter. */
  simulate?: boolean;
}

/**
 * The adapters to use on a host: every auto-detectable module whose `detect` accepts the host
 * description, or, when simulating, only the `simulated` module (never auto-detected).
 */
export function detectAdapters(host: HostDescription, modules: readonly AdapterModule[], options: DetectOptions = {}): AdapterModule[] {
  if (options.simulate) {
    const simulated = modules.find((m) => m.factory.name === 'simulated');
    if (!simulated) {
      throw new PatchwaveError('E_NOT_SUPPORTED', 'this agent has no simulated adapter: --simulate cannot be used with this build');
    }
    return [simulated];
  }
  return modules.filter((m) => !m.explicitOnly && m.factory.name !== 'simulated' && m.factory.detect(host));
}
