// Reads the shape of a zod schema: which keys an object has, what a leaf expects. Env overrides,
// error messages and the docs check use it, so they follow the schema without a second list.
import type { z } from 'zod';
import { isSecretSchema } from './secret.js';

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  defaultValue?: unknown;
}

export type PathSegment = string | number;
export type LeafKind = 'number' | 'boolean' | 'string' | 'secret';

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

const wrappers = new Set(['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch']);

/** The schema under defaults, optionals and transforms (the part that says what input is accepted). */
export function core(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    if (isSecretSchema(current)) return current;
    const def = defOf(current);
    if (wrappers.has(def.type) && def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

/** The "expected ..." phrase of a field: the first description met while unwrapping it. */
export function expectedOf(schema: z.ZodType): string | undefined {
  let current = schema;
  for (;;) {
    if (current.description) return current.description;
    const def = defOf(current);
    if (wrappers.has(def.type) && def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else return undefined;
  }
}

export function isSecretField(schema: z.ZodType): boolean {
  return isSecretSchema(core(schema));
}

/** Keys of an object schema, or undefined when `schema` is not an object. */
export function keysOf(schema: z.ZodType): string[] | undefined {
  const shape = defOf(core(schema)).shape;
  return shape ? Object.keys(shape) : undefined;
}

/** The schema of `path` inside `schema`, or undefined when the path leaves the schema. */
export function schemaAt(schema: z.ZodType, path: readonly PathSegment[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = schema;
  for (const segment of path) {
    if (!current) return undefined;
    const def = defOf(core(current));
    if (def.type === 'object') current = def.shape?.[String(segment)];
    else if (def.type === 'array') current = def.element;
    else if (def.type === 'record') current = def.valueType;
    else return undefined;
  }
  return current;
}

/** What a scalar field takes, or undefined for objects, arrays and maps. */
export function leafKind(schema: z.ZodType): LeafKind | undefined {
  const inner = core(schema);
  if (isSecretSchema(inner)) return 'secret';
  const type = defOf(inner).type;
  if (type === 'number' || type === 'int') return 'number';
  if (type === 'boolean') return 'boolean';
  if (type === 'string' || type === 'enum' || type === 'literal') return 'string';
  return undefined;
}

export type Node = { kind: 'object'; keys: string[] } | { kind: 'array' } | { kind: 'record' } | { kind: 'leaf'; leaf: LeafKind };

export function nodeOf(schema: z.ZodType): Node | undefined {
  const def = defOf(core(schema));
  if (def.type === 'object') return { kind: 'object', keys: Object.keys(def.shape ?? {}) };
  if (def.type === 'array') return { kind: 'array' };
  if (def.type === 'record') return { kind: 'record' };
  const leaf = leafKind(schema);
  return leaf ? { kind: 'leaf', leaf } : undefined;
}

/** The default of a field as written in YAML, or undefined when it has none. */
export function defaultOf(schema: z.ZodType): unknown {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (def.type === 'default' || def.type === 'prefault') return def.defaultValue;
    if (wrappers.has(def.type) && def.innerType) current = def.innerType;
    else return undefined;
  }
}

export interface ScalarField {
  path: PathSegment[];
  schema: z.ZodType;
  leaf: LeafKind;
}

/** Every scalar field reachable through objects; `'*'` stands for an array index. */
export function scalarFields(schema: z.ZodType, path: PathSegment[] = []): ScalarField[] {
  const node = nodeOf(schema);
  if (!node || node.kind === 'record') return [];
  if (node.kind === 'leaf') return [{ path, schema, leaf: node.leaf }];
  if (node.kind === 'array') {
    const element = schemaAt(schema, [0]);
    return element ? scalarFields(element, [...path, '*']) : [];
  }
  return node.keys.flatMap((key) => {
    const child = schemaAt(schema, [key]);
    return child ? scalarFields(child, [...path, key]) : [];
  });
}

export function formatPath(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number' || segment === '*') text += `[${segment}]`;
    else text += text ? `.${segment}` : segment;
  }
  return text;
}
