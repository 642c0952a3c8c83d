import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reduceLabels } from './prometheus-labels.js';

test('labels are reduced to the kept ones; empty values count as absent', () => {
  const out = reduceLabels([{ labels: { __name__: 'up', job: 'a', instance: 'x', service: '' }, samples: [{ t: 1, v: 1 }] }], ['job', 'service']);
  assert.deepEqual(out, [{ labels: { job: 'a' }, samples: [{ t: 1, v: 1 }] }]);
});

test('series that meet after reduction are merged when they never share a timestamp (churn)', () => {
  const out = reduceLabels(
    [
      { labels: { job: 'a', pod: 'p2' }, samples: [{ t: 3, v: 3 }] },
      { labels: { job: 'a', pod: 'p1' }, samples: [{ t: 1, v: 1 }, { t: 2, v: 2 }] },
      { labels: { job: 'b', pod: 'p3' }, samples: [{ t: 1, v: 9 }] },
    ],
    ['job'],
  );
  assert.deepEqual(out, [
    { labels: { job: 'a' }, samples: [{ t: 1, v: 1 }, { t: 2, v: 2 }, { t: 3, v: 3 }] },
    { labels: { job: 'b' }, samples: [{ t: 1, v: 9 }] },
  ]);
});

test('two values at one timestamp for one reduced label set are an error naming both series', () => {
  assert.throws(
    () =>
      reduceLabels(
        [
          { labels: { job: 'a', instance: 'x' }, samples: [{ t: 1000, v: 1 }] },
          { labels: { job: 'a', instance: 'y' }, samples: [{ t: 1000, v: 2 }] },
        ],
        ['job'],
      ),
    /2 series become \{job="a"\} once reduced to the kept labels \[job\].*\{instance="x",job="a"\} and \{instance="y",job="a"\}.*sum by/,
  );
});
