// POST /api/v1/backfill starts a backfill of the caller's tenant inside the service (editor role),
// GET /api/v1/backfill lists the tenant's backfills, GET /api/v1/backfill/{id} gives one's progress,
// DELETE /api/v1/backfill/{id} cancels it after the window in progress (editor role).
import express, { type Request, type Response } from 'express';
import { BackfillRefused, type BackfillJob, type BackfillRunner } from '../../jobs/backfill-runner.js';
import { MAX_TIME_MS, parseTime } from '../../time-text.js';
import { authOf, roleAllows } from '../auth-context.js';
import type { ApiDeps } from './api-deps.js';
import { shownValue } from '../../shown-value.js';
import { BadRequest, sendError, Unavailable } from './query-params.js';

/** A job as the API shows it, with its pace and time left at `now`. */
export function backfillView(job: BackfillJob, now: number) {
  const elapsedMs = (job.finishedAt ?? now) - job.startedAt;
  const left = job.windowsTotal - job.windowsDone;
  const eta = job.state !== 'running' ? 0 : job.windowsDone > 0 ? ((elapsedMs / job.windowsDone) * left) / 1000 : null;
  return {
    id: job.id,
    state: job.state,
    from: new Date(job.range.start).toISOString(),
    to: new Date(job.range.end).toISOString(),
    datasets: job.datasets,
    windowsDone: job.windowsDone,
    windowsTotal: job.windowsTotal,
    rows: job.rows,
    elapsedSeconds: elapsedMs / 1000,
    rowsPerSecond: elapsedMs > 0 ? job.rows / (elapsedMs / 1000) : 0,
    etaSeconds: eta,
    startedAt: new Date(job.startedAt).toISOString(),
    ...(job.finishedAt !== undefined ? { finishedAt: new Date(job.finishedAt).toISOString() } : {}),
    cancelRequested: job.cancelRequested,
    ...(job.error !== undefined ? { error: job.error } : {}),
    failures: job.failures.map((f) => ({ dataset: f.dataset, from: new Date(f.window.start).toISOString(), to: new Date(f.window.end).toISOString(), error: f.error })),
    notes: job.notes,
  };
}

function timeField(value: unknown, field: string, now: number): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    if (value > MAX_TIME_MS) throw new BadRequest(`POST /backfill: ${field}: ${value} is outside the times Sextant keeps (1970-01-01 to 9999-12-31)`);
    return value;
  }
  if (typeof value === 'string') {
    try {
      return parseTime(value, now, field);
    } catch (error) {
      throw new BadRequest(`POST /backfill: ${(error as Error).message}`);
    }
  }
  throw new BadRequest(`POST /backfill: ${field}: got ${shownValue(value)}, expected an ISO date/time, an age such as 7d, "now" or Unix milliseconds`);
}

function parseBody(body: unknown, now: number): { start: number; end: number; datasets: string[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequest('POST /backfill: the body must be a JSON object {from, to?, datasets?}');
  const { from, to, datasets, ...rest } = body as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length) throw new BadRequest(`POST /backfill: unknown field ${extra.slice(0, 5).map(shownValue).join(', ')}${extra.length > 5 ? ` and ${extra.length - 5} more` : ''}; expected from, to, datasets`);
  if (from === undefined) throw new BadRequest('POST /backfill: from is required');
  const start = timeField(from, 'from', now);
  const end = to === undefined ? now : timeField(to, 'to', now);
  if (start >= end) throw new BadRequest(`POST /backfill: from (${new Date(start).toISOString()}) must be before to (${new Date(end).toISOString()})`);
  if (datasets !== undefined && (!Array.isArray(datasets) || !datasets.every((d) => typeof d === 'string' && d !== ''))) {
    throw new BadRequest(`POST /backfill: datasets: got ${shownValue(datasets)}, expected a list of dataset names`);
  }
  return { start, end, datasets: (datasets as string[] | undefined) ?? [] };
}

function send(res: Response, error: unknown): void {
  if (error instanceof BackfillRefused) res.status(error.status).json({ error: error.message });
  else sendError(res, error);
}

export function backfillRoutes(deps: ApiDeps): express.Router {
  const router = express.Router();
  const runner = (): BackfillRunner => {
    if (!deps.backfills) throw new Unavailable('backfills do not run in this service');
    return deps.backfills;
  };
  const editor = (res: Response, what: string): string | undefined => {
    const auth = authOf(res);
    if (roleAllows(auth.role, 'editor')) return auth.tenant;
    res.status(403).json({ error: `${what}: role ${auth.role} may not run backfills (editor needed)` });
    return undefined;
  };

  router.post('/backfill', (req: Request, res: Response) => {
    try {
      const tenant = editor(res, 'POST /backfill');
      if (tenant === undefined) return;
      const now = deps.now();
      const { start, end, datasets } = parseBody(req.body, now);
      const job = runner().start(tenant, { start, end }, datasets);
      res.status(202).location(`/api/v1/backfill/${job.id}`).json({ backfill: backfillView(job, now) });
    } catch (error) {
      send(res, error);
    }
  });

  router.get('/backfill', (_req: Request, res: Response) => {
    try {
      const { tenant } = authOf(res);
      res.json({ backfills: runner().list(tenant).map((j) => backfillView(j, deps.now())) });
    } catch (error) {
      send(res, error);
    }
  });

  router.get('/backfill/:id', (req: Request, res: Response) => {
    try {
      const { tenant } = authOf(res);
      res.json({ backfill: backfillView(runner().get(tenant, String(req.params.id)), deps.now()) });
    } catch (error) {
      send(res, error);
    }
  });

  router.delete('/backfill/:id', (req: Request, res: Response) => {
    try {
      const tenant = editor(res, `DELETE /backfill/${String(req.params.id)}`);
      if (tenant === undefined) return;
      res.status(202).json({ backfill: backfillView(runner().cancel(tenant, String(req.params.id)), deps.now()) });
    } catch (error) {
      send(res, error);
    }
  });

  return router;
}
