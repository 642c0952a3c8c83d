// POST /api/v1/reports generates a report now (editor role), GET /api/v1/reports lists the tenant's
// reports, GET /api/v1/reports/{id}/download sends the file (csv and parquet: one table, ?table=NAME).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Request, type Response } from 'express';
import { lastCompletePeriod, periodRange, REPORT_PERIODS, type ReportPeriod } from '@sextant/core/reports';
import { isFolderFormat, REPORT_FORMATS, type ReportFormat } from '../../reports/formats.js';
import { parseTime } from '../../time-text.js';
import { ReportService } from '../../reports/report-service.js';
import type { StoredReport } from '../../warehouse/report-store.js';
import { authOf, roleAllows } from '../auth-context.js';
import type { ApiDeps } from './api-deps.js';
import { shownValue } from '../../shown-value.js';
import { BadRequest, NotFound, queryInt, queryString, sendError } from './query-params.js';

const TABLES = ['services', 'alert_rules', 'anomalies', 'capacity', 'failure_risk', 'recommendations', 'ingest'];
const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
};

function view(r: StoredReport) {
  return {
    id: r.id,
    period: r.period,
    format: r.format,
    from: new Date(r.rangeStart).toISOString(),
    to: new Date(r.rangeEnd).toISOString(),
    createdAt: new Date(r.createdAt).toISOString(),
    // Made before its period was over: it covers the period only up to createdAt.
    partial: r.createdAt < r.rangeEnd,
    trigger: r.trigger,
    status: r.status,
    ...(r.error !== undefined ? { error: r.error } : {}),
    ...(r.bytes !== undefined ? { bytes: r.bytes } : {}),
    ...(r.status === 'ok' ? { download: `/api/v1/reports/${r.id}/download`, ...(isFolderFormat(r.format as ReportFormat) ? { tables: TABLES } : {}) } : {}),
  };
}

function parseBody(body: unknown, now: number): { period: ReportPeriod; format: ReportFormat; range: { start: number; end: number } } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequest('POST /reports: the body must be a JSON object {period, format, from?}');
  const { period, format, from } = body as Record<string, unknown>;
  if (!REPORT_PERIODS.includes(period as ReportPeriod)) throw new BadRequest(`POST /reports: period: got ${shownValue(period)}, expected daily, weekly or monthly`);
  if (!REPORT_FORMATS.includes(format as ReportFormat)) throw new BadRequest(`POST /reports: format: got ${shownValue(format)}, expected one of ${REPORT_FORMATS.join(', ')}`);
  if (from === undefined) return { period: period as ReportPeriod, format: format as ReportFormat, range: lastCompletePeriod(period as ReportPeriod, now) };
  if (typeof from !== 'string') throw new BadRequest(`POST /reports: from: got ${shownValue(from)}, expected an ISO date such as 2026-11-16, or now for the period running now`);
  let ms: number;
  try {
    ms = parseTime(from, now, 'from');
  } catch (error) {
    throw new BadRequest(`POST /reports: ${(error as Error).message}`);
  }
  return { period: period as ReportPeriod, format: format as ReportFormat, range: periodRange(period as ReportPeriod, ms) };
}

export function reportsRoutes(deps: ApiDeps): express.Router {
  const router = express.Router();
  const service = new ReportService({ stores: deps.stores, config: deps.config, registry: deps.registry, log: deps.log.child({ area: 'reports' }), now: deps.now });

  router.post('/reports', async (req: Request, res: Response) => {
    try {
      const auth = authOf(res);
      if (!roleAllows(auth.role, 'editor')) {
        res.status(403).json({ error: `POST /reports: role ${auth.role} may not generate reports (editor needed)` });
        return;
      }
      const { period, format, range } = parseBody(req.body, deps.now());
      if (range.start > deps.now()) throw new BadRequest(`POST /reports: from: the period starting ${new Date(range.start).toISOString()} has not begun yet`);
      const report = await service.create(auth.tenant, period, format, range, 'api');
      res.status(report.status === 'ok' ? 201 : 500).json({ report: view(report), ...(report.error !== undefined ? { error: `report generation failed: ${report.error}` } : {}) });
    } catch (error) {
      sendError(res, error);
    }
  });

  router.get('/reports', async (req: Request, res: Response) => {
    try {
      const { tenant } = authOf(res);
      const reports = await service.store.list(tenant, queryInt(req, 'limit', 1, 1000) ?? 100);
      res.json({ reports: reports.map(view) });
    } catch (error) {
      sendError(res, error);
    }
  });

  router.get('/reports/:id/download', async (req: Request, res: Response) => {
    try {
      const { tenant } = authOf(res);
      const id = String(req.params.id);
      const report = await service.store.get(tenant, id);
      if (!report) throw new NotFound(`GET /reports/${id}/download: no report ${id} for tenant ${tenant}`);
      if (report.status !== 'ok' || !report.path) throw new NotFound(`GET /reports/${id}/download: report ${id} failed (${report.error ?? 'no file'}); there is nothing to download`);
      let file = report.path;
      let name = `${id}.${report.format}`;
      if (isFolderFormat(report.format as ReportFormat)) {
        const table = queryString(req, 'table');
        if (!table || !TABLES.includes(table)) throw new BadRequest(`GET /reports/${id}/download: a ${report.format} report has one file per table; add ?table= with one of ${TABLES.join(', ')}`);
        file = join(report.path, `${table}.${report.format}`);
        name = `${id}-${table}.${report.format}`;
      }
      if (!existsSync(file)) throw new NotFound(`GET /reports/${id}/download: the file of report ${id} is gone from the reports directory`);
      res.setHeader('Content-Type', CONTENT_TYPES[report.format] ?? 'application/octet-stream');
      res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
      res.sendFile(file);
    } catch (error) {
      sendError(res, error);
    }
  });

  return router;
}
