// `sextant backfill --from 7d [--to ...] [--dataset X] [--config FILE]`: fills the warehouse with
// history from the configured source, replacing what is already there, with a progress line on
// stderr. The backfill runs inside the service (--server, else the config's server.listen/port)
// through its API, since the service owns the warehouse file; this process opens the warehouse
// itself (the file, or ClickHouse when no service answers) only when told to with --direct. Either way it first prints the config, source and warehouse used.
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { configFileFrom, ConfigError, loadConfig, type Config } from '../config/index.js';
import { backfill, type BackfillPlan, type WindowOutcome } from '../jobs/ingest.js';
import { formatClock, formatCount, formatProgress, type Progress } from '../jobs/ingest-progress.js';
import { datasetsFromConfig, ingestTimingFromConfig, sourceFromConfig } from '../jobs/ingest-setup.js';
import { createLogger } from '../log.js';
import { parseTime } from '../time-text.js';
import type { backfillView } from '../http/routes/backfill.js';
import { announceService, describeSetup, localSetup, warehouseNoun, type CommandSetup } from './command-setup.js';
import { openCommandWarehouse } from './open-warehouse.js';
import { callService, findService, sextantAnswers, ServiceCallError, serviceUrlOf, type ServiceTarget } from './service-client.js';

const usage = `usage: sextant backfill --from <when> [--to <when>] [--dataset <name>]... [--config <file>]
                        [--server <url>] [--token <token>] [--direct]

Fills the warehouse with the history of the configured source (demo or Prometheus), window by window,
replacing any points already stored in the range. <when> is an age before now (7d, 36h, 90m, 2w), an
ISO 8601 date/time (2026-11-20, 2026-11-20T06:00:00Z) or "now" (the default for --to).

The backfill runs inside the Sextant service (the service owns the warehouse file):
  --config <file>  the config (default: $SEXTANT_CONFIG, else ./sextant.yaml); the service is
                   looked for at its server.listen and server.port
  --server <url>   the service, when it runs elsewhere (no config needed)
  --token <token>  an editor or admin API token of the service (default: $SEXTANT_TOKEN); the
                   backfill covers that token's tenant
  --direct         no service: open the config's warehouse (its DuckDB file, or its ClickHouse
                   server when no service answers) in this process and write to it
When no service answers, nothing is written unless --direct is given. Ctrl-C stops after the window
in progress, either way. Exit codes: 0 done, 1 a dataset stopped at a failed window, the service
failed or no service answers, 2 bad options, config or token, 130 interrupted.
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
        server: { type: 'string' },
        token: { type: 'string' },
        direct: { type: 'boolean' },
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

  if (values.direct && values.server !== undefined) return fail('give --server or --direct, not both', 2);
  // With --server the config is not needed (the service has its own); without, it says where to look.
  let config: Config | undefined;
  let local: CommandSetup | undefined;
  if (values.server === undefined || values.config !== undefined) {
    const file = configFileFrom(values.config, process.env);
    try {
      config = loadConfig(file);
    } catch (error) {
      if (error instanceof ConfigError) return fail(error.message, 2);
      throw error;
    }
    local = localSetup(file, config);
  }
  if (!values.direct) {
    const fallback = config && serviceUrlOf(config.server);
    try {
      const target = await findService({ server: values.server, token: values.token, fallback }, process.env);
      if (target) return await throughService(target, { start: from, end: to }, values.dataset ?? [], local);
    } catch (error) {
      if (error instanceof ServiceCallError) return fail(error.message, error.exitCode);
      throw error;
    }
    return fail(
      `no Sextant service answers at ${fallback}, where ${local?.configFile} says it runs (server.listen, server.port); nothing was written.\n` +
        `  If the service runs with another config, name it: --config FILE, or --server URL.\n` +
        `  To write from this process instead, to ${local ? warehouseNoun(local.warehouse) : 'the config\'s warehouse'}, give --direct.`,
      1,
    );
  }
  if (!config || !local) throw new Error('unreachable: the config is loaded whenever --server is not given');
  // DuckDB's lock keeps a second writer out of a service's file; ClickHouse takes any number, so say no here.
  if (config.warehouse.kind === 'clickhouse' && (await sextantAnswers(serviceUrlOf(config.server)))) {
    return fail(`a Sextant service answers at ${serviceUrlOf(config.server)} and writes the same ClickHouse warehouse; backfill through it (leave out --direct), so that one process writes each window`, 1);
  }
  process.stderr.write(`sextant backfill: writing directly (--direct): ${describeSetup(local)}\n`);
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
    warehouse = await openCommandWarehouse(config, { readOnly: false });
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
function progressLine() {
  const tty = process.stderr.isTTY === true;
  let lastDecile = -1;
  let printedAt = -1;
  const draw = (p: Progress, force = false): void => {
    const line = formatProgress(p);
    if (tty) process.stderr.write(`\r${line}\u001b[K`);
    else {
      const decile = p.windowsTotal ? Math.floor((p.windowsDone / p.windowsTotal) * 10) : 10;
      if (decile !== lastDecile || (force && printedAt !== p.windowsDone)) {
        process.stderr.write(`${line}\n`);
        printedAt = p.windowsDone;
      }
      lastDecile = decile;
    }
  };
  return {
    draw,
    finish(p: Progress): void {
      draw(p, true);
      if (tty) process.stderr.write('\n');
    },
  };
}

/** The progress line of a backfill run in this process, from its plan and window callbacks. */
function progressReporter() {
  const line = progressLine();
  const started = Date.now();
  let total = 0;
  let done = 0;
  let rows = 0;
  let failed = 0;
  const remaining = new Map<string, number>();
  const now = (): Progress => ({ windowsDone: done, windowsTotal: total, rows, failed, elapsedMs: Date.now() - started });
  return {
    plan(plans: BackfillPlan[]): void {
      for (const p of plans) {
        total += p.windows.length;
        remaining.set(`${p.dataset.tenant}/${p.dataset.name}`, p.windows.length);
        if (p.extendedToWatermark && p.windows[0]) {
          process.stderr.write(`${p.dataset.name}: starting at its watermark ${iso(p.windows[0].start)} so that no gap is left before --from\n`);
        }
      }
      line.draw(now());
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
      line.draw(now());
    },
    finish(): void {
      line.finish(now());
    },
  };
}

type BackfillView = ReturnType<typeof backfillView>;

/**
 * The backfill as a job of the service: started with POST /api/v1/backfill, drawn from its polled
 * progress, cancelled with DELETE on Ctrl-C (the service stops after the window in progress).
 */
async function throughService(target: ServiceTarget, range: { start: number; end: number }, datasets: string[], local: CommandSetup | undefined): Promise<number> {
  process.stderr.write(`a Sextant service answers at ${target.url}: the backfill runs inside it\n`);
  await announceService('backfill', target, local);
  const body = { from: iso(range.start), to: iso(range.end), ...(datasets.length ? { datasets } : {}) };
  let job = (await callService<{ backfill: BackfillView }>(target, 'POST', '/api/v1/backfill', body)).backfill;
  const path = `/api/v1/backfill/${job.id}`;
  let interrupted = false;
  let cancelling: Promise<unknown> | undefined;
  const onSignal = (): void => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write('\nstopping after the window in progress (it is committed whole or not at all)...\n');
    cancelling = callService(target, 'DELETE', path).catch((error: unknown) => process.stderr.write(`cannot cancel: ${(error as Error).message}\n`));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const line = progressLine();
  const progress = (j: BackfillView): Progress => ({ windowsDone: j.windowsDone, windowsTotal: j.windowsTotal, rows: j.rows, failed: j.failures.length, elapsedMs: j.elapsedSeconds * 1000 });
  let notesShown = 0;
  try {
    for (;;) {
      for (const note of job.notes.slice(notesShown)) process.stderr.write(`${note}\n`);
      notesShown = job.notes.length;
      if (job.state !== 'running') break;
      if (job.windowsTotal > 0) line.draw(progress(job));
      await sleep(500);
      job = (await callService<{ backfill: BackfillView }>(target, 'GET', path)).backfill;
    }
    await cancelling;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  line.finish(progress(job));
  for (const failure of job.failures) process.stderr.write(`failed: ${failure.dataset} ${failure.from}..${failure.to}: ${failure.error}\n`);
  process.stderr.write(
    `backfilled ${formatCount(job.rows)} rows in ${job.windowsDone} windows of ${job.datasets.length} datasets in ${formatClock(job.elapsedSeconds * 1000)} (backfill ${job.id}, ${job.state})` +
      (job.failures.length ? `; ${job.failures.length} datasets stopped at a failed window (run again to resume)\n` : '\n'),
  );
  if (job.state === 'cancelled') {
    if (!interrupted) process.stderr.write(`${job.error ?? 'cancelled'}\n`);
    return 130;
  }
  if (job.state === 'failed' && !job.failures.length) process.stderr.write(`sextant backfill: ${job.error ?? 'failed'}\n`);
  return job.state === 'done' ? 0 : 1;
}

function fail(message: string, code: number): number {
  process.stderr.write(`sextant backfill: ${message}\n`);
  return code;
}

function iso(t: number): string {
  return new Date(t).toISOString();
}
