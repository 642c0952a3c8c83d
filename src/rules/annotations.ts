// The annotations and labels every generated alert carries: a summary, a description and, when the
// user has a runbook site, a runbook_url (alert analytics flag alerts without one); the category
// label that Alertmanager routes on.
import { ALERT_KINDS, runbookUrl, type AlertKind, type RunbookLinks } from './alert-kinds.js';
import { text, type Template } from './template.js';

export function alertAnnotations(kind: AlertKind, summary: Template, description: Template, runbook: RunbookLinks | undefined): Record<string, Template> {
  const annotations: Record<string, Template> = { summary, description };
  if (runbook) annotations.runbook_url = [runbookUrl(kind, runbook)];
  return annotations;
}

/** `sextant_category`: anomaly, risk, capacity, slo, threshold or absent (see alert-kinds.ts). */
export function categoryLabel(kind: AlertKind): Record<string, Template> {
  return { sextant_category: text(ALERT_KINDS[kind]) };
}

export function expandAll(templates: Record<string, Template>, labels: Record<string, string>, expand: (t: Template, l: Record<string, string>) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(templates).map(([k, v]) => [k, expand(v, labels)]));
}
