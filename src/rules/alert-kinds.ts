// Every kind of alert the generator can emit. Each kind has a runbook, docs/runbooks/<kind>.md
// (linked from the alert's runbook_url), and a category, the alert's `sextant_category` label, on
// which Alertmanager routes Sextant's alerts (provisioning/alertmanager/sextant-routes.example.yml).
// Kinds stay the same whatever the alert names in the config (SLO and score alerts are named by the user).

export const ALERT_CATEGORIES = ['slo', 'anomaly', 'risk', 'capacity', 'threshold', 'absent', 'pipeline'] as const;
export type AlertCategory = (typeof ALERT_CATEGORIES)[number];

export const ALERT_KINDS = {
  'slo-burn-rate': 'slo',
  'anomaly-score': 'anomaly',
  'anomaly-band': 'anomaly',
  'failure-probability': 'risk',
  'disk-will-fill': 'capacity',
  'memory-will-run-out': 'capacity',
  'cpu-usage': 'threshold',
  'memory-usage': 'threshold',
  'disk-usage': 'threshold',
  'error-ratio': 'threshold',
  'latency-p99': 'threshold',
  'dataset-absent': 'absent',
  'ingest-lag': 'pipeline',
  'ingest-failing': 'pipeline',
  'job-stale': 'pipeline',
  'alert-intake-backlog': 'pipeline',
  'training-failing': 'pipeline',
} as const satisfies Record<string, AlertCategory>;
export type AlertKind = keyof typeof ALERT_KINDS;

/** Where runbooks live: an alert of kind K links `<baseUrl>/<K><suffix>` (suffix ".md" for docs/runbooks on a Git host). */
export interface RunbookLinks {
  baseUrl: string;
  suffix: string;
}

export function runbookUrl(kind: AlertKind, links: RunbookLinks): string {
  return `${links.baseUrl.replace(/\/+$/, '')}/${kind}${links.suffix}`;
}
