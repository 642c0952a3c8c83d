// The alert history's intake log. A state change is acknowledged once it is appended to a segment
// file beside the warehouse and fdatasync'ed; segments move into alert_events in the background,
// one load each (an IntakeTarget: a DuckDB transaction, or a ClickHouse insert that a re-load
// replaces rather than duplicates). Why: a DuckDB write transaction has a fixed cost of a few milliseconds,
// most of it on Node's main thread, and it queues behind every other warehouse write (an ingest
// window, a rollup); an fdatasync costs a fraction of a millisecond, off the main thread. So a
// webhook is answered as soon as its alerts are durable, and the warehouse gets one large
// transaction a second instead of hundreds of small ones. Readers of the history call load()
// first, so they always see every acknowledged change; it waits only for the load of what was
// acknowledged before it (on DuckDB, on a writer of its own, so not behind the jobs' writes).
//
// Crash safety: the load of a segment also records its id in alert_intake, so at start a segment
// is loaded again if its id is above loaded_through, and deleted otherwise. While the warehouse is
// unreachable (a ClickHouse server down), loads fail and are retried; appends, and so the webhook's
// acknowledgements, go on. A torn
// last line (a crash during an append that was never acknowledged) is cut off before loading.
//
// A line DuckDB refuses (a segment corrupted by hand or by the disk, or written by a bug) would stop
// its segment, and every one after it, from loading, and the service from starting: when a load
// fails, lines that hold no row are moved to rejected/<segment>.ndjson, with a log line and a count
// (sextant_alert_intake_rejected_lines_total), and the rest of the segment is loaded.
import { mkdir, mkdtemp, open, readdir, readFile, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type Logger } from '../log.js';

/** One row of alert_events, as the intake log stores it (labels, annotations and suppressed_by as JSON). */
export interface AlertEventRow {
  tenant: string;
  fingerprint: string;
  starts_at_ms: number;
  seq: number;
  state: string;
  ends_at_ms: number | null;
  observed_at_ms: number;
  source: string;
  alertname: string;
  service: string;
  severity: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generator_url: string;
  receiver: string;
  suppressed_by: string[];
}

/** Column types for DuckDB's read_json; the JSON ones are stored as their JSON text. */
export const ALERT_EVENT_COLUMNS: Record<keyof AlertEventRow, string> = {
  tenant: 'VARCHAR',
  fingerprint: 'VARCHAR',
  starts_at_ms: 'BIGINT',
  seq: 'INTEGER',
  state: 'VARCHAR',
  ends_at_ms: 'BIGINT',
  observed_at_ms: 'BIGINT',
  source: 'VARCHAR',
  alertname: 'VARCHAR',
  service: 'VARCHAR',
  severity: 'VARCHAR',
  labels: 'JSON',
  annotations: 'JSON',
  generator_url: 'VARCHAR',
  receiver: 'VARCHAR',
  suppressed_by: 'JSON',
};

/** Where segments load: alert_events and the id of the last segment loaded, in one engine. */
export interface IntakeTarget {
  /** Id of the last segment loaded (0 when none). */
  loadedThrough(): Promise<number>;
  /**
   * Loads the segment file's rows (none when `file` is undefined) and records `id` as loaded. A
   * segment loaded again after a crash must not leave its rows twice.
   */
  loadSegment(id: number, file: string | undefined): Promise<void>;
}

const SEGMENT = /^(\d{12})\.ndjson$/;

export interface AlertIntakeOptions {
  /** Directory of the segment files; a temporary one (removed on close) when not given. */
  dir?: string;
  /** How long after an append the segment is loaded into alert_events (default 1 s). */
  loadDelayMs?: number;
  /** A segment this large is loaded at once (default 8 MiB). */
  maxSegmentBytes?: number;
  /** Where lines set aside are reported (default: warnings on stderr). */
  log?: Logger;
  /**
   * Keep the acknowledged rows of segments not loaded yet in memory, for readAround (default false:
   * only for a target whose reads say which segments they hold).
   */
  keepUnloadedRows?: boolean;
}

/** Rows kept for readAround at most; beyond this (loads failing for long) reads wait for the loads again. */
const MAX_KEPT_ROWS = 200_000;

interface Segment {
  id: number;
  file: FileHandle;
  /** Bytes acknowledged: everything before this offset is durable and whole lines. */
  bytes: number;
  closed: boolean;
}

