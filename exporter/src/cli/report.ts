// `sextant report`: one report of the warehouse for a period, written to a file (html, pdf, xlsx) or
// a folder of per-table files (csv, parquet). When a service answers (--server, else the config's
// server.listen/port) the report is made by the service (POST /api/v1/reports, since it owns the
// warehouse file) and downloaded; otherwise this process reads the warehouse itself (the file, or
// ClickHouse).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { periodRange, lastCompletePeriod, REPORT_PERIODS, type ReportPeriod } from '@sextant/core/reports';
import { ConfigError, configFileFrom, loadConfig } from '../config/index.js';
import { isFolderFormat, REPORT_FORMATS, type ReportFormat } from '../reports/formats.js';
import { parseTime } from '../time-text.js';
import { announceService, describeSetup, localSetup, kindNoun } from './command-setup.js';
import { callService, findService, request, saveBody, ServiceCallError, serviceUrlOf, type ServiceTarget } from './service-client.js';

const USAGE = `usage: sextant report --period daily|weekly|monthly [--from DATE] --format FORMAT --out PATH
                      [--config FILE | --server URL] [--token TOKEN] [--tenant NAME]

  --period P      daily (a UTC day), weekly (an ISO week, Monday first) or monthly
  --from DATE     a date inside the period to report (default: the last complete period); now, or
                  a time like now-1d, for the period running then; the period running now gives a
                  partial report, counted up to now
  --format F      html, pdf, xlsx (one file) or csv, parquet (a folder, one file per table)
  --out PATH      the file, or the folder for csv and parquet
  --config FILE   the service's config (default: $SEXTANT_CONFIG, else ./sextant.yaml): its
                  server.listen/port, where a running service is looked for, and its warehouse
  --server URL    the running service to make the report (default: the config's server.listen/port
                  when a service answers there)
  --token TOKEN   an editor or admin API token of the service (default: $SEXTANT_TOKEN); the report
                  is of that token's tenant
  --tenant NAME   whose data (default: the config's datasets.tenant; through a service, the token's
                  tenant, and --tenant must match it)
When no service answers, the command reads the warehouse itself: the DuckDB file (read-only), or
ClickHouse with warehouse.kind: clickhouse.
`;

class UsageError extends Error {}

function parse(args: string[], now: number) {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      period: { type: 'string' },
      from: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      config: { type: 'string' },
      server: { type: 'string' },
      token: { type: 'string' },
      tenant: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help' as const;
  const period = values.period as ReportPeriod;
  if (!REPORT_PERIODS.includes(period)) throw new UsageError(`--period: "${values.period ?? ''}" is not a period; expected daily, weekly or monthly`);
  const format = values.format as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) throw new UsageError(`--format: "${values.format ?? ''}" is not a format; expected one of ${REPORT_FORMATS.join(', ')}`);
  if (!values.out) throw new UsageError('--out is required');
  let range = lastCompletePeriod(period, now);
  if (values.from !== undefined) {
    try {
      range = periodRange(period, parseTime(values.from, now, '--from'));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  return { period, format, out: values.out, range, config: values.config, server: values.server, token: values.token, tenant: values.tenant };
}

type Options = Exclude<ReturnType<typeof parse>, 'help'>;

export async function run(args: string[], now = Date.now()): Promise<number> {
  let options: Options | 'help';
  try {
    options = parse(args, now);
  } catch (error) {
    process.stderr.write(`sextant report: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  try {
    // With --server alone no config is needed (the service has its own).
    const file = options.server === undefined || options.config !== undefined ? configFileFrom(options.config, process.env) : undefined;
    const config = file === undefined ? undefined : loadConfig(file, process.env);
    const local = file === undefined || config === undefined ? undefined : localSetup(file, config);
    const fallback = config && serviceUrlOf(config.server);
    const target = await findService({ server: options.server, token: options.token, fallback }, process.env);
    if (target) return await throughService(target, options, local);
    if (!config || !local) throw new Error('unreachable: the config is loaded whenever --server is not given');
    progress(`no Sextant service answers at ${fallback}; reading ${kindNoun(local.warehouse)} itself: ${describeSetup(local)}`);
    const tenant = options.tenant ?? config.datasets.tenant;
    // Loaded only here: the renderers and DuckDB take seconds to load, and the way through a service needs neither.
    const { generateReport } = await import('../reports/generate.js');
    const { chromiumFromConfig, reportSettingsFromConfig } = await import('../reports/settings.js');
    const { openCommandWarehouse } = await import('./open-warehouse.js');
    const warehouse = await openCommandWarehouse(config, { readOnly: true });
    try {
      const { report, bytes } = await generateReport(
        { inputs: warehouse.reportInputs, tenant, period: options.period, range: options.range, settings: reportSettingsFromConfig(config), now, chromiumPath: chromiumFromConfig(config), onProgress: progress },
        options.format,
        options.out,
      );
      wrote(options, tenant, report.range, report.partial, bytes, '');
      if (!report.hasData) progress(`warning: ${report.summary[0] ?? 'no data'}`);
    } finally {
      await warehouse.close();
    }
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`sextant report: invalid configuration\n${error.problems.map((p) => `  ${p}`).join('\n')}\n`);
      return 2;
    }
    process.stderr.write(`sextant report: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof ServiceCallError ? error.exitCode : 1;
  }
}

interface ReportView {
  id: string;
  from: string;
  to: string;
  partial: boolean;
  bytes?: number;
  download?: string;
  tables?: string[];
}

/** POST /api/v1/reports, then the file (or each table of a csv/parquet report) downloaded to --out. */
async function throughService(target: ServiceTarget, options: Options, local: Parameters<typeof announceService>[2]): Promise<number> {
  const status = await announceService('report', target, local);
  const tenant = status.caller.tenant;
  if (options.tenant !== undefined && options.tenant !== tenant) {
    throw new ServiceCallError(`--tenant ${options.tenant}: the token belongs to tenant ${tenant}, and the service reports only its token's tenant`, 2);
  }
  progress(`the service at ${target.url} makes the report`);
  const body = { period: options.period, format: options.format, from: new Date(options.range.start).toISOString().slice(0, 10) };
  const { report } = await callService<{ report: ReportView }>(target, 'POST', '/api/v1/reports', body);
  if (!report.download) throw new ServiceCallError(`the service made report ${report.id} but offers no download`, 1);
  if (isFolderFormat(options.format)) {
    await mkdir(options.out, { recursive: true });
    for (const table of report.tables ?? []) {
      await saveBody(await request(target, 'GET', `${report.download}?table=${encodeURIComponent(table)}`), join(options.out, `${table}.${options.format}`), target);
    }
  } else {
    await saveBody(await request(target, 'GET', report.download), options.out, target);
  }
  wrote(options, tenant, { start: Date.parse(report.from), end: Date.parse(report.to) }, report.partial, report.bytes ?? NaN, ` through the service at ${target.url} (report ${report.id})`);
  return 0;
}

function wrote(options: Options, tenant: string, range: { start: number; end: number }, partial: boolean, bytes: number, how: string): void {
  const span = `${new Date(range.start).toISOString()} to ${new Date(range.end).toISOString()}${partial ? '; partial: the period is not over, counted up to now' : ''}`;
  process.stdout.write(`wrote the ${options.period} ${options.format} report of tenant ${tenant} (${span}) to ${options.out}${isFolderFormat(options.format) ? '/' : ''} (${bytes} bytes)${how}\n`);
}

function progress(step: string): void {
  process.stderr.write(`sextant report: ${step}\n`);
}
