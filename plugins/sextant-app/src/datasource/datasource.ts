import {
  DataSourceApi,
  type DataQueryRequest,
  type DataQueryResponse,
  type DataSourceInstanceSettings,
  type MetricFindValue,
  type ScopedVars,
  type TestDataSourceResponse,
} from '@grafana/data';
import { getTemplateSrv } from '@grafana/runtime';
import type { BiQuery, ReferenceJoin } from '@sextant/core';
import { alertHistory, listAnomalies, listDatasets, listRecommendations, runQuery } from '../common/api';
import { SextantClient } from '../common/client';
import { RECOMMENDATION_STATUSES } from '../common/types';
import { PROXY_ROUTE } from '../constants';
import { alertFrame, anomalyFrame, fromSextantFrame, recommendationFrame } from './frames';
import { DEFAULT_QUERY, type SextantOptions, type SextantQuery } from './types';
import { parseVariableQuery } from './variables';

const LABEL_VALUES_LOOKBACK_MS = 28 * 86_400_000;

/** The panel's join with variables filled in; an empty scale means none. */
function joinOf(join: ReferenceJoin, fill: (text: string) => string): ReferenceJoin {
  const scaleBy = fill(join.scaleBy ?? '');
  return { table: fill(join.table), label: fill(join.label), column: fill(join.column), ...(scaleBy ? { scaleBy } : {}) };
}

/**
 * Sextant's warehouse as a Grafana data source. Requests go through Grafana's data source proxy
 * (`instanceSettings.url` is the proxy path), whose plugin.json route adds the API token.
 */
export class SextantDataSource extends DataSourceApi<SextantQuery, SextantOptions> {
  readonly client: SextantClient;

  constructor(instanceSettings: DataSourceInstanceSettings<SextantOptions>) {
    super(instanceSettings);
    this.client = new SextantClient(`${instanceSettings.url ?? ''}/${PROXY_ROUTE}`);
    // Annotations use query() with the standard editor: anomaly events and alert history frames
    // carry the time, timeEnd, title, text and tags fields Grafana reads.
    this.annotations = {};
  }

  getDefaultQuery(): Partial<SextantQuery> {
    return DEFAULT_QUERY;
  }

  filterQuery(query: SextantQuery): boolean {
    return !query.hide && ((query.kind ?? 'bi') !== 'bi' || Boolean(query.dataset));
  }

  async query(request: DataQueryRequest<SextantQuery>): Promise<DataQueryResponse> {
    const window = { from: request.range.from.valueOf(), to: request.range.to.valueOf() };
    const targets = request.targets.filter((t) => this.filterQuery(t));
    const results = await Promise.all(
      targets.map(async (target) => {
        switch (target.kind ?? 'bi') {
          case 'anomalies':
            return [anomalyFrame(await listAnomalies(this.client, window), target.refId)];
          case 'alerts':
            return [alertFrame(await alertHistory(this.client, window), target.refId)];
          case 'recommendations':
            return [recommendationFrame(await listRecommendations(this.client, RECOMMENDATION_STATUSES), target.refId)];
          default: {
            const frames = await runQuery(this.client, this.toBiQuery(target, window, request.scopedVars));
            return frames.map((frame) => fromSextantFrame(frame, target.refId));
          }
        }
      })
    );
    return { data: results.flat() };
  }

  /** The panel's query with dashboard variables filled in, as the BiQuery the API takes. */
  toBiQuery(query: SextantQuery, window: { from: number; to: number }, scopedVars: ScopedVars = {}): BiQuery {
    const templates = getTemplateSrv();
    const fill = (text: string, format?: string) => templates.replace(text, scopedVars, format);
    return {
      dataset: fill(query.dataset ?? ''),
      measures: query.measures?.length ? query.measures : DEFAULT_QUERY.measures!,
      groupBy: (query.groupBy ?? []).map((label) => fill(label)).filter((label) => label !== ''),
      filters: (query.filters ?? []).map((f) => ({
        ...f,
        // A multi-value variable becomes an alternation, which only the regex operators read.
        value: fill(f.value, f.op === '=~' || f.op === '!~' ? 'regex' : undefined),
      })),
      bucket: query.bucket ?? DEFAULT_QUERY.bucket!,
      range: { start: window.from, end: window.to },
      ...(query.join?.table ? { join: joinOf(query.join, fill) } : {}),
    };
  }

  async metricFindQuery(text: string): Promise<MetricFindValue[]> {
    const query = parseVariableQuery(getTemplateSrv().replace(text));
    const datasets = query.kind === 'label_values' ? [] : await listDatasets(this.client);
    switch (query.kind) {
      case 'datasets':
        return datasets.map((d) => ({ text: d.name, value: d.name }));
      case 'labels': {
        const dataset = datasets.find((d) => d.name === query.dataset);
        if (!dataset) {
          throw new Error(`labels(${query.dataset}): no such dataset`);
        }
        return dataset.keepLabels.map((label) => ({ text: label, value: label }));
      }
      case 'label_values':
        return (await this.labelValues(query.dataset, query.label)).map((v) => ({ text: v, value: v }));
    }
  }

  /**
   * A label's values: the groups of a daily count over the last weeks, asked from the query API
   * (the warehouse answers one frame per value).
   */
  async labelValues(dataset: string, label: string, now = Date.now()): Promise<string[]> {
    const frames = await runQuery(this.client, {
      dataset,
      measures: ['count'],
      groupBy: [label],
      filters: [],
      bucket: '1d',
      range: { start: now - LABEL_VALUES_LOOKBACK_MS, end: now },
    });
    const values = frames.map((frame) => frame.fields.find((f) => f.type === 'number')?.labels?.[label]);
    return [...new Set(values.filter((v): v is string => v !== undefined))].sort();
  }

  async testDatasource(): Promise<TestDataSourceResponse> {
    try {
      const datasets = await listDatasets(this.client);
      return { status: 'success', message: `Connected to Sextant: ${datasets.length} datasets.` };
    } catch (error) {
      return { status: 'error', message: error instanceof Error ? error.message : String(error) };
    }
  }
}
