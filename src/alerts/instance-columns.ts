// Alert instances as columns: how the warehouse hands the alert history to the service and the
// service to a worker thread. 100,000 instance objects cost the event loop tens of milliseconds to
// build and hundreds to clone for a worker, and their garbage collection pauses grow with them; as
// columns they are seven typed arrays (copied to a worker as they are, not transferred: one read of
// the store may serve several jobs at once) and each distinct fingerprint, alertname, service and
// severity once.
import { StringTable } from '../collections/index.js';
import { analyseAlerts, type AlertAnalysis, type AlertInstance, type AnalysisOptions } from './analysis.js';

export interface AlertInstanceColumns {
  /** Every distinct fingerprint, alertname, service and severity, once; the columns below index it. */
  names: string[];
  fingerprint: Uint32Array;
  alertname: Uint32Array;
  service: Uint32Array;
  severity: Uint32Array;
  startsAt: Float64Array;
  /** NaN while the alert still fires. */
  endsAt: Float64Array;
  /** SILENCED | INHIBITED | HAS_RUNBOOK bits. */
  flags: Uint8Array;
}

const SILENCED = 1;
const INHIBITED = 2;
const HAS_RUNBOOK = 4;

/**
 * Builds the columns an instance at a time (e.g. as a warehouse read streams its chunks), so that
 * no list of instance objects is ever held: each string is kept once, each number in a flat array.
 */
export class AlertInstanceColumnsBuilder {
  private readonly table = new StringTable();
  private readonly fingerprint: number[] = [];
  private readonly alertname: number[] = [];
  private readonly service: number[] = [];
  private readonly severity: number[] = [];
  private readonly startsAt: number[] = [];
  private readonly endsAt: number[] = [];
  private readonly flags: number[] = [];

  add(a: AlertInstance): void {
    this.fingerprint.push(this.table.indexOf(a.fingerprint));
    this.alertname.push(this.table.indexOf(a.alertname));
    this.service.push(this.table.indexOf(a.service));
    this.severity.push(this.table.indexOf(a.severity));
    this.startsAt.push(a.startsAtMs);
    this.endsAt.push(a.endsAtMs ?? NaN);
    this.flags.push((a.silenced ? SILENCED : 0) | (a.inhibited ? INHIBITED : 0) | (a.hasRunbook ? HAS_RUNBOOK : 0));
  }

  columns(): AlertInstanceColumns {
    return {
      names: this.table.names,
      fingerprint: Uint32Array.from(this.fingerprint),
      alertname: Uint32Array.from(this.alertname),
      service: Uint32Array.from(this.service),
      severity: Uint32Array.from(this.severity),
      startsAt: Float64Array.from(this.startsAt),
      endsAt: Float64Array.from(this.endsAt),
      flags: Uint8Array.from(this.flags),
    };
  }
}

export function alertInstanceColumns(instances: readonly AlertInstance[]): AlertInstanceColumns {
  const builder = new AlertInstanceColumnsBuilder();
  for (const a of instances) builder.add(a);
  return builder.columns();
}

export function alertInstancesOf(columns: AlertInstanceColumns): AlertInstance[] {
  const { names, flags } = columns;
  return Array.from(columns.startsAt, (startsAtMs, i) => {
    const endsAtMs = columns.endsAt[i]!;
    return {
      fingerprint: names[columns.fingerprint[i]!]!,
      alertname: names[columns.alertname[i]!]!,
      service: names[columns.service[i]!]!,
      severity: names[columns.severity[i]!]!,
      startsAtMs,
      endsAtMs: Number.isNaN(endsAtMs) ? null : endsAtMs,
      silenced: (flags[i]! & SILENCED) !== 0,
      inhibited: (flags[i]! & INHIBITED) !== 0,
      hasRunbook: (flags[i]! & HAS_RUNBOOK) !== 0,
    };
  });
}

/** analyseAlerts on instances sent as columns (in a worker thread). */
export function analyseAlertsOnColumns(columns: AlertInstanceColumns, from: number, to: number, now: number, options: Partial<AnalysisOptions> = {}): AlertAnalysis {
  return analyseAlerts(alertInstancesOf(columns), from, to, now, options);
}
