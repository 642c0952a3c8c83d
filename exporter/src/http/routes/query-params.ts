// Query and body checks shared by the prediction and recommendation routes: bad input becomes a 400
// with what, where and why; anything else a 500 without internals (from the app's error handler).
import type { Request, Response } from 'express';
import { LifecycleError } from '@sextant/core/recommend';
import type { PredictApiDeps } from '../../jobs/predict-setup.js';
import type { ApiDeps } from './api-deps.js';

export class BadRequest extends Error {}
export class NotFound extends Error {}
export class Unavailable extends Error {}

export function predictDeps(deps: ApiDeps): PredictApiDeps {
  if (!deps.predict) throw new Unavailable('prediction and recommendations are not running in this service (predict.enabled / recommend.enabled)');
  return deps.predict;
}

export function queryString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new BadRequest(`query parameter ${name}: expected one string value`);
  return value;
}

export function queryInt(req: Request, name: string, min: number, max: number): number | undefined {
  const text = queryString(req, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new BadRequest(`query parameter ${name}: got "${text}", expected an integer from ${min} to ${max}`);
  return value;
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** Ten years: longer than any horizon or window the service keeps, short enough for every time column. */
const MAX_DURATION_MS = 3650 * 86_400_000;

/** "30m", "2h", "1d" to milliseconds, at most 3650d. */
export function parseDurationParam(name: string, text: string): number {
  const match = /^(\d+)([smhd])$/.exec(text);
  if (!match) throw new BadRequest(`query parameter ${name}: got "${text}", expected a duration such as 30m, 2h, 1d`);
  const ms = Number(match[1]) * UNITS[match[2]!]!;
  if (ms > MAX_DURATION_MS) throw new BadRequest(`query parameter ${name}: got "${text}", expected a duration of at most 3650d`);
  return ms;
}

export function sendError(res: Response, error: unknown): void {
  if (error instanceof BadRequest) res.status(400).json({ error: error.message });
  else if (error instanceof NotFound) res.status(404).json({ error: error.message });
  else if (error instanceof LifecycleError) res.status(409).json({ error: error.message });
  else if (error instanceof Unavailable) res.status(503).json({ error: error.message });
  // Anything else is unexpected: the app's error handler logs it and answers a 500 with only an error id.
  else throw error;
}
