// provisioning/grafana against the shape Grafana's provisioning documentation gives each file, and
// against each other: every data source a dashboard names is provisioned, every panel type exists,
// every query of the Sextant data source is one the data source and Sextant's API accept.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { BUCKETS, FILTER_OPS, MEASURES } from '@sextant/core';
import { defaultDatasets } from '../../../exporter/src/sources/default-datasets.js';
import { parseVariableQuery } from '../src/datasource/variables.js';
import { PLUGIN_ROOT, PROVISIONING } from './support/paths.js';

interface DatasourceRef {
  type?: string;
  uid?: string;
}
interface Target {
  refId: string;
  datasource?: DatasourceRef;
  kind?: string;
  dataset?: string;
  measures?: string[];
  bucket?: string;
  filters?: Array<{ label: string; op: string; value: string }>;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: DatasourceRef;
  targets?: Target[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  annotations: { list: Array<{ name: string; datasource?: DatasourceRef; target?: Target }> };
  templating: { list: Array<{ name: string; query: string; datasource?: DatasourceRef }> };
}
interface ProvisionedDatasource {
  name: string;
  type: string;
  uid: string;
  access: string;
  url?: string;
  isDefault?: boolean;
  jsonData?: Record<string, string>;
  secureJsonData?: Record<string, string>;
}

const yaml = (path: string) => parse(readFileSync(join(PROVISIONING, path), 'utf8'));
const pluginId = (path: string) => JSON.parse(readFileSync(join(PLUGIN_ROOT, 'src', path), 'utf8')).id as string;

const APP = pluginId('plugin.json');
const DATASOURCE = pluginId('datasource/plugin.json');
const PANELS = [pluginId('panels/anomaly/plugin.json'), pluginId('panels/recommendations/plugin.json')];
const BUILT_IN_PANELS = ['timeseries', 'stat', 'table', 'text', 'row', 'barchart', 'gauge', 'bargauge', 'state-timeline', 'logs', 'traces'];
const SPECIAL_UIDS = ['-- Grafana --', '-- Mixed --', '-- Dashboard --'];
/** Docker-compose service names and ports of the reference stack. */
const STACK_URLS: Record<string, string> = {
  prometheus: 'http://prometheus:9090',
  loki: 'http://loki:3100',
  jaeger: 'http://jaeger:16686',
  alertmanager: 'http://alertmanager:9093',
};
const SEXTANT_URL = 'http://sextant:9890';
const ENV_REFERENCE = /^\$\{?[A-Z_][A-Z0-9_]*\}?$/;

const datasources = yaml('datasources/datasources.yaml') as { apiVersion: number; datasources: ProvisionedDatasource[] };
const dashboardsDir = join(PROVISIONING, 'dashboards', 'sextant');
const dashboards = readdirSync(dashboardsDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({ file, json: JSON.parse(readFileSync(join(dashboardsDir, file), 'utf8')) as Dashboard }));

test('data sources: the stack\'s four systems at their compose names, and Sextant\'s warehouse', () => {
  assert.equal(datasources.apiVersion, 1);
  const list = datasources.datasources;
  for (const ds of list) {
    for (const key of ['name', 'type', 'uid', 'access'] as const) {
      assert.equal(typeof ds[key], 'string', `${ds.name}: ${key}`);
    }
    assert.ok(['proxy', 'direct'].includes(ds.access), `${ds.name}: access`);
  }
  assert.equal(new Set(list.map((d) => d.uid)).size, list.length, 'uids are unique');
  assert.equal(list.filter((d) => d.isDefault).length, 1, 'exactly one default');
  for (const [type, url] of Object.entries(STACK_URLS)) {
    const ds = list.find((d) => d.type === type);
    assert.equal(ds?.url, url, `a ${type} data source at ${url}`);
  }
  const sextant = list.find((d) => d.type === DATASOURCE);
  assert.equal(sextant?.jsonData?.url, SEXTANT_URL, `a ${DATASOURCE} data source`);
  assert.match(sextant.secureJsonData?.token ?? '', ENV_REFERENCE, 'the token comes from the environment, not the file');
  assert.equal(list.find((d) => d.type === 'alertmanager')?.jsonData?.implementation, 'prometheus');
});

test('plugins: the app enabled, with Sextant\'s URL, the token from the environment, and an existing Prometheus', () => {
  const file = yaml('plugins/sextant.yaml');
  assert.equal(file.apiVersion, 1);
  assert.equal(file.apps.length, 1);
  const [app] = file.apps;
  assert.equal(app.type, APP);
  assert.equal(app.disabled, false);
  assert.equal(app.jsonData.url, SEXTANT_URL);
  assert.match(app.secureJsonData.token, ENV_REFERENCE);
  assert.match(app.secureJsonData.editorToken, ENV_REFERENCE);
  assert.match(app.secureJsonData.adminToken, ENV_REFERENCE);
  const prometheus = datasources.datasources.find((d) => d.uid === app.jsonData.prometheusUid);
  assert.equal(prometheus?.type, 'prometheus');
});

test('dashboards: a file provider pointing at the folder of the dashboard files', () => {
  const file = yaml('dashboards/sextant.yaml');
  assert.equal(file.apiVersion, 1);
  const [provider] = file.providers;
  assert.equal(provider.type, 'file');
  // docker-compose mounts provisioning/grafana at /etc/grafana/provisioning.
  assert.equal(provider.options.path, '/etc/grafana/provisioning/dashboards/sextant');
  assert.deepEqual(
    dashboards.map((d) => d.file),
    ['sextant-alert-analytics.json', 'sextant-overview.json', 'sextant-service-bi.json']
  );
});

function* datasourceRefs(dashboard: Dashboard): Generator<[string, DatasourceRef | undefined]> {
  for (const a of dashboard.annotations.list) yield [`annotation ${a.name}`, a.datasource];
  for (const v of dashboard.templating.list) yield [`variable ${v.name}`, v.datasource];
  for (const p of dashboard.panels) {
    if (p.type === 'row' || p.type === 'text') continue;
    yield [`panel ${p.title}`, p.datasource];
    for (const t of p.targets ?? []) yield [`panel ${p.title} query ${t.refId}`, t.datasource ?? p.datasource];
  }
}

function sextantQueries(dashboard: Dashboard): Array<[string, Target]> {
  const queries: Array<[string, Target]> = [];
  for (const a of dashboard.annotations.list) if (a.datasource?.uid === 'sextant' && a.target) queries.push([`annotation ${a.name}`, a.target]);
  for (const p of dashboard.panels)
    for (const t of p.targets ?? []) if ((t.datasource ?? p.datasource)?.uid === 'sextant') queries.push([`${p.title} ${t.refId}`, t]);
  return queries;
}

for (const { file, json } of dashboards) {
  test(`dashboard ${file}: the documented shape, and only things that exist`, () => {
    assert.match(json.uid, /^[a-zA-Z0-9_-]{1,40}$/);
    assert.equal(typeof json.title, 'string');
    assert.equal(typeof json.schemaVersion, 'number');
    assert.ok(Array.isArray(json.panels) && json.panels.length > 0);
    assert.equal(new Set(json.panels.map((p) => p.id)).size, json.panels.length, 'panel ids are unique');
    for (const panel of json.panels) {
      assert.ok([...BUILT_IN_PANELS, ...PANELS].includes(panel.type), `${panel.title}: panel type ${panel.type}`);
      const { x, y, w, h } = panel.gridPos;
      assert.ok(x >= 0 && w > 0 && x + w <= 24 && y >= 0 && h > 0, `${panel.title}: gridPos within 24 columns`);
    }
    const uids = new Map(datasources.datasources.map((d) => [d.uid, d.type]));
    for (const [where, ref] of datasourceRefs(json)) {
      const uid = ref?.uid ?? '';
      assert.ok(uid, `${file} ${where}: names its data source`);
      if (SPECIAL_UIDS.includes(uid)) continue;
      assert.equal(uids.get(uid), ref?.type, `${file} ${where}: data source ${uid} is provisioned with type ${ref?.type}`);
    }
    for (const [where, query] of sextantQueries(json)) {
      assert.ok(['bi', 'anomalies', 'alerts', 'recommendations'].includes(query.kind ?? ''), `${where}: kind ${query.kind}`);
      if (query.kind !== 'bi') continue;
      assert.ok(query.dataset, `${where}: dataset`);
      const measures = query.measures ?? [];
      assert.ok(measures.length > 0 && measures.every((m) => (MEASURES as readonly string[]).includes(m)), `${where}: measures`);
      assert.ok((BUCKETS as readonly string[]).includes(query.bucket ?? ''), `${where}: bucket`);
      for (const f of query.filters ?? []) assert.ok((FILTER_OPS as readonly string[]).includes(f.op), `${where}: filter op ${f.op}`);
    }
    for (const variable of json.templating.list.filter((v) => v.datasource?.type === DATASOURCE)) {
      assert.doesNotThrow(() => parseVariableQuery(variable.query), `variable ${variable.name}`);
    }
  });
}

test('the dashboards use both Sextant panels and the Sextant data source', () => {
  const types = dashboards.flatMap((d) => d.json.panels.map((p) => p.type));
  for (const panel of PANELS) assert.ok(types.includes(panel), `a dashboard uses ${panel}`);
  assert.ok(dashboards.every((d) => sextantQueries(d.json).length > 0), 'every dashboard queries Sextant');
});

test('the overview\'s anomaly panel asks for the band of the very dataset it draws', () => {
  const overview = dashboards.find((d) => d.file === 'sextant-overview.json')!.json;
  const panel = overview.panels.find((p) => p.type === 'sextant-anomaly-panel')!;
  const exprs = (panel.targets ?? []).map((t) => (t as Target & { expr?: string }).expr ?? '');
  const bands = exprs.filter((e) => e.startsWith('sextant_anomaly_'));
  // Sextant exports a band per scored dataset, all with the input's job and service: unfiltered,
  // every service would have several bands (errors, latency, ...) beside its request rate.
  assert.deepEqual(bands.map((e) => /^sextant_anomaly_(upper_band|lower_band|score)\{sextant_dataset="(\w+)"\}$/.exec(e)?.slice(1)), [
    ['upper_band', 'http_requests_per_second'],
    ['lower_band', 'http_requests_per_second'],
    ['score', 'http_requests_per_second'],
  ]);
  // The value is that dataset's own query (the default pack's), so band and value are the same numbers.
  const requests = defaultDatasets('default').find((d) => d.name === 'http_requests_per_second')!;
  assert.deepEqual(exprs.filter((e) => !bands.includes(e)), [requests.query]);
});
