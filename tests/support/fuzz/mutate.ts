// Mutations of a valid request body, and of its JSON text: a field replaced by a hostile value,
// dropped, renamed, duplicated, wrapped, its type changed, extra fields; then, sometimes, the text
// itself cut, padded with bytes that are not UTF-8, or prefixed with a byte order mark.
import { int, ODD_KEYS, oddValue, pick, raw, type Rng } from './values.js';

function mutateString(value: string, rnd: Rng): unknown {
  switch (int(rnd, 6)) {
    case 0:
      return value.slice(0, int(rnd, value.length + 1));
    case 1:
      return `${value}${pick(rnd, ['\ud800', '\udfff', '\u0000', '😀', '\u202e', '\ufeff'])}`;
    case 2:
      return `${pick(rnd, ['\udc00', '\ud800', ' ', '\t'])}${value}`;
    case 3:
      // Longer, up to about 2 MB (the body limit is 1 MB).
      return value.repeat(Math.min(1 + int(rnd, 2_000), Math.ceil(2_000_000 / Math.max(1, value.length))));
    case 4:
      return value.replace(/[0-9]/, String(int(rnd, 10)));
    default:
      return oddValue(rnd);
  }
}

/** `value` with one change somewhere inside it (deeper with probability 0.6 at each level). */
export function mutate(value: unknown, rnd: Rng): unknown {
  if (Array.isArray(value)) {
    const copy = [...(value as unknown[])];
    const r = rnd();
    if (copy.length > 0 && r < 0.5) {
      const i = int(rnd, copy.length);
      copy[i] = mutate(copy[i], rnd);
    } else if (r < 0.6) copy.pop();
    else if (r < 0.7 && copy.length > 0) copy.push(...Array.from({ length: pick(rnd, [1, 2, 999, 1_000]) }, () => copy[0]));
    else if (r < 0.8) copy.push(oddValue(rnd));
    else return rnd() < 0.5 ? oddValue(rnd) : { ...copy };
    return copy;
  }
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    const key = keys.length > 0 ? pick(rnd, keys) : undefined;
    const r = rnd();
    if (key !== undefined && r < 0.45) copy[key] = rnd() < 0.6 ? mutate(copy[key], rnd) : oddValue(rnd);
    else if (key !== undefined && r < 0.6) delete copy[key];
    else if (r < 0.75) Object.defineProperty(copy, pick(rnd, ODD_KEYS), { value: oddValue(rnd), enumerable: true, writable: true, configurable: true });
    else if (key !== undefined && r < 0.85) {
      // The same value under a near-miss name: a casing or unicode twin of the key.
      const twin = pick(rnd, [key.toUpperCase(), `${key}\ud800`, `${key} `, `\ufeff${key}`]);
      Object.defineProperty(copy, twin, { value: copy[key], enumerable: true, writable: true, configurable: true });
      if (rnd() < 0.5) delete copy[key];
    } else if (r < 0.92) return [copy];
    else return oddValue(rnd);
    return copy;
  }
  if (typeof value === 'string') return mutateString(value, rnd);
  if (typeof value === 'number') return pick(rnd, [raw(pick(rnd, ['NaN', '1e999', '-0', '99999999999999999999', '1.5'])), String(value), -value, value * 1e12, oddValue(rnd)]);
  return oddValue(rnd);
}

/** Changes to the JSON text that no value can make: cut, invalid UTF-8, BOM, trailing garbage, duplicate keys. */
export function mutateText(text: Buffer, rnd: Rng): Buffer {
  switch (int(rnd, 7)) {
    case 0:
      return text.subarray(0, int(rnd, text.length));
    case 1: {
      // Bytes that are not UTF-8: a surrogate encoded as UTF-8 (CESU-8), a lone continuation byte, 0xff, an overlong '/'.
      const at = int(rnd, text.length + 1);
      const bad = Buffer.from(pick(rnd, [[0xed, 0xa0, 0x80], [0x80], [0xff, 0xfe], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80]]));
      return Buffer.concat([text.subarray(0, at), bad, text.subarray(at)]);
    }
    case 2:
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text]);
    case 3:
      return Buffer.concat([text, Buffer.from(pick(rnd, ['}', ' x', '\u0000', '\n{"a":1}', ',']))]);
    case 4:
      return text[0] === 0x7b ? Buffer.concat([Buffer.from('{"version":"4","version":3,'), text.subarray(1)]) : text;
    case 5:
      return Buffer.from(text.toString('utf8').replace(/"[a-z]+":/, '"__proto__":'));
    default:
      return Buffer.alloc(0);
  }
}
