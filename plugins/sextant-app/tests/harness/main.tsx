// The harness page: mounts the plugin's real modules (app root, config page, panels, data source
// editor) the way Grafana does, with the Grafana theme and @grafana/runtime's services wired to the
// harness server, which plays Grafana's HTTP API and data proxy in front of a running Sextant.
import './boot';
import React, { useEffect, useState, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { MemoryRouter } from 'react-router-dom';
import {
  CoreApp,
  createTheme,
  dateTime,
  EventBusSrv,
  LoadingState,
  ThemeContext,
  type AppPluginMeta,
  type DataFrame,
  type DataQueryRequest,
  type GrafanaTheme2,
  type PanelProps,
} from '@grafana/data';
import { config, getBackendSrv, setBackendSrv, setDataSourceSrv, setTemplateSrv } from '@grafana/runtime';
import { GlobalStyles, Text } from '@grafana/ui';
import { plugin as app } from '../../src/module';
import { plugin as anomalyPanel } from '../../src/panels/anomaly/module';
import { plugin as recommendationsPanel } from '../../src/panels/recommendations/module';
import { SextantDataSource } from '../../src/datasource/datasource';
import { QueryEditor } from '../../src/datasource/QueryEditor';
import type { SextantQuery } from '../../src/datasource/types';
import type { AppSettings } from '../../src/common/context';
import { createBackendSrv } from './backend-srv';
import { createDataSourceSrv, createTemplateSrv, SEXTANT } from './services';

const sextant = new SextantDataSource(SEXTANT);

setBackendSrv(createBackendSrv());
setDataSourceSrv(createDataSourceSrv(sextant));

const PANEL_WIDTH = 900;
const PANEL_HEIGHT = 360;

/** Grafana's app settings endpoint gives the plugin meta (jsonData, which secure fields are set). */
function useAppMeta(): AppPluginMeta<AppSettings> | undefined {
  const [meta, setMeta] = useState<AppPluginMeta<AppSettings>>();
  useEffect(() => {
    getBackendSrv().get(`/api/plugins/${app.meta?.id ?? 'sextant-insights-app'}/settings`).then(setMeta);
  }, []);
  return meta;
}

function AppView({ page }: { page: string }) {
  const meta = useAppMeta();
  if (!meta || !app.root) {
    return null;
  }
  const Root = app.root;
  return (
    <MemoryRouter initialEntries={[`/${page}`]}>
      <Root meta={meta} basename="/a/sextant-insights-app" path={`/${page}`} query={{}} onNavChanged={() => {}} />
    </MemoryRouter>
  );
}

function ConfigView() {
  const meta = useAppMeta();
  if (!meta) {
    return null;
  }
  app.meta = meta;
  const Body = app.configPages![0]!.body;
  return <Body plugin={app} query={{}} />;
}

/** The query a dashboard panel would send: from the page's URL, over the page's time range. */
function panelRequest(params: URLSearchParams, targets: SextantQuery[]): DataQueryRequest<SextantQuery> {
  const to = Number(params.get('to') ?? Date.now());
  const from = Number(params.get('from') ?? to - 24 * 3_600_000);
  const range = { from: dateTime(from), to: dateTime(to), raw: { from: dateTime(from), to: dateTime(to) } };
  return {
    app: CoreApp.Dashboard,
    requestId: 'harness',
    interval: '1m',
    intervalMs: 60_000,
    range,
    scopedVars: {},
    targets,
    timezone: 'utc',
    startTime: Date.now(),
  };
}

function PanelView({ kind, params }: { kind: 'anomaly' | 'recommendations'; params: URLSearchParams }) {
  const [frames, setFrames] = useState<DataFrame[]>();
  const [error, setError] = useState<string>();
  const targets: SextantQuery[] = JSON.parse(params.get('targets') ?? '[]');
  // The panel's options as a saved dashboard holds them.
  const options = JSON.parse(params.get('options') ?? '{}');
  const request = panelRequest(params, targets);
  useEffect(() => {
    sextant.query(request).then(
      (response) => setFrames(response.data as DataFrame[]),
      (e: unknown) => setError(e instanceof Error ? e.message : String(e))
    );
    // The request is fixed by the page's URL.
  }, []);
  if (error) {
    return <div data-testid="panel-error">{error}</div>;
  }
  if (!frames) {
    return null;
  }
  const plugin = kind === 'anomaly' ? anomalyPanel : recommendationsPanel;
  const Panel = plugin.panel as React.ComponentType<PanelProps>;
  return (
    <div data-testid="panel-frame" data-frames={frames.length} style={{ width: PANEL_WIDTH, height: PANEL_HEIGHT }}>
      <Panel
        id={1}
        data={{ state: LoadingState.Done, series: frames, timeRange: request.range }}
        timeRange={request.range}
        timeZone="utc"
        options={options}
        fieldConfig={{ defaults: {}, overrides: [] }}
        transparent={false}
        width={PANEL_WIDTH}
        height={PANEL_HEIGHT}
        renderCounter={0}
        title="harness"
        eventBus={new EventBusSrv()}
        onOptionsChange={() => {}}
        onFieldConfigChange={() => {}}
        replaceVariables={(text) => text}
        onChangeTimeRange={() => {}}
      />
    </div>
  );
}

function QueryEditorView() {
  const [query, setQuery] = useState<SextantQuery>({ refId: 'A', ...sextant.getDefaultQuery() });
  return (
    <div>
      <QueryEditor datasource={sextant} query={query} onChange={setQuery} onRunQuery={() => {}} />
      <pre data-testid="query-json">{JSON.stringify(query)}</pre>
    </div>
  );
}

function Shell({ theme, title, children }: { theme: GrafanaTheme2; title: string; children: ReactNode }) {
  return (
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      {/* Grafana's page chrome would show the page title; the default PluginPage renders only the page. */}
      <main style={{ padding: 16 }}>
        <Text element="h1">{title}</Text>
        {children}
      </main>
    </ThemeContext.Provider>
  );
}

function View({ view, params }: { view: string; params: URLSearchParams }) {
  switch (view) {
    case 'config':
      return <ConfigView />;
    case 'panel-anomaly':
      return <PanelView kind="anomaly" params={params} />;
    case 'panel-recommendations':
      return <PanelView kind="recommendations" params={params} />;
    case 'query-editor':
      return <QueryEditorView />;
    default:
      return <AppView page={view} />;
  }
}

const root = createRoot(document.getElementById('root')!);

/**
 * Shows one view (`view`, `theme`, and the view's own parameters). The browser tests switch views
 * through this instead of reloading: the page loads its bundle once.
 */
function show(search: string) {
  window.history.replaceState(null, '', `/?${search}`);
  const params = new URLSearchParams(search);
  const view = params.get('view') ?? 'overview';
  const theme = createTheme({ colors: { mode: params.get('theme') === 'light' ? 'light' : 'dark' } });
  config.theme2 = theme;
  setTemplateSrv(createTemplateSrv(JSON.parse(params.get('vars') ?? '{}')));
  // Clear the previous view first, so nothing of it is left when the caller looks for the new one.
  flushSync(() => root.render(null));
  root.render(
    <Shell key={search} theme={theme} title={view}>
      <View view={view} params={params} />
    </Shell>
  );
}

/**
 * Grafana takes a click on a link without a target for a route of its own single-page app
 * (interceptLinkClicks): such a link never reaches the server. The harness does the same and keeps
 * where each one would have gone.
 */
const routed: string[] = [];
document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a') : null;
  const href = link?.getAttribute('href');
  if (href && !link!.getAttribute('target') && !event.defaultPrevented && !event.ctrlKey && !event.metaKey) {
    event.preventDefault();
    routed.push(href);
  }
});

Object.assign(window, { harness: { show, routed } });
show(window.location.search.slice(1));
