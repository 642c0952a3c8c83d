// The annotations every generated alert carries: a summary, a description and, when the user has a
// runbook site, a runbook_url (alert analytics flag alerts without one).
import type { Template } from './template.js';

export function alertAnnotations(
  alertname: string,
  summary: Template,
  description: Template,
  runbookBaseUrl: string | undefined,
): Record<string, Template> {
  const annotations: Record<string, Template> = { summary, description };
  if (runbookBaseUrl) annotations.runbook_url = [`${runbookBaseUrl.replace(/\/+$/, '')}/${alertname.toLowerCase()}`];
  return annotations;
}

export function expandAll(templates: Record<string, Template>, labels: Record<string, string>, expand: (t: Template, l: Record<string, string>) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(templates).map(([k, v]) => [k, expand(v, labels)]));
}
