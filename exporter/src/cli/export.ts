// `sextant export`: one dataset's rows at one level over a time range, to a Parquet file. When a
// service answers (--server, else the config's server.listen/port) the file comes from its API, since
// the service owns the warehouse file; otherwise this process opens the file read-only (or, with
// warehouse.kind: clickhouse, reads ClickHouse itself).
import { parseArgs } from 'node:util';
import { configFileFrom, loadConfig, type Config } from '../config/index.js';
import { DatabaseLockedError } from '../warehouse/duckdb-handle.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../warehouse/duckdb-warehouse.js';
import { isStorageLevel, STORAGE_LEVELS } from '../warehouse/levels.js';
import { validateExportFile } from '../warehouse/export-sql.js';
import { parseTime } from '../time-text.js';
import { announceService, describeSetup, localSetup, kindNoun } from './command-setup.js';
import { openCommandWarehouse } from './open-warehouse.js';
import { findService, request, saveBody, ServiceCallError, serviceUrlOf, type ServiceTarget } from './service-client.js';

const USAGE = `usage: sextant export [--config FILE | --warehouse PATH | --server URL] --dataset NAME --from TIME
                      [--to TIME] [--tenant NAME] [--level points|5m|1h|1d] [--token TOKEN] --out FILE.parquet

  --config FILE      the service's config, for its warehouse (warehouse.path, or ClickHouse with
                     warehouse.kind: clickhouse) and its server.listen/port
                     (default: $SEXTANT_CONFIG, else ./sextant.yaml)
  --server URL       the running service to export through (default: the config's
                     server.listen/port when a service answers there)
  --token TOKEN      an API token of the service (default: $SEXTANT_TOKEN); the export holds
                     that token's tenant
  --warehouse PATH   the DuckDB warehouse file, opened directly (fails while a service holds it)
  --dataset NAME     dataset to export
  --tenant NAME      tenant whose rows to export (default: default; through a service, the
                     token's tenant, and --tenant must match it)
  --level LEVEL      points (default), 5m, 1h or 1d
  --from TIME        start, inclusive: ISO date/time (2026-01-05, 2026-01-05T10:00:00Z)
                     or an age such as 30m, 12h, 7d, 2w
  --to TIME          end, exclusive, in the same forms (default: now)
  --out FILE         Parquet file to write (must end in .parquet)
`;

class UsageError extends Error {}

export async function run(args: string[], now = Date.now()): Promise<number> {
  let options: ReturnType<typeof parse>;
  try {
    options = parse(args, now);
  } catch (error) {
    process.stderr.write(`sextant export: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    // An explicit --warehouse means that file; otherwise a running service (which owns the file) comes first.
    const file = options.warehouse === undefined && options.server === undefined ? configFileFrom(options.config, process.env) : undefined;
    const config = file === undefined ? undefined : loadConfig(file);
    const local = file === undefined || config === undefined ? undefined : localSetup(file, config);
    const fallback = config && serviceUrlOf(config.server);
    const target = options.warehouse === undefined ? await findService({ server: options.server, token: options.token, fallback }, process.env) : undefined;
    if (target) await announceService('export', target, local);
    else if (local) process.stderr.write(`sextant export: no Sextant service answers at ${fallback}; reading ${kindNoun(local.warehouse)} itself: ${describeSetup(local)}\n`);
    else process.stderr.write(`sextant export: reading the warehouse file ${options.warehouse} (--warehouse)\n`);
    const { name, rows } = target ? await throughService(target, options) : await direct(options.warehouse ?? config!, options);
    const span = `${new Date(options.range.start).toISOString()} to ${new Date(options.range.end).toISOString()}`;
    process.stdout.write(`wrote ${rows} rows (dataset ${options.dataset}, tenant ${name}, level ${options.level}, ${span}) to ${options.out}${target ? ` through the service at ${target.url}` : ''}\n`);
    if (rows === 0) process.stderr.write(`sextant export: warning: no rows matched; check --dataset, --tenant and the time range\n`);
    return 0;
  } catch (error) {
    const message = error instanceof DatabaseLockedError ? error.message : `${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`sextant export: ${message}\n`);
    return error instanceof ServiceCallError ? error.exitCode : 1;
  }
}

type Options = Exclude<ReturnType<typeof parse>, 'help'>;

/** The warehouse file named by --warehouse, or the config's warehouse (its file, or ClickHouse), read-only. */
async function direct(warehouseOf: string | Config, options: Options): Promise<{ name: string; rows: number }> {
  const warehouse =
    typeof warehouseOf === 'string' ? await openDuckDbWarehouse({ path: warehouseOf, retentionMs: DEFAULT_RETENTION_MS, readOnly: true }) : await openCommandWarehouse(warehouseOf, { readOnly: true });
  try {
    const name = options.tenant ?? 'default';
    return { name, rows: await warehouse.exportParquet(name, options.dataset, options.level, options.range, options.out) };
  } finally {
    await warehouse.close();
  }
}

/** GET /api/v1/export streamed to a temporary file beside --out, renamed over it once complete. */
async function throughService(target: ServiceTarget, options: Options): Promise<{ name: string; rows: number }> {
  const out = await validateExportFile(options.out);
  const query = new URLSearchParams({ dataset: options.dataset, level: options.level, from: new Date(options.range.start).toISOString(), to: new Date(options.range.end).toISOString() });
  const res = await request(target, 'GET', `/api/v1/export?${query}`);
  const name = res.headers.get('x-sextant-tenant') ?? '';
  if (options.tenant !== undefined && options.tenant !== name) {
    await res.body?.cancel();
    throw new ServiceCallError(`--tenant ${options.tenant}: the token belongs to tenant ${name}, and the service exports only its token's tenant`, 2);
  }
  await saveBody(res, out, target);
  return { name, rows: Number(res.headers.get('x-sextant-rows') ?? NaN) };
}

function parse(args: string[], now: number) {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      warehouse: { type: 'string' },
      config: { type: 'string' },
      dataset: { type: 'string' },
      tenant: { type: 'string' },
      server: { type: 'string' },
      token: { type: 'string' },
      level: { type: 'string', default: 'points' },
      from: { type: 'string' },
      to: { type: 'string', default: 'now' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help' as const;
  if (values.config !== undefined && values.warehouse !== undefined) throw new UsageError('give --config or --warehouse, not both');
  if (values.server !== undefined && values.warehouse !== undefined) throw new UsageError('give --server or --warehouse, not both');
  const dataset = required(values.dataset, '--dataset');
  const out = required(values.out, '--out');
  const level = values.level;
  if (!isStorageLevel(level)) throw new UsageError(`--level: "${level}" is not a level; expected one of ${STORAGE_LEVELS.join(', ')}`);
  const start = parseTime(required(values.from, '--from'), now, '--from');
  const end = parseTime(values.to, now, '--to');
  if (start >= end) throw new UsageError(`--from (${new Date(start).toISOString()}) must be before --to (${new Date(end).toISOString()})`);
  return { warehouse: values.warehouse, config: values.config, server: values.server, token: values.token, dataset, tenant: values.tenant, level, out, range: { start, end } };
}

function required(value: string | undefined, option: string): string {
  if (value === undefined || value === '') throw new UsageError(`${option} is required`);
  return value;
}
