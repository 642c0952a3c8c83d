// The report file formats, apart from the renderers, so that what only names a format (the CLI's
// options, the API's validation) does not load them.
export const REPORT_FORMATS = ['html', 'pdf', 'xlsx', 'csv', 'parquet'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** csv and parquet hold several tables: they are written as a folder with one file per table. */
export function isFolderFormat(format: ReportFormat): boolean {
  return format === 'csv' || format === 'parquet';
}
