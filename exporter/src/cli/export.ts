// `sextant export`: one dataset's rows at one level over a time range, to a Parquet file.
import { parseArgs } from 'node:util';
import { configFileFrom, loadConfig } from '../config/index.js';
import { DatabaseLockedError } from '../warehouse/duckdb-handle.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../warehouse/duckdb-warehouse.js';
import { isStorageLevel, STORAGE_LEVELS } from '../warehouse/levels.js';

const USAGE = `usage: sextant export [--config FILE | --warehouse PATH] --dataset NAME --from TIME [--to TIME]
                      [--tenant NAME] [--level points|5m|1h|1d] --out FILE.parquet

  --config FILE      the service's config, for its warehouse.path (default: $SEXTANT_CONFIG,
                     else ./sextant.yaml)
  --warehouse PATH   the DuckDB warehouse file, instead of the config's
                     (the service must not be running on it either way)
  --dataset NAME     dataset to export
  --tenant NAME      tenant whose rows to export (default: default)
  --level LEVEL      points (default), 5m, 1h or 1d
  --from TIME        start, inclusive: ISO date/time (2026-01-05, 2026-01-05T10:00:00Z)
                     or an age such as 30m, 12h, 7d, 2w
  --to TIME          end, exclusive, in the same forms (default: now)
  --out FILE         Parquet file to write (must end in .parquet)
`;

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Unix ms of an option value: "now", an age before `now` like "7d", or an ISO date/time. */
export function parseTime(text: string, now: number, option: string): number {
  if (text === 'now') return now;
  const age = /^(\d+)(s|m|h|d|w)$/.exec(text);
  if (age) return now - Number(age[1]) * UNIT_MS[age[2]!]!;
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new UsageError(`${option}: "${text}" is neither an ISO date/time (2026-01-05T10:00:00Z) nor an age like 7d`);
  return ms;
}

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
    const path = options.warehouse ?? loadConfig(configFileFrom(options.config, process.env)).warehouse.path;
    const warehouse = await openDuckDbWarehouse({ path, retentionMs: DEFAULT_RETENTION_MS, readOnly: true });
    try {
      const rows = await warehouse.exportParquet(options.tenant, options.dataset, options.level, options.range, options.out);
      const span = `${new Date(options.range.start).toISOString()} to ${new Date(options.range.end).toISOString()}`;
      process.stdout.write(`wrote ${rows} rows (dataset ${options.dataset}, tenant ${options.tenant}, level ${options.level}, ${span}) to ${options.out}\n`);
      if (rows === 0) process.stderr.write(`sextant export: warning: no rows matched; check --dataset, --tenant and the time range\n`);
    } finally {
      await warehouse.close();
    }
    return 0;
  } catch (error) {
    const message = error instanceof DatabaseLockedError ? error.message : `${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`sextant export: ${message}\n`);
    return 1;
  }
}

function parse(args: string[], now: number) {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      warehouse: { type: 'string' },
      config: { type: 'string' },
      dataset: { type: 'string' },
      tenant: { type: 'string', default: 'default' },
      level: { type: 'string', default: 'points' },
      from: { type: 'string' },
      to: { type: 'string', default: 'now' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help' as const;
  if (values.config !== undefined && values.warehouse !== undefined) throw new UsageError('give --config or --warehouse, not both');
  const dataset = required(values.dataset, '--dataset');
  const out = required(values.out, '--out');
  const level = values.level;
  if (!isStorageLevel(level)) throw new UsageError(`--level: "${level}" is not a level; expected one of ${STORAGE_LEVELS.join(', ')}`);
  const start = parseTime(required(values.from, '--from'), now, '--from');
  const end = parseTime(values.to, now, '--to');
  if (start >= end) throw new UsageError(`--from (${new Date(start).toISOString()}) must be before --to (${new Date(end).toISOString()})`);
  return { warehouse: values.warehouse, config: values.config, dataset, tenant: values.tenant, level, out, range: { start, end } };
}

function required(value: string | undefined, option: string): string {
  if (value === undefined || value === '') throw new UsageError(`${option} is required`);
  return value;
}
