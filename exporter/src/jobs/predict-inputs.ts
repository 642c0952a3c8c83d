// What training, inference and the recommendation analyzers read from the warehouse: 5-minute
// rollups of the default datasets as series, and the alert history (from Alertmanager's history when
// the service has it, else replayed threshold rules). Training, inference and the recommend job's
// policy snapshots take the series as columns and build the entity histories in the worker thread.
import { toColumns, type BiQuery, type Measure, type Series, type TimeRange } from '@sextant/core';
import {
  AlertPeriodColumnsBuilder,
  byStartAndEntity,
  DEFAULT_REPLAYED_RULES,
  replayThresholdRule,
  type AlertPeriod,
  type AlertPeriodColumns,
  type ColumnsByDataset,
  type ThresholdRule,
} from '@sextant/core/predict';
import type { TransferListItem } from 'node:worker_threads';
import type { Warehouse } from '../warehouse/warehouse.js';
import { forEachInTurns, yieldToEventLoop } from '../event-loop.js';

/** Labels each dataset is grouped by, and the rollup measure read. */
export const INPUT_DATASETS: Readonly<Record<string, { groupBy: string[]; measure: Measure }>> = {
  up: { groupBy: ['job', 'instance'], measure: 'min' },
  node_cpu_utilisation_ratio: { groupBy: ['instance'], measure: 'avg' },
  node_memory_used_ratio: { groupBy: ['instance'], measure: 'avg' },
  node_filesystem_used_ratio: { groupBy: ['instance', 'mountpoint'], measure: 'avg' },
  process_resident_memory_bytes: { groupBy: ['job', 'instance'], measure: 'avg' },
  http_requests_per_second: { groupBy: ['job', 'service'], measure: 'avg' },
  http_error_ratio: { groupBy: ['job', 'service'], measure: 'avg' },
  http_request_duration_p95_seconds: { groupBy: ['job', 'service'], measure: 'avg' },
  // Container usage and requests (cAdvisor, kube-state-metrics) for right-sizing, when defined as
  // custom datasets with these names; absent datasets simply give no series.
  container_cpu_usage_cores: { groupBy: ['namespace', 'container'], measure: 'avg' },
  container_memory_working_set_bytes: { groupBy: ['namespace', 'container'], measure: 'max' },
  container_cpu_request_cores: { groupBy: ['namespace', 'container'], measure: 'avg' },
  container_memory_request_bytes: { groupBy: ['namespace', 'container'], measure: 'avg' },
};

/** Alert history of a tenant: every firing period overlapping `range`, with the entity it concerns, as columns in order of start. */
export interface AlertHistory {
  periods(tenant: string, range: TimeRange, series: Readonly<Record<string, Series[]>>): Promise<AlertPeriodColumns>;
}

/** Samples replayed between two turns of the event loop. */
export const SAMPLES_PER_TURN = 20_000;

/**
 * The firing periods overlapping `range` that threshold rules (see DEFAULT_REPLAYED_RULES) replay on
 * the loaded series, by start and entity: core replayThresholdRules a series at a time, with a turn
 * for the event loop every SAMPLES_PER_TURN samples (weeks of rollups of every series were 50-60 ms in one go).
 */
export async function replayAlertPeriods(range: TimeRange, series: Readonly<Record<string, Series[]>>, rules: readonly ThresholdRule[] = DEFAULT_REPLAYED_RULES): Promise<AlertPeriod[]> {
  const out: AlertPeriod[] = [];
  let replayed = 0;
  for (const rule of rules) {
    for (const s of series[rule.dataset] ?? []) {
      out.push(...replayThresholdRule(rule, s).filter((a) => a.startsAt < range.end && (a.endsAt ?? Infinity) > range.start));
      replayed += s.samples.length;
      if (replayed >= SAMPLES_PER_TURN) {
        replayed = 0;
        await yieldToEventLoop();
      }
    }
  }
  return out.sort(byStartAndEntity);
}

/** Alert history replayed from threshold rules on the loaded series (replayAlertPeriods). */
export function replayedAlertHistory(rules: readonly ThresholdRule[] = DEFAULT_REPLAYED_RULES): AlertHistory {
  return {
    periods: async (_tenant, range, series) => alertColumnsInTurns(await replayAlertPeriods(range, series, rules)),
  };
}

export async function loadSeries(warehouse: Warehouse, tenant: string, range: TimeRange): Promise<Record<string, Series[]>> {
  const out: Record<string, Series[]> = {};
  for (const [dataset, { groupBy, measure }] of Object.entries(INPUT_DATASETS)) {
    const query: BiQuery = { dataset, measures: [measure], groupBy, filters: [], bucket: '5m', range };
    const frames = await warehouse.query(tenant, query);
    out[dataset] = frames.map((frame) => {
      const [time, values] = frame.fields;
      const samples = (time?.values ?? []).flatMap((t, i) => {
        const v = values?.values[i];
        return typeof v === 'number' && Number.isFinite(v) ? [{ t: Number(t), v }] : [];
      });
      return { labels: { ...(values?.labels ?? {}) }, samples };
    });
  }
  return out;
}

/** The inputs of training and inference as a worker takes them: series and alert periods as columns, `transfer` the series' buffers. */
export interface PredictColumns {
  columns: ColumnsByDataset;
  alerts: AlertPeriodColumns;
  transfer: TransferListItem[];
}

export async function loadPredictColumns(warehouse: Warehouse, alerts: AlertHistory, tenant: string, range: TimeRange): Promise<PredictColumns> {
  const series = await loadSeries(warehouse, tenant, range);
  return { ...seriesColumns(series), alerts: await alerts.periods(tenant, range, series) };
}

/** Alert periods as columns, with a turn of the event loop every 5,000 (100,000 periods held it 20-50 ms in one go). */
async function alertColumnsInTurns(periods: readonly AlertPeriod[]): Promise<AlertPeriodColumns> {
  const builder = new AlertPeriodColumnsBuilder();
  await forEachInTurns(periods.length, (i) => builder.add(periods[i]!));
  return builder.columns();
}

/** Loaded series as columns (a copy) and the buffers to move to the worker. */
export function seriesColumns(series: Readonly<Record<string, Series[]>>): { columns: ColumnsByDataset; transfer: TransferListItem[] } {
  const columns = Object.fromEntries(Object.entries(series).map(([dataset, list]) => [dataset, toColumns(list)]));
  const transfer = Object.values(columns).flatMap((list) => list.flatMap((c) => [c.t.buffer as ArrayBuffer, c.v.buffer as ArrayBuffer]));
  return { columns, transfer };
}
