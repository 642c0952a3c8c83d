// `sextant import-points`: replays Parquet exports of points (`sextant export --level points`) into
// the warehouse the configuration names, DuckDB or ClickHouse: the way to move history when the
// warehouse moves (docs/scale.md). Rollups are recomputed from the imported points.
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { configFileFrom, loadConfig } from '../config/index.js';
import { createLogger } from '../log.js';
import { parseDuration } from '../config/duration.js';
import { DEFAULT_IMPORT_WINDOW_MS, importPointsParquet } from '../warehouse/import-points.js';
import { openServiceWarehouse } from './open-warehouse.js';

const USAGE = `usage: sextant import-points --file FILE [--file FILE]... [--config FILE] [--window DURATION]

  --file FILE        a Parquet file written by \`sextant export --level points\` (repeatable); every
                     tenant and dataset in it is written, window by window, replacing what the
                     warehouse holds in those windows
  --config FILE      the configuration whose warehouse receives the points (warehouse.kind duckdb or
                     clickhouse; default: $SEXTANT_CONFIG, else ./sextant.yaml). A DuckDB file must
                     not be held by a running service
  --window DURATION  points written per replaceWindow, e.g. 1h (default: 6h)

Prints one line per dataset (rows, windows); the rollups of the imported range are recomputed at
the end. Exit codes: 0 imported, 1 failed, 2 bad options or a file that is not a points export.
`;

class UsageError extends Error {}

export async function run(args: string[]): Promise<number> {
  let options: ReturnType<typeof parse>;
  try {
    options = parse(args);
  } catch (error) {
    process.stderr.write(`sextant import-points: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    for (const file of options.files) {
      if (!(await stat(file).then((s) => s.isFile(), () => false))) throw new UsageError(`--file: ${file} is not a readable file`);
    }
    const config = loadConfig(configFileFrom(options.config, process.env));
    const warehouse = await openServiceWarehouse(config, createLogger('warn'), Date.now);
    try {
      for (const file of options.files) {
        for (const d of await importPointsParquet(warehouse, file, options.windowMs)) {
          process.stdout.write(`${file}: ${d.rows} points of ${d.dataset} (tenant ${d.tenant}) in ${d.windows} windows\n`);
        }
      }
      const { rows } = await warehouse.rollup();
      process.stdout.write(`rollups recomputed: ${rows['5m']} 5m, ${rows['1h']} 1h, ${rows['1d']} 1d rows\n`);
    } finally {
      await warehouse.close();
    }
    return 0;
  } catch (error) {
    process.stderr.write(`sextant import-points: ${(error as Error).message}\n`);
    return error instanceof UsageError || /not a points export|as Parquet/.test((error as Error).message) ? 2 : 1;
  }
}

function parse(args: string[]) {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      file: { type: 'string', multiple: true },
      config: { type: 'string' },
      window: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help' as const;
  const files = values.file ?? [];
  if (files.length === 0) throw new UsageError('--file is required');
  const windowMs = values.window === undefined ? DEFAULT_IMPORT_WINDOW_MS : parseDuration(values.window);
  if (windowMs === undefined || windowMs <= 0) throw new UsageError(`--window: "${values.window}" is not a duration such as 1h or 6h`);
  return { files, config: values.config, windowMs };
}
