// Decoders of Jaeger's answers into span records: the internal JSON API that Jaeger UI uses
// (/api/traces: `{data: Trace[], errors}` with microsecond times and typed tags) and the stable
// api_v3 (/api/v3/traces: OTLP JSON `{result: {resourceSpans}}`, nanosecond times as strings).
import { jaegerSamplerProbability, type SpanRecord } from '@sextant/core/traces';
import { SourceError } from './metrics-source.js';
import { isObject } from './source-http.js';

export interface DecodedTraces {
  spans: SpanRecord[];
  traces: number;
  /** Per-trace failures Jaeger reported beside the data it could return. */
  partialErrors: string[];
}

type Json = Record<string, unknown>;
const source = 'jaeger';

/** Builds errors that say which request of which dataset got what. */
export class AnswerErrors {
  constructor(readonly where: string) {}
  /** The answer does not follow Jaeger's format: retryable, a later answer may be whole. */
  malformed(why: string): SourceError {
    return new SourceError(source, `${this.where}: malformed answer, ${why}`, true);
  }
  failed(why: string, retryable: boolean): SourceError {
    return new SourceError(source, `${this.where}: ${why}`, retryable);
  }
}

// --- internal JSON API (v1) ---

/** `{data, total, limit, offset, errors}`: the envelope of every /api/* answer. */
export function v1Envelope(body: unknown, bad: AnswerErrors): { data: unknown; errors: string[] } {
  if (!isObject(body)) throw bad.malformed('expected a JSON object');
  const errors = body.errors ?? null;
  if (errors !== null && !Array.isArray(errors)) throw bad.malformed('"errors" is neither null nor an array');
  return {
    data: body.data ?? null,
    errors: (errors ?? []).map((e: unknown) => (isObject(e) ? `${String(e.msg ?? 'error')}${e.traceID ? ` (trace ${String(e.traceID)})` : ''}` : String(e))),
  };
}

export function v1StringList(body: unknown, bad: AnswerErrors): string[] {
  const { data } = v1Envelope(body, bad);
  if (data === null) return [];
  if (!Array.isArray(data) || data.some((item) => typeof item !== 'string')) throw bad.malformed('"data" is not a list of names');
  return data as string[];
}

export function decodeV1Traces(body: unknown, bad: AnswerErrors, fallbackProbability: number): DecodedTraces {
  const { data, errors } = v1Envelope(body, bad);
  if (data !== null && !Array.isArray(data)) throw bad.malformed('"data" is not a list of traces');
  const traces = (data ?? []) as unknown[];
  const spans: SpanRecord[] = [];
  traces.forEach((trace, index) => {
    for (const span of decodeV1Trace(trace, `data[${index}]`, bad, fallbackProbability)) spans.push(span);
  });
  return { spans, traces: traces.length, partialErrors: errors };
}

function decodeV1Trace(trace: unknown, at: string, bad: AnswerErrors, fallbackProbability: number): SpanRecord[] {
  if (!isObject(trace) || typeof trace.traceID !== 'string' || !Array.isArray(trace.spans) || !isObject(trace.processes)) {
    throw bad.malformed(`${at} needs "traceID", "spans" and "processes"`);
  }
  const processes = trace.processes;
  const tagsOf = (span: Json): Json[] => (Array.isArray(span.tags) ? span.tags.filter(isObject) : []);
  const spans = trace.spans.map((span: unknown, index: number) => {
    const here = `${at}.spans[${index}]`;
    if (!isObject(span)) throw bad.malformed(`${here} is not an object`);
    if (typeof span.operationName !== 'string') throw bad.malformed(`${here}.operationName is not a string`);
    if (typeof span.startTime !== 'number' || typeof span.duration !== 'number') throw bad.malformed(`${here} needs numeric "startTime" and "duration" (microseconds)`);
    const process = processes[String(span.processID)];
    if (!isObject(process) || typeof process.serviceName !== 'string') throw bad.malformed(`${here}.processID "${String(span.processID)}" names no process with a serviceName`);
    return { span, service: process.serviceName };
  });
  const tag = (span: Json, key: string): unknown => tagsOf(span).find((t) => t.key === key)?.value;
  // Jaeger SDKs put the sampler's tags on the root span only; they hold for the whole trace.
  const sampled = spans.find(({ span }) => tag(span, 'sampler.type') !== undefined);
  const probability = sampled
    ? jaegerSamplerProbability(tag(sampled.span, 'sampler.type'), tag(sampled.span, 'sampler.param'), fallbackProbability)
    : fallbackProbability;
  return spans.map(({ span, service }) => ({
    traceId: trace.traceID as string,
    service,
    operation: span.operationName as string,
    startMs: (span.startTime as number) / 1000,
    durationMs: (span.duration as number) / 1000,
    error: isTrue(tag(span, 'error')) || tag(span, 'otel.status_code') === 'ERROR',
    samplingProbability: probability,
  }));
}

// --- api_v3 (OTLP JSON) ---

