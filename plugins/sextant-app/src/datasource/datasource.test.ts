import { of } from 'rxjs';
import { dateTime, type DataQueryRequest, type DataSourceInstanceSettings } from '@grafana/data';
import { setBackendSrv, setTemplateSrv, type BackendSrv, type BackendSrvRequest, type TemplateSrv } from '@grafana/runtime';
import { SextantDataSource } from './datasource';
import type { SextantOptions, SextantQuery } from './types';

const settings = { url: '/api/datasources/proxy/uid/sextant', jsonData: {} } as DataSourceInstanceSettings<SextantOptions>;

/** Grafana's services for the data source: requests answered from `answers`, and one variable. */
function wire(answers: Record<string, unknown>) {
  const requests: BackendSrvRequest[] = [];
  setBackendSrv({
    fetch: (options: BackendSrvRequest) => {
      requests.push(options);
      const path = options.url.replace('/api/datasources/proxy/uid/sextant/sextant', '').split('?')[0]!;
      return of({ data: answers[`${options.method} ${path}`], status: 200, ok: true });
    },
  } as unknown as BackendSrv);
  const variables: Record<string, string[]> = { service: ['checkout', 'search'], dataset: ['http_requests_per_second'] };
  setTemplateSrv({
    replace: (text = '', _vars, format) =>
      text.replace(/\$(\w+)/g, (whole, name: string) => {
        const values = variables[name];
        return values ? (format === 'regex' ? `(${values.join('|')})` : values.join(',')) : whole;
      }),
  } as TemplateSrv);
  return requests;
}

const request = (targets: SextantQuery[]) =>
  ({ targets, range: { from: dateTime(1_000), to: dateTime(9_000) }, scopedVars: {} }) as unknown as DataQueryRequest<SextantQuery>;

describe('SextantDataSource', () => {
  it('sends the panel\'s query as a BiQuery through the data proxy route, with variables filled in', async () => {
    const requests = wire({
      'POST /api/v1/query': {
        frames: [
          {
            name: 'http_requests_per_second{service="checkout"}',
            fields: [
              { name: 'time', type: 'time', values: [1_000, 2_000] },
              { name: 'avg', type: 'number', values: [1.5, null], labels: { service: 'checkout' } },
            ],
          },
        ],
      },
    });
    const ds = new SextantDataSource(settings);
    const response = await ds.query(
      request([
        {
          refId: 'A',
          kind: 'bi',
          dataset: '$dataset',
          measures: ['avg'],
          groupBy: ['service'],
          filters: [{ label: 'service', op: '=~', value: '$service' }],
          bucket: '1h',
        },
      ])
    );
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toBe('/api/datasources/proxy/uid/sextant/sextant/api/v1/query');
    expect(requests[0]!.data).toEqual({
      dataset: 'http_requests_per_second',
      measures: ['avg'],
      groupBy: ['service'],
      filters: [{ label: 'service', op: '=~', value: '(checkout|search)' }],
      bucket: '1h',
      range: { start: 1_000, end: 9_000 },
    });
    const [frame] = response.data;
    expect(frame.refId).toBe('A');
    expect(frame.fields.map((f: { name: string; type: string }) => [f.name, f.type])).toEqual([
      ['time', 'time'],
      ['avg', 'number'],
    ]);
    expect(frame.fields[1].labels).toEqual({ service: 'checkout' });
  });

  it('sends a panel\'s join with the BiQuery, variables filled in, and leaves out an empty scale', async () => {
    const requests = wire({ 'POST /api/v1/query': { frames: [] } });
    const ds = new SextantDataSource(settings);
    const base = { refId: 'A', kind: 'bi' as const, dataset: 'cpu', measures: ['sum' as const], groupBy: ['hosts.team'], filters: [{ label: 'hosts.team', op: '=' as const, value: 'web' }], bucket: '1d' as const };
    await ds.query(request([{ ...base, join: { table: 'hosts', label: 'instance', column: 'host', scaleBy: 'cost_per_hour' } }]));
    await ds.query(request([{ ...base, join: { table: 'hosts', label: 'instance', column: 'host', scaleBy: '' } }]));
    await ds.query(request([{ ...base, join: { table: '', label: '', column: '' } }]));
    expect(requests.map((r) => (r.data as { join?: unknown }).join)).toEqual([
      { table: 'hosts', label: 'instance', column: 'host', scaleBy: 'cost_per_hour' },
      { table: 'hosts', label: 'instance', column: 'host' },
      undefined,
    ]);
    expect((requests[0]!.data as { groupBy: string[] }).groupBy).toEqual(['hosts.team']);
  });

  it('skips warehouse queries without a dataset instead of sending a request the API refuses', async () => {
    const requests = wire({});
    const response = await new SextantDataSource(settings).query(request([{ refId: 'A', kind: 'bi' }]));
    expect(requests).toHaveLength(0);
    expect(response.data).toEqual([]);
  });

  it('answers variable queries from the datasets and from grouped counts', async () => {
    wire({
      'GET /api/v1/datasets': { datasets: [{ name: 'up', query: 'up', keepLabels: ['job', 'instance'], stepMs: 60_000, watermark: 1 }] },
      'POST /api/v1/query': {
        frames: ['b', 'a'].map((job) => ({ fields: [{ name: 'time', type: 'time', values: [] }, { name: 'count', type: 'number', values: [], labels: { job } }] })),
      },
    });
    const ds = new SextantDataSource(settings);
    expect(await ds.metricFindQuery('datasets')).toEqual([{ text: 'up', value: 'up' }]);
    expect((await ds.metricFindQuery('labels(up)')).map((v) => v.text)).toEqual(['job', 'instance']);
    expect((await ds.metricFindQuery('label_values(up, job)')).map((v) => v.text)).toEqual(['a', 'b']);
    await expect(ds.metricFindQuery('labels(nope)')).rejects.toThrow('labels(nope): no such dataset');
  });
});
