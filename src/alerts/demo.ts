// Alerts of the demo scenario: each incident fires the alert a real stack would raise for it and
// resolves it when the incident ends; the flapping incident fires and resolves every 3.5 minutes, as
// its CPU swings across 90 %. Pure and deterministic, like the scenario.
import type { Incident, IncidentKind } from '../demo/index.js';

/** One alert instance as Alertmanager would report it. */
export interface DemoAlert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAtMs: number;
  /** When it resolves (may be after `now`: then it is still firing). */
  endsAtMs: number;
}

const RULES: Record<IncidentKind, { alertname: string; runbook: boolean }> = {
  memory_leak: { alertname: 'HostMemoryWillRunOut', runbook: true },
  oom_restart: { alertname: 'TargetDown', runbook: false },
  disk_fill: { alertname: 'HostDiskWillFill', runbook: true },
  latency_regression: { alertname: 'ServiceLatencyP99Warning', runbook: true },
  dependency_slowdown: { alertname: 'ServiceLatencyP99Warning', runbook: true },
  error_burst: { alertname: 'ServiceErrorRatioWarning', runbook: true },
  flapping: { alertname: 'HostCpuUsageCritical', runbook: true },
};

/** The half-period of the flapping incident's square wave (see src/demo/scenario.ts). */
const FLAP_MS = 3.5 * 60_000;

/** FNV-1a, 64 bits, as 16 hex digits: the shape of Alertmanager's fingerprints. */
export function fingerprintOf(labels: Record<string, string>): string {
  let h = 0xcbf29ce484222325n;
  const text = Object.keys(labels)
    .sort()
    .map((k) => `${k}\u00ff${labels[k]}\u00ff`)
    .join('');
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}

export function demoAlerts(incidents: readonly Incident[], runbookBaseUrl = 'https://runbooks.example.com'): DemoAlert[] {
  const alerts: DemoAlert[] = [];
  for (const incident of incidents) {
    const rule = RULES[incident.kind];
    const labels: Record<string, string> = { alertname: rule.alertname, severity: incident.severity, ...incident.labels };
    if (incident.labels.job && !incident.labels.service) labels.service = incident.labels.job;
    const annotations: Record<string, string> = { summary: incident.description };
    if (rule.runbook) annotations.runbook_url = `${runbookBaseUrl}/${rule.alertname.toLowerCase()}`;
    const fingerprint = fingerprintOf(labels);
    if (incident.kind !== 'flapping') {
      alerts.push({ fingerprint, labels, annotations, startsAtMs: incident.start, endsAtMs: incident.end });
      continue;
    }
    // Fires in every "high" half-period (even multiples of FLAP_MS) inside the incident.
    for (let t = Math.ceil(incident.start / (2 * FLAP_MS)) * 2 * FLAP_MS; t < incident.end; t += 2 * FLAP_MS) {
      alerts.push({ fingerprint, labels, annotations, startsAtMs: t, endsAtMs: Math.min(t + FLAP_MS, incident.end) });
    }
  }
  return alerts.sort((a, b) => a.startsAtMs - b.startsAtMs || a.fingerprint.localeCompare(b.fingerprint));
}
