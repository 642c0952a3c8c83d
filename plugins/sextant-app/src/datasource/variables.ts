/** The variable queries the data source understands, parsed from the text a user types. */
export type VariableQuery =
  | { kind: 'datasets' }
  | { kind: 'labels'; dataset: string }
  | { kind: 'label_values'; dataset: string; label: string };

const LABELS = /^labels\(\s*([^,)]+?)\s*\)$/;
const LABEL_VALUES = /^label_values\(\s*([^,)]+?)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/;

export function parseVariableQuery(text: string): VariableQuery {
  const query = text.trim();
  if (query === '' || query === 'datasets') {
    return { kind: 'datasets' };
  }
  const labels = LABELS.exec(query);
  if (labels) {
    return { kind: 'labels', dataset: labels[1]! };
  }
  const values = LABEL_VALUES.exec(query);
  if (values) {
    return { kind: 'label_values', dataset: values[1]!, label: values[2]! };
  }
  throw new Error(`Variable query "${query}": expected datasets, labels(<dataset>) or label_values(<dataset>, <label>)`);
}
