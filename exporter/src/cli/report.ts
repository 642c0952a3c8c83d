// `sextant report`: one report of the warehouse for a period, written to a file (html, pdf, xlsx) or
// a folder of per-table files (csv, parquet). Reads the warehouse file directly, so the service must
// not hold it; with a running service, use POST /api/v1/reports instead.
import { parseArgs } from 'node:util';
import { periodRange, lastCompletePeriod, REPORT_PERIODS, type ReportPeriod } from '@sextant/core/reports';
import { ConfigError, configFileFrom, loadConfig } from '../config/index.js';
import { generateReport, isFolderFormat, REPORT_FORMATS, type ReportFormat } from '../reports/generate.js';
import { chromiumFromConfig, reportSettingsFromConfig } from '../reports/settings.js';
import { describeSetup, localSetup } from './command-setup.js';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse } from '../warehouse/duckdb-warehouse.js';

const USAGE = `usage: sextant report --period daily|weekly|monthly [--from DATE] --format FORMAT --out PATH
                      [--config FILE] [--tenant NAME]

  --period P      daily (a UTC day), weekly (an ISO week, Monday first) or monthly
  --from DATE     a date inside the period to report (default: the last complete period)
  --format F      html, pdf, xlsx (one file) or csv, parquet (a folder, one file per table)
  --out PATH      the file, or the folder for csv and parquet
  --config FILE   the service's config (default: $SEXTANT_CONFIG, else ./sextant.yaml)
  --tenant NAME   whose data (default: the config's datasets.tenant)
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
    const from = /^\d{4}-\d{2}-\d{2}/.test(values.from) ? Date.parse(values.from.length === 10 ? `${values.from}T00:00:00Z` : values.from) : NaN;
    if (Number.isNaN(from)) throw new UsageError(`--from: "${values.from}" is not an ISO date such as 2026-11-16`);
    range = periodRange(period, from);
  }
  return { period, format, out: values.out, range, config: values.config, tenant: values.tenant };
}

export async function run(args: string[], now = Date.now()): Promise<number> {
  let options: ReturnType<typeof parse>;
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
  const progress = (step: string): void => {
    process.stderr.write(`sextant report: ${step}\n`);
  };
  try {
    const file = configFileFrom(options.config, process.env);
    const config = loadConfig(file, process.env);
    const tenant = options.tenant ?? config.datasets.tenant;
    progress(`reading the warehouse file itself: ${describeSetup(localSetup(file, config))}`);
    const warehouse = await openDuckDbWarehouse({ path: config.warehouse.path, retentionMs: DEFAULT_RETENTION_MS, readOnly: true });
    try {
      const { report, bytes } = await generateReport(
        { inputs: warehouse.reportInputs, tenant, period: options.period, range: options.range, settings: reportSettingsFromConfig(config), now, chromiumPath: chromiumFromConfig(config), onProgress: progress },
        options.format,
        options.out,
      );
      const span = `${new Date(report.range.start).toISOString()} to ${new Date(report.range.end).toISOString()}`;
      process.stdout.write(`wrote the ${options.period} ${options.format} report of tenant ${tenant} (${span}) to ${options.out}${isFolderFormat(options.format) ? '/' : ''} (${bytes} bytes)\n`);
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
    return 1;
  }
}
