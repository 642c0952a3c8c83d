// The built plugin, as Grafana and its catalog read it: every plugin.json valid against Grafana's
// schema, with the build's version filled in, its logos present, and the zip in the catalog's layout.
import AdmZip from 'adm-zip';
import { Ajv } from 'ajv';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { globSync } from 'glob';
import { APP_PAGES } from '../src/common/pageNav.js';
import { DIST, PLUGIN_ROOT, SHARED } from './support/paths.js';

const schema = JSON.parse(readFileSync(join(SHARED, 'grafana', 'plugin.schema.json'), 'utf8'));
// The schema's patterns use \- escapes that JavaScript's unicode regular expressions reject.
const validate = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }).compile(schema);
const version = JSON.parse(readFileSync(join(PLUGIN_ROOT, 'package.json'), 'utf8')).version as string;
const builtPluginJsons = globSync('**/plugin.json', { cwd: DIST }).sort();

const EXPECTED = {
  'plugin.json': { id: 'sextant-insights-app', type: 'app' },
  'panels/anomaly/plugin.json': { id: 'sextant-anomaly-panel', type: 'panel' },
  'panels/recommendations/plugin.json': { id: 'sextant-recommendations-panel', type: 'panel' },
  'datasource/plugin.json': { id: 'sextant-warehouse-datasource', type: 'datasource' },
};

test('the build holds the app and its three nested plugins with the agreed ids', () => {
  assert.deepEqual(builtPluginJsons, Object.keys(EXPECTED).sort());
  for (const [path, expected] of Object.entries(EXPECTED)) {
    const json = JSON.parse(readFileSync(join(DIST, path), 'utf8'));
    assert.deepEqual({ id: json.id, type: json.type }, expected, path);
  }
});

for (const path of builtPluginJsons) {
  test(`dist/${path} is valid against Grafana's plugin.json schema`, () => {
    const json = JSON.parse(readFileSync(join(DIST, path), 'utf8'));
    const valid = validate(json);
    assert.ok(valid, `dist/${path}: ${JSON.stringify(validate.errors, null, 2)}`);
    assert.equal(json.info.version, version, 'the build fills in %VERSION%');
    assert.match(json.info.updated, /^\d{4}-\d{2}-\d{2}$/);
    for (const logo of new Set([json.info.logos.small, json.info.logos.large])) {
      assert.ok(existsSync(join(DIST, dirname(path), logo)), `dist/${path}: logo ${logo} is missing`);
    }
    const module = join(DIST, dirname(path), 'module.js');
    assert.ok(existsSync(module), `${relative(DIST, module)} is missing`);
  });
}

test('a plugin.json with a wrong id or a missing field fails the same validation', () => {
  const app = JSON.parse(readFileSync(join(DIST, 'plugin.json'), 'utf8'));
  assert.equal(validate({ ...app, id: 'Sextant_App' }), false);
  const { info: _info, ...withoutInfo } = app;
  assert.equal(validate(withoutInfo), false);
});

const route = (path: string, token: string, reqRole?: string) => ({
  path,
  url: '{{ .JsonData.url }}',
  ...(reqRole ? { reqRole } : {}),
  headers: [{ name: 'Authorization', content: `Bearer {{ .SecureJsonData.${token} }}` }],
});

test("routes add the tokens from secureJsonData on Grafana's side, so they never reach the browser", () => {
  const datasource = JSON.parse(readFileSync(join(DIST, 'datasource/plugin.json'), 'utf8'));
  assert.deepEqual(datasource.routes, [route('sextant', 'token')]);
});

test("the app's routes are split by Grafana role: a viewer's requests never carry the editor's or the admin's token", () => {
  const app = JSON.parse(readFileSync(join(DIST, 'plugin.json'), 'utf8'));
  assert.deepEqual(app.routes, [route('sextant', 'token', 'Viewer'), route('editor', 'editorToken', 'Editor'), route('admin', 'adminToken', 'Admin')]);
  // Grafana takes the first route whose path prefixes the request's: no route's path may prefix another's.
  for (const a of app.routes) for (const b of app.routes) if (a !== b) assert.ok(!b.path.startsWith(a.path), `${a.path} prefixes ${b.path}`);
  // Each token is used by one route only.
  const tokens = app.routes.map((r: { headers: Array<{ content: string }> }) => r.headers[0]!.content);
  assert.equal(new Set(tokens).size, tokens.length);
  // The audit page is shown to Grafana admins only.
  assert.equal(app.includes.find((i: { name: string }) => i.name === 'Audit log')?.role, 'Admin');
});

test("the app's page includes are its pages: each page's title (the menu's name), path and role, in the tabs' order", () => {
  const app = JSON.parse(readFileSync(join(DIST, 'plugin.json'), 'utf8'));
  interface Include { type: string; name: string; path: string; role?: string; addToNav?: boolean }
  const pages = (app.includes as Include[]).filter((i) => i.type === 'page' && i.path.startsWith('/a/'));
  assert.deepEqual(
    pages.map((i) => ({ name: i.name, path: i.path, role: i.role, addToNav: i.addToNav })),
    APP_PAGES.map((p) => ({ name: p.title, path: `/a/sextant-insights-app/${p.route}`, role: p.role, addToNav: true }))
  );
  assert.equal(pages.filter((i) => (i as { defaultNav?: boolean }).defaultNav).map((i) => i.name).join(), 'Overview', 'the app opens on its overview');
});

test('the zip is named <id>-<version>.zip and holds one top-level folder named after the id', () => {
  const zipPath = join(DIST, `sextant-insights-app-${version}.zip`);
  assert.ok(existsSync(zipPath), `${zipPath} is missing`);
  const names = new AdmZip(zipPath).getEntries().map((e) => e.entryName);
  assert.ok(names.every((n) => n.startsWith('sextant-insights-app/')), names.join(', '));
  for (const file of ['plugin.json', 'module.js', ...Object.keys(EXPECTED), 'panels/anomaly/img/logo.svg', 'datasource/img/logo.svg']) {
    assert.ok(names.includes(`sextant-insights-app/${file}`), `zip lacks ${file}`);
  }
  assert.ok(!names.some((n) => n.endsWith('.zip')), 'the zip does not contain itself');
});
