import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { registerEventLoopMetrics } from './event-loop-metrics.js';
import { promtoolCheckMetrics } from './testing/promtool.js';

function block(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy: nothing else runs on the loop meanwhile
  }
}

function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  assert.ok(line, `no ${series} in\n${text}`);
  return Number(line.slice(series.length + 1));
}

test('a 300 ms block is the max delay and one observation above 0.25 s; the exposition passes promtool', async () => {
  const registry = new Registry();
  const metrics = registerEventLoopMetrics(registry);
  try {
    await sleep(100);
    block(300);
    await sleep(60);
    const text = await registry.metrics();
    const max = value(text, 'sextant_event_loop_delay_max_seconds');
    assert.ok(max >= 0.28 && max < 2, `max ${max}`);
    const count = value(text, 'sextant_event_loop_delay_seconds_count');
    assert.ok(count >= 3, `only ${count} probes`);
    const upTo250ms = value(text, 'sextant_event_loop_delay_seconds_bucket{le="0.25"}');
    assert.ok(count - upTo250ms >= 1, 'the block is not above 0.25 s in the histogram');
    // A scrape resets nothing: the next one still sees the block.
    assert.equal(value(await registry.metrics(), 'sextant_event_loop_delay_max_seconds') >= 0.28, true);
    const check = promtoolCheckMetrics(text);
    assert.equal(check.output, '');
    assert.ok(check.ok);
  } finally {
    metrics.stop();
  }
});

test('the max covers the last minute: a block 70 s ago is forgotten', async () => {
  let now = 1_000_000;
  const registry = new Registry();
  const metrics = registerEventLoopMetrics(registry, () => now);
  try {
    now += 500; // the probe due at +20 ms fires 480 ms late
    await sleep(40);
    assert.ok(Math.abs(value(await registry.metrics(), 'sextant_event_loop_delay_max_seconds') - 0.48) < 1e-9);
    metrics.stop(); // a probe after the jump would measure the jump itself
    now += 70_000;
    assert.equal(value(await registry.metrics(), 'sextant_event_loop_delay_max_seconds'), 0);
  } finally {
    metrics.stop();
  }
});
