// A small YAML emitter for rule files and promtool test files. Every string is either a double-quoted
// scalar with all special characters escaped, or a literal block (`|-`) when it is multi-line plain
// text, so no value can change the document's structure.

import { doubleQuoted } from './promql.js';

export type YamlValue = string | number | boolean | YamlValue[] | { [key: string]: YamlValue | undefined };

const PLAIN_KEY = /^[a-zA-Z_][a-zA-Z0-9_]*$/;


/** A multi-line string of printable ASCII lines without edge whitespace reads best as a literal block. */
function blockable(value: string): boolean {
  if (!value.includes('\n')) return false;
  return value.split('\n').every((line) => /^[\x20-\x7e]*$/.test(line) && line === line.trimEnd()) && !/^\s/.test(value);
}

function key(name: string): string {
  return PLAIN_KEY.test(name) ? name : doubleQuoted(name);
}

function scalar(value: string | number | boolean, indent: string): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`yaml: ${value} is not a finite number`);
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  if (blockable(value)) return `|-\n${value.split('\n').map((l) => (l ? indent + l : '')).join('\n')}`;
  return doubleQuoted(value);
}

function isScalar(value: YamlValue): value is string | number | boolean {
  return typeof value !== 'object';
}

function emit(value: YamlValue, indent: string): string[] {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return ['[]'];
    const lines: string[] = [];
    for (const item of value) {
      if (isScalar(item)) lines.push(`${indent}- ${scalar(item, inner)}`);
      else {
        const body = emit(item, inner);
        if (body.length === 1 && (body[0] === '[]' || body[0] === '{}')) lines.push(`${indent}- ${body[0]}`);
        else lines.push(`${indent}- ${body[0]!.slice(inner.length)}`, ...body.slice(1));
      }
    }
    return lines;
  }
  if (isScalar(value)) return [scalar(value, inner)];
  const entries = Object.entries(value).filter((e): e is [string, YamlValue] => e[1] !== undefined);
  if (entries.length === 0) return ['{}'];
  const lines: string[] = [];
  for (const [k, v] of entries) {
    if (isScalar(v)) lines.push(`${indent}${key(k)}: ${scalar(v, inner)}`);
    else {
      const body = emit(v, inner);
      if (body.length === 1 && (body[0] === '[]' || body[0] === '{}')) lines.push(`${indent}${key(k)}: ${body[0]}`);
      else lines.push(`${indent}${key(k)}:`, ...body);
    }
  }
  return lines;
}

export function toYaml(value: YamlValue, header = ''): string {
  const body = emit(value, '');
  return `${header}${body.join('\n')}\n`;
}
