// `sextant backfill --from 7d [--to ...] [--dataset X] [--config FILE]`: fills the warehouse with
// history from the configured source, replacing what is already there, with a progress line on
// stderr. It opens the warehouse file itself, so the service must not be running on the same file.
import { parseArgs } from 'node:util';
import { configFileFrom, ConfigError, loadConfig } from '../config/index.js';
import { backfill, type BackfillPlan, type WindowOutcome } from '../jobs/ingest.js';
import { formatClock, formatCount, formatProgress } from '../jobs/ingest-progress.js';
import { datasetsFromConfig, ingestTimingFromConfig, sourceFromConfig } from '../jobs/ingest-setup.js';
import { createLogger } from '../log.js';
import { openDuckDbWarehouse } from '../warehouse/duckdb-warehouse.js';
import { parseTime } from './export.js';

const usage = `usage: sextant backfill --from <when> [--to <when>] [--dataset <name>]... [--config <file>]

Fills the warehouse with the history of the configured source (demo or Prometheus), window by window,
replacing any points already stored in the range. <when> is an age before now (7d, 36h, 90m, 2w), an
ISO 8601 date/time (2026-11-20, 2026-11-20T06:00:00Z) or "now" (the default for --to). Stop the service
first: DuckDB lets one process at a time open the warehouse file.
`;

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        dataset: { type: 'string', multiple: true },
        config: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return fail(`${(error as Error).message}\n\n${usage}`, 2);
  }
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (values.from === undefined) return fail(`--from is required\n\n${usage}`, 2);
  const startedAt = Date.now();
  let from: number;
  let to: number;
  try {
    from = parseTime(values.from, startedAt, '--from');
    to = parseTime(values.to ?? 'now', startedAt, '--to');
  } catch (error) {
    return fail((error as Error).message, 2);
  }
  if (from >= to) return fail(`--from (${iso(from)}) must be before --to (${iso(to)})`, 2);

  let config;
  try {
    config = loadConfig(configFileFrom(values.config, process.env));
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message, 2);
    throw error;
  }
  const all = datasetsFromConfig(config);
  const wanted = values.dataset ?? [];
  const unknown = wanted.filter((name) => !all.some((d) => d.name === name));
  if (unknown.length) return fail(`unknown dataset ${unknown.map((n) => JSON.stringify(n)).join(', ')}; the configured ones are: ${all.map((d) => d.name).join(', ')}`, 2);
  const datasets = wanted.length ? all.filter((d) => wanted.includes(d.name)) : all;
  if (from < startedAt - config.warehouse.retention.points) {
    process.stderr.write(`note: points older than warehouse.retention.points are deleted by the next retention run; rollups keep them longer\n`);
  }

  let warehouse;
  try {
    warehouse = await openDuckDbWarehouse({ path: config.warehouse.path, retentionMs: config.warehouse.retention });
  } catch (error) {
    return fail((error as Error).message, 1);
  }
  const abort = new AbortController();
  const onSignal = (): void => {
    process.stderr.write('\nstopping after the window in progress (it is committed whole or not at all)...\n');
    abort.abort(new Error('interrupted'));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const progress = progressReporter();
  try {
    const timing = ingestTimingFromConfig(config);
    const result = await backfill({
      warehouse,
      source: sourceFromConfig(config, Date.now),
      datasets,
      log: createLogger('error'),
      now: Date.now,
      range: { start: from, end: to },
      delayMs: timing.delayMs,
      windowMs: timing.windowMs,
      signal: abort.signal,
      onPlan: progress.plan,
      onWindow: progress.window,
    });
    progress.finish();
    process.stderr.write('rolling up...\n');
    await warehouse.rollup();
    for (const failure of result.failed) {
      process.stderr.write(`failed: ${failure.dataset} ${iso(failure.window.start)}..${iso(failure.window.end)}: ${failure.error}\n`);
    }
    const elapsed = Date.now() - startedAt;
    process.stderr.write(
      `backfilled ${formatCount(result.rows)} rows in ${result.windows} windows of ${datasets.length} datasets in ${formatClock(elapsed)}` +
        (result.failed.length ? `; ${result.failed.length} datasets stopped at a failed window (run again to resume)\n` : '\n'),
    );
    if (abort.signal.aborted) return 130;
    return result.failed.length ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await warehouse.close();
  }
}

/** Redraws one line on a terminal; prints a line per 10% otherwise (logs, CI). */
function progressReporter() {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let total = 0;
  let done = 0;
  let rows = 0;
  let failed = 0;
  let lastDecile = -1;
  let printedAt = -1;
  const remaining = new Map<string, number>();
  const draw = (force = false): void => {
    const line = formatProgress({ windowsDone: done, windowsTotal: total, rows, failed, elapsedMs: Date.now() - started });
    if (tty) process.stderr.write(`\r${line}\u001b[K`);
    else {
      const decile = total ? Math.floor((done / total) * 10) : 10;
      if (decile !== lastDecile || (force && printedAt !== done)) {
        process.stderr.write(`${line}\n`);
        printedAt = done;
      }
      lastDecile = decile;
    }
  };
  return {
    plan(plans: BackfillPlan[]): void {
      for (const p of plans) {
        total += p.windows.length;
        remaining.set(`${p.dataset.tenant}/${p.dataset.name}`, p.windows.length);
        if (p.extendedToWatermark && p.windows[0]) {
          process.stderr.write(`${p.dataset.name}: starting at its watermark ${iso(p.windows[0].start)} so that no gap is left before --from\n`);
        }
      }
      draw();
    },
    window(outcome: WindowOutcome): void {
      const key = `${outcome.dataset.tenant}/${outcome.dataset.name}`;
      const left = (remaining.get(key) ?? 1) - 1;
      done += 1;
      rows += outcome.rows;
      if (outcome.error !== undefined) {
        // The dataset stops here: its later windows will not run, so they leave the total.
        failed += 1;
        total -= left;
        remaining.set(key, 0);
      } else remaining.set(key, left);
      draw();
    },
    finish(): void {
      draw(true);
      if (tty) process.stderr.write('\n');
    },
  };
}

function fail(message: string, code: number): number {
  process.stderr.write(`sextant backfill: ${message}\n`);
  return code;
}

function iso(t: number): string {
  return new Date(t).toISOString();
}
