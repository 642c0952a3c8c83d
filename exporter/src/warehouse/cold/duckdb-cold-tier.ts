// The cold tier on DuckDB. A day of a level moves in one write transaction:
//   1. COPY the day's rows from the table to <day>.parquet.tmp, fsync it;
//   2. rename it to <day>.parquet, fsync the folder;
//   3. delete the day's rows from the table and record the file in cold_files; COMMIT.
// Until the commit the rows are in the table and the manifest does not name the file, so a crash
// at any step leaves the table whole and, at most, a file that no manifest row names, which
// `reconcile` deletes at the next start. After it, the file is durable and named, and the rows are
// gone from the table: nothing is lost or counted twice at any point.
//
// A write into a cold day (a backfill, a late window) first thaws the day back into the tables at
// every level, in its own transaction, so replacing a window and recomputing its rollups work on
// the tables as always; the day moves again once it is rolled up.
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ColdMove, ColdMoveProgress, ColdMoveResult, ColdStats, ColdTier } from '../cold-tier.js';
import type { DuckDbHandle, ReadSession, WriteContext } from '../duckdb-handle.js';
import { LEVEL_COLUMNS, LEVEL_TABLE, LEVEL_TIME_COLUMN, LEVEL_WIDTH_MS, STORAGE_LEVELS } from '../levels.js';
import type { StorageLevel } from '../warehouse.js';
import { TEMP_SUFFIX, type ColdLayout } from './cold-layout.js';
import { copyDaySql, levelSourceSql } from './cold-sql.js';

const DAY = LEVEL_WIDTH_MS['1d'];

/** What `reconcile` found at start. */
export interface ColdReconcileResult {
  /** Files of moves that never committed (temporary files, files no manifest row names), deleted. */
  removed: string[];
  /** Files the manifest names that are not on disk: their days cannot be read. */
  missing: string[];
}

const perLevel = <T>(value: () => T): Record<StorageLevel, T> => ({ points: value(), '5m': value(), '1h': value(), '1d': value() });

export class DuckDbColdTier implements ColdTier {
  /**
   * Whether cold_files may name a file. Only a move adds one, and a move needs a level with an age:
   * once `reconcile` (at open) found none listed and no level has an age, this process never has
   * cold files, and a query need not look them up (a statement of its own, which under the jobs'
   * load took as long as the aggregation: p99 212 ms in the soak, bench/results/soak.md).
   */
  private mayHaveFiles = true;

  /**
   * @param afterMs how old each level's days must be to move; a level without an age never moves
   * (its files, from an earlier setting, are still read).
   */
  constructor(
    private readonly handle: DuckDbHandle,
    private readonly layout: ColdLayout | undefined,
    private readonly afterMs: Partial<Record<StorageLevel, number>>,
    private readonly retentionMs: Record<StorageLevel, number>,
    private readonly rollup: () => Promise<unknown>,
  ) {}

  /**
   * The relation to read `level` from over times in [from, to): the table, and the cold files of
   * the days there, all in the session's one snapshot (so a day is read from exactly one place).
   */
  async source(session: ReadSession, level: StorageLevel, from: number, to: number): Promise<string> {
    if (!this.layout || !this.mayHaveFiles) return LEVEL_TABLE[level];
    const days = await session.read('SELECT day_ms FROM cold_files WHERE level = $1 AND day_ms + $2 > $3 AND day_ms < $4 ORDER BY day_ms', [level, DAY, from, to]);
    if (days.length === 0) return LEVEL_TABLE[level];
    const [cutoff] = await session.read('SELECT cutoff_ms FROM retention_cutoffs WHERE level = $1', [level]);
    const layout = this.layout;
    return levelSourceSql(level, days.map((d) => layout.file(level, Number(d.day_ms))), cutoff ? Number(cutoff.cutoff_ms) : undefined);
  }

