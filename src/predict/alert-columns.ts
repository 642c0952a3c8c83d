// Alert periods as columns, for a worker thread: a structured clone of 100,000 period objects held
// the service's event loop up to 68 ms (bench/results/soak.md); their columns are five typed arrays
// (a copy of a few megabytes) and each distinct entity, alertname and severity once.
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

/** Builds the columns a period at a time (the service adds them in slices, with turns of its event loop between). */
export class AlertPeriodColumnsBuilder {
  private readonly table = new StringTable();
  private readonly entity: number[] = [];
  private readonly alertname: number[] = [];
  private readonly severity: number[] = [];
  private readonly startsAt: number[] = [];
  private readonly endsAt: number[] = [];

  add(p: AlertPeriod): void {
    this.entity.push(this.table.indexOf(p.entity));
    this.alertname.push(this.table.indexOf(p.alertname));
    this.severity.push(this.table.indexOf(p.severity));
    this.startsAt.push(p.startsAt);
    this.endsAt.push(p.endsAt ?? NaN);
  }

  columns(): AlertPeriodColumns {
    return {
      names: this.table.names,
      entity: Uint32Array.from(this.entity),
      alertname: Uint32Array.from(this.alertname),
      severity: Uint32Array.from(this.severity),
      startsAt: Float64Array.from(this.startsAt),
      endsAt: Float64Array.from(this.endsAt),
    };
  }
}

export function alertPeriodColumns(periods: readonly AlertPeriod[]): AlertPeriodColumns {
  const builder = new AlertPeriodColumnsBuilder();
  for (const p of periods) builder.add(p);
  return builder.columns();
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
