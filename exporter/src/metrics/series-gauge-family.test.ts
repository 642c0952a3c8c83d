import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { registerProcessMetrics } from '../http/process-metrics.js';
import { SeriesFamilies, SeriesGaugeFamily } from './series-gauge-family.js';
import { promtoolCheckMetrics } from '../http/testing/promtool.js';

describe('SeriesGaugeFamily', () => {
  test('renders each label set once, sorted names, latest value, in the text format', () => {
    const family = new SeriesGaugeFamily('sextant_anomaly_score', 'Anomaly score in [0,1].');
    family.set({ service: 'api', instance: 'h1' }, 0.5);
    family.set({ instance: 'h1', service: 'api' }, 0.75);
    family.set({ service: 'db' }, 0);
    const hidden = family.series({ service: 'never-set' });
    assert.equal(
      family.render(),
      '# HELP sextant_anomaly_score Anomaly score in [0,1].\n# TYPE sextant_anomaly_score gauge\n' +
        'sextant_anomaly_score{instance="h1",service="api"} 0.75\n' +
        'sextant_anomaly_score{service="db"} 0\n',
    );
    hidden.set(Number.NaN);
    family.delete({ service: 'db' });
    assert.match(family.render(), /sextant_anomaly_score\{service="never-set"\} NaN\n$/);
    assert.equal(family.size, 2);
    family.clear();
    assert.equal(family.render(), '');
  });

  test('special values and the empty label set', () => {
    const family = new SeriesGaugeFamily('sextant_x', 'x');
    family.set({}, Infinity);
    assert.match(family.render(), /^sextant_x \+Inf$/m);
    family.set({}, -Infinity);
    assert.match(family.render(), /^sextant_x -Inf$/m);
  });

  test('refuses names the exposition format cannot carry', () => {
    assert.throws(() => new SeriesGaugeFamily('sextant-score', 'x'), /not a valid Prometheus metric name/);
    const family = new SeriesGaugeFamily('sextant_score', 'x');
    assert.throws(() => family.set({ 'bad-name': 'v' }, 1), /label name "bad-name" is not allowed/);
    assert.throws(() => family.set({ __name__: 'up' }, 1), /label name "__name__" is not allowed/);
    const families = new SeriesFamilies();
    families.gauge('sextant_score', 'x');
    assert.throws(() => families.gauge('sextant_score', 'y'), /already registered/);
  });

  test('hostile label values are escaped and the whole /metrics text passes promtool', () => {
    const hostile = ['quote " in', 'back\\slash', 'new\nline', '} 1\nsextant_fake 2', 'ünïcødé ✓', '', '\\"\\n'];
    const families = new SeriesFamilies();
    const score = families.gauge('sextant_anomaly_score', 'Score with "quotes" and a back\\slash\nand newline in help.');
    hostile.forEach((value, i) => score.set({ series: value, i: String(i) }, i / 10));
    const text = families.render();
    assert.ok(text.includes('sextant_anomaly_score{i="0",series="quote \\" in"} 0\n'));
    assert.ok(text.includes('sextant_anomaly_score{i="1",series="back\\\\slash"} 0.1\n'));
    assert.ok(text.includes('sextant_anomaly_score{i="2",series="new\\nline"} 0.2\n'));
    assert.ok(text.includes('sextant_anomaly_score{i="3",series="} 1\\nsextant_fake 2"} 0.3\n'));
    assert.ok(!/^sextant_fake/m.test(text), 'a label value injected a line');
    assert.ok(text.includes('# HELP sextant_anomaly_score Score with "quotes" and a back\\\\slash\\nand newline in help.\n'));
    const check = promtoolCheckMetrics(text);
    assert.ok(check.ok, check.output);
  });
});

test('process metrics plus series families pass promtool check metrics', async () => {
  const registry = new Registry();
  registerProcessMetrics(registry);
  const families = new SeriesFamilies();
  families.gauge('sextant_anomaly_upper_band', 'Upper band.').set({ job: 'node', instance: 'h:9100' }, 12.5);
  const text = (await registry.metrics()) + families.render();
  assert.match(text, /^process_resident_memory_bytes \d+/m);
  assert.match(text, /^nodejs_active_handles\{/m);
  assert.ok(!/^nodejs_active_handles_total/m.test(text));
  const check = promtoolCheckMetrics(text);
  assert.equal(check.output, '');
  assert.ok(check.ok);
});
