// Jaeger as a source of series: for each service and window it fetches a bounded number of traces
// and hands their spans to the core, which turns them into per-operation estimates. Speaks the stable
// api_v3 (/api/v3/*) where Jaeger has it, else the internal JSON API of Jaeger UI (/api/*).
import type { Series, TimeRange } from '@sextant/core';
import { traceSeries, type ServiceWindow } from '@sextant/core/traces';
import type { Logger } from '../log.js';
import { SourceError, type DatasetDefinition, type MetricsSource } from './metrics-source.js';
import { definedOnly, excerpt, getWithRetry, isObject, type HttpAnswer, type HttpAuth, type HttpSourceOptions } from './source-http.js';
import { AnswerErrors, decodeV1Traces, decodeV3Traces, v1Envelope, v1StringList, type DecodedTraces } from './jaeger-response.js';
import { reduceLabels } from './prometheus-labels.js';

/** Where trace-derived series come from: estimates per service, operation and window. */
export interface TraceSource extends MetricsSource {
  /** Services the backend knows, minus the excluded ones. */
  services(signal?: AbortSignal): Promise<string[]>;
}

export type JaegerApi = 'auto' | 'v3' | 'v1';

export interface JaegerSourceOptions {
  /** Jaeger query service, e.g. http://jaeger:16686. */
  url: string;
  /** `auto` asks /api/v3/services once and falls back to the internal API when it is not there. */
  api?: JaegerApi;
  /** Tenant for multi-tenant Jaeger, sent in `tenantHeader`. */
  tenant?: string;
  tenantHeader?: string;
  auth?: HttpAuth;
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
  maxResponseBytes?: number;
  /** Traces fetched per service and window at most; when reached, counts are lower bounds. */
  maxTracesPerWindow?: number;
  /** Probability a trace was kept when its spans do not say (head sampling rate); 1 counts as seen. */
  samplingProbability?: number;
  /** Services never ingested, e.g. Jaeger's own. */
  excludeServices?: string[];
  /** Requests in flight at once. */
  concurrency?: number;
  log?: Logger;
}

export const jaegerDefaults = {
  api: 'auto' as JaegerApi,
  tenantHeader: 'x-tenant',
  timeoutMs: 30_000,
  retries: 3,
  backoffMs: 500,
  maxResponseBytes: 64 * 1024 * 1024,
  maxTracesPerWindow: 200,
  samplingProbability: 1,
  excludeServices: ['jaeger', 'jaeger-all-in-one', 'jaeger-query'],
  concurrency: 4,
};

const source = 'jaeger';

interface JaegerClient {
  services(signal?: AbortSignal): Promise<string[]>;
  operations(service: string, signal?: AbortSignal): Promise<string[]>;
  traces(service: string, window: TimeRange, limit: number, signal?: AbortSignal): Promise<DecodedTraces>;
}

export function createJaegerSource(options: JaegerSourceOptions): TraceSource {
  const settings = { ...jaegerDefaults, ...definedOnly(options) };
  const http: HttpSourceOptions = {
    source,
    baseUrl: options.url,
    headers: options.tenant ? { [settings.tenantHeader]: options.tenant } : {},
    ...(options.auth ? { auth: options.auth } : {}),
    timeoutMs: settings.timeoutMs,
    retries: settings.retries,
    backoffMs: settings.backoffMs,
    maxResponseBytes: settings.maxResponseBytes,
  };
  const get = (path: string, params: Record<string, string>, signal?: AbortSignal): Promise<HttpAnswer> =>
    getWithRetry(http, path, new URLSearchParams(params), signal);
  let client: Promise<JaegerClient> | undefined;
  const clientFor = (signal?: AbortSignal): Promise<JaegerClient> => {
    client ??= chooseClient(settings.api, get, settings.samplingProbability, signal).catch((error: unknown) => {
      client = undefined; // ask again next time: Jaeger may have been down
      throw error;
    });
    return client;
  };

  async function services(signal?: AbortSignal): Promise<string[]> {
    const all = await (await clientFor(signal)).services(signal);
    return all.filter((name) => !settings.excludeServices.includes(name)).sort();
  }

  async function serviceWindows(service: string, ends: number[], stepMs: number, signal?: AbortSignal): Promise<ServiceWindow[]> {
    const api = await clientFor(signal);
    const operations = await api.operations(service, signal);
    return mapLimited(ends, settings.concurrency, async (end) => {
      const window = { start: end - stepMs, end };
      const found = await api.traces(service, window, settings.maxTracesPerWindow, signal);
      for (const failure of found.partialErrors) options.log?.warn('jaeger reported a partial failure', { service, failure });
      return {
        service,
        ...window,
        operations,
        spans: found.spans,
        tracesFetched: found.traces,
        limitReached: found.traces >= settings.maxTracesPerWindow,
      };
    });
  }

  return {
    name: source,
    services,
    async queryRange(dataset, range, signal) {
      const selected = dataset.query.trim() === '*' ? await services(signal) : serviceList(dataset.query);
      const ends = windowEnds(range, dataset.stepMs);
      const windows: ServiceWindow[] = [];
      for (const service of selected) {
        for (const window of await serviceWindows(service, ends, dataset.stepMs, signal)) windows.push(window);
      }
      return keepDatasetLabels(source, traceSeries(windows), dataset);
    },
  };
}

/** `checkout, payments` -> ['checkout', 'payments']. */
export function serviceList(query: string): string[] {
  const names = query.split(',').map((name) => name.trim()).filter((name) => name !== '');
  if (names.length === 0) throw new SourceError(source, 'a trace dataset\'s query is "*" or a comma-separated list of services', false);
  return names;
}

