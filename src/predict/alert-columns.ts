// Alert periods as columns, for a worker thread: a structured clone of 100,000 period objects held
// the service's event loop up to 68 ms (bench/results/soak.md); their columns move as transferred
// buffers, with each distinct entity, alertname and severity copied once.
import { StringTable } from '../collections/index.js';
import type { AlertPeriod } from './alerts.js';

export interface AlertPeriodColumns {
  /** Every distinct entity, alertname and severity, once; the columns below index it. */
  names: string[];
  entity: Uint32Array;
  alertname: Uint32Array;
  severity: Uint32Array;
  startsAt: Float64Array;
  /** NaN while the alert still fires. */
  endsAt: Float64Array;
}

export function alertPeriodColumns(periods: readonly AlertPeriod[]): AlertPeriodColumns {
  const table = new StringTable();
  const n = periods.length;
  const columns: AlertPeriodColumns = {
    names: table.names,
    entity: new Uint32Array(n),
    alertname: new Uint32Array(n),
    severity: new Uint32Array(n),
    startsAt: new Float64Array(n),
    endsAt: new Float64Array(n),
  };
  periods.forEach((p, i) => {
    columns.entity[i] = table.indexOf(p.entity);
    columns.alertname[i] = table.indexOf(p.alertname);
    columns.severity[i] = table.indexOf(p.severity);
    columns.startsAt[i] = p.startsAt;
    columns.endsAt[i] = p.endsAt ?? NaN;
  });
  return columns;
}

export function alertPeriodsOf(columns: AlertPeriodColumns): AlertPeriod[] {
  const { names } = columns;
  return Array.from(columns.startsAt, (startsAt, i) => {
    const endsAt = columns.endsAt[i]!;
    return {
      entity: names[columns.entity[i]!]!,
      alertname: names[columns.alertname[i]!]!,
      severity: names[columns.severity[i]!]!,
      startsAt,
      ...(Number.isNaN(endsAt) ? {} : { endsAt }),
    };
  });
}

/** The columns' buffers, to transfer to the worker (unusable here afterwards). */
export function alertColumnBuffers(columns: AlertPeriodColumns): ArrayBuffer[] {
  return [columns.entity, columns.alertname, columns.severity, columns.startsAt, columns.endsAt].map((c) => c.buffer as ArrayBuffer);
}
