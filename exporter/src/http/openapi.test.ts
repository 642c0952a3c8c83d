import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import YAML from 'yaml';
import { parseConfig } from '../config/load.js';
import { createLogger } from '../log.js';
import { API_PREFIX } from './app.js';
import { apiRouters } from './routes/index.js';
import { FakeWarehouse } from './testing/fake-warehouse.js';

test('docs/openapi.yaml describes every route the service mounts', () => {
  const root = join(import.meta.dirname, '..', '..', '..');
  const spec = YAML.parse(readFileSync(join(root, 'docs', 'openapi.yaml'), 'utf8')) as { openapi: string; paths: Record<string, Record<string, unknown>> };
  assert.match(spec.openapi, /^3\.1\./);
  const queryLimits = parseConfig('', { origin: 'test', baseDir: '/', env: {} }).warehouse.query;
  const routers = apiRouters({ warehouse: new FakeWarehouse(), datasets: [], queryLimits, log: createLogger('error', () => {}) });
  const mounted = routers.flatMap((router) =>
    router.stack.flatMap((layer) => {
      const route = layer.route as { path: string; methods: Record<string, boolean> } | undefined;
      return route ? Object.keys(route.methods).map((m) => `${m} ${API_PREFIX}${route.path.replace(/:(\w+)/g, '{$1}')}`) : [];
    }),
  );
  mounted.push('get /metrics', 'get /-/healthy', 'get /-/ready');
  const documented = Object.entries(spec.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`));
  assert.deepEqual(mounted.filter((r) => !documented.includes(r)), [], 'mounted but not documented');
  assert.deepEqual(documented.filter((r) => !mounted.includes(r)), [], 'documented but not mounted');
});
