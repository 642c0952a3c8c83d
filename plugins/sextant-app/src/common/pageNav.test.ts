import { appPageNav, APP_PAGES } from './pageNav';
import { ROUTES } from '../constants';

describe('appPageNav', () => {
  it("gives the page's title and subtitle, its own URL, and the app's pages as tabs with it active", () => {
    const nav = appPageNav(ROUTES.Anomalies, 'Admin');
    expect(nav.text).toBe('Anomalies');
    expect(nav.subTitle).toMatch(/expected value and band/);
    expect(nav.url).toBe('/a/sextant-insights-app/anomalies');
    expect(nav.children?.map((c) => c.text)).toEqual(APP_PAGES.map((p) => p.title));
    expect(nav.children?.filter((c) => c.active).map((c) => c.url)).toEqual(['/a/sextant-insights-app/anomalies']);
  });

  it('leaves out the tabs of pages above the signed-in role, as Grafana leaves them out of its menu', () => {
    const tabs = (role: 'Viewer' | 'Editor' | 'Admin') => appPageNav(ROUTES.Overview, role).children?.map((c) => c.text);
    expect(tabs('Admin')).toContain('Audit log');
    expect(tabs('Editor')).toEqual(expect.arrayContaining(['Rules']));
    expect(tabs('Editor')).not.toContain('Audit log');
    expect(tabs('Viewer')).not.toEqual(expect.arrayContaining(['Rules']));
    expect(tabs('Viewer')).toHaveLength(APP_PAGES.length - 2);
  });
});
