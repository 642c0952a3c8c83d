// What Grafana's frontend puts around a plugin's page, for the harness: the top bar with breadcrumbs,
// the docked menu with the app's pages (from plugin.json's includes, as Grafana's nav tree builds
// them), and the PluginPage that @grafana/runtime gets from Grafana at start (setPluginPage): the page
// header (title, subtitle, actions), the tabs of `pageNav.children`, then the page. Written after
// Grafana 13's layout (core/components/Page and AppChrome), in the theme's colours; no Grafana code.
import React, { createContext, useContext, type ReactNode } from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2, NavModelItem, PluginInclude } from '@grafana/data';
import type { PluginPageProps } from '@grafana/runtime';
import { Icon, Tab, TabsBar, useStyles2, type IconName } from '@grafana/ui';

export const TOP_BAR_HEIGHT = 40;
export const MENU_WIDTH = 260;
/** Space between the page and the window's edges below and beside it. */
export const MAIN_PADDING = 4;

/** The app's node of Grafana's nav tree and the entry of it that is open. */
export interface AppNav {
  app: NavModelItem;
  active?: NavModelItem;
}

const AppNavContext = createContext<AppNav | undefined>(undefined);

/** The app's node as Grafana builds it from plugin.json: a child per page include with addToNav that the user's role may see. */
export function appNav(name: string, includes: PluginInclude[], role: string, path: string): AppNav {
  const rank = (r?: string) => ['Viewer', 'Editor', 'Admin'].indexOf(r ?? 'Viewer');
  const children = includes
    .filter((i) => i.type === 'page' && i.addToNav && rank(i.role) <= rank(role))
    .map((i) => ({ text: i.name, url: i.path, icon: i.icon as IconName | undefined, active: i.path === path }));
  return { app: { text: name, url: children[0]?.url, children }, active: children.find((c) => c.active) };
}

const MENU: Array<{ text: string; icon: IconName }> = [
  { text: 'Home', icon: 'home-alt' },
  { text: 'Dashboards', icon: 'apps' },
  { text: 'Explore', icon: 'compass' },
  { text: 'Alerting', icon: 'bell' },
];

/** The top bar (breadcrumbs after Home) and the docked menu, with the page beside the menu. */
export function GrafanaChrome({ nav, crumbs, children }: { nav: AppNav; crumbs: string[]; children: ReactNode }) {
  const styles = useStyles2(getStyles);
  return (
    <AppNavContext.Provider value={nav}>
      <div className={styles.chrome} data-testid="grafana-chrome">
        <header className={styles.topBar}>
          <Icon name="grafana" size="xl" />
          <nav aria-label="Breadcrumbs" className={styles.crumbs} data-testid="breadcrumbs">
            {['Home', ...crumbs].map((crumb, i, all) => (
              <span key={i} className={styles.crumb}>
                {i > 0 && <Icon name="angle-right" />}
                <span className={i === all.length - 1 ? styles.current : undefined}>{crumb}</span>
              </span>
            ))}
          </nav>
          <div className={styles.search}>
            <Icon name="search" /> Search or jump to...
          </div>
        </header>
        <div className={styles.body}>
          <aside className={styles.menu} aria-label="Navigation">
            {MENU.map((item) => (
              <div key={item.text} className={styles.item}>
                <Icon name={item.icon} /> {item.text}
              </div>
            ))}
            <div className={styles.item}>
              <Icon name="layer-group" /> More apps
            </div>
            <div className={cx(styles.item, styles.indent)}>
              <Icon name="angle-down" /> {nav.app.text}
            </div>
            {nav.app.children?.map((child) => (
              <a key={child.url} href={child.url} className={cx(styles.item, styles.child, child.active && styles.active)}>
                {child.text}
              </a>
            ))}
            <div className={styles.item}>
              <Icon name="adjust-circle" /> Connections
            </div>
            <div className={styles.item}>
              <Icon name="cog" /> Administration
            </div>
          </aside>
          <main className={styles.main}>{children}</main>
        </div>
      </div>
    </AppNavContext.Provider>
  );
}

/** Grafana's PluginPage: the page of the app's nav entry, or `pageNav`, with its header and tabs. */
export function HarnessPluginPage({ children, pageNav, subTitle, actions }: PluginPageProps) {
  const styles = useStyles2(getStyles);
  const nav = useContext(AppNavContext);
  const header = pageNav ?? nav?.active;
  const sub = subTitle ?? header?.subTitle;
  return (
    <div className={styles.page} data-testid="plugin-page">
      {header && (
        <div className={styles.header}>
          <div className={styles.titleRow}>
            <h1 className={styles.title}>{header.text}</h1>
            {actions && <div className={styles.actions}>{actions}</div>}
          </div>
          {sub && (
            <div className={styles.subTitle} data-testid="page-subtitle">
              {sub}
            </div>
          )}
        </div>
      )}
      {pageNav?.children && (
        <div className={styles.tabs} data-testid="page-tabs">
          <TabsBar>
            {pageNav.children.map((child) => (
              <Tab key={child.url} label={child.text} active={child.active} href={child.url} />
            ))}
          </TabsBar>
        </div>
      )}
      <div>{children}</div>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  chrome: css({ minHeight: '100vh', background: theme.colors.background.canvas, display: 'flex', flexDirection: 'column' }),
  topBar: css({
    height: TOP_BAR_HEIGHT,
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(2),
    padding: theme.spacing(0, 2),
    background: theme.colors.background.primary,
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  crumbs: css({ display: 'flex', alignItems: 'center', flex: 1, color: theme.colors.text.secondary, whiteSpace: 'nowrap' }),
  crumb: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(0.5), marginRight: theme.spacing(0.5) }),
  current: css({ color: theme.colors.text.primary }),
  search: css({
    width: 280,
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    padding: theme.spacing(0.5, 1),
    color: theme.colors.text.disabled,
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    background: theme.components.input.background,
  }),
  body: css({ display: 'flex', flex: 1, minHeight: 0 }),
  menu: css({
    width: MENU_WIDTH,
    flexShrink: 0,
    padding: theme.spacing(1, 0),
    background: theme.colors.background.primary,
    borderRight: `1px solid ${theme.colors.border.weak}`,
  }),
  item: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1.5),
    padding: theme.spacing(0.75, 2),
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  indent: css({ paddingLeft: theme.spacing(4), color: theme.colors.text.primary }),
  child: css({ paddingLeft: theme.spacing(7.5), '&:hover': { color: theme.colors.text.primary } }),
  active: css({
    color: theme.colors.text.primary,
    background: theme.colors.action.selected,
    boxShadow: `inset 3px 0 0 ${theme.colors.primary.main}`,
  }),
  main: css({ flex: 1, minWidth: 0, padding: `0 ${MAIN_PADDING}px ${MAIN_PADDING}px` }),
  page: css({
    minHeight: '100%',
    padding: theme.spacing(3, 4),
    background: theme.colors.background.primary,
    border: `1px solid ${theme.colors.border.weak}`,
    borderTop: 'none',
  }),
  header: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1), marginBottom: theme.spacing(2) }),
  titleRow: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(2), flexWrap: 'wrap' }),
  title: css({ margin: 0, flex: 1 }),
  actions: css({ display: 'flex', gap: theme.spacing(1) }),
  subTitle: css({ color: theme.colors.text.secondary }),
  tabs: css({ paddingBottom: theme.spacing(3) }),
});
