import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromColumns } from '../model/index.js';
import { traceSeries, type ServiceWindow } from '../traces/index.js';
import { demoTraceColumns } from './columns.js';
import { scenario } from './scenario.js';
import { demoOperations, demoSpans } from './traces.js';

const MINUTE = 60_000;
const start = Date.UTC(2026, 10, 23, 9);
const world = scenario(1);

test('demo trace columns are the trace measures of every sampled span, one window per service and minute', () => {
  // 90 minutes: the spans are generated in 15-minute pieces; here all at once.
  const spans = demoSpans(world, { start, end: start + 90 * MINUTE });
  const services = ['checkout', 'search'];
  const windows: ServiceWindow[] = services.flatMap((service) =>
    Array.from({ length: 90 }, (_, m) => {
      const inWindow = spans.filter((s) => s.service === service && s.startMs >= start + m * MINUTE && s.startMs < start + (m + 1) * MINUTE);
      return { service, start: start + m * MINUTE, end: start + (m + 1) * MINUTE, operations: demoOperations(service), spans: inWindow, tracesFetched: new Set(inWindow.map((s) => s.traceId)).size, limitReached: false };
    }),
  );
  const expected = traceSeries(windows);
  const columns = demoTraceColumns(1, start + MINUTE, start + 90 * MINUTE, MINUTE, services);
  assert.ok(expected.some((s) => s.samples.some((p) => p.v > 0)), 'the range must hold spans, or two empty answers are compared');
  assert.deepEqual(columns.map(fromColumns), expected);
});
