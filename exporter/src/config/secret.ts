import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { inspect } from 'node:util';
import { z } from 'zod';

export type SecretRef = { value: string } | { env: string } | { file: string };

const hidden = '[redacted]';

/**
 * A credential from the config. Its value is reachable only through `reveal()`: JSON, string
 * conversion and `util.inspect` all print "[redacted]", so dumping or logging the config never
 * shows it.
 */
export class Secret {
  #value: string | undefined;

  constructor(
    readonly ref: SecretRef,
    readonly minLength: number,
  ) {
    if ('value' in ref) this.#value = ref.value;
  }

  /** A secret given directly (tests, code). */
  static of(value: string): Secret {
    return new Secret({ value }, 1);
  }

  /**
   * Reads an env or file secret. Returns what went wrong, or undefined when the value is usable.
   * File paths are relative to `baseDir` (the config file's directory).
   */
  resolve(env: Readonly<Record<string, string | undefined>>, baseDir: string): string | undefined {
    if ('env' in this.ref) {
      const value = env[this.ref.env];
      if (value === undefined || value === '') return `environment variable ${this.ref.env} is not set`;
      this.#value = value;
    } else if ('file' in this.ref) {
      const path = isAbsolute(this.ref.file) ? this.ref.file : resolve(baseDir, this.ref.file);
      try {
        // A trailing newline is an editor's habit, not part of the secret.
        this.#value = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
      } catch (error) {
        return `cannot read secret file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
      }
    }
    const length = this.#value?.length ?? 0;
    if (length < this.minLength) {
      return `the secret is ${length} characters long, expected at least ${this.minLength}`;
    }
    return undefined;
  }

  reveal(): string {
    if (this.#value === undefined) throw new Error('Secret.reveal: secret not resolved');
    return this.#value;
  }

  toJSON(): string {
    return hidden;
  }

  toString(): string {
    return hidden;
  }

  [inspect.custom](): string {
    return hidden;
  }
}

const secretSchemas = new WeakSet<z.ZodType>();

/** True for schemas made by `secret()`: errors about them never echo the value. */
export function isSecretSchema(schema: z.ZodType): boolean {
  return secretSchemas.has(schema);
}

/** A secret field: a plain string, `{ env: NAME }` or `{ file: PATH }`. */
export function secret(minLength = 1) {
  const schema = z
    .union([
      z.string(),
      z.strictObject({ env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/) }),
      z.strictObject({ file: z.string().min(1) }),
    ])
    .transform((ref) => new Secret(typeof ref === 'string' ? { value: ref } : ref, minLength))
    .describe(
      minLength > 1
        ? `a secret of at least ${minLength} characters: a string, { env: NAME } or { file: PATH }`
        : 'a secret: a string, { env: NAME } or { file: PATH }',
    );
  secretSchemas.add(schema);
  return schema;
}
