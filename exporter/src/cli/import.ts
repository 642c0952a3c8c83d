// `sextant import`: loads a CSV, NDJSON or Parquet file into a reference table of the warehouse.
// When a service answers (--server, else the config's server.listen/port) the file is uploaded to
// its API, since the service owns the warehouse file; otherwise this process opens the config's
// warehouse itself (the DuckDB file, or ClickHouse with warehouse.kind: clickhouse), saying which.
// Either way the import is one transaction: a bad row (named by line and column) loads nothing.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { Transform } from 'node:stream';
import { parseArgs } from 'node:util';
import { configFileFrom, loadConfig, type Config } from '../config/index.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../warehouse/duckdb-warehouse.js';
import {
  checkReferenceName,
  COLUMN_TYPES,
  ImportError,
  IMPORT_FORMATS,
  type ColumnType,
  type ImportFormat,
  type ImportOptions,
  type ImportResult,
} from '../warehouse/reference/reference-store.js';
import { formatClock } from '../jobs/ingest-progress.js';
import { describeSetup, kindNoun, localSetup } from './command-setup.js';
import { openCommandWarehouse } from './open-warehouse.js';
import { callService, findService, ServiceCallError, serviceUrlOf, Upload, type ServiceTarget } from './service-client.js';

const USAGE = `usage: sextant import --table NAME --file FILE [--format csv|ndjson|parquet] [--key COLUMN[,COLUMN]]
                      [--type COLUMN=TYPE]... [--replace] [--config FILE | --warehouse PATH | --server URL]
                      [--tenant NAME] [--token TOKEN]

  --table NAME       reference table to create or update (letters, digits, _)
  --file FILE        the file: CSV with a header row, newline-delimited JSON objects, or Parquet
  --format FORMAT    csv, ndjson or parquet (default: from the file's extension: .csv, .ndjson or
                     .jsonl, .parquet)
  --key COLUMNS      columns that identify a row: re-importing replaces rows with the same key and
                     keeps the others. Without a key, an import replaces the whole table
  --type COL=TYPE    a column's type instead of the inferred one: ${COLUMN_TYPES.join(', ')}
                     (repeatable). Types are inferred from every row, not a sample
  --replace          replace the whole table even if its columns or key change
  --config FILE      the service's config, for its warehouse (warehouse.path, or ClickHouse with
                     warehouse.kind: clickhouse) and server.listen/port
                     (default: $SEXTANT_CONFIG, else ./sextant.yaml)
  --server URL       the running service to import through (default: the config's server.listen/port
                     when a service answers there)
  --token TOKEN      an API token of the service with the editor role (default: $SEXTANT_TOKEN);
                     the table belongs to that token's tenant
  --warehouse PATH   the DuckDB warehouse file, opened directly (fails while a service holds it)
  --tenant NAME      tenant of the table when no service is used (default: default)

Progress goes to stderr; a refused file is reported with its line (or Parquet row) and column, and
nothing of it is loaded. Exit codes: 0 imported, 1 failed, 2 bad options or a refused file.
`;

class UsageError extends Error {}

const EXTENSIONS: Record<string, ImportFormat> = { '.csv': 'csv', '.ndjson': 'ndjson', '.jsonl': 'ndjson', '.parquet': 'parquet' };
const CONTENT_TYPES: Record<ImportFormat, string> = { csv: 'text/csv', ndjson: 'application/x-ndjson', parquet: 'application/vnd.apache.parquet' };

type Options = Exclude<ReturnType<typeof parse>, 'help'>;

export async function run(args: string[]): Promise<number> {
  let options: ReturnType<typeof parse>;
  try {
    options = parse(args);
  } catch (error) {
    process.stderr.write(`sextant import: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const started = Date.now();
  try {
    const size = await stat(options.file).then(
      (s) => (s.isFile() ? s.size : undefined),
      () => undefined,
    );
    if (size === undefined) throw new UsageError(`--file: ${options.file} is not a readable file`);
    const file = options.warehouse === undefined && options.server === undefined ? configFileFrom(options.config, process.env) : undefined;
    const config = file === undefined ? undefined : loadConfig(file);
    const fallback = config && serviceUrlOf(config.server);
    const target = options.warehouse === undefined ? await findService({ server: options.server, token: options.token, fallback }, process.env) : undefined;
    // Writing from this process is never silent: it names what it writes to.
    if (!target && config) {
      const local = localSetup(file!, config);
      process.stderr.write(`sextant import: no Sextant service answers at ${fallback}; writing to ${kindNoun(local.warehouse)} itself: ${describeSetup(local)}\n`);
    } else if (!target) process.stderr.write(`sextant import: writing to the warehouse file ${options.warehouse} (--warehouse)\n`);
    const progress = progressLine(target ? 'uploaded' : 'read');
    const result = target ? await throughService(target, options, size, progress) : await direct(options.warehouse ?? config!, options, progress);
    progress.done();
    const { table } = result;
    process.stdout.write(
      `imported ${result.imported} rows into reference table ${table.name} (tenant ${table.tenant}): ${result.replaced} stored rows replaced, ${table.rows} rows now; ` +
        `columns ${table.columns.map((c) => `${c.name} ${c.type}`).join(', ')}; key ${table.key.join(', ') || 'none (the whole table was replaced)'}; ` +
        `in ${formatClock(Date.now() - started)}${target ? ` through the service at ${target.url}` : ''}\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(`sextant import: ${(error as Error).message}\n`);
    if (error instanceof ServiceCallError) return error.exitCode;
    return error instanceof UsageError || error instanceof ImportError ? 2 : 1;
  }
}

/** A progress line on stderr at most once a second (rewritten in place on a terminal). */
function progressLine(verb: string): { update: (done: number, total: number) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let shown = false;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 1000 && done < total) return;
      last = now;
      shown = true;
      const line = `${verb} ${((100 * done) / Math.max(1, total)).toFixed(0).padStart(3)}% (${mib(done)} of ${mib(total)} MiB)${done >= total ? ', loading...' : ''}`;
      process.stderr.write(tty ? `\r${line}\u001b[K` : `${line}\n`);
    },
    done() {
      if (shown && tty) process.stderr.write('\n');
    },
  };
}

