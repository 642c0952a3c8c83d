export const APP_ID = 'sextant-insights-app';
export const ANOMALY_PANEL_ID = 'sextant-anomaly-panel';
export const RECOMMENDATIONS_PANEL_ID = 'sextant-recommendations-panel';
export const DATASOURCE_ID = 'sextant-warehouse-datasource';

/**
 * The data-proxy routes of plugin.json, one per Grafana role, each adding its own Sextant token on
 * Grafana's side: reads for every user (a viewer token), changes for Grafana editors (an editor
 * token), the audit log for Grafana admins (an admin token). A Grafana viewer never reaches a route
 * that carries an editor's token.
 */
export const PROXY_ROUTE = 'sextant';
export const EDITOR_ROUTE = 'editor';
export const ADMIN_ROUTE = 'admin';

/** Where the app's pages reach Sextant: Grafana's plugin proxy, through the routes above. */
export const APP_PROXY_BASE = `/api/plugin-proxy/${APP_ID}/${PROXY_ROUTE}`;
export const APP_EDITOR_BASE = `/api/plugin-proxy/${APP_ID}/${EDITOR_ROUTE}`;
export const APP_ADMIN_BASE = `/api/plugin-proxy/${APP_ID}/${ADMIN_ROUTE}`;

export const PLUGIN_BASE_URL = `/a/${APP_ID}`;

export enum ROUTES {
  Overview = 'overview',
  Anomalies = 'anomalies',
  Predictions = 'predictions',
  Recommendations = 'recommendations',
  Alerts = 'alerts',
  Rules = 'rules',
  Reports = 'reports',
  Audit = 'audit',
}

export function prefixRoute(route: ROUTES): string {
  return `${PLUGIN_BASE_URL}/${route}`;
}
