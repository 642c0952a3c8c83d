import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultLokiStreams, logqlDuration, lokiDefaultDatasets } from './loki-datasets.js';

test('the default datasets count all lines and error lines per service and level, renamed to service/level', () => {
  const [lines, errors] = lokiDefaultDatasets('team-a', defaultLokiStreams);
  assert.deepEqual(lines, {
    name: 'log_lines',
    tenant: 'team-a',
    query: 'sum by (service, level) (count_over_time({service_name=~".+"} | label_format service=service_name [1m]))',
    keepLabels: ['service', 'level'],
    stepMs: 60_000,
  });
  assert.equal(
    errors!.query,
    'sum by (service, level) (count_over_time({service_name=~".+"} | label_format service=service_name | level=~"(?i)error|err|fatal|critical|crit|panic|emergency|alert" [1m]))',
  );
  assert.equal(errors!.name, 'log_error_lines');
});

test('streams that already say service and level need no renaming; the pipeline comes first', () => {
  const [lines, errors] = lokiDefaultDatasets(
    't',
    { selector: '{job="demo"}', pipeline: '| json', serviceLabel: 'service', levelLabel: 'level', errorLevels: ['error', 'e.r'] },
    300_000,
  );
  assert.equal(lines!.query, 'sum by (service, level) (count_over_time({job="demo"} | json [5m]))');
  // The dot is escaped for the regex, and that backslash once more for the LogQL string.
  assert.equal(errors!.query, 'sum by (service, level) (count_over_time({job="demo"} | json | level=~"(?i)error|e\\\\.r" [5m]))');
  assert.equal(errors!.stepMs, 300_000);
});

test('a level label with another name is renamed too', () => {
  const [lines] = lokiDefaultDatasets('t', { ...defaultLokiStreams, levelLabel: 'detected_level' });
  assert.match(lines!.query, /\| label_format service=service_name, level=detected_level \[1m\]/);
});

test('steps become the shortest exact LogQL duration', () => {
  assert.deepEqual([60_000, 30_000, 3_600_000, 90_000, 1500].map(logqlDuration), ['1m', '30s', '1h', '90s', '1500ms']);
});
