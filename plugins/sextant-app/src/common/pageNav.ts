import type { NavModelItem } from '@grafana/data';
import { prefixRoute, ROUTES } from '../constants';

export type GrafanaRole = 'None' | 'Viewer' | 'Editor' | 'Admin';

export interface AppPageInfo {
  route: ROUTES;
  /** The page's title: the name of its `page` include in plugin.json, which Grafana's menu shows. */
  title: string;
  subtitle: string;
  /** The lowest Grafana role that sees the page (the include's `role`); every signed-in user when unset. */
  role?: 'Editor' | 'Admin';
}

/** The app's pages in the order of plugin.json's includes (a test holds the two together). */
export const APP_PAGES: AppPageInfo[] = [
  { route: ROUTES.Overview, title: 'Overview', subtitle: 'Anomalies of the last hour, failure risk, open recommendations and ingest health.' },
  { route: ROUTES.Anomalies, title: 'Anomalies', subtitle: 'Anomaly events scored by Sextant, with the expected value and band, the series around them and why they fired.' },
  { route: ROUTES.Predictions, title: 'Predictions', subtitle: 'Probability that each service fails within the horizon, from the trained model, with the features that move it most.' },
  { route: ROUTES.Recommendations, title: 'Recommendations', subtitle: 'Ranked actions with what Sextant learned about them from earlier outcomes: apply, dismiss, rate.' },
  { route: ROUTES.Alerts, title: 'Alert analytics', subtitle: 'Firings, time to resolve, flaps and silences per alert rule, from the Alertmanager history.' },
  { route: ROUTES.Rules, title: 'Rules', subtitle: 'Prometheus rule files and their promtool tests, written in the browser by the same generators as `sextant rules`.', role: 'Editor' },
  { route: ROUTES.Reports, title: 'Reports', subtitle: "The tenant's daily, weekly and monthly BI reports, to generate and download." },
  { route: ROUTES.Audit, title: 'Audit log', subtitle: 'Who changed what in Sextant, when, and with what result.', role: 'Admin' },
];

const RANK: Record<GrafanaRole, number> = { None: 0, Viewer: 1, Editor: 2, Admin: 3 };

function allowed(page: AppPageInfo, role: GrafanaRole): boolean {
  return RANK[role] >= RANK[page.role ?? 'Viewer'];
}

/**
 * The `pageNav` a page gives Grafana's PluginPage: its title and subtitle for the page header, and
 * the app's pages the user may open as tabs, the current one active. Its URL is the page's own, so
 * Grafana's breadcrumbs do not repeat the page after the menu's entry for it.
 */
export function appPageNav(route: ROUTES, role: GrafanaRole): NavModelItem {
  const page = APP_PAGES.find((p) => p.route === route);
  if (!page) {
    throw new Error(`no app page for route ${route}`);
  }
  return {
    id: `sextant-${page.route}`,
    text: page.title,
    subTitle: page.subtitle,
    url: prefixRoute(page.route),
    children: APP_PAGES.filter((p) => allowed(p, role)).map((p) => ({
      id: `sextant-tab-${p.route}`,
      text: p.title,
      url: prefixRoute(p.route),
      active: p.route === route,
    })),
  };
}
