// Loki as a source of series: LogQL metric queries through /loki/api/v1/query_range, split into
// chunks that stay inside Loki's query limits, answers checked against the documented matrix format.
import { seriesKey, type Labels, type Sample, type Series, type TimeRange } from '@sextant/core';
import type { Logger } from '../log.js';
import { SourceError, type DatasetDefinition, type MetricsSource } from './metrics-source.js';
import { reduceLabels } from './prometheus-labels.js';
import { definedOnly, excerpt, getWithRetry, isObject, parseJsonBody, type HttpAnswer, type HttpAuth, type HttpSourceOptions } from './source-http.js';

/** Where log-derived series come from: Loki metric queries answer matrices, like Prometheus. */
export type LogSource = MetricsSource;

export interface LokiSourceOptions {
  url: string;
  /** Sent as `X-Scope-OrgID` for multi-tenant Loki; several tenants are joined with `|`. */
  orgId?: string;
  auth?: HttpAuth;
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
  maxResponseBytes?: number;
  /** Longest range one request covers; keep below Loki's `max_query_length` (721h by default). */
  maxQueryLengthMs?: number;
  /** Points per series in one request; Loki refuses more than 11,000. */
  maxPointsPerQuery?: number;
  /** Series a dataset may have; Loki's own `max_query_series` is 500 by default. */
  maxSeries?: number;
  log?: Logger;
}

export const lokiDefaults = {
  timeoutMs: 30_000,
  retries: 3,
  backoffMs: 500,
  maxResponseBytes: 64 * 1024 * 1024,
  maxQueryLengthMs: 720 * 3600_000,
  maxPointsPerQuery: 11_000,
  maxSeries: 500,
} as const;

const source = 'loki';
const nsPerMs = 1_000_000n;

export function createLokiSource(options: LokiSourceOptions): LogSource {
  const limits = { ...lokiDefaults, ...definedOnly(options) };
  const http: HttpSourceOptions = {
    source,
    baseUrl: options.url,
    headers: options.orgId ? { 'X-Scope-OrgID': options.orgId } : {},
    ...(options.auth ? { auth: options.auth } : {}),
    timeoutMs: limits.timeoutMs,
    retries: limits.retries,
    backoffMs: limits.backoffMs,
    maxResponseBytes: limits.maxResponseBytes,
  };

  async function queryChunk(dataset: DatasetDefinition, first: number, last: number, signal?: AbortSignal): Promise<MatrixSeries[]> {
    const params = new URLSearchParams({
      query: dataset.query,
      start: (BigInt(first) * nsPerMs).toString(),
      end: (BigInt(last) * nsPerMs).toString(),
      step: `${dataset.stepMs / 1000}`,
    });
    const answer = await getWithRetry(http, '/loki/api/v1/query_range', params, signal);
    const matrix = parseQueryRangeAnswer(answer, dataset);
    for (const warning of matrix.warnings) options.log?.warn('loki answered with a warning', { dataset: dataset.name, warning });
    return matrix.series;
  }

  return {
    name: source,
    async queryRange(dataset, range, signal) {
      const collector = new SeriesCollector(dataset, range, limits.maxSeries);
      for (const chunk of chunkRange(range, dataset.stepMs, limits)) {
        for (const series of await queryChunk(dataset, chunk.first, chunk.last, signal)) collector.add(series);
      }
      return collector.result();
    },
  };
}

/** Evaluation times of one request: `first` and `last` inclusive, both multiples of the step. */
export interface Chunk {
  first: number;
  last: number;
}

/**
 * Splits [range.start, range.end) into requests whose evaluation times are the step-aligned instants
 * of the range, each request within the longest query and the most points Loki accepts.
 */
export function chunkRange(
  range: TimeRange,
  stepMs: number,
  limits: { maxQueryLengthMs: number; maxPointsPerQuery: number },
): Chunk[] {
  if (!(stepMs > 0)) throw new SourceError(source, `step must be positive, got ${stepMs} ms`, false);
  const pointsPerChunk = Math.min(limits.maxPointsPerQuery, Math.floor(limits.maxQueryLengthMs / stepMs) + 1);
  const lastInRange = Math.ceil(range.end / stepMs) * stepMs - stepMs;
  const chunks: Chunk[] = [];
  for (let first = Math.ceil(range.start / stepMs) * stepMs; first <= lastInRange; first += pointsPerChunk * stepMs) {
    chunks.push({ first, last: Math.min(first + (pointsPerChunk - 1) * stepMs, lastInRange) });
  }
  return chunks;
}

interface MatrixSeries {
  metric: Record<string, string>;
  samples: Sample[];
}

