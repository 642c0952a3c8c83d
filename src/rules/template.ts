// Alert labels and annotations are Go templates in Prometheus. User text must never become a template
// action (`{{ query "..." }}` would run a query), so text is escaped and label references are explicit.

/** Literal text or a reference to one of the alert's labels. */
export type TemplatePart = string | { label: string };
export type Template = TemplatePart[];

/** Text that Prometheus must print as is: every `{{` is written as the template action that prints it. */
function literal(text: string): string {
  return text.replaceAll('{{', '{{ "{{" }}');
}

export function renderTemplate(template: Template): string {
  return template.map((part) => (typeof part === 'string' ? literal(part) : `{{ $labels.${part.label} }}`)).join('');
}

/** What Prometheus prints for the template given the alert's labels (a missing label prints nothing). */
export function expandTemplate(template: Template, labels: Record<string, string>): string {
  return template.map((part) => (typeof part === 'string' ? part : (labels[part.label] ?? ''))).join('');
}

export function text(value: string): Template {
  return [value];
}
