// GET /api/v1/export?dataset=&from=&to=&level= streams a Parquet file of one dataset of the caller's
// tenant at one level over [from, to): the same file `sextant export` writes (both call the
// warehouse's exportParquet). The file is written to a temporary directory, streamed, then deleted.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express, { type Request, type Response } from 'express';
import { parseTime } from '../../time-text.js';
import { isStorageLevel, STORAGE_LEVELS } from '../../warehouse/levels.js';
import { authOf } from '../auth-context.js';
import type { ApiDeps } from './api-deps.js';
import { BadRequest, queryString, sendError } from './query-params.js';

function timeParam(req: Request, name: string, now: number, fallback?: string): number {
  const text = queryString(req, name) ?? fallback;
  if (text === undefined) throw new BadRequest(`GET /export: query parameter ${name} is required`);
  try {
    return parseTime(text, now, `query parameter ${name}`);
  } catch (error) {
    throw new BadRequest(`GET /export: ${(error as Error).message}`);
  }
}

export function exportRoutes(deps: ApiDeps): express.Router {
  const router = express.Router();

  router.get('/export', async (req: Request, res: Response) => {
    let dir: string | undefined;
    try {
      const { tenant } = authOf(res);
      const now = deps.now();
      const dataset = queryString(req, 'dataset');
      if (!dataset) throw new BadRequest('GET /export: query parameter dataset is required');
      const level = queryString(req, 'level') ?? 'points';
      if (!isStorageLevel(level)) throw new BadRequest(`GET /export: query parameter level: got "${level}", expected one of ${STORAGE_LEVELS.join(', ')}`);
      const start = timeParam(req, 'from', now);
      const end = timeParam(req, 'to', now, 'now');
      if (start >= end) throw new BadRequest(`GET /export: from (${new Date(start).toISOString()}) must be before to (${new Date(end).toISOString()})`);
      // A dataset is known if it is ingested now or was once (a watermark stays after it leaves the config).
      const configured = deps.datasets.some((d) => d.tenant === tenant && d.name === dataset);
      if (!configured && (await deps.warehouse.watermark(tenant, dataset)) === undefined) {
        const own = deps.datasets.filter((d) => d.tenant === tenant).map((d) => d.name);
        throw new BadRequest(`GET /export: query parameter dataset: tenant ${tenant} has no dataset "${dataset}"; its datasets are: ${own.join(', ') || 'none'}`);
      }
      dir = await mkdtemp(join(tmpdir(), 'sextant-export-'));
      const file = join(dir, 'export.parquet');
      const rows = await deps.warehouse.exportParquet(tenant, dataset, level, { start, end }, file);
      if (res.headersSent) return; // server.requestTimeout answered already
      const name = `${dataset}-${level}-${new Date(start).toISOString()}-${new Date(end).toISOString()}.parquet`.replace(/[^A-Za-z0-9_.-]/g, '_');
      res.setHeader('Content-Type', 'application/vnd.apache.parquet');
      res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
      res.setHeader('X-Sextant-Rows', String(rows));
      res.setHeader('X-Sextant-Tenant', tenant);
      const removeDir = dir;
      dir = undefined;
      const stream = createReadStream(file);
      const cleanUp = (): void => void rm(removeDir, { recursive: true, force: true });
      stream.once('error', (error) => {
        deps.log.error('export: reading the Parquet file failed', { error });
        res.destroy(error);
      });
      res.once('close', cleanUp);
      stream.pipe(res);
    } catch (error) {
      sendError(res, error);
    } finally {
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    }
  });

  return router;
}
