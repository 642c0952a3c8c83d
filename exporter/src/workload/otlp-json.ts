// Spans as OTLP/HTTP JSON: an ExportTraceServiceRequest (opentelemetry-proto's JSON encoding: hex
// trace and span ids, enums as integers, 64-bit integers as decimal strings), one ResourceSpans per
// service. Root spans carry Jaeger's sampler tags, so a reader knows what each kept trace stands for.
import type { DemoSpan } from '@sextant/core/demo';

const SPAN_KIND = { internal: 1, server: 2 } as const;
const STATUS_CODE_ERROR = 2;

type AnyValue = { stringValue: string } | { intValue: string } | { doubleValue: number } | { boolValue: boolean };
interface KeyValue {
  key: string;
  value: AnyValue;
}

export interface ExportTraceServiceRequest {
  resourceSpans: {
    resource: { attributes: KeyValue[] };
    scopeSpans: { scope: { name: string; version: string }; spans: Record<string, unknown>[] }[];
  }[];
}

export function exportTraceServiceRequest(spans: readonly DemoSpan[], scopeVersion: string): ExportTraceServiceRequest {
  const byService = new Map<string, DemoSpan[]>();
  for (const span of spans) {
    const list = byService.get(span.service);
    if (list) list.push(span);
    else byService.set(span.service, [span]);
  }
  return {
    resourceSpans: [...byService].map(([service, list]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeSpans: [{ scope: { name: 'sextant-demo-workload', version: scopeVersion }, spans: list.map(otlpSpan) }],
    })),
  };
}

function otlpSpan(span: DemoSpan): Record<string, unknown> {
  const attributes: KeyValue[] = [];
  if (span.kind === 'server') {
    const [method = 'GET', route = '/'] = span.operation.split(' ');
    attributes.push(
      { key: 'http.request.method', value: { stringValue: method } },
      { key: 'http.route', value: { stringValue: route } },
      { key: 'http.response.status_code', value: { intValue: span.error ? '503' : '200' } },
      { key: 'sampler.type', value: { stringValue: 'probabilistic' } },
      { key: 'sampler.param', value: { doubleValue: span.samplingProbability } },
    );
  } else {
    attributes.push({ key: 'db.system', value: { stringValue: 'postgresql' } });
  }
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
    name: span.operation,
    kind: SPAN_KIND[span.kind],
    startTimeUnixNano: unixNanos(span.startMs),
    endTimeUnixNano: unixNanos(span.startMs + span.durationMs),
    attributes,
    status: span.error ? { code: STATUS_CODE_ERROR, message: '503 from an upstream dependency' } : {},
  };
}

/** Milliseconds (with fractions) as decimal nanoseconds, exact beyond 2^53. */
export function unixNanos(ms: number): string {
  const whole = Math.floor(ms);
  return (BigInt(whole) * 1_000_000n + BigInt(Math.round((ms - whole) * 1e6))).toString();
}