/** Field names in OTLP JSON are lowerCamelCase; the api_v3 Swagger file spells them snake_case. */
function field(object: Json, camel: string): unknown {
  return object[camel] ?? object[camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
}

/**
 * The answer of /api/v3/traces: one `{"result": {...}}` document, or several on separate lines when
 * Jaeger streams chunks. A stream that ends in `{"error": ...}` is incomplete and refused.
 */
export function decodeV3Traces(text: string, bad: AnswerErrors, fallbackProbability: number): DecodedTraces {
  const spans: SpanWithSampler[] = [];
  for (const document of jsonDocuments(text, bad)) {
    if (!isObject(document)) throw bad.malformed('expected JSON objects');
    if (isObject(document.error)) {
      throw bad.failed(`stream failed: ${String(document.error.message ?? JSON.stringify(document.error))}`, true);
    }
    const chunk = isObject(document.result) ? document.result : document;
    const resourceSpans = field(chunk, 'resourceSpans');
    if (!Array.isArray(resourceSpans)) throw bad.malformed('"result.resourceSpans" is not an array');
    resourceSpans.forEach((resource, index) => {
      for (const span of decodeResourceSpans(resource, `resourceSpans[${index}]`, bad)) spans.push(span);
    });
  }
  applyTraceProbabilities(spans, fallbackProbability);
  return { spans: spans.map(({ sampler: _sampler, ...span }) => span), traces: new Set(spans.map((s) => s.traceId)).size, partialErrors: [] };
}

function jsonDocuments(text: string, bad: AnswerErrors): unknown[] {
  try {
    return [JSON.parse(text)];
  } catch {
    const lines = text.split('\n').filter((line) => line.trim() !== '');
    try {
      return lines.map((line) => JSON.parse(line) as unknown);
    } catch {
      throw bad.malformed(`body is not JSON: ${text.slice(0, 200)}`);
    }
  }
}

type SpanWithSampler = SpanRecord & { sampler?: { type: unknown; param: unknown } };

function decodeResourceSpans(resource: unknown, at: string, bad: AnswerErrors): SpanWithSampler[] {
  if (!isObject(resource)) throw bad.malformed(`${at} is not an object`);
  const attributes = isObject(resource.resource) ? attributeMap(resource.resource.attributes) : new Map<string, unknown>();
  const service = attributes.get('service.name');
  if (typeof service !== 'string') throw bad.malformed(`${at}.resource has no "service.name" attribute`);
  const scopes = field(resource, 'scopeSpans') ?? field(resource, 'instrumentationLibrarySpans') ?? [];
  if (!Array.isArray(scopes)) throw bad.malformed(`${at}.scopeSpans is not an array`);
  return scopes.flatMap((scope: unknown, s: number) => {
    if (!isObject(scope) || !Array.isArray(scope.spans)) throw bad.malformed(`${at}.scopeSpans[${s}].spans is not an array`);
    return scope.spans.map((span: unknown, i: number) => decodeOtlpSpan(span, `${at}.scopeSpans[${s}].spans[${i}]`, service, bad));
  });
}

function decodeOtlpSpan(span: unknown, at: string, service: string, bad: AnswerErrors): SpanWithSampler {
  if (!isObject(span)) throw bad.malformed(`${at} is not an object`);
  const traceId = field(span, 'traceId');
  if (typeof traceId !== 'string' || typeof span.name !== 'string') throw bad.malformed(`${at} needs "traceId" and "name"`);
  const start = nanos(field(span, 'startTimeUnixNano'));
  const end = nanos(field(span, 'endTimeUnixNano'));
  if (start === undefined || end === undefined || end < start) throw bad.malformed(`${at} needs start and end times in nanoseconds, end not before start`);
  const attributes = attributeMap(span.attributes);
  const status = isObject(span.status) ? span.status.code : undefined;
  const sampler = attributes.has('sampler.type') ? { type: attributes.get('sampler.type'), param: attributes.get('sampler.param') } : undefined;
  return {
    traceId,
    service,
    operation: span.name,
    startMs: Number(start / 1000n) / 1000,
    durationMs: Number(end - start) / 1e6,
    error: status === 2 || status === 'STATUS_CODE_ERROR' || isTrue(attributes.get('error')),
    samplingProbability: 1,
    ...(sampler ? { sampler } : {}),
  };
}

/** OTLP JSON writes 64-bit integers as strings; some encoders write numbers. */
function nanos(value: unknown): bigint | undefined {
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  return undefined;
}

function attributeMap(attributes: unknown): Map<string, unknown> {
  const map = new Map<string, unknown>();
  if (!Array.isArray(attributes)) return map;
  for (const attribute of attributes) {
    if (!isObject(attribute) || typeof attribute.key !== 'string' || !isObject(attribute.value)) continue;
    const value = attribute.value;
    const int = field(value, 'intValue');
    map.set(
      attribute.key,
      field(value, 'stringValue') ?? field(value, 'boolValue') ?? field(value, 'doubleValue') ?? (int === undefined ? undefined : Number(int)),
    );
  }
  return map;
}

function applyTraceProbabilities(spans: SpanWithSampler[], fallback: number): void {
  const byTrace = new Map<string, number>();
  for (const span of spans) {
    if (span.sampler && !byTrace.has(span.traceId)) {
      byTrace.set(span.traceId, jaegerSamplerProbability(span.sampler.type, span.sampler.param, fallback));
    }
  }
  for (const span of spans) span.samplingProbability = byTrace.get(span.traceId) ?? fallback;
}

function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}
