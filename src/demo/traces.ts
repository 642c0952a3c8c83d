// The demo's traces: a sample of the scenario's requests as spans, each a pure function of (seed,
// service, second), so any window regenerates identically. A trace is a server span for the request
// and a child span for its database query; the request fails as often, and is as slow, as the
// scenario's metrics say at that minute (error burst, latency regression included).
import type { TimeRange } from '../model/index.js';
import type { SpanRecord } from '../traces/index.js';
import { hashString, gaussian, uniform } from './random.js';
import { requestSeconds, serviceLoad, type MinuteLoad } from './requests.js';
import type { DemoScenario } from './scenario.js';

/** Share of requests the demo traces (head sampling, stated in the spans' sampler tags). */
export const DEMO_TRACE_SAMPLING = 0.01;

/** Operations of each demo service's requests, with their share of its traffic. */
export const DEMO_OPERATIONS: Readonly<Record<string, readonly { name: string; share: number }[]>> = {
  checkout: [
    { name: 'POST /checkout', share: 0.35 },
    { name: 'GET /cart', share: 0.65 },
  ],
  payments: [{ name: 'POST /charge', share: 1 }],
  search: [
    { name: 'GET /search', share: 0.8 },
    { name: 'GET /suggest', share: 0.2 },
  ],
};

/** The child span of every request. */
export const DEMO_QUERY_OPERATION = 'db.query';

export interface DemoSpan extends SpanRecord {
  spanId: string;
  parentSpanId?: string;
  kind: 'server' | 'internal';
}

const MINUTE = 60_000;

export function demoRequestOperations(service: string): readonly { name: string; share: number }[] {
  return DEMO_OPERATIONS[service] ?? [{ name: `GET /${service}`, share: 1 }];
}

/** Every operation a demo service's spans have. */
export function demoOperations(service: string): string[] {
  return [...demoRequestOperations(service).map((op) => op.name), DEMO_QUERY_OPERATION];
}

/** Spans of the sampled traces whose request started in `range`, sorted by start. */
export function demoSpans(world: DemoScenario, range: TimeRange, samplingProbability = DEMO_TRACE_SAMPLING): DemoSpan[] {
  // flatMap, not push(...): a 6h chunk has hundreds of thousands of spans, more than call arguments.
  const spans = world.services.flatMap((service) => serviceSpans(world.seed, service.name, serviceLoad(world, service.name, range), range, samplingProbability));
  return spans.sort((a, b) => a.startMs - b.startMs || a.spanId.localeCompare(b.spanId));
}

function serviceSpans(seed: number, service: string, loads: readonly MinuteLoad[], range: TimeRange, p: number): DemoSpan[] {
  const stream = hashString(`trace/${service}`);
  const operations = demoRequestOperations(service);
  const spans: DemoSpan[] = [];
  const firstMinute = loads[0]?.t ?? 0;
  for (let second = Math.floor(range.start / 1000); second * 1000 < range.end; second++) {
    const load = loads[Math.floor((second * 1000 - firstMinute) / MINUTE)];
    if (!load) continue;
    // Each second has its own stream, and small draw indices within it (16 per trace).
    const draws = Math.floor(uniform(seed, stream, second) * 0x100000000);
    const expected = load.requestsPerSecond * p;
    const count = Math.floor(expected) + (uniform(seed, draws, 0) < expected % 1 ? 1 : 0);
    for (let i = 0; i < count; i++) {
      const index = 16 * (i + 1);
      const startMs = second * 1000 + uniform(seed, draws, index) * 1000;
      if (startMs < range.start || startMs >= range.end) continue;
      const durationMs = requestSeconds(load.p95Seconds, gaussian(seed, draws ^ 0x5bd1e995, i)) * 1000;
      const traceId = hex(seed, draws, index + 4, 4);
      const rootId = hex(seed, draws, index + 8, 2);
      spans.push({
        traceId,
        service,
        samplingProbability: p,
        spanId: rootId,
        kind: 'server',
        operation: pick(operations, uniform(seed, draws, index + 1)),
        startMs,
        durationMs,
        error: uniform(seed, draws, index + 2) < load.errorRatio,
      });
      spans.push({
        traceId,
        service,
        samplingProbability: p,
        spanId: hex(seed, draws, index + 10, 2),
        parentSpanId: rootId,
        kind: 'internal',
        operation: DEMO_QUERY_OPERATION,
        startMs: startMs + 0.1 * durationMs,
        durationMs: 0.4 * durationMs,
        error: false,
      });
    }
  }
  return spans;
}

function pick(operations: readonly { name: string; share: number }[], u: number): string {
  let acc = 0;
  for (const op of operations) {
    acc += op.share;
    if (u < acc) return op.name;
  }
  return operations.at(-1)?.name ?? 'unknown';
}

const byteHex = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** `words` 32-bit draws as lowercase hex: 4 for a trace id, 2 for a span id. */
function hex(seed: number, stream: number, index: number, words: number): string {
  let text = '';
  for (let w = 0; w < words; w++) {
    const x = Math.floor(uniform(seed, stream, index + w) * 0x100000000);
    text += (byteHex[x >>> 24] as string) + (byteHex[(x >>> 16) & 255] as string) + (byteHex[(x >>> 8) & 255] as string) + (byteHex[x & 255] as string);
  }
  return text;
}
