import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { createLogger } from '../../log.js';
import { createApp } from '../app.js';
import type { ApiToken } from '../auth.js';
import { SeriesFamilies } from '../../metrics/series-gauge-family.js';
import { testApiDeps } from '../testing/api-deps.js';
import { listen } from '../testing/listen.js';
import { referenceRoutes } from './reference.js';

const tokens: ApiToken[] = [
  { name: 'editor-a', token: 'token-of-editor-a-0001', tenant: 'a', role: 'editor' },
  { name: 'viewer-a', token: 'token-of-viewer-a-0002', tenant: 'a', role: 'viewer' },
  { name: 'editor-b', token: 'token-of-editor-b-0003', tenant: 'b', role: 'editor' },
];
const [editorA, viewerA, editorB] = tokens.map((t) => t.token) as [string, string, string];

async function serve(t: { after(fn: () => Promise<void>): void }, maxImportBytes = 1 << 20) {
  const { deps, close } = await testApiDeps();
  deps.config = { ...deps.config, warehouse: { ...deps.config.warehouse, reference: { maxImportBytes } } };
  const app = createApp({
    registry: new Registry(),
    families: new SeriesFamilies(),
    log: createLogger('error', () => {}),
    tokens,
    metricsToken: undefined,
    isReady: () => true,
    bodyLimitBytes: 4096,
    requestTimeoutMs: 10_000,
    apiRouters: [referenceRoutes(deps)],
  });
  const server = await listen(app);
  t.after(async () => {
    await server.close();
    await close();
  });
  const call = (method: string, path: string, token: string, body?: string, contentType = 'text/csv') =>
    fetch(`${server.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': contentType }) }, body });
  return { url: server.url, call };
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
  ];
  for (const [path, body, type, status, pattern] of cases) {
    const res = await call('PUT', path, editorA, body, type);
    assert.equal(res.status, status, path);
    assert.match(((await res.json()) as { error: string }).error, pattern);
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