export class AlertIntake {
  private current: Segment | undefined;
  /** Closed segments not loaded yet, in id order. */
  private readonly waiting: { id: number; bytes: number }[] = [];
  private appending: Promise<unknown> = Promise.resolve();
  /** Segments up to this id are in alert_events. */
  private loadedId: number;
  /** The load under way, and the newest segment holding acknowledged rows when it started. */
  private running: { done: Promise<void>; through: number } | undefined;
  /** The load queued after it: every read that needs more than the running load covers joins this one. */
  private next: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private timerDueAt = Infinity;
  private rejected = 0;
  /** Acknowledged rows by segment id, kept while a read may need them (readAround). */
  private readonly kept = new Map<number, AlertEventRow[]>();
  private keptRows = 0;
  /** Segments up to this id may have acknowledged rows that are not kept. */
  private forgottenThrough: number;
  /** Reads under way in readAround, each with loadedId when it began. */
  private readonly holds = new Set<{ since: number }>();

  private constructor(
    private readonly target: IntakeTarget,
    readonly dir: string,
    private nextId: number,
    private readonly loadDelayMs: number,
    private readonly maxSegmentBytes: number,
    /** A temporary directory (':memory:' warehouse), removed on close. */
    private readonly temporary: boolean,
    private readonly log: Logger,
    loadedThrough: number,
    keepRows: boolean,
  ) {
    this.loadedId = loadedThrough;
    // Segments an earlier process left are loaded before any read (open), never kept.
    this.forgottenThrough = keepRows ? nextId - 1 : Infinity;
  }

