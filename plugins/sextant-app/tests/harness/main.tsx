// The harness page: mounts the plugin's real modules (app root, config page, panels, data source
// editor) the way Grafana does, with the Grafana theme and @grafana/runtime's services wired to the
// harness server, which plays Grafana's HTTP API and data proxy in front of a running Sextant.
import './boot';
import React, { useEffect, useState, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { MemoryRouter, Route, Routes, useLocation, useNavigate, type NavigateFunction } from 'react-router-dom';
import {
  CoreApp,
  createTheme,
  dateTime,
  EventBusSrv,
  LoadingState,
  ThemeContext,
  type AppPluginMeta,
  type DataFrame,
  type DataQuery,
  type DataQueryRequest,
  type GrafanaTheme2,
  type PanelProps,
} from '@grafana/data';
import { config, getBackendSrv, setBackendSrv, setDataSourceSrv, setTemplateSrv } from '@grafana/runtime';
// Grafana's own entry of the package, where it sets the PluginPage at start (the bundle maps it: see harness-bundle.ts).
import { setPluginPage } from '@grafana/runtime/internal';
import { GlobalStyles, PanelChrome } from '@grafana/ui';
import { plugin as app } from '../../src/module';
import { plugin as anomalyPanel } from '../../src/panels/anomaly/module';
import { plugin as recommendationsPanel } from '../../src/panels/recommendations/module';
import { SextantDataSource } from '../../src/datasource/datasource';
import { QueryEditor } from '../../src/datasource/QueryEditor';
import type { SextantQuery } from '../../src/datasource/types';
import type { AppSettings } from '../../src/common/context';
import { createBackendSrv } from './backend-srv';
import { appNav, GrafanaChrome, HarnessPluginPage, MAIN_PADDING, MENU_WIDTH, TOP_BAR_HEIGHT } from './grafana-page';
import { queryPrometheus, type PromQuery } from './prometheus';
import { createDataSourceSrv, createTemplateSrv, PROMETHEUS, SEXTANT } from './services';

const sextant = new SextantDataSource(SEXTANT);

setBackendSrv(createBackendSrv());
setDataSourceSrv(createDataSourceSrv(sextant));
setPluginPage(HarnessPluginPage);

const APP_BASE = '/a/sextant-insights-app';
/** Grafana routes a click on a link into its own pages: the harness into the app's (set while an app page is shown). */
let navigateInApp: NavigateFunction | undefined;

/** Grafana's app settings endpoint gives the plugin meta (jsonData, which secure fields are set). */
function useAppMeta(): AppPluginMeta<AppSettings> | undefined {
  const [meta, setMeta] = useState<AppPluginMeta<AppSettings>>();
  useEffect(() => {
    getBackendSrv().get(`/api/plugins/${app.meta?.id ?? 'sextant-insights-app'}/settings`).then(setMeta);
  }, []);
  return meta;
}

/** The app's root under Grafana's route for it, in Grafana's chrome with the app's pages in the menu. */
function AppView({ page }: { page: string }) {
  const meta = useAppMeta();
  if (!meta || !app.root) {
    return null;
  }
  return (
    <MemoryRouter initialEntries={[`${APP_BASE}/${page}`]}>
      <AppRoute meta={meta} />
    </MemoryRouter>
  );
}

function AppRoute({ meta }: { meta: AppPluginMeta<AppSettings> }) {
  const location = useLocation();
  navigateInApp = useNavigate();
  useEffect(() => () => (navigateInApp = undefined), []);
  const nav = appNav(meta.name, meta.includes ?? [], config.bootData.user.orgRole, location.pathname);
  const Root = app.root!;
  return (
    <GrafanaChrome nav={nav} crumbs={['More apps', meta.name, ...(nav.active ? [nav.active.text] : [])]}>
      <Routes>
        <Route
          path={`${APP_BASE}/*`}
          element={<Root meta={meta} basename={APP_BASE} path={location.pathname} query={{}} onNavChanged={() => {}} />}
        />
      </Routes>
    </GrafanaChrome>
  );
}

/** The configuration page, as Grafana's plugin page shows it: the plugin's name, its description, the Configuration tab. */
function ConfigView() {
  const meta = useAppMeta();
  if (!meta) {
    return null;
  }
  app.meta = meta;
  const Body = app.configPages![0]!.body;
  const pageNav = { text: meta.name, subTitle: meta.info.description, children: [{ text: 'Configuration', active: true, url: `/plugins/${meta.id}` }] };
  return (
    <GrafanaChrome nav={appNav(meta.name, meta.includes ?? [], config.bootData.user.orgRole, `/plugins/${meta.id}`)} crumbs={['Administration', 'Plugins and data', 'Plugins', meta.name]}>
      <HarnessPluginPage pageNav={pageNav}>
        <Body plugin={app} query={{}} />
      </HarnessPluginPage>
    </GrafanaChrome>
  );
}

/** The query a dashboard panel would send: from the page's URL (range, interval, targets). */
function panelRequest<Q extends DataQuery>(params: URLSearchParams, targets: Q[]): DataQueryRequest<Q> {
  const to = Number(params.get('to') ?? Date.now());
  const from = Number(params.get('from') ?? to - 24 * 3_600_000);
  const intervalMs = Number(params.get('intervalMs') ?? 60_000);
  const range = { from: dateTime(from), to: dateTime(to), raw: { from: dateTime(from), to: dateTime(to) } };
  return {
    app: CoreApp.Dashboard,
    requestId: 'harness',
    interval: `${intervalMs / 1000}s`,
    intervalMs,
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
  const targets: DataQuery[] = JSON.parse(params.get('targets') ?? '[]');
  // The panel's options as a saved dashboard holds them.
  const options = JSON.parse(params.get('options') ?? '{}');
  const request = panelRequest(params, targets);
  useEffect(() => {
    // The panel's data source: the Sextant warehouse, or the provisioned Prometheus.
    const answer =
      params.get('datasource') === PROMETHEUS.uid
        ? queryPrometheus(PROMETHEUS.uid, request as DataQueryRequest<PromQuery>)
        : sextant.query(request as DataQueryRequest<SextantQuery>).then((response) => response.data as DataFrame[]);
    answer.then(setFrames, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
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
  const title = params.get('title') ?? PANEL_NAMES[kind];
  // A dashboard of this one panel, as wide and as high as the page beside Grafana's menu.
  const width = window.innerWidth - MENU_WIDTH - 2 * MAIN_PADDING - 2 * DASHBOARD_PADDING;
  const height = window.innerHeight - TOP_BAR_HEIGHT - MAIN_PADDING - 2 * DASHBOARD_PADDING;
  return (
    <div data-testid="panel-frame" data-frames={frames.length} style={{ padding: DASHBOARD_PADDING }}>
      <PanelChrome width={width} height={height} title={title}>
        {(innerWidth, innerHeight) => (
          <Panel
            id={1}
            data={{ state: LoadingState.Done, series: frames, timeRange: request.range }}
            timeRange={request.range}
            timeZone="utc"
            options={options}
            fieldConfig={{ defaults: {}, overrides: [] }}
            transparent={false}
            width={innerWidth}
            height={innerHeight}
            renderCounter={0}
            title={title}
            eventBus={new EventBusSrv()}
            onOptionsChange={() => {}}
            onFieldConfigChange={() => {}}
            replaceVariables={(text) => text}
            onChangeTimeRange={() => {}}
          />
        )}
      </PanelChrome>
    </div>
  );
}

const DASHBOARD_PADDING = 16;
/** The panels' names in their plugin.json, the title a new panel of each gets. */
const PANEL_NAMES = { anomaly: 'Sextant anomalies', recommendations: 'Sextant recommendations' };

function QueryEditorView() {
  const [query, setQuery] = useState<SextantQuery>({ refId: 'A', ...sextant.getDefaultQuery() });
  return (
    <div>
      <QueryEditor datasource={sextant} query={query} onChange={setQuery} onRunQuery={() => {}} />
      <pre data-testid="query-json">{JSON.stringify(query)}</pre>
    </div>
  );
}

function Shell({ theme, children }: { theme: GrafanaTheme2; children: ReactNode }) {
  return (
    <ThemeContext.Provider value={theme}>
      <GlobalStyles />
      {children}
    </ThemeContext.Provider>
  );
}

/** A dashboard page of the harness: Grafana's chrome with the dashboard's breadcrumbs. */
function DashboardView({ children }: { children: ReactNode }) {
  const meta = useAppMeta();
  if (!meta) {
    return null;
  }
  return (
    <GrafanaChrome nav={appNav(meta.name, meta.includes ?? [], config.bootData.user.orgRole, '')} crumbs={['Dashboards', 'Sextant', 'Sextant overview']}>
      {children}
    </GrafanaChrome>
  );
}

function View({ view, params }: { view: string; params: URLSearchParams }) {
  switch (view) {
    case 'config':
      return <ConfigView />;
    case 'panel-anomaly':
    case 'panel-recommendations':
      return (
        <DashboardView>
          <PanelView kind={view === 'panel-anomaly' ? 'anomaly' : 'recommendations'} params={params} />
        </DashboardView>
      );
    case 'query-editor':
      return (
        <DashboardView>
          <QueryEditorView />
        </DashboardView>
      );
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
  routed.length = 0;
  root.render(
    <Shell key={search} theme={theme}>
      <View view={view} params={params} />
    </Shell>
  );
}

/**
 * Grafana takes a click on a link without a target for a route of its own single-page app
 * (interceptLinkClicks): such a link never reaches the server. The harness does the same, keeps
 * where each one would have gone since the view was shown, and follows those into the app's pages.
 */
const routed: string[] = [];
document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a') : null;
  const href = link?.getAttribute('href');
  if (href && !link!.getAttribute('target') && !event.defaultPrevented && !event.ctrlKey && !event.metaKey) {
    event.preventDefault();
    routed.push(href);
    if (href.startsWith(`${APP_BASE}/`)) {
      navigateInApp?.(href);
    }
  }
});

Object.assign(window, { harness: { show, routed } });
show(window.location.search.slice(1));
