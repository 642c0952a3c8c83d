// Turns zod issues into sentences that name the place, the value found and what was expected:
//   sextant.yaml: server.port: got "abc" (string), expected an integer between 1 and 65535
import type { z } from 'zod';
import { expectedOf, formatPath, isSecretField, keysOf, nodeOf, schemaAt, type PathSegment } from './schema-walk.js';
import { didYouMean } from './suggest.js';

/** Every problem of a config, one sentence each. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

export function valueAt(doc: unknown, path: readonly PathSegment[]): unknown {
  let node = doc;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

function show(value: unknown, secret: boolean): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (secret) return `a ${typeof value}`;
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return `${JSON.stringify(shown)} (string)`;
  }
  return `${String(value)} (${typeof value})`;
}

/** "Invalid input: expected number, received string" -> "number", for fields without a description. */
function zodPhrase(message: string): string {
  if (/^Invalid [A-Za-z0-9 ]+$/.test(message)) return message.replace(/^Invalid /, 'a valid '); // "Invalid URL"
  return message.replace(/^[^:]*: expected /, '').replace(/, received .*$/, '');
}

function shapePhrase(field: z.ZodType): string | undefined {
  const node = nodeOf(field);
  if (node?.kind === 'object' || node?.kind === 'record') return 'a mapping';
  if (node?.kind === 'array') return 'a list';
  return undefined;
}

/** Where a path's value came from: the env variable that set it (or a parent), else the file. */
export type OriginOf = (path: readonly PathSegment[]) => string;

export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
  doc: unknown,
  originOf: OriginOf,
): string[] {
  const problems: string[] = [];
  for (const issue of issues) {
    const path = issue.path as PathSegment[];
    const at = (p: readonly PathSegment[]): string => (p.length ? `${originOf(p)}: ${formatPath(p)}` : originOf(p));
    if (issue.code === 'unrecognized_keys') {
      const parent = schemaAt(schema, path);
      const keys = parent ? (keysOf(parent) ?? []) : [];
      for (const key of issue.keys) {
        const suggestion = didYouMean(key, keys);
        const hint = suggestion ? `did you mean "${suggestion}"?` : `expected one of ${keys.join(', ')}`;
        problems.push(`${at([...path, key])}: unknown key, ${hint}`);
      }
      continue;
    }
    if (issue.code === 'custom' && !issue.params?.expected) {
      problems.push(`${at(path)}: ${issue.message}`);
      continue;
    }
    const field = schemaAt(schema, path);
    const expected = (field && (expectedOf(field) ?? shapePhrase(field))) ?? zodPhrase(issue.message);
    const got = show(valueAt(doc, path), field ? isSecretField(field) : false);
    problems.push(`${at(path)}: got ${got}, expected ${expected}`);
  }
  return problems;
}