  /** Opens the intake log of a migrated warehouse and loads what an earlier process left in it. */
  static async open(target: IntakeTarget, options: AlertIntakeOptions = {}): Promise<AlertIntake> {
    const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'sextant-alert-intake-')));
    await mkdir(dir, { recursive: true });
    const loadedThrough = await target.loadedThrough();
    const ids = (await readdir(dir)).flatMap((name) => {
      const match = SEGMENT.exec(name);
      return match ? [Number(match[1])] : [];
    });
    ids.sort((a, b) => a - b);
    const intake = new AlertIntake(target, dir, Math.max(loadedThrough, ...ids) + 1, options.loadDelayMs ?? 1000, options.maxSegmentBytes ?? 8 << 20, !options.dir, options.log ?? createLogger('warn'), loadedThrough, options.keepUnloadedRows ?? false);
    for (const id of ids) {
      if (id <= loadedThrough) await unlink(intake.pathOf(id));
      else intake.waiting.push({ id, bytes: (await stat(intake.pathOf(id))).size });
    }
    await intake.load();
    return intake;
  }

  /**
   * Appends rows durably: resolves once they are written and fdatasync'ed. Calls must not overlap
   * (the alert recorder serialises them). A failed append leaves no part of its rows to be loaded.
   */
  append(rows: readonly AlertEventRow[]): Promise<void> {
    // A line that cannot load would hold back its whole segment: refuse it before acknowledging it.
    const problem = rows.map(unloadable).find((p) => p !== undefined);
    if (problem) return Promise.reject(new Error(`alert intake: refusing a row alert_events cannot hold: ${problem}`));
    const lines = rows.map(jsonLine);
    // Kept as the line stores them (a lone surrogate replaced), so that a read sees what a load will.
    const stored = rows.map((row, i) => (lines[i]!.includes('\ufffd') ? (JSON.parse(lines[i]!) as AlertEventRow) : row));
    const done = this.write(lines.join('\n') + '\n', stored);
    this.appending = done.catch(() => undefined);
    return done;
  }

  /**
   * Resolves once every row acknowledged before this call is in alert_events. It waits for no more
   * than that: for the load under way if that load covers those rows, otherwise for the next one,
   * which every such call shares (with webhooks every second there is always something newer to load,
   * and a read that chained a load of its own behind each earlier one waited for all of them).
   */
  load(): Promise<void> {
    const needed = this.newestAcknowledged();
    if (needed <= this.loadedId) return Promise.resolve();
    if (this.running && this.running.through >= needed) return this.running.done;
    if (!this.next) {
      const before = this.running?.done.catch(() => undefined);
      this.next = Promise.resolve(before).then(() => this.startLoad());
    }
    return this.next;
  }

  /**
   * Runs `snapshot`, a read of alert_events in one transaction that also returns the intake's
   * loaded_through as it saw it, without waiting for any load, and returns with it the acknowledged
   * rows that snapshot does not hold (those of later segments): together they are every change
   * acknowledged before this call, each once. A read of the history needs no load, so it does not
   * wait behind one (nor behind the checkpoint a load's commit may wait for). `unloaded` is
   * undefined when those rows are not all in memory (keepUnloadedRows off, or loads failing for so
   * long that the rows were let go): then the caller loads and reads instead.
   */
  async readAround<T extends { loadedThrough: number }>(snapshot: () => Promise<T>): Promise<{ read: T; unloaded: AlertEventRow[] | undefined }> {
    // The snapshot begins after this, so it holds every segment up to loadedId now: rows of later
    // segments stay kept until it has ended.
    const hold = { since: this.loadedId };
    this.holds.add(hold);
    try {
      const read = await snapshot();
      return { read, unloaded: this.keptAfter(read.loadedThrough) };
    } finally {
      this.holds.delete(hold);
      this.letGo();
    }
  }

  /**
   * For an earlier answer of readAround, taken again: the acknowledged rows of segments after its
   * `loadedThrough`, as long as no load has ended since (a load lets go of the rows it loaded).
   * Undefined once one has, or when those rows are not all in memory: then read around again.
   */
  unloadedAfter(loadedThrough: number): AlertEventRow[] | undefined {
    return loadedThrough < this.loadedId ? undefined : this.keptAfter(loadedThrough);
  }

  /** The kept rows of segments after `loadedThrough`, undefined if some may have been let go or never kept. */
  private keptAfter(loadedThrough: number): AlertEventRow[] | undefined {
    if (loadedThrough < this.forgottenThrough) return undefined;
    const unloaded: AlertEventRow[] = [];
    for (const [id, rows] of this.kept) if (id > loadedThrough) for (const row of rows) unloaded.push(row);
    return unloaded;
  }

  /** Bytes acknowledged and not yet loaded into alert_events: grows only while loads fail or lag. */
  get unloadedBytes(): number {
    return this.waiting.reduce((sum, segment) => sum + segment.bytes, this.current?.bytes ?? 0);
  }

  /** Lines of segments set aside since this process opened the log, because they hold no loadable row. */
  get rejectedLines(): number {
    return this.rejected;
  }

  /** Loads what is left and closes the log (its directory, too, when temporary). */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    try {
      await this.load();
    } finally {
      // A segment still open after load holds nothing acknowledged.
      const last = this.current;
      if (last) {
        await this.closeFile(last);
        if (last.bytes === 0) await unlink(this.pathOf(last.id));
      }
      if (this.temporary) await rm(this.dir, { recursive: true, force: true });
    }
  }

  private async write(text: string, rows: readonly AlertEventRow[]): Promise<void> {
    const segment = this.current ?? (this.current = await this.createSegment());
    try {
      const { bytesWritten } = await segment.file.write(text);
      await segment.file.datasync();
      segment.bytes += bytesWritten;
      this.keep(segment.id, rows);
    } catch (error) {
      // Cut off whatever part of the rows reached the file, and append no more to it: a segment
      // holds acknowledged whole lines only (and a torn tail is cut at load if this fails too).
      await segment.file.truncate(segment.bytes).catch(() => undefined);
      await this.seal(segment);
      throw error;
    }
    this.scheduleLoad(segment.bytes >= this.maxSegmentBytes ? 0 : this.loadDelayMs);
  }

  private async createSegment(): Promise<Segment> {
    const id = this.nextId++;
    const file = await open(this.pathOf(id), 'a');
    // The new file's directory entry must be durable too, or a crash could lose the whole file.
    await syncDir(this.dir);
    return { id, file, bytes: 0, closed: false };
  }

  private scheduleLoad(delayMs: number): void {
    const due = Date.now() + delayMs;
    if (this.timer && this.timerDueAt <= due) return;
    clearTimeout(this.timer);
    this.timerDueAt = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDueAt = Infinity;
      // A failure here is retried, and reported, by the next load: the rows stay safe in their segment.
      this.load().catch(() => undefined);
    }, delayMs);
    this.timer.unref();
  }

  /** The id of the newest segment holding acknowledged rows (loadedId when none waits). */
  private newestAcknowledged(): number {
    if (this.current && this.current.bytes > 0) return this.current.id;
    return this.waiting.at(-1)?.id ?? this.loadedId;
  }

  private startLoad(): Promise<void> {
    this.next = undefined;
    const run = { through: this.newestAcknowledged(), done: this.loadWaiting() };
    this.running = run;
    const ended = () => {
      if (this.running === run) this.running = undefined;
    };
    run.done.then(ended, ended);
    return run.done;
  }

  private async loadWaiting(): Promise<void> {
    const segment = this.current;
    if (segment && segment.bytes > 0) {
      // New appends go to a new segment; the one in flight finishes in this one first.
      this.current = undefined;
      await this.appending;
      await this.seal(segment);
    }
    while (this.waiting.length) {
      const { id } = this.waiting[0]!;
      await this.loadSegment(id);
      this.waiting.shift();
      this.loadedId = id;
      this.letGo();
      // Once loaded_through covers it, a file left behind is deleted at the next start, never reloaded.
      await unlink(this.pathOf(id)).catch(() => undefined);
    }
  }

  /** Keeps a segment's acknowledged rows for readAround, within MAX_KEPT_ROWS. */
  private keep(id: number, rows: readonly AlertEventRow[]): void {
    if (id <= this.forgottenThrough) return;
    if (this.keptRows + rows.length > MAX_KEPT_ROWS) {
      // Loads are failing or far behind: reads wait for them again, and memory stays bounded.
      this.forgottenThrough = id;
      this.kept.clear();
      this.keptRows = 0;
      return;
    }
    const list = this.kept.get(id);
    if (list) for (const row of rows) list.push(row);
    else this.kept.set(id, [...rows]);
    this.keptRows += rows.length;
  }

  /** Drops the kept rows of segments that every snapshot under way or to come holds. */
  private letGo(): void {
    let through = this.loadedId;
    for (const hold of this.holds) through = Math.min(through, hold.since);
    for (const [id, rows] of this.kept) {
      if (id > through) continue;
      this.kept.delete(id);
      this.keptRows -= rows.length;
    }
  }

  private async seal(segment: Segment): Promise<void> {
    if (segment.closed) return;
    if (this.current === segment) this.current = undefined;
    await this.closeFile(segment);
    this.waiting.push({ id: segment.id, bytes: segment.bytes });
    this.waiting.sort((a, b) => a.id - b.id);
  }

  private async closeFile(segment: Segment): Promise<void> {
    if (segment.closed) return;
    segment.closed = true;
    await segment.file.close();
  }

  private async loadSegment(id: number): Promise<void> {
    const path = this.pathOf(id);
    const whole = await cutTornTail(path);
    try {
      await this.loadFile(id, whole > 0);
    } catch (error) {
      if (!(await this.setAsideBadLines(id, error))) throw error;
      await this.loadFile(id, true);
    }
  }

  private loadFile(id: number, hasLines: boolean): Promise<void> {
    return this.target.loadSegment(id, hasLines ? this.pathOf(id) : undefined);
  }

  /**
   * After DuckDB refused a segment: moves the lines that hold no row to rejected/, and rewrites the
   * segment with the rest, repaired. Returns whether any line was set aside or repaired (if none, the
   * failure is not the lines' and is left to the caller). Safe to repeat after a crash: the rejected file is rewritten
   * whole, before the segment is replaced.
   */
  private async setAsideBadLines(id: number, error: unknown): Promise<boolean> {
    const path = this.pathOf(id);
    const { rows, repaired, rejected } = sortLines(await readFile(path, 'utf8'));
    if (rejected.length === 0 && repaired === 0) return false;
    const rejectedDir = join(this.dir, 'rejected');
    const rejectedFile = rejected.length ? join(rejectedDir, `${String(id).padStart(12, '0')}.ndjson`) : undefined;
    if (rejectedFile) {
      await mkdir(rejectedDir, { recursive: true });
      await writeDurably(rejectedFile, rejected.map((r) => `${r.line}\n`).join(''));
    }
    await writeDurably(`${path}.tmp`, rows.map((line) => `${line}\n`).join(''));
    await rename(`${path}.tmp`, path);
    await syncDir(this.dir);
    this.rejected += rejected.length;
    this.log.error('alert intake: a segment did not load; lines that hold no alert state change were set aside, the rest is loaded', {
      segment: path,
      rejectedFile,
      rejectedLines: rejected.length,
      repairedLines: repaired,
      loadedLines: rows.length,
      reasons: [...new Set(rejected.map((r) => r.reason))].slice(0, 5),
      loadError: error instanceof Error ? error.message : String(error),
    });
    return true;
  }

  private pathOf(id: number): string {
    return join(this.dir, `${String(id).padStart(12, '0')}.ndjson`);
  }
}

