import fs from 'node:fs/promises';
import { InstalledPackage, LIMITS, PatchwaveError } from '@patchwave/shared';
import type { Logger } from 'pino';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-file.js';
import { stateLayout, type StateLayout } from './layout.js';

export const AgentIdentity = z.object({
  deviceId: z.string().min(1).max(LIMITS.id),
  credential: z.string().min(1).max(LIMITS.shortText),
  serverUrl: z.string().max(2048),
  enrolledAt: z.string().max(64),
});
export type AgentIdentity = z.infer<typeof AgentIdentity>;

export const InventoryBase = z.object({
  hash: z.string().regex(/^[a-f0-9]{64}$/),
  packages: z.array(InstalledPackage).max(LIMITS.listItems),
  ackedAt: z.string().max(64),
});
export type InventoryBase = z.infer<typeof InventoryBase>;

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return JSON.parse(text) as unknown;
}

/** The agent's durable state: identity (credential) and the last acknowledged inventory. */
export class StateStore {
  readonly layout: StateLayout;
  /** Writes in flight, so that stopping can wait for them instead of leaving a half-written temp file. */
  private readonly writes = new Set<Promise<void>>();

  private constructor(
    dir: string,
    private readonly log: Logger,
  ) {
    this.layout = stateLayout(dir);
  }

  /** Opens (and creates, mode 0700) the state directory. */
  static async open(dir: string, log: Logger): Promise<StateStore> {
    try {
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      await fs.access(dir, fs.constants.W_OK);
    } catch (err) {
      throw new PatchwaveError('E_CONFIG_INVALID', `state directory ${dir} cannot be created or written: ${(err as Error).message}`, {
        cause: err,
        details: { stateDir: dir },
      });
    }
    return new StateStore(dir, log);
  }

  /** The enrolled identity, or undefined before enrollment. A damaged file is an error, not a reason to re-enroll. */
  async readIdentity(): Promise<AgentIdentity | undefined> {
    const file = this.layout.credential;
    let raw: unknown;
    try {
      raw = await readJson(file);
    } catch (err) {
      throw new PatchwaveError('E_CONFIG_INVALID', `credential file ${file} is damaged (${(err as Error).message}); remove it to enroll again`, { cause: err });
    }
    if (raw === undefined) return undefined;
    const parsed = AgentIdentity.safeParse(raw);
    if (!parsed.success) {
      const at = parsed.error.issues[0]?.path.join('.') ?? '';
      throw new PatchwaveError('E_CONFIG_INVALID', `credential file ${file} is damaged (field "${at}"); remove it to enroll again`);
    }
    return parsed.data;
  }

  async writeIdentity(identity: AgentIdentity): Promise<void> {
    await this.track(writeFileAtomic(this.layout.credential, `${JSON.stringify(AgentIdentity.parse(identity), null, 2)}\n`, 0o600));
  }

  /** The last inventory the server acknowledged; a damaged file only costs a full report. */
  async readInventoryBase(): Promise<InventoryBase | undefined> {
    try {
      const raw = await readJson(this.layout.inventoryBase);
      if (raw === undefined) return undefined;
      const parsed = InventoryBase.safeParse(raw);
      if (parsed.success) return parsed.data;
      this.log.warn({ file: this.layout.inventoryBase, issue: parsed.error.issues[0]?.message }, 'inventory base is damaged; next report will be full');
    } catch (err) {
      this.log.warn({ err, file: this.layout.inventoryBase }, 'inventory base is unreadable; next report will be full');
    }
    return undefined;
  }

  async writeInventoryBase(base: InventoryBase): Promise<void> {
    await this.track(writeFileAtomic(this.layout.inventoryBase, JSON.stringify(base), 0o600));
  }

  async clearInventoryBase(): Promise<void> {
    await this.track(fs.rm(this.layout.inventoryBase, { force: true }));
  }

  /** Resolves once every write started so far has finished (or failed): what a stopping agent waits for. */
  async settled(): Promise<void> {
    while (this.writes.size > 0) await Promise.allSettled([...this.writes]);
  }

  private async track(write: Promise<void>): Promise<void> {
    this.writes.add(write);
    try {
      await write;
    } finally {
      this.writes.delete(write);
    }
  }
}
