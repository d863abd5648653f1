import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { PatchwaveError } from '@patchwave/shared';
import { z } from 'zod';
import { writeFileAtomic } from '../../state/atomic-file.js';
import type { Scenario } from './scenario.js';

/** File in the agent's state directory holding the simulated host (so a restarted agent sees what it installed). */
export const SIMULATED_STATE_FILE = 'simulated-host.json';

const State = z.object({
  version: z.literal(1),
  /** Installed version per `name@arch`; null when not installed. */
  installed: z.record(z.string(), z.string().nullable()),
  /** Attempts so far per failure rule (index in the scenario), for rules that fail N times. */
  attempts: z.record(z.string(), z.number().int().nonnegative()),
  /** The scenario's crash already happened (it happens once). */
  crashed: z.boolean(),
  rebootRequired: z.boolean(),
  rebootPackages: z.array(z.string()),
  /** Changes on every simulated reboot. */
  bootId: z.string(),
});
export type SimulatedState = z.infer<typeof State>;

export const packageKey = (name: string, arch: string) => `${name}@${arch}`;

/**
 * The simulated host's state, persisted as one JSON file replaced atomically after every change,
 * so a crash between two packages leaves the first installed and the second not — like a real
 * package database.
 */
export class SimulatedHostState {
  readonly file: string;

  constructor(
    stateDir: string,
    private readonly scenario: Scenario,
  ) {
    this.file = path.join(stateDir, SIMULATED_STATE_FILE);
  }

  initial(): SimulatedState {
    return {
      version: 1,
      installed: Object.fromEntries(this.scenario.packages.map((p) => [packageKey(p.name, p.arch), p.installed])),
      attempts: {},
      crashed: false,
      rebootRequired: this.scenario.rebootRequired,
      rebootPackages: [],
      bootId: randomUUID(),
    };
  }

  async read(): Promise<SimulatedState> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      const state = this.initial();
      await this.write(state);
      return state;
    }
    const res = State.safeParse(JSON.parse(text));
    if (!res.success) {
      throw new PatchwaveError('E_CONFIG_INVALID', `simulated host state ${this.file} is invalid (${res.error.issues[0]?.message}); delete it to start over`);
    }
    // Packages added to the scenario since the state was created start as the scenario says.
    for (const p of this.scenario.packages) {
      const key = packageKey(p.name, p.arch);
      if (!(key in res.data.installed)) res.data.installed[key] = p.installed;
    }
    return res.data;
  }

  async write(state: SimulatedState): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.file, `${JSON.stringify(state, null, 2)}\n`);
  }
}
