// A limit on how deeply a JSON request body may nest. JSON.parse takes a body nested 100,000 deep
// (the body limit allows 500,000), but recursive code after it does not: JSON.stringify, schema
// checks, error messages that show a value, all run out of stack. Counted on the raw bytes before
// parsing, in one pass, outside strings.
import { HttpError } from './http-error.js';

const OPEN_ARRAY = 0x5b;
const OPEN_OBJECT = 0x7b;
const CLOSE_ARRAY = 0x5d;
const CLOSE_OBJECT = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The deepest nesting of arrays and objects in the JSON text `bytes` (stops counting past `limit`). */
export function jsonDepth(bytes: Uint8Array, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_ARRAY || b === OPEN_OBJECT) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (b === CLOSE_ARRAY || b === CLOSE_OBJECT) depth--;
  }
  return deepest;
}

/** body-parser's `verify`: a 400 naming the limit for a body nested deeper than `maxDepth`. */
export function checkJsonDepth(maxDepth: number) {
  return (_req: unknown, _res: unknown, bytes: Buffer): void => {
    if (jsonDepth(bytes, maxDepth) > maxDepth) {
      throw new HttpError(400, `request body nests arrays and objects more than ${maxDepth} levels deep (server.bodyMaxDepth)`);
    }
  };
}
