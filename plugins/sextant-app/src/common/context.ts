import { createContext, useContext } from 'react';
import { APP_PROXY_BASE } from '../constants';
import { SextantClient } from './client';

export interface AppSettings {
  /** Sextant's base URL, for the data-proxy route. */
  url?: string;
  /** UID of the Prometheus data source that Explore links open. */
  prometheusUid?: string;
}

export interface AppContextValue {
  client: SextantClient;
  settings: AppSettings;
}

export const AppContext = createContext<AppContextValue>({ client: new SextantClient(APP_PROXY_BASE), settings: {} });

export function useApp(): AppContextValue {
  return useContext(AppContext);
}
