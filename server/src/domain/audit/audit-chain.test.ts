import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyChain } from './audit-chain.js';
import type { AuditEntry } from './audit-entry.js';
import { auditHashInput, GENESIS_HASH, sealAuditEntry } from './audit-entry.js';

function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (let i = 0; i < n; i += 1) {
    const prev = out.at(-1);
    out.push(sealAuditEntry(prev ? { seq: prev.seq, hash: prev.hash } : null, { at: new Date(Date.UTC(2026, 0, 1, 0, i)), actor: 'system', action: 'x.y', target: `t:${i}`, details: { i } }));
  }
  return out;
}

describe('audit hash chain', () => {
  it('links entries from the genesis hash and hashes a canonical serialisation anyone can recompute', () => {
    const [first, second] = chain(2) as [AuditEntry, AuditEntry];
    expect(first.prevHash).toBe(GENESIS_HASH);
    expect(second.prevHash).toBe(first.hash);
    expect(auditHashInput(first)).toBe(
      '{"action":"x.y","actor":"system","at":"2026-01-01T00:00:00.000Z","details":{"i":0},"prevHash":"0000000000000000000000000000000000000000000000000000000000000000","seq":1,"target":"t:0"}',
    );
    expect(first.hash).toBe(createHash('sha256').update(auditHashInput(first)).digest('hex'));
  });

  it('normalises details to plain JSON before hashing (dates become strings, undefined disappears)', () => {
    const entry = sealAuditEntry(null, { at: new Date(0), actor: 'a', action: 'b', target: '', details: { when: new Date(0), gone: undefined } });
    expect(entry.details).toEqual({ when: '1970-01-01T00:00:00.000Z' });
    expect(verifyChain([entry]).ok).toBe(true);
  });

  it('verifies an intact chain and an empty one', () => {
    expect(verifyChain(chain(5))).toMatchObject({ ok: true, count: 5, headSeq: 5, firstBroken: null });
    expect(verifyChain([])).toEqual({ ok: true, count: 0, headHash: null, headSeq: null, firstBroken: null });
  });

  it('names the first modified entry', () => {
    const entries = chain(5);
    entries[2] = { ...(entries[2] as AuditEntry), details: { i: 99 } };
    expect(verifyChain(entries).firstBroken).toEqual({ seq: 3, reason: 'hash does not match the entry content (entry was modified)' });
  });

  it('names a rehashed entry by the link that no longer matches', () => {
    const entries = chain(4);
    const forged = sealAuditEntry({ seq: 1, hash: (entries[0] as AuditEntry).hash }, { at: new Date(0), actor: 'evil', action: 'x.y', target: '', details: {} });
    entries[1] = forged;
    expect(verifyChain(entries).firstBroken?.seq).toBe(3);
  });

  it('names a gap left by a deleted entry', () => {
    const entries = chain(4);
    entries.splice(1, 1);
    expect(verifyChain(entries).firstBroken).toEqual({ seq: 3, reason: 'expected seq 2, found 3 (entries missing or reordered)' });
  });
});
