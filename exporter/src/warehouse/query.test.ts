import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BiQuery, DataFrame, Series } from '@sextant/core';
import { DEFAULT_RETENTION_MS, openDuckDbWarehouse, type DuckDbWarehouse } from './duckdb-warehouse.js';
import { QueryError } from './query-error.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 0, 5, 0, 0);

async function open(t: { after(fn: () => unknown): void }, limits?: { maxSeries?: number; maxRows?: number }): Promise<DuckDbWarehouse> {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-query-'));
  const w = await openDuckDbWarehouse({ path: join(dir, 'q.duckdb'), retentionMs: DEFAULT_RETENTION_MS, ...(limits ? { limits } : {}) });
  t.after(async () => {
    await w.close();
    await rm(dir, { recursive: true, force: true });
  });
  return w;
}

/** Two hours of minutes per series; value = base + minute index. */
function series(labels: Record<string, string>, base: number): Series {
  return { labels, samples: Array.from({ length: 120 }, (_, i) => ({ t: T0 + i * MIN, v: base + i })) };
}

const HOSTILE = `it's "quoted" \\ back\\slash'); DROP TABLE points; --\n✓`;

async function seeded(t: { after(fn: () => unknown): void }, limits?: { maxSeries?: number; maxRows?: number }): Promise<DuckDbWarehouse> {
  const w = await open(t, limits);
  const window = { start: T0, end: T0 + 2 * HOUR };
  await w.replaceWindow('default', 'latency', window, [
    series({ service: 'api', instance: 'a' }, 0),
    series({ service: 'api', instance: 'b' }, 1000),
    series({ service: 'web', instance: 'c' }, 2000),
    series({ service: HOSTILE, instance: 'd' }, 3000),
  ]);
  await w.replaceWindow('other', 'latency', window, [series({ service: 'api', instance: 'a' }, 9_000_000)]);
  await w.rollup();
  return w;
}

function query(partial: Partial<BiQuery>): BiQuery {
  return { dataset: 'latency', measures: ['avg'], groupBy: [], filters: [], bucket: '1h', range: { start: T0, end: T0 + 2 * HOUR }, ...partial };
}

function table(frames: DataFrame[]): { labels: Record<string, string> | undefined; time: unknown[]; values: Record<string, unknown[]> }[] {
  return frames.map((f) => ({
    labels: f.fields[1]?.labels,
    time: f.fields[0]!.values,
    values: Object.fromEntries(f.fields.slice(1).map((field) => [field.name, field.values])),
  }));
}

test('groupBy gives one frame per label value with a time field and one field per measure', async (t) => {
  const w = await seeded(t);
  const frames = await w.query('default', query({ measures: ['count', 'min', 'max', 'avg', 'last'], groupBy: ['service'], filters: [{ label: 'service', op: '=~', value: 'api|web' }] }));
  // Hour 1 of series a: minutes 0..59 -> min 0, max 59, avg 29.5; of b the same + 1000.
  assert.deepEqual(table(frames), [
    {
      labels: { service: 'api' },
      time: [T0, T0 + HOUR],
      values: { count: [120, 120], min: [0, 60], max: [1059, 1119], avg: [529.5, 589.5], last: [1059, 1119] },
    },
    { labels: { service: 'web' }, time: [T0, T0 + HOUR], values: { count: [60, 60], min: [2000, 2060], max: [2059, 2119], avg: [2029.5, 2089.5], last: [2059, 2119] } },
  ]);
  assert.equal(frames[0]!.fields[0]!.type, 'time');
  assert.equal(frames[0]!.fields[1]!.type, 'number');
  assert.equal(frames[0]!.name, 'latency{service="api"}');
});

test('a tenant sees only its own rows, whatever it asks', async (t) => {
  const w = await seeded(t);
  const other = await w.query('other', query({ measures: ['max'] }));
  assert.deepEqual(table(other).map((f) => f.values.max), [[9_000_059, 9_000_119]]);
  const mine = await w.query('default', query({ measures: ['max'], filters: [{ label: 'service', op: '=', value: 'api' }] }));
  assert.deepEqual(table(mine).map((f) => f.values.max), [[1059, 1119]]);
  assert.deepEqual(await w.query('nobody', query({})), []);
});