  async moveCold(now: number, options: { signal?: AbortSignal; onProgress?: (progress: ColdMoveProgress) => void } = {}): Promise<ColdMoveResult> {
    const result: ColdMoveResult = { days: perLevel(() => 0), rows: perLevel(() => 0), bytes: perLevel(() => 0), left: 0 };
    if (!this.layout) return result;
    // Pending windows first: a day waiting for its rollup stays in the tables until it has one.
    await this.rollup();
    const due = await this.dueDays(now);
    for (const [i, { level, day }] of due.entries()) {
      if (options.signal?.aborted) {
        result.left += due.length - i;
        break;
      }
      const moved = await this.moveDay(level, day, now);
      if (moved) {
        result.days[level] += 1;
        result.rows[level] += moved.rows;
        result.bytes[level] += moved.bytes;
      } else result.left += 1;
      options.onProgress?.({ done: i + 1, total: due.length, moved });
    }
    return result;
  }

  async coldStats(): Promise<ColdStats> {
    const stats: ColdStats = perLevel(() => ({ files: 0, rows: 0, bytes: 0 }));
    const rows = await this.handle.read('SELECT level, count(*) AS files, sum(rows) AS rows, sum(bytes) AS bytes FROM cold_files GROUP BY level');
    for (const r of rows) stats[r.level as StorageLevel] = { files: Number(r.files), rows: Number(r.rows), bytes: Number(r.bytes) };
    return stats;
  }

  /**
   * Inside a write about to change [start, end): brings every cold day that overlaps it back into
   * the tables, at every level, and forgets its files (deleted once no read uses them).
   */
  async thaw(tx: WriteContext, start: number, end: number): Promise<void> {
    if (!this.layout) return;
    const days = await tx.read('SELECT level, day_ms FROM cold_files WHERE day_ms < $1 AND day_ms + $2 > $3', [end, DAY, start]);
    for (const row of days) {
      const level = row.level as StorageLevel;
      const day = Number(row.day_ms);
      const columns = LEVEL_COLUMNS[level].join(', ');
      await tx.run(`INSERT INTO ${LEVEL_TABLE[level]} (${columns}) SELECT ${columns} FROM read_parquet($1)`, [this.layout.file(level, day)]);
      await tx.run('DELETE FROM cold_files WHERE level = $1 AND day_ms = $2', [level, day]);
      tx.onCommit(() => this.discard(level, day));
    }
  }

  /**
   * Inside the retention run's transaction: forgets the files whose whole day has expired at their
   * level (deleted once no read uses them) and records each rollup level's cutoff, below which
   * reads skip a file's rows as the table has lost them. Returns the rows dropped per level.
   */
  async expire(tx: WriteContext, now: number): Promise<Record<StorageLevel, number>> {
    const dropped = perLevel(() => 0);
    for (const level of STORAGE_LEVELS) {
      const cutoff = now - this.retentionMs[level];
      if (level !== 'points') {
        await tx.run(
          `INSERT INTO retention_cutoffs VALUES ($1, $2) ON CONFLICT (level) DO UPDATE SET cutoff_ms = greatest(cutoff_ms, excluded.cutoff_ms)`,
          [level, cutoff],
        );
      }
      if (!this.layout) continue;
      const expired = await tx.read('DELETE FROM cold_files WHERE level = $1 AND day_ms + $2 <= $3 RETURNING day_ms, rows', [level, DAY, cutoff]);
      for (const row of expired) {
        dropped[level] += Number(row.rows);
        tx.onCommit(() => this.discard(level, Number(row.day_ms)));
      }
    }
    return dropped;
  }

