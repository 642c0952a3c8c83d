// Prometheus behind the MetricsSource interface: /api/v1/query_range in chunks within the points
// limit, a bounded number of calls in flight, a timeout per call, retries with exponential backoff and
// full jitter on failures that may pass (network, timeout, 5xx, 429), none on a query Prometheus
// refuses (4xx). What PromQL returns is stored as is: counter resets and staleness are its business.
import type { Series, TimeRange } from '@sextant/core';
import type { DatasetDefinition, MetricsSource } from './metrics-source.js';
import { SourceError } from './metrics-source.js';
import { planChunks, type QueryChunk } from './prometheus-chunks.js';
import { LabelCollisionError, reduceLabels } from './prometheus-labels.js';
import { ResponseShapeError, parseErrorBody, parseMatrix } from './prometheus-response.js';

export interface PrometheusSourceOptions {
  /** Base URL, e.g. http://localhost:9090 (a path prefix such as /prometheus is kept). */
  url: string;
  /** Per call, including reading the body. */
  timeoutMs?: number;
  /** Calls in flight at once for one queryRange. */
  concurrency?: number;
  /** Points per series per call; Prometheus refuses more than 11,000. */
  maxPointsPerQuery?: number;
  /** Attempts after the first one, for retryable failures. */
  retries?: number;
  /** First backoff ceiling; doubles per attempt up to maxBackoffMs. The wait is uniform below it. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Sent with every call (Authorization, X-Scope-OrgID, ...). */
  headers?: Record<string, string>;
  /** For tests: the randomness of the jitter and the wait. */
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Why a query failed, as the `reason` label of sextant_ingest_errors_total. */
export type PrometheusFailure = 'network' | 'timeout' | 'http_5xx' | 'http_429' | 'http_4xx' | 'bad_response' | 'label_collision';

export class PrometheusQueryError extends SourceError {
  constructor(
    readonly reason: PrometheusFailure,
    message: string,
    retryable: boolean,
  ) {
    super('prometheus', message, retryable);
    this.name = 'PrometheusQueryError';
  }
}

export function createPrometheusSource(options: PrometheusSourceOptions): MetricsSource {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const maxPoints = options.maxPointsPerQuery ?? 11_000;
  const retries = options.retries ?? 3;
  const backoffMs = options.backoffMs ?? 250;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? abortableSleep;
  const endpoint = `${options.url.replace(/\/+$/, '')}/api/v1/query_range`;

  async function fetchChunk(dataset: DatasetDefinition, chunk: QueryChunk, signal?: AbortSignal): Promise<Series[]> {
    const where = `query ${JSON.stringify(dataset.query)} of dataset "${dataset.name}" over ${iso(chunk.start)}..${iso(chunk.end)} step ${dataset.stepMs / 1000}s`;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await attemptChunk(dataset, chunk, where, signal);
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        const failure = error as PrometheusQueryError;
        if (!failure.retryable || attempt >= retries) {
          throw attempt === 0 ? failure : new PrometheusQueryError(failure.reason, `${failure.message.replace(/^prometheus: /, '')} (after ${attempt + 1} attempts)`, failure.retryable);
        }
        await sleep(random() * Math.min(maxBackoffMs, backoffMs * 2 ** attempt), signal);
      }
    }
  }

  async function attemptChunk(dataset: DatasetDefinition, chunk: QueryChunk, where: string, signal?: AbortSignal): Promise<Series[]> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const body = new URLSearchParams({
      query: dataset.query,
      start: (chunk.start / 1000).toString(),
      end: (chunk.end / 1000).toString(),
      step: (dataset.stepMs / 1000).toString(),
      timeout: `${Math.max(1, Math.floor(timeoutMs / 1000))}s`,
    });
    let text: string;
    let status: number;
    try {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { ...options.headers, 'content-type': 'application/x-www-form-urlencoded' },
        body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) throw new PrometheusQueryError('timeout', `no answer within ${timeoutMs} ms to the ${where}`, true);
      throw new PrometheusQueryError('network', `cannot reach ${endpoint} (${causeOf(error)}) for the ${where}`, true);
    }
    if (status !== 200) throw httpError(status, text, where);
    try {
      return parseMatrix(text);
    } catch (error) {
      if (error instanceof ResponseShapeError) {
        throw new PrometheusQueryError('bad_response', `invalid answer to the ${where}: ${error.message}`, false);
      }
      throw error;
    }
  }

  return {
    name: 'prometheus',
    async queryRange(dataset: DatasetDefinition, range: TimeRange, signal?: AbortSignal): Promise<Series[]> {
      const chunks = planChunks(range, dataset.stepMs, maxPoints);
      const parts = await mapLimited(chunks, concurrency, (chunk) => fetchChunk(dataset, chunk, signal));
      try {
        return reduceLabels(parts.flat(), dataset.keepLabels);
      } catch (error) {
        if (error instanceof LabelCollisionError) {
          throw new PrometheusQueryError('label_collision', `dataset "${dataset.name}": ${error.message}`, false);
        }
        throw error;
      }
    },
  };
}

function httpError(status: number, text: string, where: string): PrometheusQueryError {
  const detail = parseErrorBody(text);
  const said = detail ? `${detail.errorType}: ${detail.error}` : JSON.stringify(text.slice(0, 200));
  const message = `HTTP ${status} (${said}) for the ${where}`;
  if (status === 429) return new PrometheusQueryError('http_429', message, true);
  if (status >= 500) return new PrometheusQueryError('http_5xx', message, true);
  return new PrometheusQueryError('http_4xx', message, false);
}

/**
 * Runs `work` on every item with at most `limit` in flight; results in item order. The first error
 * wins and stops the workers from starting more calls.
 */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      const index = next;
      next += 1;
      try {
        results[index] = await work(items[index] as T);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

function iso(t: number): string {
  return new Date(t).toISOString();
}