/** Ends of the step windows whose samples fall in [range.start, range.end). */
export function windowEnds(range: TimeRange, stepMs: number): number[] {
  if (!(stepMs > 0)) throw new SourceError(source, `step must be positive, got ${stepMs} ms`, false);
  const ends: number[] = [];
  for (let t = Math.ceil(range.start / stepMs) * stepMs; t < range.end; t += stepMs) ends.push(t);
  return ends;
}

/** The dataset's series with labels reduced to keepLabels, collisions refused (see reduceLabels). */
export function keepDatasetLabels(sourceName: string, series: Series[], dataset: DatasetDefinition): Series[] {
  try {
    return reduceLabels(series, dataset.keepLabels);
  } catch (error) {
    throw new SourceError(sourceName, `dataset "${dataset.name}": ${(error as Error).message}`, false);
  }
}

async function chooseClient(
  api: JaegerApi,
  get: (path: string, params: Record<string, string>, signal?: AbortSignal) => Promise<HttpAnswer>,
  fallbackProbability: number,
  signal?: AbortSignal,
): Promise<JaegerClient> {
  if (api === 'v1') return v1Client(get, fallbackProbability);
  if (api === 'v3') return v3Client(get, fallbackProbability);
  const probe = await get('/api/v3/services', {}, signal);
  return probe.status === 404 ? v1Client(get, fallbackProbability) : v3Client(get, fallbackProbability, probe);
}

type Get = (path: string, params: Record<string, string>, signal?: AbortSignal) => Promise<HttpAnswer>;

/** The answer's JSON body when Jaeger answered 200; otherwise the error Jaeger gave, as a SourceError. */
function okBody(answer: HttpAnswer, errors: AnswerErrors): unknown {
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    if (answer.status === 200) throw errors.malformed(`body is not JSON: ${excerpt(answer.body)}`);
    throw errors.failed(`HTTP ${answer.status}: ${excerpt(answer.body)}`, false);
  }
  if (answer.status === 200) return body;
  throw errors.failed(`HTTP ${answer.status}: ${jaegerErrorMessage(body) ?? excerpt(answer.body)}`, false);
}

/** The message in v1's `{errors: [{code, msg}]}` or api_v3's `{error: {httpCode, message}}`. */
function jaegerErrorMessage(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  if (isObject(body.error) && typeof body.error.message === 'string') return body.error.message;
  if (Array.isArray(body.errors)) {
    const messages = v1Envelope(body, new AnswerErrors('')).errors;
    if (messages.length > 0) return messages.join('; ');
  }
  return undefined;
}

function v1Client(get: Get, fallbackProbability: number): JaegerClient {
  return {
    async services(signal) {
      const answer = await get('/api/services', {}, signal);
      const errors = new AnswerErrors(answer.where);
      return v1StringList(okBody(answer, errors), errors);
    },
    async operations(service, signal) {
      const answer = await get(`/api/services/${encodeURIComponent(service)}/operations`, {}, signal);
      const errors = new AnswerErrors(`${answer.where} (service "${service}")`);
      return v1StringList(okBody(answer, errors), errors);
    },
    async traces(service, window, limit, signal) {
      const answer = await get('/api/traces', {
        service,
        start: String(window.start * 1000),
        end: String(window.end * 1000),
        limit: String(limit),
      }, signal);
      const errors = new AnswerErrors(`${answer.where} (service "${service}", ${isoRange(window)})`);
      return decodeV1Traces(okBody(answer, errors), errors, fallbackProbability);
    },
  };
}

function v3Client(get: Get, fallbackProbability: number, servicesProbe?: HttpAnswer): JaegerClient {
  return {
    async services(signal) {
      const answer = servicesProbe ?? (await get('/api/v3/services', {}, signal));
      servicesProbe = undefined; // the probe answers once; later calls ask again
      const errors = new AnswerErrors(answer.where);
      const body = okBody(answer, errors);
      const list = isObject(body) ? (body.services ?? []) : undefined;
      if (!Array.isArray(list) || list.some((name) => typeof name !== 'string')) throw errors.malformed('"services" is not a list of names');
      return list as string[];
    },
    async operations(service, signal) {
      const answer = await get('/api/v3/operations', { service }, signal);
      const errors = new AnswerErrors(`${answer.where} (service "${service}")`);
      const body = okBody(answer, errors);
      const list = isObject(body) ? (body.operations ?? []) : undefined;
      if (!Array.isArray(list) || list.some((op) => !isObject(op) || typeof op.name !== 'string')) {
        throw errors.malformed('"operations" is not a list of {name, spanKind}');
      }
      return [...new Set((list as { name: string }[]).map((op) => op.name))];
    },
    async traces(service, window, limit, signal) {
      const answer = await get('/api/v3/traces', {
        'query.service_name': service,
        'query.start_time_min': new Date(window.start).toISOString(),
        'query.start_time_max': new Date(window.end).toISOString(),
        // Jaeger 1.x reads num_traces, Jaeger 2 search_depth.
        'query.num_traces': String(limit),
        'query.search_depth': String(limit),
      }, signal);
      const errors = new AnswerErrors(`${answer.where} (service "${service}", ${isoRange(window)})`);
      // api_v3 answers "no trace matched" as 404 trace not found.
      if (answer.status === 404 && /not found/i.test(answer.body)) return { spans: [], traces: 0, partialErrors: [] };
      if (answer.status !== 200) okBody(answer, errors);
      return decodeV3Traces(answer.body, errors, fallbackProbability);
    },
  };
}

function isoRange(range: TimeRange): string {
  return `${new Date(range.start).toISOString()}..${new Date(range.end).toISOString()}`;
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
