import { urlUtil } from '@grafana/data';
import { seriesKey, type Labels } from '@sextant/core';

/**
 * Link to Grafana's Explore showing one series on the Prometheus data source. The selector is the
 * series' canonical label set (escaped the way PromQL reads it), so no label value can break the query.
 */
export function exploreUrl(prometheusUid: string, labels: Labels, from: number, to: number): string {
  const panes = {
    sextant: {
      datasource: prometheusUid,
      queries: [{ refId: 'A', datasource: { type: 'prometheus', uid: prometheusUid }, expr: seriesKey(labels) }],
      range: { from: String(from), to: String(to) },
    },
  };
  return urlUtil.renderUrl('/explore', { schemaVersion: 1, panes: JSON.stringify(panes), orgId: 1 });
}
