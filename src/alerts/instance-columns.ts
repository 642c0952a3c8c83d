// Alert instances as columns, for a worker thread: a structured clone of 100,000 instance objects
// holds the service's event loop for tens of milliseconds; their columns move as transferred buffers,
// with each distinct fingerprint, alertname, service and severity copied once.
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

export function alertInstanceColumns(instances: readonly AlertInstance[]): AlertInstanceColumns {
  const table = new StringTable();
  const n = instances.length;
  const columns: AlertInstanceColumns = {
    names: table.names,
    fingerprint: new Uint32Array(n),
    alertname: new Uint32Array(n),
    service: new Uint32Array(n),
    severity: new Uint32Array(n),
    startsAt: new Float64Array(n),
    endsAt: new Float64Array(n),
    flags: new Uint8Array(n),
  };
  instances.forEach((a, i) => {
    columns.fingerprint[i] = table.indexOf(a.fingerprint);
    columns.alertname[i] = table.indexOf(a.alertname);
    columns.service[i] = table.indexOf(a.service);
    columns.severity[i] = table.indexOf(a.severity);
    columns.startsAt[i] = a.startsAtMs;
    columns.endsAt[i] = a.endsAtMs ?? NaN;
    columns.flags[i] = (a.silenced ? SILENCED : 0) | (a.inhibited ? INHIBITED : 0) | (a.hasRunbook ? HAS_RUNBOOK : 0);
  });
  return columns;
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

/** The columns' buffers, to transfer to the worker (unusable here afterwards). */
export function instanceColumnBuffers(columns: AlertInstanceColumns): ArrayBuffer[] {
  const { fingerprint, alertname, service, severity, startsAt, endsAt, flags } = columns;
  return [fingerprint, alertname, service, severity, startsAt, endsAt, flags].map((c) => c.buffer as ArrayBuffer);
}

/** analyseAlerts on instances sent as columns (in a worker thread). */
export function analyseAlertsOnColumns(columns: AlertInstanceColumns, from: number, to: number, now: number, options: Partial<AnalysisOptions> = {}): AlertAnalysis {
  return analyseAlerts(alertInstancesOf(columns), from, to, now, options);
}
