import React, { useMemo, type ReactNode } from 'react';
import { config, PluginPage } from '@grafana/runtime';
import { appPageNav, type GrafanaRole } from '../common/pageNav';
import type { ROUTES } from '../constants';

/**
 * Grafana's page layout for one of the app's pages: PluginPage with the page's title, subtitle and
 * the app's pages as tabs (those the signed-in user's role may open).
 */
export function AppPage({ route, actions, children }: { route: ROUTES; actions?: ReactNode; children: ReactNode }) {
  const role = (config.bootData?.user?.orgRole || 'None') as GrafanaRole;
  const pageNav = useMemo(() => appPageNav(route, role), [route, role]);
  return (
    <PluginPage pageNav={pageNav} actions={actions}>
      {children}
    </PluginPage>
  );
}