const INTEGERS = ['starts_at_ms', 'observed_at_ms', 'seq'] as const;
const TEXTS = ['tenant', 'fingerprint', 'state', 'source', 'alertname', 'service', 'severity', 'generator_url', 'receiver'] as const;

/** Why DuckDB would refuse to load a row into alert_events (a NULL, or a number its column cannot hold), if it would. */
function unloadable(row: AlertEventRow): string | undefined {
  for (const name of INTEGERS) if (!Number.isSafeInteger(row[name])) return `${name} is ${row[name]}, not an integer`;
  if (row.seq < 0 || row.seq > 2 ** 31 - 1) return `seq ${row.seq} is out of range`;
  if (row.ends_at_ms !== null && !Number.isSafeInteger(row.ends_at_ms)) return `ends_at_ms is ${row.ends_at_ms}, not an integer`;
  for (const name of TEXTS) if (typeof row[name] !== 'string') return `${name} is not a string`;
  for (const name of ['labels', 'annotations', 'suppressed_by'] as const) if (typeof row[name] !== 'object' || row[name] === null) return `${name} is missing`;
  return undefined;
}

/** JSON.stringify escapes a surrogate only when it is alone (it may also match an escaped backslash: then the slow path does nothing). */
const ESCAPED_SURROGATE = /\\u[dD][89a-fA-F]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const wellFormed = (text: string) => text.replace(LONE_SURROGATE, '\ufffd');

