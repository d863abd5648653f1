import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { agentFrame, type Job } from '@patchwave/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log/logger.js';
import { JOURNAL_FILE, JobStore } from './job-store.js';

const log = silentLogger();
const at = '2026-03-02T01:00:00.000Z';

function job(id: string, expiresAt = '2026-03-09T00:00:00.000Z'): Job {
  return {
    jobId: id,
    deviceId: 'dev-1',
    action: { kind: 'apply', packages: [{ manager: 'simulated', name: 'openssl', version: null }], rebootPolicy: { mode: 'never' } },
    issuedAt: '2026-03-01T00:00:00.000Z',
    notBefore: '2026-03-01T00:00:00.000Z',
    expiresAt,
  };
}

const result = (jobId: string, frameId: string) =>
  agentFrame(
    'job.result',
    {
      jobId,
      deviceId: 'dev-1',
      kind: 'apply',
      status: 'succeeded',
      finishedAt: at,
      exitCode: 0,
      packages: [],
      reboot: { required: false, performed: false },
      outputTail: '',
      inventoryHash: null,
    },
    frameId,
    new Date(at),
  );

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-store-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('JobStore', () => {
  it('rebuilds active jobs, their steps, seen ids and the outbox from the journal', () => {
    const s = JobStore.open(dir, { log });
    s.receive(job('j-1'), at);
    s.setState('j-1', 'running', at);
    s.recordRollbackPlan('j-1', [{ manager: 'simulated', name: 'openssl', arch: 'all', version: '3.0.11' }], at);
    s.applyStarted('j-1', 'simulated', at);
    s.receive(job('j-2'), at);
    s.finish('j-2', job('j-2').expiresAt, result('j-2', 'f-2'), at);
    s.close();

    const r = JobStore.open(dir, { log });
    expect(r.hasSeen('j-1')).toBe(true);
    expect(r.hasSeen('j-2')).toBe(true);
    expect(r.hasSeen('j-3')).toBe(false);
    expect(r.active().map((j) => j.job.jobId)).toEqual(['j-1']);
    expect(r.get('j-1')).toMatchObject({ state: 'running', startedAt: at, started: ['simulated'], runs: [], rollbackPlan: [{ version: '3.0.11' }] });
    expect(r.outbox().map((f) => f.id)).toEqual(['f-2']);
    expect(r.ack('f-2', at)).toBe(true);
    expect(r.ack('f-2', at)).toBe(false);
    r.close();
    expect(JobStore.open(dir, { log }).outbox()).toEqual([]);
  });

  it('survives a crash that tears the last record: the state is as before that record', () => {
    const s = JobStore.open(dir, { log });
    s.receive(job('j-1'), at);
    s.setState('j-1', 'running', at);
    s.applyStarted('j-1', 'simulated', at);
    s.close();
    const file = path.join(dir, JOURNAL_FILE);
    const text = fs.readFileSync(file);
    fs.writeFileSync(file, text.subarray(0, text.length - 10));
    const r = JobStore.open(dir, { log });
    expect(r.damage?.droppedLines).toBe(1);
    expect(r.get('j-1')).toMatchObject({ state: 'running', started: [] });
  });

  it('compacts to what is still needed and keeps the outbox, seen ids and active jobs', () => {
    const s = JobStore.open(dir, { log, compactBytes: 4096 });
    for (let i = 0; i < 30; i++) {
      s.receive(job(`done-${i}`), at);
      s.setState(`done-${i}`, 'running', at);
      s.finish(`done-${i}`, job(`done-${i}`).expiresAt, result(`done-${i}`, `f-${i}`), at);
      if (i < 29) s.ack(`f-${i}`, at);
    }
    s.receive(job('active'), at);
    s.setState('active', 'held', at, '2026-03-03T01:00:00.000Z');
    s.scheduleReboot('done-3', '2026-03-02T05:00:00.000Z', at);
    const before = s.size();
    expect(s.maybeCompact(new Date(at))).toBe(true);
    expect(s.size()).toBeLessThan(before / 3);
    s.close();

    const r = JobStore.open(dir, { log });
    for (let i = 0; i < 30; i++) expect(r.hasSeen(`done-${i}`)).toBe(true);
    expect(r.outbox().map((f) => f.id)).toEqual(['f-29']);
    expect(r.active().map((j) => [j.job.jobId, j.state, j.holdUntil])).toEqual([['active', 'held', '2026-03-03T01:00:00.000Z']]);
    expect(r.scheduledReboots()).toEqual([{ jobId: 'done-3', rebootAt: '2026-03-02T05:00:00.000Z' }]);
  });

  it('forgets seen ids only long after their job expired (such a job is refused as expired anyway)', () => {
    const s = JobStore.open(dir, { log, seenRetentionMs: 86_400_000 });
    s.markSeen('old', '2026-01-01T00:00:00.000Z');
    s.markSeen('recent', '2026-03-01T12:00:00.000Z');
    s.compact(new Date(at));
    expect(s.hasSeen('old')).toBe(false);
    expect(s.hasSeen('recent')).toBe(true);
    s.close();
    const r = JobStore.open(dir, { log });
    expect(r.hasSeen('old')).toBe(false);
    expect(r.hasSeen('recent')).toBe(true);
  });

  it('keeps a reboot intent with its result across compaction and restart', () => {
    const s = JobStore.open(dir, { log });
    s.receive(job('j-r'), at);
    const payload = result('j-r', 'x').payload;
    s.recordRebootIntent({ jobId: 'j-r', at, bootId: 'boot-a', result: payload as never });
    s.compact(new Date(at));
    s.close();
    const r = JobStore.open(dir, { log });
    expect(r.rebootIntent()).toMatchObject({ jobId: 'j-r', bootId: 'boot-a', result: { jobId: 'j-r' } });
    r.recordRebooted('boot-b', at);
    expect(r.rebootIntent()).toBeNull();
    expect(r.lastRebootBootId()).toBe('boot-b');
  });
});