test('filters follow PromQL: anchored regexes, != and !~, a missing label equals ""', async (t) => {
  const w = await seeded(t);
  const services = async (filters: BiQuery['filters']): Promise<string[]> =>
    table(await w.query('default', query({ groupBy: ['service'], filters }))).map((f) => f.labels?.service ?? '');
  assert.deepEqual(await services([{ label: 'service', op: '=~', value: 'ap' }]), []); // anchored: "ap" does not match "api"
  assert.deepEqual(await services([{ label: 'service', op: '=~', value: 'ap.' }]), ['api']);
  assert.deepEqual(await services([{ label: 'service', op: '!~', value: 'api|web' }]), [HOSTILE]);
  assert.deepEqual(await services([{ label: 'service', op: '!=', value: 'api' }]), [HOSTILE, 'web'].sort());
  assert.deepEqual(await services([{ label: 'zone', op: '=', value: '' }]), [HOSTILE, 'api', 'web'].sort());
  assert.deepEqual(await services([{ label: 'zone', op: '!=', value: '' }]), []);
});

test('hostile label values are stored and matched intact, never executed', async (t) => {
  const w = await seeded(t);
  const frames = await w.query('default', query({ measures: ['min'], groupBy: ['service', 'instance'], filters: [{ label: 'service', op: '=', value: HOSTILE }] }));
  assert.deepEqual(table(frames), [{ labels: { service: HOSTILE, instance: 'd' }, time: [T0, T0 + HOUR], values: { min: [3000, 3060] } }]);
  const [stored] = await w.handle.read(`SELECT to_json(labels)::VARCHAR AS labels FROM series WHERE series_key LIKE '%DROP%'`);
  assert.deepEqual(JSON.parse(String(stored?.labels)), { service: HOSTILE, instance: 'd' });
  const [count] = await w.handle.read('SELECT count(*) AS n FROM points');
  assert.equal(count?.n, 5 * 120);
});

test('buckets: raw answers every timestamp, 5m and 1d aggregate their widths', async (t) => {
  const w = await seeded(t);
  const a = [{ label: 'instance', op: '=' as const, value: 'a' }];
  const raw = table(await w.query('default', query({ bucket: 'raw', measures: ['avg', 'count'], filters: a, range: { start: T0 + 10 * MIN, end: T0 + 13 * MIN } })));
  assert.deepEqual(raw, [{ labels: {}, time: [T0 + 10 * MIN, T0 + 11 * MIN, T0 + 12 * MIN], values: { avg: [10, 11, 12], count: [1, 1, 1] } }]);
  const five = table(await w.query('default', query({ bucket: '5m', measures: ['sum'], filters: a, range: { start: T0, end: T0 + 15 * MIN } })));
  assert.deepEqual(five[0]!.values.sum, [0 + 1 + 2 + 3 + 4, 5 + 6 + 7 + 8 + 9, 10 + 11 + 12 + 13 + 14]);
  const day = table(await w.query('default', query({ bucket: '1d', measures: ['count', 'p50'], filters: a })));
  assert.deepEqual(day, [{ labels: {}, time: [T0], values: { count: [120], p50: [59.5] } }]);
});

test('a bucket overlapping the range belongs to the answer', async (t) => {
  const w = await seeded(t);
  const frames = table(await w.query('default', query({ measures: ['count'], range: { start: T0 + 30 * MIN, end: T0 + 31 * MIN } })));
  assert.deepEqual(frames[0]!.time, [T0]);
});

test('percentiles merged across several series are flagged approximate; one series is exact', async (t) => {
  const w = await seeded(t);
  const merged = await w.query('default', query({ measures: ['p95', 'max'], filters: [{ label: 'service', op: '=', value: 'api' }] }));
  assert.deepEqual(merged[0]!.meta?.approximate, ['p95']);
  const single = await w.query('default', query({ measures: ['p95'], filters: [{ label: 'instance', op: '=', value: 'a' }] }));
  assert.equal(single[0]!.meta?.approximate, undefined);
  // quantile_cont over 0..59: 0.95 * 59 = 56.05
  assert.ok(Math.abs((single[0]!.fields[1]!.values[0] as number) - 56.05) < 1e-9);
});

