import { urlUtil } from '@grafana/data';
import { seriesKey, type Labels } from '@sextant/core';

/**
 * Link to Grafana's Explore on the Prometheus data source for one scored series: the dataset's own
 * PromQL, and Sextant's score and band metrics for the series (which keep the series' labels). The
 * selector is the canonical label set, escaped as PromQL reads it, so no label value can break it.
 */
export function exploreUrl(prometheusUid: string, datasetQuery: string | undefined, labels: Labels, from: number, to: number): string {
  const { __name__: _name, ...own } = labels;
  const matchers = seriesKey(own).slice(1, -1);
  const selector = `{__name__=~"sextant_anomaly_(score|upper_band|lower_band)"${matchers ? `,${matchers}` : ''}}`;
  const datasource = { type: 'prometheus', uid: prometheusUid };
  const queries = [
    ...(datasetQuery ? [{ refId: 'A', datasource, expr: datasetQuery }] : []),
    { refId: 'B', datasource, expr: selector },
  ];
  const panes = { sextant: { datasource: prometheusUid, queries, range: { from: String(from), to: String(to) } } };
  return urlUtil.renderUrl('/explore', { schemaVersion: 1, panes: JSON.stringify(panes), orgId: 1 });
}
