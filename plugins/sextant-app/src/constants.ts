export const APP_ID = 'sextant-insights-app';
export const ANOMALY_PANEL_ID = 'sextant-anomaly-panel';
export const RECOMMENDATIONS_PANEL_ID = 'sextant-recommendations-panel';
export const DATASOURCE_ID = 'sextant-warehouse-datasource';

/** The data-proxy route of plugin.json that adds the API token on Grafana's side. */
export const PROXY_ROUTE = 'sextant';

/** Where the app's pages reach Sextant: Grafana's plugin proxy, through the route above. */
export const APP_PROXY_BASE = `/api/plugin-proxy/${APP_ID}/${PROXY_ROUTE}`;

export const PLUGIN_BASE_URL = `/a/${APP_ID}`;

export enum ROUTES {
  Overview = 'overview',
  Anomalies = 'anomalies',
  Predictions = 'predictions',
  Recommendations = 'recommendations',
  Alerts = 'alerts',
  Rules = 'rules',
  Reports = 'reports',
}

export function prefixRoute(route: ROUTES): string {
  return `${PLUGIN_BASE_URL}/${route}`;
}
