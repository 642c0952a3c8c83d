import {
  PluginType,
  type DataSourceApi,
  type DataSourceInstanceSettings,
  type DataSourcePluginMeta,
  type ScopedVars,
  type TypedVariableModel,
} from '@grafana/data';
import type { DataSourceSrv, TemplateSrv } from '@grafana/runtime';
import { SextantDataSource } from '../../src/datasource/datasource';
import type { SextantOptions } from '../../src/datasource/types';

/** The data sources a provisioned Grafana of the reference stack has (provisioning/grafana/datasources). */
function meta(id: string, name: string): DataSourcePluginMeta {
  return {
    id,
    name,
    type: PluginType.datasource,
    module: '',
    baseUrl: '',
    info: {
      author: { name: 'harness' },
      description: '',
      links: [],
      logos: { small: 'public/build/img/icons/unicons/database.svg', large: 'public/build/img/icons/unicons/database.svg' },
      screenshots: [],
      updated: '',
      version: '',
    },
  };
}

export const PROMETHEUS: DataSourceInstanceSettings = {
  id: 1,
  uid: 'prometheus',
  name: 'Prometheus',
  type: 'prometheus',
  meta: meta('prometheus', 'Prometheus'),
  jsonData: {},
  access: 'proxy',
  readOnly: true,
};

export const SEXTANT: DataSourceInstanceSettings<SextantOptions> = {
  id: 2,
  uid: 'sextant',
  name: 'Sextant warehouse',
  type: 'sextant-warehouse-datasource',
  meta: meta('sextant-warehouse-datasource', 'Sextant warehouse'),
  // As Grafana gives a proxied data source: its URL is the data source proxy path.
  url: '/api/datasources/proxy/uid/sextant',
  jsonData: {},
  access: 'proxy',
  readOnly: true,
};

export function createDataSourceSrv(sextant: SextantDataSource): DataSourceSrv {
  const all = [PROMETHEUS, SEXTANT];
  const find = (ref?: { uid?: string } | string | null) => {
    const uid = typeof ref === 'string' ? ref : ref?.uid;
    return all.find((ds) => ds.uid === uid || ds.name === uid);
  };
  return {
    get: async (ref) => {
      if (find(ref)?.uid !== SEXTANT.uid) {
        throw new Error(`the harness has no data source instance for ${JSON.stringify(ref)}`);
      }
      return sextant as unknown as DataSourceApi;
    },
    getList: (filters) => all.filter((ds) => !filters?.pluginId || ds.type === filters.pluginId),
    getInstanceSettings: (ref) => find(ref),
    reload: async () => {},
    registerRuntimeDataSource: () => {},
  };
}

/** Dashboard variables, as Grafana's template service would hold them for the harness page. */
export function createTemplateSrv(variables: Record<string, string[]>): TemplateSrv {
  const pattern = /\$(\w+)|\$\{(\w+)\}/g;
  return {
    getVariables: () => [] as TypedVariableModel[],
    containsTemplate: (target?: string) => Boolean(target && Object.keys(variables).some((name) => target.includes(`$${name}`))),
    updateTimeRange: () => {},
    replace: (target?: string, _scopedVars?: ScopedVars, format?: unknown) =>
      (target ?? '').replace(pattern, (whole, a: string | undefined, b: string | undefined) => {
        const values = variables[a ?? b ?? ''];
        if (!values) {
          return whole;
        }
        return format === 'regex' ? `(${values.map(escapeRegex).join('|')})` : values.join(',');
      }),
  };
}

function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
