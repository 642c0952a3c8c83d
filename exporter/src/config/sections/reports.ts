import { z } from 'zod';
import { duration, flag, oneOf } from '../fields.js';

export const reportFormats = ['html', 'pdf', 'xlsx', 'csv', 'parquet'] as const;

const schedule = z.strictObject({
  /** daily: the previous UTC day; weekly: the previous ISO week (Monday first); monthly: the previous month. */
  period: oneOf(['daily', 'weekly', 'monthly']),
  formats: z.array(oneOf(reportFormats)).min(1).describe('a list of formats: html, pdf, xlsx, csv, parquet').default(['html']),
});

export const reportsSection = z
  .strictObject({
    /** Where generated reports are kept; relative to the warehouse file's directory ("" = its reports/ folder). */
    directory: z.string().default(''),
    /** Reports generated on schedule, each once per period (the last complete period). */
    schedule: z.array(schedule).describe('a list of {period, formats}').default([]),
    /** Reports older than this are deleted with their files. */
    retention: duration().prefault('90d'),
    /** How often the schedule checks for a period that has no report yet. */
    checkInterval: duration().prefault('10m'),
    /** Availability objective of services without an SLO in recommend.slos. */
    defaultObjective: z.number().gt(0).lt(1).describe('a ratio between 0 and 1 such as 0.99').default(0.99),
    /** A capacity series (memory, filesystem) "fills up" when its forecast reaches this ratio. */
    capacityThreshold: z.number().gt(0).max(1).describe('a ratio between 0 and 1 such as 0.9').default(0.9),
    /** Chromium for PDF reports ("" = $SEXTANT_CHROMIUM, else /usr/bin/chromium). */
    chromiumPath: z.string().default(''),
    /** Off: the schedule generates nothing (on-demand reports still work). */
    enabled: flag().default(true),
  })
  .prefault({});

export type ReportsConfig = z.output<typeof reportsSection>;
