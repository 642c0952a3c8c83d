// The part of Grafana's Prometheus data source that a panel sees: a range query per target through
// the data source proxy, each series of the answer one frame in the data plane's "timeseries-multi"
// shape (a `Time` field and a `Value` field carrying the series' labels, `__name__` included), as
// Grafana's backend converter gives them to panels.
import { FieldType, toDataFrame, type DataFrame, type DataQuery, type DataQueryRequest } from '@grafana/data';
import { getBackendSrv } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';

export interface PromQuery extends DataQuery {
  expr: string;
}

interface MatrixAnswer {
  status: string;
  data: { resultType: 'matrix'; result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> };
}

/** Range queries over the request's time range, one step per `intervalMs`, through Grafana's proxy to the data source `uid`. */
export async function queryPrometheus(uid: string, request: DataQueryRequest<PromQuery>): Promise<DataFrame[]> {
  const step = Math.max(1, Math.round(request.intervalMs / 1000));
  // Grafana aligns the range to the step, so that every refresh asks for the same timestamps.
  const start = Math.floor(request.range.from.valueOf() / 1000 / step) * step;
  const end = Math.ceil(request.range.to.valueOf() / 1000 / step) * step;
  const answers = await Promise.all(
    request.targets.map(async (target) => {
      const params = new URLSearchParams({ query: target.expr, start: String(start), end: String(end), step: String(step) });
      const response = await lastValueFrom(
        getBackendSrv().fetch<MatrixAnswer>({ url: `/api/datasources/proxy/uid/${uid}/api/v1/query_range?${params}` })
      );
      return response.data.data.result.map((series) =>
        toDataFrame({
          refId: target.refId,
          meta: { type: 'timeseries-multi', typeVersion: [0, 1], custom: { resultType: 'matrix' }, executedQueryString: `Expr: ${target.expr}` },
          fields: [
            { name: 'Time', type: FieldType.time, values: series.values.map(([t]) => t * 1000) },
            { name: 'Value', type: FieldType.number, values: series.values.map(([, v]) => Number(v)), labels: series.metric },
          ],
        })
      );
    })
  );
  return answers.flat();
}
