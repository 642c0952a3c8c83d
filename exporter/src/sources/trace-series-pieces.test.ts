import assert from 'node:assert/strict';
import { test } from 'node:test';
import { demoOperations, demoSpans, scenario } from '@sextant/core/demo';
import { traceSeries, type ServiceWindow } from '@sextant/core/traces';
import { traceSeriesInPieces } from './trace-series-pieces.js';

const MINUTE = 60_000;
const start = Date.UTC(2026, 10, 23, 9);
const world = scenario(1);
const spans = demoSpans(world, { start, end: start + 90 * MINUTE });
const services = [...new Set(spans.map((s) => s.service))].sort();
/** One window per service and minute, service by service, each minute in time order (as the sources build them). */
const windows: ServiceWindow[] = services.flatMap((service) =>
  Array.from({ length: 90 }, (_, m) => {
    const inWindow = spans.filter((s) => s.service === service && s.startMs >= start + m * MINUTE && s.startMs < start + (m + 1) * MINUTE);
    return { service, start: start + m * MINUTE, end: start + (m + 1) * MINUTE, operations: demoOperations(service), spans: inWindow, tracesFetched: new Set(inWindow.map((s) => s.traceId)).size, limitReached: false };
  }),
);

test('aggregated in pieces, the series are those of one traceSeries over every window, with the event loop served between pieces', async () => {
  assert.ok(spans.length > 10_000, `${spans.length} spans`);
  let turns = 0;
  let counting = true;
  const tick = () => {
    turns++;
    if (counting) setImmediate(tick);
  };
  setImmediate(tick);
  const pieced = await traceSeriesInPieces(windows, 2_000);
  counting = false;
  assert.deepEqual(pieced, traceSeries(windows));
  const pieces = Math.ceil(spans.length / 2_000);
  assert.ok(turns >= pieces - 1, `${turns} event loop turns for at least ${pieces} pieces`);
});

test('windows in any order give the same series, samples in time order', async () => {
  const reversed = [...windows].reverse();
  assert.deepEqual(await traceSeriesInPieces(reversed, 2_000), traceSeries(reversed));
});
