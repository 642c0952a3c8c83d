// The body of POST /api/v1/query, checked field by field before anything reaches the warehouse.
import { BUCKETS, FILTER_OPS, MEASURES, type BiQuery, type Bucket } from '@sextant/core';
import { checkRegex } from '@sextant/core/rules';
import { z } from 'zod';
import { formatDuration } from '../config/duration.js';
import type { WarehouseConfig } from '../config/sections/warehouse.js';
import { formatPath, type PathSegment } from '../config/schema-walk.js';
import { isRelativeTime, parseTime } from '../time-text.js';
import { HttpError } from './http-error.js';

export type QueryLimits = WarehouseConfig['query'];

const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'expected a label name (letters, digits, _; not starting with a digit)');
const identifier = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'expected a name of letters, digits and _ (not starting with a digit)');
/** A label, or `<table>.<column>` of the joined reference table. */
const fieldName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*(\.[a-zA-Z_][a-zA-Z0-9_]*)?$/, 'expected a label name (letters, digits, _; not starting with a digit), or table.column of the joined reference table');

/** Unix milliseconds, or an RFC 3339 date-time such as 2026-11-25T06:00:00Z (relative times are resolved before). */
const instant = z.union([
  z.number().int().min(0).max(8.64e15),
  z.iso.datetime({ offset: true }).transform((text) => Date.parse(text)),
], { error: 'expected Unix milliseconds, an RFC 3339 date-time such as 2026-11-25T06:00:00Z, or a time relative to now such as now-24h' });

function validRegex(value: string): boolean {
  try {
    checkRegex(value, 'regex');
    return true;
  } catch {
    return false;
  }
}

export function biQuerySchema(limits: QueryLimits) {
  return z
    .strictObject({
      dataset: z.string().min(1).max(128),
      measures: z.array(z.enum(MEASURES)).min(1).max(limits.maxMeasures),
      groupBy: z.array(fieldName).max(limits.maxGroupBy).default([]),
      filters: z
        .array(
          z
            .strictObject({ label: fieldName, op: z.enum(FILTER_OPS), value: z.string().max(1024) })
            .refine((f) => !f.op.endsWith('~') || validRegex(f.value), { message: 'expected a valid RE2 regular expression (no lookaround or backreferences)', path: ['value'] }),
        )
        .max(limits.maxFilters)
        .default([]),
      bucket: z.enum(BUCKETS),
      range: z.strictObject({ start: instant, end: instant }),
      join: z.strictObject({ table: identifier, label: labelName, column: identifier, scaleBy: identifier.optional() }).optional(),
    })
    .superRefine((query, ctx) => {
      const fields = [...query.groupBy.map((name, i) => ({ name, path: ['groupBy', i] })), ...query.filters.map((f, i) => ({ name: f.label, path: ['filters', i, 'label'] }))];
      for (const { name, path } of fields) {
        const table = name.includes('.') ? name.slice(0, name.indexOf('.')) : undefined;
        if (table === undefined || table === query.join?.table) continue;
        const message = query.join ? `${name}: the query joins table ${query.join.table}, not ${table}` : `${name} names a reference table's column, but the query has no join`;
        ctx.addIssue({ code: 'custom', path, message });
      }
      const { start, end } = query.range;
      if (end <= start) {
        ctx.addIssue({ code: 'custom', path: ['range'], message: 'range.end must be later than range.start' });
        return;
      }
      const limit = limits.maxRange[query.bucket as Bucket];
      if (end - start > limit) {
        ctx.addIssue({
          code: 'custom',
          path: ['range'],
          message: `range spans ${formatDuration(end - start)}, more than the ${formatDuration(limit)} allowed for bucket ${query.bucket} (warehouse.query.maxRange.${query.bucket})`,
        });
      }
    });
}

/** `body` with a range written relative to now ("now-24h", "now", "now-2d/d") turned into Unix ms, both ends at the same `now`. */
function resolveRelativeRange(body: object, now: number): object {
  const range = (body as { range?: unknown }).range;
  if (range === null || typeof range !== 'object' || Array.isArray(range)) return body;
  const resolved: Record<string, unknown> = { ...range };
  for (const end of ['start', 'end']) {
    const text = resolved[end];
    if (typeof text !== 'string' || !isRelativeTime(text)) continue;
    try {
      resolved[end] = parseTime(text, now, `range.${end}`);
    } catch (error) {
      throw new HttpError(400, `invalid query: ${(error as Error).message}`);
    }
  }
  return { ...body, range: resolved };
}

/** The query in `body`, or an HttpError 400 that says every reason it is refused; relative times count back from `now`. */
export function parseBiQuery(body: unknown, schema: ReturnType<typeof biQuerySchema>, now: number): BiQuery {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'expected a JSON object body (Content-Type: application/json)');
  }
  if ('tenant' in body) {
    throw new HttpError(400, 'tenant: not allowed in the body; the tenant comes from the bearer token');
  }
  const parsed = schema.safeParse(resolveRelativeRange(body, now));
  if (!parsed.success) {
    // The first few reasons, each cut: a body of 5,000 unknown keys is one mistake, not 5,000 lines.
    const { issues } = parsed.error;
    const reasons = issues.slice(0, 5).map((issue) => `${formatPath(issue.path as PathSegment[]) || 'body'}: ${issue.message}`.slice(0, 300));
    throw new HttpError(400, `invalid query: ${reasons.join('; ')}${issues.length > 5 ? `; and ${issues.length - 5} more` : ''}`);
  }
  return parsed.data;
}