/**
 * A row as one line of JSON that DuckDB's reader accepts. JSON.parse lets a webhook body carry a lone
 * UTF-16 surrogate ("\ud800") in a key or a value, which JSON.stringify writes back as such and DuckDB
 * refuses, and one such line would stop its whole segment from loading: it becomes U+FFFD, as any
 * UTF-8 encoder makes it. Keys too: a replacer sees only values, so it rebuilds each object.
 */
function jsonLine(row: AlertEventRow): string {
  const text = JSON.stringify(row);
  if (!ESCAPED_SURROGATE.test(text)) return text;
  return JSON.stringify(row, (_key, value: unknown) => {
    if (typeof value === 'string') return wellFormed(value);
    if (value && typeof value === 'object' && !Array.isArray(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [wellFormed(k), v]));
    return value;
  });
}

const isStringRecord = (value: unknown): value is Record<string, string> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');

/** A line of a segment as the row it holds, or why it holds none that the writer could have written. */
export function parseLine(line: string): AlertEventRow | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return `not JSON: ${(error as Error).message}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const fields = value as Record<string, unknown>;
  const row = Object.fromEntries(Object.keys(ALERT_EVENT_COLUMNS).map((name) => [name, fields[name]])) as unknown as AlertEventRow;
  const problem = unloadable(row);
  if (problem) return problem;
  if (!isStringRecord(row.labels) || !isStringRecord(row.annotations)) return 'labels and annotations must map names to strings';
  if (!Array.isArray(row.suppressed_by) || !row.suppressed_by.every((id) => typeof id === 'string')) return 'suppressed_by must be a list of strings';
  return row;
}

/**
 * Splits a segment's text into the rows it holds, each as a line the writer would write (so DuckDB
 * reads them), and the lines that hold none, with the reason; counts the rows whose text had to be
 * repaired (a lone surrogate, as a writer before the fix wrote it).
 */
function sortLines(text: string): { rows: string[]; repaired: number; rejected: { line: string; reason: string }[] } {
  const rows: string[] = [];
  const rejected: { line: string; reason: string }[] = [];
  let repaired = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const row = parseLine(line);
    if (typeof row === 'string') {
      rejected.push({ line, reason: row });
      continue;
    }
    const written = jsonLine(row);
    if (written !== JSON.stringify(row)) repaired += 1;
    rows.push(written);
  }
  return { rows, repaired, rejected };
}

async function syncDir(path: string): Promise<void> {
  const dir = await open(path, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

async function writeDurably(path: string, text: string): Promise<void> {
  const file = await open(path, 'w');
  try {
    await file.writeFile(text);
    await file.datasync();
  } finally {
    await file.close();
  }
}

/**
 * Truncates a file after its last newline (a line cut short by a crash); returns the bytes kept. A
 * file someone deleted holds nothing to load, rather than blocking the segments after it forever.
 */
async function cutTornTail(path: string): Promise<number> {
  const size = await stat(path).then(
    (s) => s.size,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return 0;
      throw error;
    },
  );
  if (size === 0) return 0;
  const file = await open(path, 'r+');
  try {
    const chunk = Buffer.alloc(64 * 1024);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const { bytesRead } = await file.read(chunk, 0, end - start, start);
      const newline = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (newline >= 0) {
        end = start + newline + 1;
        break;
      }
      end = start;
    }
    if (end < size) {
      await file.truncate(end);
      await file.datasync();
    }
    return end;
  } finally {
    await file.close();
  }
}
