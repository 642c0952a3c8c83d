// Grafana's server writes window.grafanaBootData into every page before any plugin code runs, and
// @grafana/runtime's config reads it on import: this module must be the harness's first import.
const params = new URLSearchParams(window.location.search);
const theme = params.get('theme') === 'light' ? 'light' : 'dark';

Object.assign(window, {
  grafanaBootData: {
    assets: { dark: '', light: '' },
    settings: { appSubUrl: '', buildInfo: { version: '13.1.1', edition: 'Open Source' }, featureToggles: {}, datasources: {} },
    user: { id: 1, login: 'admin', orgId: 1, orgRole: 'Admin', isSignedIn: true, theme, timezone: 'utc' },
    navTree: [],
  },
});
