import { createContext, useContext } from 'react';
import { APP_ADMIN_BASE, APP_EDITOR_BASE, APP_PROXY_BASE } from '../constants';
import { SextantClient } from './client';

export interface AppSettings {
  /** Sextant's base URL, for the data-proxy route. */
  url?: string;
  /** UID of the Prometheus data source that Explore links open. */
  prometheusUid?: string;
}

export interface AppContextValue {
  /** Reads through the viewers' route, changes through the editors'. */
  client: SextantClient;
  /** The admins' route (the audit log). */
  admin: SextantClient;
  settings: AppSettings;
}

/** The app's clients: one per plugin.json route. */
export function appClients(): Pick<AppContextValue, 'client' | 'admin'> {
  return { client: new SextantClient(APP_PROXY_BASE, APP_EDITOR_BASE), admin: new SextantClient(APP_ADMIN_BASE) };
}

export const AppContext = createContext<AppContextValue>({ ...appClients(), settings: {} });

export function useApp(): AppContextValue {
  return useContext(AppContext);
}