const mib = (bytes: number): string => (bytes / 1_048_576).toFixed(1);

/** Imports into the warehouse file named by --warehouse, or into the config's warehouse (its file, or ClickHouse). */
async function direct(warehouseOf: string | Config, options: Options, progress: ReturnType<typeof progressLine>): Promise<ImportResult> {
  // Retention does not run here: the default retention only satisfies the warehouse's options.
  const warehouse = typeof warehouseOf === 'string' ? await openDuckDbWarehouse({ path: warehouseOf, retentionMs: DEFAULT_RETENTION_MS }) : await openCommandWarehouse(warehouseOf, { readOnly: false });
  try {
    return await warehouse.reference.importFile(options.tenant ?? 'default', options.table, options.file, { ...options.import, onProgress: progress.update });
  } finally {
    await warehouse.close();
  }
}

/** PUT /api/v1/reference/{table} with the file as the body, counting the bytes sent. */
async function throughService(target: ServiceTarget, options: Options, size: number, progress: ReturnType<typeof progressLine>): Promise<ImportResult> {
  if (options.tenant !== undefined) throw new UsageError('--tenant applies to --warehouse only: through a service, the table belongs to the token\'s tenant');
  const { format, key, types, replace } = options.import;
  const query = new URLSearchParams({ format, ...(key.length ? { key: key.join(',') } : {}), ...(Object.keys(types).length ? { types: Object.entries(types).map(([c, t]) => `${c}:${t}`).join(',') } : {}), ...(replace ? { replace: 'true' } : {}) });
  const open = () => {
    let sent = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        sent += chunk.length;
        progress.update(sent, size);
        callback(null, chunk);
      },
    });
    return createReadStream(options.file).pipe(counter);
  };
  return callService<ImportResult>(target, 'PUT', `/api/v1/reference/${options.table}?${query}`, new Upload(open, CONTENT_TYPES[format], size));
}

function parse(args: string[]) {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      table: { type: 'string' },
      file: { type: 'string' },
      format: { type: 'string' },
      key: { type: 'string' },
      type: { type: 'string', multiple: true },
      replace: { type: 'boolean', default: false },
      config: { type: 'string' },
      warehouse: { type: 'string' },
      server: { type: 'string' },
      token: { type: 'string' },
      tenant: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help' as const;
  if (values.config !== undefined && values.warehouse !== undefined) throw new UsageError('give --config or --warehouse, not both');
  if (values.server !== undefined && values.warehouse !== undefined) throw new UsageError('give --server or --warehouse, not both');
  const table = checkReferenceName(required(values.table, '--table'), '--table');
  const file = required(values.file, '--file');
  const format = values.format ?? EXTENSIONS[extname(file).toLowerCase()];
  if (format === undefined) throw new UsageError(`--format: cannot tell the format from the extension of ${file}; give --format ${IMPORT_FORMATS.join('|')}`);
  if (!(IMPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format: "${format}" is not a format; expected one of ${IMPORT_FORMATS.join(', ')}`);
  const key = (values.key ?? '').split(',').filter((k) => k !== '');
  const types: Record<string, ColumnType> = {};
  for (const pair of values.type ?? []) {
    const match = /^([^=]+)=(.+)$/.exec(pair);
    if (!match || !(COLUMN_TYPES as readonly string[]).includes(match[2]!)) throw new UsageError(`--type ${pair}: expected COLUMN=TYPE with a type of ${COLUMN_TYPES.join(', ')}`);
    types[match[1]!] = match[2] as ColumnType;
  }
  const importOptions: Omit<ImportOptions, 'onProgress'> = { format: format as ImportFormat, key, types, replace: values.replace };
  return { table, file, import: importOptions, config: values.config, warehouse: values.warehouse, server: values.server, token: values.token, tenant: values.tenant };
}

function required(value: string | undefined, option: string): string {
  if (value === undefined || value === '') throw new UsageError(`${option} is required`);
  return value;
}
