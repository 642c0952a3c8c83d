// Environment overrides. Every scalar setting has a variable: SEXTANT_ followed by its path, each
// key in UPPER_SNAKE_CASE (camelCase split at capitals), joined by "_", list items by their index:
//   server.port                  -> SEXTANT_SERVER_PORT
//   server.bodyLimitBytes        -> SEXTANT_SERVER_BODY_LIMIT_BYTES
//   warehouse.retention.5m       -> SEXTANT_WAREHOUSE_RETENTION_5M
//   auth.tokens[0].token         -> SEXTANT_AUTH_TOKENS_0_TOKEN
// SEXTANT_CONFIG names the config file. A variable whose name starts with a section's prefix but
// names no setting is an error (a typo must not be silently ignored); other SEXTANT_ variables are
// left alone. Maps (source.prometheus.headers) are set in the file only.
import type { z } from 'zod';
import { formatPath, nodeOf, scalarFields, schemaAt, type LeafKind, type PathSegment } from './schema-walk.js';
import { didYouMean } from './suggest.js';

export const PREFIX = 'SEXTANT_';
export const CONFIG_FILE_VARIABLE = 'SEXTANT_CONFIG';

function snake(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** The variable that overrides `path` ('*' for a list index is shown as N). */
export function envName(path: readonly PathSegment[]): string {
  return PREFIX + path.map((segment) => (segment === '*' ? 'N' : typeof segment === 'number' ? String(segment) : snake(segment))).join('_');
}

interface Match {
  path: PathSegment[];
  leaf: LeafKind;
}

function match(schema: z.ZodType, rest: string): Match | undefined {
  const node = nodeOf(schema);
  if (node?.kind === 'object') {
    for (const key of node.keys) {
      const child = schemaAt(schema, [key]);
      if (!child) continue;
      const name = snake(key);
      const childNode = nodeOf(child);
      if (rest === name && childNode?.kind === 'leaf') return { path: [key], leaf: childNode.leaf };
      if (rest.startsWith(`${name}_`)) {
        const found = match(child, rest.slice(name.length + 1));
        if (found) return { path: [key, ...found.path], leaf: found.leaf };
      }
    }
  } else if (node?.kind === 'array') {
    const index = /^(\d+)(?:_(.+))?$/.exec(rest);
    const element = schemaAt(schema, [0]);
    if (index && element) {
      const elementNode = nodeOf(element);
      if (index[2] === undefined) return elementNode?.kind === 'leaf' ? { path: [Number(index[1])], leaf: elementNode.leaf } : undefined;
      const found = match(element, index[2]);
      if (found) return { path: [Number(index[1]), ...found.path], leaf: found.leaf };
    }
  }
  return undefined;
}

/** Env text as the type the field takes; left as text when it does not parse, so the error shows it. */
function coerce(text: string, leaf: LeafKind): unknown {
  if (leaf === 'number' && /^-?\d+(\.\d+)?(e\d+)?$/i.test(text.trim())) return Number(text);
  if (leaf === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

function setAt(doc: Record<string, unknown>, path: readonly PathSegment[], value: unknown): void {
  let node: Record<string | number, unknown> = doc;
  path.forEach((segment, i) => {
    if (i === path.length - 1) {
      node[segment] = value;
      return;
    }
    const existing = node[segment];
    if (existing === null || typeof existing !== 'object') node[segment] = typeof path[i + 1] === 'number' ? [] : {};
    node = node[segment] as Record<string | number, unknown>;
  });
}

export interface EnvOverrides {
  /** Which variable set each overridden path (formatted path -> variable). */
  origins: Map<string, string>;
  problems: string[];
}

/** Applies the SEXTANT_ variables of `env` to `doc` (in place). */
export function applyEnvOverrides(
  doc: Record<string, unknown>,
  schema: z.ZodType,
  env: Readonly<Record<string, string | undefined>>,
): EnvOverrides {
  const origins = new Map<string, string>();
  const problems: string[] = [];
  const sections = nodeOf(schema)?.kind === 'object' ? (nodeOf(schema) as { keys: string[] }).keys : [];
  const known = scalarFields(schema).map((field) => envName(field.path));
  for (const [variable, text] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (!variable.startsWith(PREFIX) || variable === CONFIG_FILE_VARIABLE || text === undefined) continue;
    const rest = variable.slice(PREFIX.length);
    const found = match(schema, rest);
    if (found) {
      setAt(doc, found.path, coerce(text, found.leaf));
      origins.set(formatPath(found.path), variable);
    } else if (sections.some((section) => rest === snake(section) || rest.startsWith(`${snake(section)}_`))) {
      const suggestion = didYouMean(variable, known);
      problems.push(`${variable}: no such setting${suggestion ? `, did you mean ${suggestion}?` : ''}`);
    }
  }
  return { origins, problems };
}