  /**
   * At start, before anything reads or writes: deletes what moves that never committed left
   * behind, and names the files the manifest lists that are gone.
   */
  async reconcile(): Promise<ColdReconcileResult> {
    const result: ColdReconcileResult = { removed: [], missing: [] };
    const layout = this.layout;
    if (!layout) return result;
    const listed = new Set((await this.handle.read('SELECT level, day_ms FROM cold_files')).map((r) => `${String(r.level)}/${Number(r.day_ms)}`));
    this.mayHaveFiles = listed.size > 0 || STORAGE_LEVELS.some((level) => this.afterMs[level] !== undefined);
    const present = new Set<string>();
    for (const level of STORAGE_LEVELS) {
      const names = await readdir(layout.levelDir(level)).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return [];
        throw error;
      });
      for (const name of names) {
        const file = join(layout.levelDir(level), name);
        const day = layout.dayOf(name);
        if (name.endsWith(TEMP_SUFFIX) || (day !== undefined && !listed.has(`${level}/${day}`))) {
          await rm(file, { force: true });
          result.removed.push(file);
        } else if (day !== undefined) present.add(`${level}/${day}`);
      }
    }
    for (const key of listed) {
      if (present.has(key)) continue;
      const [level, day] = key.split('/');
      result.missing.push(layout.file(level as StorageLevel, Number(day)));
    }
    return result;
  }

  /**
   * The days of each level old enough to move and not yet expired, oldest first. A day moves when
   * all of it is older than the level's cold age; a day wholly past retention is left to retention.
   */
  private async dueDays(now: number): Promise<{ level: StorageLevel; day: number }[]> {
    const due: { level: StorageLevel; day: number }[] = [];
    for (const level of STORAGE_LEVELS) {
      const after = this.afterMs[level];
      if (after === undefined) continue;
      const before = Math.floor((now - after) / DAY) * DAY;
      const from = Math.floor((now - this.retentionMs[level]) / DAY) * DAY;
      if (from >= before) continue;
      const time = LEVEL_TIME_COLUMN[level];
      const rows = await this.handle.read(
        `SELECT DISTINCT (${time} // $1) * $1 AS day FROM ${LEVEL_TABLE[level]} WHERE ${time} >= $2 AND ${time} < $3 ORDER BY day`,
        [DAY, from, before],
      );
      for (const r of rows) due.push({ level, day: Number(r.day) });
    }
    return due.sort((a, b) => a.day - b.day || STORAGE_LEVELS.indexOf(a.level) - STORAGE_LEVELS.indexOf(b.level));
  }

  /** Moves one day of one level (see the top of this file); undefined when there was nothing to move. */
  private moveDay(level: StorageLevel, day: number, now: number): Promise<ColdMove | undefined> {
    const layout = this.layout!;
    return this.handle.write(async (tx) => {
      const [busy] = await tx.read(
        `SELECT 1 FROM cold_files WHERE level = $1 AND day_ms = $2
         UNION ALL SELECT 1 FROM rollup_dirty WHERE start_ms < $3 AND end_ms > $2
         UNION ALL SELECT 1 FROM rollup_pending WHERE start_ms < $3 AND end_ms > $2 LIMIT 1`,
        [level, day, day + DAY],
      );
      if (busy) return undefined;
      const file = layout.file(level, day);
      const temp = `${file}${TEMP_SUFFIX}`;
      await mkdir(dirname(file), { recursive: true });
      const rows = await tx.run(copyDaySql(level), [day, day + DAY, temp]);
      if (rows === 0) {
        await rm(temp, { force: true });
        return undefined;
      }
      await syncPath(temp);
      await rename(temp, file);
      await syncPath(dirname(file));
      try {
        const time = LEVEL_TIME_COLUMN[level];
        const deleted = await tx.run(`DELETE FROM ${LEVEL_TABLE[level]} WHERE ${time} >= $1 AND ${time} < $2`, [day, day + DAY]);
        if (deleted !== rows) throw new Error(`cold tier: ${file} holds ${rows} rows but ${deleted} were deleted from ${LEVEL_TABLE[level]}; the move is undone`);
        const bytes = (await stat(file)).size;
        await tx.run('INSERT INTO cold_files VALUES ($1, $2, $3, $4, $5)', [level, day, rows, bytes, now]);
        return { level, day, rows, bytes };
      } catch (error) {
        await rm(file, { force: true });
        throw error;
      }
    });
  }

  /**
   * Deletes a day's file once the manifest no longer names it and every read that may still use it
   * has finished. In the write queue, so no move of the same day can write the file meanwhile; a
   * file left behind (a crash, an error) is deleted by the next start's reconcile.
   */
  private discard(level: StorageLevel, day: number): void {
    const file = this.layout!.file(level, day);
    this.handle
      .write(async (tx) => {
        const [listed] = await tx.read('SELECT 1 FROM cold_files WHERE level = $1 AND day_ms = $2', [level, day]);
        if (!listed) await this.handle.afterReads(() => rm(file, { force: true }));
      })
      .catch(() => undefined);
  }
}

/** fsync of a file or folder: its data (or entries) are on disk once this resolves. */
async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
