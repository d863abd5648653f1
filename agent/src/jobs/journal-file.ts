import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';

/** The file operations the journal uses; a test wraps them to watch fsync or inject failures. */
export interface JournalIo {
  openSync(file: string, flags: string, mode?: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  readFileSync(file: string, encoding: 'utf8'): string;
  existsSync(file: string): boolean;
  mkdirSync(dir: string, options: { recursive: true; mode: number }): void;
  rmSync(file: string, options: { force: true }): void;
}

export const nodeJournalIo: JournalIo = {
  openSync: (file, flags, mode) => fs.openSync(file, flags, mode),
  writeSync: (fd, buffer, offset, length) => fs.writeSync(fd, buffer, offset, length),
  fsyncSync: (fd) => fs.fsyncSync(fd),
  closeSync: (fd) => fs.closeSync(fd),
  renameSync: (from, to) => fs.renameSync(from, to),
  readFileSync: (file, encoding) => fs.readFileSync(file, encoding),
  existsSync: (file) => fs.existsSync(file),
  mkdirSync: (dir, options) => {
    fs.mkdirSync(dir, options);
  },
  rmSync: (file, options) => fs.rmSync(file, options),
};

/** What `open` found wrong in the file: a torn last line or corrupt lines, dropped and healed. */
export interface JournalDamage {
  droppedLines: number;
  droppedBytes: number;
}

export interface OpenedJournal<R> {
  journal: JournalFile<R>;
  records: R[];
  damage: JournalDamage | null;
}

/** Writes every byte (a write may be short). */
function writeAll(io: JournalIo, fd: number, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < buf.length) {
    const written = io.writeSync(fd, buf, offset, buf.length - offset);
    if (written <= 0) throw new Error(`journal write made no progress (${offset} of ${buf.length} bytes written)`);
    offset += written;
  }
}

const checksum = (json: string) => createHash('sha256').update(json).digest('hex').slice(0, 16);

/** One record per line: `<16 hex of SHA-256(json)> <json>\n`. */
function encode(record: unknown): string {
  const json = JSON.stringify(record);
  return `${checksum(json)} ${json}\n`;
}

function decode<R>(line: string, parse: (value: unknown) => R | undefined): R | undefined {
  const space = line.indexOf(' ');
  if (space !== 16) return undefined;
  const json = line.slice(17);
  if (checksum(json) !== line.slice(0, 16)) return undefined;
  try {
    return parse(JSON.parse(json));
  } catch {
    return undefined;
  }
}

/**
 * An append-only JSON-lines file, durable record by record: every `append` is written and
 * fsynced before it returns, so a record the caller saw written survives a crash or power loss.
 * `rewrite` compacts by writing a new file, fsyncing it, renaming it over the old one and fsyncing
 * the directory. A torn last line (a crash mid-write) or a line whose checksum does not match is
 * dropped on open, and the file is rewritten without it so that later appends start clean.
 * Synchronous on purpose: records are few and small, and their order must be exactly the order of
 * the side effects they precede. No native addons.
 */
export class JournalFile<R> {
  private fd: number;
  private bytes: number;

  private constructor(
    readonly file: string,
    private readonly io: JournalIo,
    fd: number,
    bytes: number,
  ) {
    this.fd = fd;
    this.bytes = bytes;
  }

  static open<R>(file: string, parse: (value: unknown) => R | undefined, opts: { io?: JournalIo; log: Logger }): OpenedJournal<R> {
    const io = opts.io ?? nodeJournalIo;
    io.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const text = io.existsSync(file) ? io.readFileSync(file, 'utf8') : '';
    const records: R[] = [];
    let droppedLines = 0;
    let droppedBytes = 0;
    const lines = text.split('\n');
    const tail = lines.pop() ?? '';
    if (tail.length > 0) {
      droppedLines++;
      droppedBytes += Buffer.byteLength(tail);
    }
    for (const line of lines) {
      const record = decode(line, parse);
      if (record === undefined) {
        droppedLines++;
        droppedBytes += Buffer.byteLength(line) + 1;
      } else records.push(record);
    }
    const damage = droppedLines ? { droppedLines, droppedBytes } : null;
    if (damage) {
      opts.log.warn({ file, ...damage, kept: records.length }, 'journal had a torn or corrupt tail; dropped it');
      writeAtomically(io, file, records.map(encode).join(''));
    }
    const fd = io.openSync(file, 'a', 0o600);
    const bytes = damage ? records.reduce((n, r) => n + Buffer.byteLength(encode(r)), 0) : Buffer.byteLength(text);
    return { journal: new JournalFile<R>(file, io, fd, bytes), records, damage };
  }

  /** Writes one record and fsyncs it before returning. */
  append(record: R): void {
    const line = encode(record);
    writeAll(this.io, this.fd, line);
    this.io.fsyncSync(this.fd);
    this.bytes += Buffer.byteLength(line);
  }

  /** Replaces the whole file with `records`, atomically (compaction). */
  rewrite(records: readonly R[]): void {
    const text = records.map(encode).join('');
    writeAtomically(this.io, this.file, text);
    this.io.closeSync(this.fd);
    this.fd = this.io.openSync(this.file, 'a', 0o600);
    this.bytes = Buffer.byteLength(text);
  }

  /** Bytes in the file. */
  size(): number {
    return this.bytes;
  }

  close(): void {
    this.io.closeSync(this.fd);
  }
}

function writeAtomically(io: JournalIo, file: string, text: string): void {
  const temp = `${file}.compact.tmp`;
  io.rmSync(temp, { force: true });
  const fd = io.openSync(temp, 'wx', 0o600);
  try {
    writeAll(io, fd, text);
    io.fsyncSync(fd);
  } finally {
    io.closeSync(fd);
  }
  io.renameSync(temp, file);
  syncDir(io, path.dirname(file));
}

/** fsync the directory so the rename is durable (POSIX); Windows cannot open a directory for it. */
function syncDir(io: JournalIo, dir: string): void {
  if (process.platform === 'win32') return;
  const fd = io.openSync(dir, 'r');
  try {
    io.fsyncSync(fd);
  } finally {
    io.closeSync(fd);
  }
}