/** Checks a query_range answer against Loki's documented format and returns its matrix. */
export function parseQueryRangeAnswer(answer: HttpAnswer, dataset: DatasetDefinition): { series: MatrixSeries[]; warnings: string[] } {
  const where = `${answer.where} for dataset "${dataset.name}"`;
  if (answer.status !== 200) {
    // Loki answers query errors as plain text (400 for a bad query or a limit, 401/403 for auth).
    throw new SourceError(source, `${where} answered HTTP ${answer.status}: ${excerpt(answer.body)}`, false);
  }
  const body = parseJsonBody(source, answer);
  const malformed = (why: string): SourceError => new SourceError(source, `${where}: malformed answer, ${why}`, true);
  if (!isObject(body)) throw malformed('expected a JSON object');
  if (body.status !== 'success') throw new SourceError(source, `${where}: status "${String(body.status)}": ${String(body.error ?? '')}`, false);
  const data = body.data;
  if (!isObject(data)) throw malformed('"data" is missing');
  if (data.resultType === 'streams') {
    throw new SourceError(source, `${where}: "${dataset.query}" is a log query; datasets need a metric query such as count_over_time(...)`, false);
  }
  if (data.resultType !== 'matrix') throw malformed(`resultType is "${String(data.resultType)}", expected "matrix"`);
  if (!Array.isArray(data.result)) throw malformed('"data.result" is not an array');
  const series = data.result.map((item, index) => parseMatrixSeries(item, `data.result[${index}]`, malformed));
  const warnings = Array.isArray(body.warnings) ? body.warnings.map(String) : [];
  return { series, warnings };
}

function parseMatrixSeries(item: unknown, at: string, malformed: (why: string) => SourceError): MatrixSeries {
  if (!isObject(item) || !isObject(item.metric) || !Array.isArray(item.values)) throw malformed(`${at} needs "metric" and "values"`);
  const metric: Record<string, string> = {};
  for (const [name, value] of Object.entries(item.metric)) {
    if (typeof value !== 'string') throw malformed(`${at}.metric.${name} is not a string`);
    metric[name] = value;
  }
  const samples = item.values.map((pair: unknown, index: number): Sample => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'number' || typeof pair[1] !== 'string') {
      throw malformed(`${at}.values[${index}] is not [<seconds>, "<value>"]`);
    }
    const v = parseSampleValue(pair[1]);
    if (v === undefined) throw malformed(`${at}.values[${index}] has value "${pair[1]}", not a number`);
    return { t: Math.round(pair[0] * 1000), v };
  });
  return { metric, samples };
}

/** Sample values are strings in the Prometheus convention, including `NaN`, `+Inf` and `-Inf`. */
function parseSampleValue(text: string): number | undefined {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  const value = Number(text);
  return text.trim() !== '' && Number.isFinite(value) ? value : undefined;
}

/**
 * Joins the chunks' series, keeping only samples inside the range, then reduces their labels. Chunks
 * come in time order and Loki sorts values oldest first, so samples are appended; an answer out of
 * order (or repeating an instant) is sorted and de-duplicated once at the end.
 */
class SeriesCollector {
  private readonly byKey = new Map<string, { labels: Labels; samples: Sample[]; ordered: boolean }>();

  constructor(
    private readonly dataset: DatasetDefinition,
    private readonly range: TimeRange,
    private readonly maxSeries: number,
  ) {}

  add(series: MatrixSeries): void {
    const key = seriesKey(series.metric);
    let entry = this.byKey.get(key);
    if (!entry) {
      if (this.byKey.size >= this.maxSeries) {
        throw new SourceError(source, `dataset "${this.dataset.name}" has more than ${this.maxSeries} series; aggregate more in the query or raise maxSeries`, false);
      }
      entry = { labels: series.metric, samples: [], ordered: true };
      this.byKey.set(key, entry);
    }
    for (const sample of series.samples) {
      if (sample.t < this.range.start || sample.t >= this.range.end) continue;
      const last = entry.samples[entry.samples.length - 1];
      if (last !== undefined && sample.t <= last.t) entry.ordered = false;
      entry.samples.push(sample);
    }
  }

  result(): Series[] {
    const joined: Series[] = [];
    for (const { labels, samples, ordered } of this.byKey.values()) {
      if (samples.length > 0) joined.push({ labels, samples: ordered ? samples : lastPerInstant(samples) });
    }
    try {
      return reduceLabels(joined, this.dataset.keepLabels);
    } catch (error) {
      throw new SourceError(source, `dataset "${this.dataset.name}": ${(error as Error).message}`, false);
    }
  }
}

/** Samples sorted by time, one per instant (the last one given). */
function lastPerInstant(samples: Sample[]): Sample[] {
  const byTime = new Map<number, number>();
  for (const sample of samples) byTime.set(sample.t, sample.v);
  return [...byTime].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ t, v }));
}
