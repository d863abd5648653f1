import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log/logger.js';
import { JournalFile, nodeJournalIo, type JournalIo } from './journal-file.js';

interface Rec {
  n: number;
  text?: string;
}
const parse = (v: unknown): Rec | undefined => (typeof v === 'object' && v !== null && typeof (v as Rec).n === 'number' ? (v as Rec) : undefined);
const log = silentLogger();

/** Real fs, with every call counted (fsync included) and optional failures. */
function watchedIo() {
  const calls: string[] = [];
  const fsyncs: number[] = [];
  let failFsync = false;
  const io: JournalIo = {
    ...nodeJournalIo,
    openSync: (file, flags, mode) => {
      calls.push(`open ${path.basename(file)} ${flags}`);
      return nodeJournalIo.openSync(file, flags, mode);
    },
    fsyncSync: (fd) => {
      if (failFsync) throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
      fsyncs.push(fd);
      calls.push('fsync');
      nodeJournalIo.fsyncSync(fd);
    },
    renameSync: (from, to) => {
      calls.push(`rename ${path.basename(from)} -> ${path.basename(to)}`);
      nodeJournalIo.renameSync(from, to);
    },
  };
  return { io, calls, fsyncs, failFsync: () => (failFsync = true) };
}

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-journal-'));
  file = path.join(dir, 'journal', 'jobs.jsonl');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('JournalFile', () => {
  it('appends records that a new open reads back in order', () => {
    const { journal, records, damage } = JournalFile.open(file, parse, { log });
    expect(records).toEqual([]);
    expect(damage).toBeNull();
    journal.append({ n: 1 });
    journal.append({ n: 2, text: 'ünïcødé \n with a newline' });
    journal.close();
    const again = JournalFile.open(file, parse, { log });
    expect(again.records).toEqual([{ n: 1 }, { n: 2, text: 'ünïcødé \n with a newline' }]);
    expect(again.journal.size()).toBe(fs.statSync(file).size);
    again.journal.close();
  });

  it('fsyncs every record before append returns', () => {
    const w = watchedIo();
    const { journal } = JournalFile.open(file, parse, { log, io: w.io });
    const before = w.fsyncs.length;
    journal.append({ n: 1 });
    expect(w.fsyncs.length).toBe(before + 1);
    journal.append({ n: 2 });
    expect(w.fsyncs.length).toBe(before + 2);
    journal.close();
  });

  it('throws when fsync fails rather than pretending the record is durable', () => {
    const w = watchedIo();
    const { journal } = JournalFile.open(file, parse, { log, io: w.io });
    w.failFsync();
    expect(() => journal.append({ n: 1 })).toThrow(/EIO/);
    journal.close();
  });

  it('drops a record torn by a crash mid-write, heals the file, and appends cleanly after it', () => {
    const { journal } = JournalFile.open(file, parse, { log });
    journal.append({ n: 1 });
    journal.append({ n: 2 });
    journal.append({ n: 3, text: 'x'.repeat(200) });
    journal.close();
    const full = fs.readFileSync(file);
    const lastStart = full.subarray(0, full.length - 1).lastIndexOf('\n') + 1;
    // Every cut inside the last record (including just before its newline) must leave records 1 and 2.
    for (const cut of [lastStart + 1, lastStart + 17, lastStart + 60, full.length - 1]) {
      fs.writeFileSync(file, full.subarray(0, cut));
      const opened = JournalFile.open(file, parse, { log });
      expect(opened.records).toEqual([{ n: 1 }, { n: 2 }]);
      expect(opened.damage).toEqual({ droppedLines: 1, droppedBytes: cut - lastStart });
      opened.journal.append({ n: 4 });
      opened.journal.close();
      expect(JournalFile.open(file, parse, { log }).records).toEqual([{ n: 1 }, { n: 2 }, { n: 4 }]);
    }
  });

  it('drops a line whose checksum does not match (a flipped byte) and keeps the others', () => {
    const { journal } = JournalFile.open(file, parse, { log });
    journal.append({ n: 1 });
    journal.append({ n: 2 });
    journal.append({ n: 3 });
    journal.close();
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines[1] = (lines[1] as string).replace('"n":2', '"n":7');
    fs.writeFileSync(file, lines.join('\n'));
    const opened = JournalFile.open(file, parse, { log });
    expect(opened.records).toEqual([{ n: 1 }, { n: 3 }]);
    expect(opened.damage?.droppedLines).toBe(1);
    opened.journal.close();
  });

  it('compacts by writing a new file, fsyncing it, renaming it over the old one and fsyncing the directory', () => {
    const w = watchedIo();
    const { journal } = JournalFile.open(file, parse, { log, io: w.io });
    for (let n = 0; n < 50; n++) journal.append({ n });
    w.calls.length = 0;
    journal.rewrite([{ n: 48 }, { n: 49 }]);
    expect(w.calls).toEqual([
      'open jobs.jsonl.compact.tmp wx',
      'fsync',
      'rename jobs.jsonl.compact.tmp -> jobs.jsonl',
      'open journal r',
      'fsync',
      'open jobs.jsonl a',
    ]);
    journal.append({ n: 50 });
    journal.close();
    expect(fs.existsSync(`${file}.compact.tmp`)).toBe(false);
    expect(JournalFile.open(file, parse, { log }).records).toEqual([{ n: 48 }, { n: 49 }, { n: 50 }]);
  });

  it('keeps the old file intact when compaction crashes before the rename', () => {
    const { journal } = JournalFile.open(file, parse, { log });
    journal.append({ n: 1 });
    journal.append({ n: 2 });
    const failingRename: JournalIo = {
      ...nodeJournalIo,
      renameSync: () => {
        throw new Error('power cut');
      },
    };
    journal.close();
    const opened = JournalFile.open(file, parse, { log, io: failingRename });
    expect(() => opened.journal.rewrite([{ n: 2 }])).toThrow('power cut');
    expect(JournalFile.open(file, parse, { log }).records).toEqual([{ n: 1 }, { n: 2 }]);
  });
});
