// warehouse.kind: clickhouse in sextant.yaml: what it needs, what it refuses, and how the password
// and the intake directory are resolved.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../errors.js';
import { parseConfig } from '../load.js';

const options = (env: Record<string, string> = {}) => ({ origin: 'sextant.yaml', baseDir: '/srv/sextant', env });

function problemsOf(text: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfig(text, options(env));
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return assert.fail('expected a ConfigError');
}

test('a ClickHouse warehouse: url required, names that go into SQL checked, password from the environment, intake directory beside the config', () => {
  assert.deepEqual(problemsOf('warehouse: { kind: clickhouse }'), ['sextant.yaml: warehouse.clickhouse.url: required when warehouse.kind is clickhouse']);
  const bad = problemsOf('warehouse: { kind: clickhouse, clickhouse: { url: "ftp://x", database: "a; DROP", cluster: "1x" } }');
  assert.equal(bad.length, 3, bad.join('\n'));
  assert.match(bad.join('\n'), /warehouse\.clickhouse\.url: got "ftp:\/\/x" \(string\), expected an http:\/\/ or https:\/\/ URL/);
  assert.match(bad.join('\n'), /warehouse\.clickhouse\.database: got "a; DROP" \(string\), expected a database name: a letter or _/);
  assert.match(bad.join('\n'), /warehouse\.clickhouse\.cluster: got "1x" \(string\), expected a cluster name/);
  assert.deepEqual(problemsOf('warehouse: { clickhouse: { url: "http://ch:8123" } }'), [
    'sextant.yaml: warehouse.clickhouse: set only with warehouse.kind: clickhouse (the warehouse is the DuckDB file warehouse.path)',
  ]);
  assert.deepEqual(problemsOf('warehouse: { kind: clickhouse, clickhouse: { url: "http://ch:8123", password: { env: CH_PASSWORD } } }'), [
    'sextant.yaml: warehouse.clickhouse.password: environment variable CH_PASSWORD is not set',
  ]);
  const config = parseConfig('warehouse: { kind: clickhouse, clickhouse: { url: "http://ch:8123", password: { env: CH_PASSWORD }, cluster: two_shards } }', options({ CH_PASSWORD: 's3cret' }));
  const ch = config.warehouse.clickhouse!;
  assert.deepEqual([ch.url, ch.database, ch.user, ch.password?.reveal(), ch.cluster, ch.requestTimeout, ch.intakeDir], ['http://ch:8123', 'sextant', 'default', 's3cret', 'two_shards', 60_000, '/srv/sextant/data/alert-intake']);
});

test('replicas on ClickHouse: an id, a heartbeat and a lease of at least two heartbeats', () => {
  const base = 'warehouse: { kind: clickhouse, clickhouse: { url: "http://ch:8123", replica: ';
  const replica = parseConfig(`${base}{ id: sextant-1, heartbeat: 2s, lease: 6s } } }`, options()).warehouse.clickhouse!.replica!;
  assert.deepEqual(replica, { id: 'sextant-1', heartbeat: 2_000, lease: 6_000 });
  assert.deepEqual(parseConfig(`${base}{ id: a } } }`, options()).warehouse.clickhouse!.replica, { id: 'a', heartbeat: 5_000, lease: 15_000 });
  assert.match(parseConfig(`${base}{} } }`, options()).warehouse.clickhouse!.replica!.id, /^[A-Za-z_][A-Za-z0-9_.:-]*$/, 'the hostname by default');
  assert.deepEqual(problemsOf(`${base}{ id: a, heartbeat: 5s, lease: 8s } } }`), ['sextant.yaml: warehouse.clickhouse.replica.lease: lease must be at least twice the heartbeat']);
  assert.match(problemsOf(`${base}{ id: "a,b" } } }`).join('\n'), /warehouse\.clickhouse\.replica\.id: got "a,b" \(string\), expected a replica name/);
  assert.equal(parseConfig('warehouse: { kind: clickhouse, clickhouse: { url: "http://ch:8123" } }', options()).warehouse.clickhouse!.replica, undefined, 'one process by default');
});