test('malformed queries are refused with what, where and why', async (t) => {
  const w = await seeded(t);
  const cases: [Partial<BiQuery>, RegExp][] = [
    [{ measures: ['p90' as never] }, /query.measures\[0\]: "p90" is not a measure/],
    [{ measures: [] }, /query.measures: expected a non-empty list/],
    [{ bucket: '2h' as never }, /query.bucket: "2h" is not a bucket/],
    [{ groupBy: ['bad-name'] }, /query.groupBy\[0\]: "bad-name" is not a label name/],
    [{ groupBy: [`x"]; DROP`] }, /is not a label name/],
    [{ filters: [{ label: 'a', op: '==' as never, value: 'x' }] }, /query.filters\[0\].op: "==" is not an operator/],
    [{ filters: [{ label: 'a', op: '=~', value: '(' }] }, /query.filters\[0\].value: "\(" is not a valid regular expression/],
    [{ range: { start: T0, end: T0 } }, /query.range: start .* must be before end/],
    [{ dataset: '' }, /query.dataset: expected a non-empty string/],
  ];
  for (const [partial, message] of cases) {
    await assert.rejects(w.query('default', query(partial)), (e: unknown) => e instanceof QueryError && message.test(e.message));
  }
});

test('limits on series and rows are explicit errors', async (t) => {
  const w = await seeded(t, { maxSeries: 3, maxRows: 100 });
  // A series last seen ten days earlier is not part of this range and does not count.
  await w.replaceWindow('default', 'latency', { start: T0 - 10 * 24 * HOUR, end: T0 - 10 * 24 * HOUR + HOUR }, [
    { labels: { service: 'old' }, samples: [{ t: T0 - 10 * 24 * HOUR, v: 1 }] },
  ]);
  await assert.rejects(w.query('default', query({})), /4 series of dataset latency match, more than the limit of 3; add filters/);
  const api = [{ label: 'service', op: '=' as const, value: 'api' }];
  await assert.rejects(w.query('default', query({ bucket: 'raw', filters: api })), /more than 100 rows/);
  assert.equal((await w.query('default', query({ bucket: 'raw', filters: api, range: { start: T0, end: T0 + 100 * MIN } })))[0]!.fields[0]!.values.length, 100);
});

test('the series limit holds for the rows a query reads: a window written while it waits for a reading connection is in both its count and its rows, or in neither', async (t) => {
  const w = await open(t, { maxSeries: 1 });
  const window = { start: T0, end: T0 + 2 * HOUR };
  await w.replaceWindow('default', 'latency', window, [series({ service: 'api', instance: 'a' }, 0)]);
  await w.rollup();
  // Opened at the end, whatever happens: closing the warehouse waits for every held read.
  const gates: (() => void)[] = [];
  try {
    /** A read session that holds its connection until opened; `running` resolves once it has it. */
    const held = () => {
      let open!: () => void;
      const until = new Promise<void>((resolve) => (open = resolve));
      gates.push(open);
      let started!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      void w.handle.readSession(async () => {
        started();
        await until;
      });
      return { open, running };
    };
    // Three of the four reading connections stay busy; the query and another reader share the fourth.
    for (let i = 0; i < 3; i++) await held().running;
    const first = held();
    await first.running;
    const answer = w.query('default', query({ groupBy: ['instance'] }));
    const other = held(); // queued behind the query's read
    first.open();
    await other.running; // the query has read (all of it, or its count only) and let the connection go
    await w.replaceWindow('default', 'latency', window, [series({ service: 'api', instance: 'a' }, 0), series({ service: 'api', instance: 'b' }, 1000)]);
    await w.rollup();
    other.open();
    const frames = await answer;
    assert.deepEqual(frames.map((f) => f.fields[1]!.labels), [{ instance: 'a' }]);
    await assert.rejects(w.query('default', query({ groupBy: ['instance'] })), /2 series of dataset latency match, more than the limit of 1/);
  } finally {
    gates.forEach((open) => open());
  }
});
