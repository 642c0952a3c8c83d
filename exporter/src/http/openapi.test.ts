import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import YAML from 'yaml';
import { API_PREFIX } from './app.js';
import { apiRouters } from './routes/index.js';
import { testApiDeps } from './testing/api-deps.js';

const root = join(import.meta.dirname, '..', '..', '..');

test('docs/openapi.yaml is a valid OpenAPI 3.1 document', async () => {
  const validator = new Validator();
  const result = await validator.validate(YAML.parse(readFileSync(join(root, 'docs', 'openapi.yaml'), 'utf8')));
  assert.deepEqual(result.errors ?? [], []);
  assert.equal(result.valid, true);
  assert.equal(validator.version, '3.1');
});

test('docs/openapi.yaml describes every route the service mounts', async () => {
  const spec = YAML.parse(readFileSync(join(root, 'docs', 'openapi.yaml'), 'utf8')) as { openapi: string; paths: Record<string, Record<string, unknown>> };
  assert.match(spec.openapi, /^3\.1\./);
  const { deps, close } = await testApiDeps();
  const routers = apiRouters(deps);
  await close();
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
