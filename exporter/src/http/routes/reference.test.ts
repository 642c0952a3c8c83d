import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { test } from 'node:test';
import type { ApiToken } from '../auth.js';
import { testApiDeps } from '../testing/api-deps.js';
import { listenApi } from '../testing/listen.js';
import { queryRoutes } from './query.js';
import { referenceRoutes } from './reference.js';

const tokens: ApiToken[] = [
  { name: 'editor-a', token: 'token-of-editor-a-0001', tenant: 'a', role: 'editor' },
  { name: 'viewer-a', token: 'token-of-viewer-a-0002', tenant: 'a', role: 'viewer' },
  { name: 'editor-b', token: 'token-of-editor-b-0003', tenant: 'b', role: 'editor' },
];
const [editorA, viewerA, editorB] = tokens.map((t) => t.token) as [string, string, string];

async function serve(t: { after(fn: () => Promise<void>): void }, maxImportBytes = 1 << 20) {
  const { deps, close } = await testApiDeps({ datasets: [{ name: 'cpu', tenant: 'a', query: 'cpu', keepLabels: ['instance'], stepMs: 60_000 }] });
  deps.config = { ...deps.config, warehouse: { ...deps.config.warehouse, reference: { maxImportBytes } } };
  const server = await listenApi([referenceRoutes(deps), queryRoutes(deps)], tokens);
  t.after(async () => {
    await server.close();
    await close();
  });
  const call = (method: string, path: string, token: string, body?: string, contentType = 'text/csv') =>
    fetch(`${server.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': contentType }) }, body });
  return { url: server.url, call, deps };
}

test('PUT /reference/{name} imports a CSV for the token\'s tenant; GET lists and shows it; DELETE drops it', async (t) => {
  const { call } = await serve(t);
  const csv = 'instance,team,cost_per_hour\nnode-1:9100,web,0.5\nnode-2:9100,db,1.25\n';
  assert.equal((await call('PUT', '/reference/hosts?key=instance', viewerA, csv)).status, 403);
  const put = await call('PUT', '/reference/hosts?key=instance', editorA, csv);
  assert.equal(put.status, 200);
  const imported = (await put.json()) as { imported: number; replaced: number; bytes: number; table: { columns: unknown[]; key: string[]; rows: number } };
  assert.deepEqual([imported.imported, imported.replaced, imported.bytes, imported.table.rows, imported.table.key], [2, 0, Buffer.byteLength(csv), 2, ['instance']]);
  // Idempotent: the same file again replaces the two rows by key.
  const again = (await (await call('PUT', '/reference/hosts?key=instance', editorA, csv)).json()) as { replaced: number; table: { rows: number } };
  assert.deepEqual([again.replaced, again.table.rows], [2, 2]);

  const shown = (await (await call('GET', '/reference/hosts?limit=1', viewerA)).json()) as { table: { name: string }; rows: unknown[] };
  assert.deepEqual(shown.rows, [{ instance: 'node-1:9100', team: 'web', cost_per_hour: 0.5 }]);
  assert.deepEqual(((await (await call('GET', '/reference', viewerA)).json()) as { tables: { name: string }[] }).tables.map((x) => x.name), ['hosts']);
  assert.deepEqual(((await (await call('GET', '/reference', editorB)).json()) as { tables: unknown[] }).tables, [], 'tenant b sees none of tenant a\'s tables');
  assert.equal((await call('GET', '/reference/hosts', editorB)).status, 404);

  const ndjson = await call('PUT', '/reference/tiers?types=seats:number', editorA, '{"customer":"acme","seats":3}\n', 'application/x-ndjson');
  assert.equal(ndjson.status, 200);
  assert.deepEqual(((await ndjson.json()) as { table: { columns: unknown[] } }).table.columns, [{ name: 'customer', type: 'text' }, { name: 'seats', type: 'number' }]);

  assert.equal((await call('DELETE', '/reference/hosts', viewerA)).status, 403);
  assert.equal((await call('DELETE', '/reference/hosts', editorA)).status, 204);
  assert.equal((await call('DELETE', '/reference/hosts', editorA)).status, 404);
});

test('bad imports are 4xx with the reason, and leave the stored table as it was', async (t) => {
  const { call, url } = await serve(t, 200);
  await call('PUT', '/reference/hosts?key=instance', editorA, 'instance,team\nnode-1,web\n');
  const cases: [string, string, string, number, RegExp][] = [
    ['/reference/hosts?key=instance', 'instance,team\nnode-2,db\nnode-3\n', 'text/csv', 400, /^line 3: 1 fields, but the header has 2/],
    ['/reference/hosts?key=instance', 'instance,team\nnode-2,db\n', 'application/octet-stream', 400, /format is unknown: give \?format=csv\|ndjson\|parquet/],
    ['/reference/hosts?key=instance&types=team:money', 'instance,team\nnode-2,db\n', 'text/csv', 400, /types: "team:money" is not column:type/],
    ['/reference/hosts?key=instance,team', 'instance,team\nnode-2,db\n', 'text/csv', 409, /table hosts has columns instance text, team text, key instance; this file has columns instance text, team text, key instance, team\. Import with replace/],
    ['/reference/bad-name', 'instance,team\nnode-2,db\n', 'text/csv', 400, /table "bad-name": expected a name/],
    ['/reference/hosts?key=instance', `instance,team\n${'node-9,web\n'.repeat(30)}`, 'text/csv', 413, /the file is \d+ bytes, more than the limit of 200 bytes \(warehouse.reference.maxImportBytes\)/],
    // Found by the fuzz suite: DuckDB names the file it could not read, which was the service's temporary path.
    ['/reference/hosts?key=instance', 'not parquet at all', 'application/vnd.apache.parquet', 400, /^the parquet file could not be read: .*'upload\.parquet'$/],
  ];
  for (const [path, body, type, status, pattern] of cases) {
    const res = await call('PUT', path, editorA, body, type);
    assert.equal(res.status, status, path);
    const { error } = (await res.json()) as { error: string };
    assert.match(error, pattern);
    assert.doesNotMatch(error, /\/tmp\/|sextant-import-/, 'no temporary path');
  }
  // A chunked upload (no Content-Length) over the limit is refused as it arrives.
  const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(`${url}/api/v1/reference/hosts?key=instance`, { method: 'PUT', headers: { authorization: `Bearer ${editorA}`, 'content-type': 'text/csv' } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.write('instance,team\n');
    for (let i = 0; i < 40; i++) req.write(`node-${i},web\n`);
    req.end();
  });
  assert.equal(chunked.status, 413);
  assert.match(chunked.body, /the file is larger than the limit of 200 bytes/);
  const rows = ((await (await call('GET', '/reference/hosts', viewerA)).json()) as { rows: unknown[] }).rows;
  assert.deepEqual(rows, [{ instance: 'node-1', team: 'web' }]);
});

test('POST /query joins a dataset with an imported table: CPU per team, and cost per team', async (t) => {
  const { call, deps } = await serve(t);
  const T0 = Date.UTC(2026, 10, 20);
  const samples = (v: number) => Array.from({ length: 120 }, (_, i) => ({ t: T0 + i * 60_000, v }));
  await deps.warehouse.replaceWindow('a', 'cpu', { start: T0, end: T0 + 7_200_000 }, [
    { labels: { instance: 'node-1' }, samples: samples(1) },
    { labels: { instance: 'node-2' }, samples: samples(2) },
    { labels: { instance: 'node-3' }, samples: samples(4) },
  ]);
  await deps.warehouse.rollup();
  await call('PUT', '/reference/hosts?key=instance', editorA, 'instance,team,cost\nnode-1,web,10\nnode-2,web,100\nnode-3,db,1000\n');
  const base = { dataset: 'cpu', measures: ['sum'], groupBy: ['hosts.team'], filters: [], bucket: '1h', range: { start: '2026-11-20T00:00:00Z', end: '2026-11-20T02:00:00Z' } };
  const answer = async (body: unknown) => {
    const res = await call('POST', '/query', viewerA, JSON.stringify(body), 'application/json');
    const json = (await res.json()) as { frames?: { fields: { name: string; values: number[]; labels?: Record<string, string> }[] }[]; error?: string };
    return { status: res.status, json };
  };
  const perTeam = await answer({ ...base, join: { table: 'hosts', label: 'instance', column: 'instance' } });
  assert.equal(perTeam.status, 200, perTeam.json.error);
  const sums = (frames: NonNullable<typeof perTeam.json.frames>) => Object.fromEntries(frames.map((f) => [f.fields[1]!.labels!['hosts.team'], f.fields[1]!.values]));
  // Per hour: 60 minutes of each host's constant value.
  assert.deepEqual(sums(perTeam.json.frames!), { db: [240, 240], web: [180, 180] });
  const cost = await answer({ ...base, join: { table: 'hosts', label: 'instance', column: 'instance', scaleBy: 'cost' } });
  assert.deepEqual(sums(cost.json.frames!), { db: [240_000, 240_000], web: [60 * (10 + 200), 60 * (10 + 200)] });
  const unjoined = await answer(base);
  assert.equal(unjoined.status, 400);
  assert.match(unjoined.json.error!, /groupBy\[0\]: hosts.team names a reference table's column, but the query has no join/);
  const missing = await answer({ ...base, join: { table: 'sites', label: 'instance', column: 'instance' }, groupBy: [] });
  assert.equal(missing.status, 400);
  assert.match(missing.json.error!, /tenant a has no reference table "sites"; its tables: hosts/);
});
