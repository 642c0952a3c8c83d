import type { BiQuery, DataFrame, Series, TimeRange } from '@sextant/core';
import type { IngestRun, RollupResult, StorageLevel, Warehouse } from '../../warehouse/warehouse.js';

/**
 * A warehouse for unit tests of the HTTP layer only: answers each tenant with frames named after
 * that tenant, and records what it was asked. (The real DuckDB warehouse is tested by its own area
 * and end to end by the serve test.)
 */
export class FakeWarehouse implements Warehouse {
  readonly queries: Array<{ tenant: string; query: BiQuery }> = [];
  failWith: Error | undefined;
  ready = true;
  runs: IngestRun[] = [];

  async migrate(): Promise<number> {
    return 1;
  }
  isReady(): boolean {
    return this.ready;
  }
  async replaceWindow(_t: string, _d: string, _w: TimeRange, _s: Series[]): Promise<number> {
    return 0;
  }
  async watermark(tenant: string, dataset: string): Promise<number | undefined> {
    return tenant === 'a' && dataset === 'cpu' ? 1_700_000_000_000 : undefined;
  }
  async watermarks(tenant: string): Promise<Map<string, number>> {
    return new Map(tenant === 'a' ? [['cpu', 1_700_000_000_000]] : []);
  }
  async recordIngestRun(run: IngestRun): Promise<void> {
    this.runs.push(run);
  }
  async listIngestRuns(tenant: string, limit: number): Promise<IngestRun[]> {
    return this.runs.filter((r) => r.tenant === tenant).slice(0, limit);
  }
  async rollup(): Promise<RollupResult> {
    return { rows: { '5m': 0, '1h': 0, '1d': 0 } };
  }
  async enforceRetention(_now: number): Promise<Record<StorageLevel, number>> {
    return { points: 0, '5m': 0, '1h': 0, '1d': 0 };
  }
  async query(tenant: string, query: BiQuery): Promise<DataFrame[]> {
    if (this.failWith) throw this.failWith;
    this.queries.push({ tenant, query });
    return [{ name: `${tenant}/${query.dataset}`, fields: [{ name: 'time', type: 'time', values: [query.range.start] }] }];
  }
  async exportParquet(): Promise<number> {
    return 0;
  }
  async sizeBytes(): Promise<number> {
    return 0;
  }
  async close(): Promise<void> {
    this.ready = false;
  }
}
