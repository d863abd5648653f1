import type { Database as RawDatabase } from 'better-sqlite3';
import type { SupersedenceEdge } from '../../../domain/matching/kb-supersedence.js';
import { normalizeKb } from '../../../domain/matching/kb-supersedence.js';
import type { SupersedenceRepository } from '../../../domain/vulnerabilities/ports.js';
import type { Db } from '../rows.js';
import { prepared, withConnection } from './statements.js';

/** Windows update supersedence edges ("KB X is superseded by KB Y"), normalised to `KB<digits>`. */
export class SqliteSupersedenceRepository implements SupersedenceRepository {
  constructor(
    private readonly db: Db,
    private readonly raw: RawDatabase,
  ) {}

  async edges(): Promise<SupersedenceEdge[]> {
    const rows = await this.db.selectFrom('kb_supersedence').select(['kb', 'superseded_by']).orderBy('kb').orderBy('superseded_by').execute();
    const byKb = new Map<string, string[]>();
    for (const r of rows) {
      const list = byKb.get(r.kb);
      if (list) list.push(r.superseded_by);
      else byKb.set(r.kb, [r.superseded_by]);
    }
    return [...byKb].map(([kb, supersededBy]) => ({ kb, supersededBy }));
  }

  addEdges(edges: readonly SupersedenceEdge[], importId: string): Promise<number> {
    return withConnection(this.db, () => {
      const put = prepared(this.raw, 'INSERT OR IGNORE INTO kb_supersedence (kb, superseded_by, import_id) VALUES (?, ?, ?)');
      let added = 0;
      for (const e of edges) {
        const kb = normalizeKb(e.kb);
        if (!kb) continue;
        for (const s of e.supersededBy) {
          const by = normalizeKb(s);
          if (by && by !== kb) added += put.run(kb, by, importId).changes;
        }
      }
      return added;
    });
  }

  async count(): Promise<number> {
    const { n } = await this.db.selectFrom('kb_supersedence').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(n);
  }
}
