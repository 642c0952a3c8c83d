/**
 * Grafana-style data frames, the shape in which the BI query API answers and the plugin draws.
 * Columnar: every field holds one value per row.
 */
export type FieldType = 'time' | 'number' | 'string' | 'boolean' | 'other';

export interface Field {
  name: string;
  type: FieldType;
  values: unknown[];
  labels?: Record<string, string>;
  config?: { unit?: string; displayName?: string };
}

export interface DataFrame {
  name?: string;
  refId?: string;
  fields: Field[];
  meta?: Record<string, unknown>;
}
