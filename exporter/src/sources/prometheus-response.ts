// Strict reading of a /api/v1/query_range answer. Anything that is not the documented shape
// ({status: "success", data: {resultType: "matrix", result: [{metric, values: [[seconds, "value"]]}]}})
// is rejected with what was wrong, so a proxy's HTML page or a truncated body never becomes data.
import type { Sample, Series } from '@sextant/core';
import { scanMatrix } from './prometheus-matrix-scan.js';
import { parseValue } from './prometheus-value.js';

export class ResponseShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResponseShapeError';
  }
}

/** Prometheus' own error answer, when it gives one: `{status: "error", errorType, error}`. */
export interface PrometheusErrorBody {
  errorType: string;
  error: string;
}

export function parseErrorBody(text: string): PrometheusErrorBody | undefined {
  try {
    const body = JSON.parse(text) as unknown;
    if (isObject(body) && body.status === 'error' && typeof body.error === 'string') {
      return { errorType: typeof body.errorType === 'string' ? body.errorType : 'unknown', error: body.error };
    }
  } catch {
    // Not JSON: the caller reports the HTTP status instead.
  }
  return undefined;
}

export function parseMatrix(text: string): Series[] {
  // Prometheus' own compact answers take the fast path; anything else (and every error) this one.
  const scanned = scanMatrix(text);
  if (scanned) return scanned;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new ResponseShapeError(`body is not JSON (${(error as Error).message}; ${text.length} bytes, starts with ${JSON.stringify(text.slice(0, 40))})`);
  }
  if (!isObject(body)) throw new ResponseShapeError('body is not a JSON object');
  if (body.status !== 'success') throw new ResponseShapeError(`status is ${JSON.stringify(body.status)}, expected "success"`);
  const data = body.data;
  if (!isObject(data)) throw new ResponseShapeError('"data" is missing or not an object');
  if (data.resultType !== 'matrix') throw new ResponseShapeError(`resultType is ${JSON.stringify(data.resultType)}, expected "matrix"`);
  if (!Array.isArray(data.result)) throw new ResponseShapeError('"data.result" is not an array');
  return data.result.map((entry, i) => parseSeries(entry, i));
}

function parseSeries(entry: unknown, index: number): Series {
  if (!isObject(entry)) throw new ResponseShapeError(`result[${index}] is not an object`);
  const metric = entry.metric;
  if (!isObject(metric)) throw new ResponseShapeError(`result[${index}].metric is not an object`);
  for (const [name, value] of Object.entries(metric)) {
    if (typeof value !== 'string') throw new ResponseShapeError(`result[${index}].metric.${name} is not a string`);
  }
  const values = entry.values;
  if (!Array.isArray(values)) throw new ResponseShapeError(`result[${index}].values is not an array`);
  const samples: Sample[] = new Array(values.length);
  for (let j = 0; j < values.length; j += 1) {
    const pair: unknown = values[j];
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'number' || typeof pair[1] !== 'string') {
      throw new ResponseShapeError(`result[${index}].values[${j}] is ${JSON.stringify(pair)}, expected [<unix seconds>, "<value>"]`);
    }
    const v = parseValue(pair[1]);
    if (v === undefined || !Number.isFinite(pair[0])) {
      throw new ResponseShapeError(`result[${index}].values[${j}] is ${JSON.stringify(pair)}: not a number`);
    }
    samples[j] = { t: Math.round(pair[0] * 1000), v };
  }
  return { labels: metric as Record<string, string>, samples };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
