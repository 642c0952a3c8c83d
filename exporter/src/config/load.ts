import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import YAML from 'yaml';
import { applyEnvOverrides, CONFIG_FILE_VARIABLE } from './env.js';
import { ConfigError, describeIssues } from './errors.js';
import { formatPath, type PathSegment } from './schema-walk.js';
import { configSchema, type Config } from './schema.js';
import { Secret } from './secret.js';

export type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_CONFIG_FILE = 'sextant.yaml';

/** The config file to load: the --config option, else $SEXTANT_CONFIG, else ./sextant.yaml. */
export function configFileFrom(option: string | undefined, env: Env): string {
  return option ?? env[CONFIG_FILE_VARIABLE] ?? DEFAULT_CONFIG_FILE;
}

/** Reads, overrides from env, validates and resolves the config file; throws ConfigError. */
export function loadConfig(file: string, env: Env = process.env): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([`${file}: cannot read the config file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`]);
  }
  return parseConfig(text, { origin: file, baseDir: dirname(resolve(file)), env });
}

export interface ParseOptions {
  /** Name used in messages (the file path). */
  origin: string;
  /** Directory that relative paths in the config (warehouse file, secret files) start from. */
  baseDir: string;
  env: Env;
}

function parseYaml(text: string, origin: string): Record<string, unknown> {
  const document = YAML.parseDocument(text);
  if (document.errors.length) {
    throw new ConfigError(
      document.errors.map((error) => {
        const position = error.linePos?.[0];
        const reason = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
        return position ? `${origin}: line ${position.line}, column ${position.col}: ${reason}` : `${origin}: ${reason}`;
      }),
    );
  }
  const doc: unknown = document.toJS();
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError([`${origin}: got ${Array.isArray(doc) ? 'a list' : JSON.stringify(doc)}, expected a mapping of sections (${Object.keys(configSchema.shape).join(', ')})`]);
  }
  return doc as Record<string, unknown>;
}

/** Every Secret in the parsed config with its path. */
function secretsIn(node: unknown, path: PathSegment[] = []): Array<{ path: PathSegment[]; secret: Secret }> {
  if (node instanceof Secret) return [{ path, secret: node }];
  if (Array.isArray(node)) return node.flatMap((item, i) => secretsIn(item, [...path, i]));
  if (node && typeof node === 'object') return Object.entries(node).flatMap(([key, value]) => secretsIn(value, [...path, key]));
  return [];
}

export function parseConfig(text: string, options: ParseOptions): Config {
  const doc = parseYaml(text, options.origin);
  const overrides = applyEnvOverrides(doc, configSchema, options.env);
  const originOf = (path: readonly PathSegment[]): string => {
    for (let n = path.length; n > 0; n--) {
      const variable = overrides.origins.get(formatPath(path.slice(0, n)));
      if (variable) return variable;
    }
    return options.origin;
  };
  const parsed = configSchema.safeParse(doc);
  const problems = [...overrides.problems];
  if (!parsed.success) problems.push(...describeIssues(parsed.error.issues, configSchema, doc, originOf));
  if (problems.length || !parsed.success) throw new ConfigError(problems);

  const config = parsed.data;
  for (const { path, secret } of secretsIn(config)) {
    const problem = secret.resolve(options.env, options.baseDir);
    if (problem) problems.push(`${originOf(path)}: ${formatPath(path)}: ${problem}`);
  }
  const owner = new Map<string, number>();
  config.auth.tokens.forEach((entry, i) => {
    const value = problems.length ? undefined : entry.token.reveal();
    if (value === undefined) return;
    const first = owner.get(value);
    if (first !== undefined) problems.push(`${originOf(['auth', 'tokens', i, 'token'])}: auth.tokens[${i}].token: same token as auth.tokens[${first}]`);
    else owner.set(value, i);
  });
  if (problems.length) throw new ConfigError(problems);

  const path = config.warehouse.path;
  if (path !== ':memory:' && !isAbsolute(path)) config.warehouse.path = resolve(options.baseDir, path);
  const clickhouse = config.warehouse.clickhouse;
  if (clickhouse) clickhouse.intakeDir = resolve(options.baseDir, clickhouse.intakeDir);
  return config;
}

const secretKey = /token|password|secret|authorization|api[_-]?key|credential|cookie/i;

/** The config as JSON for logs and --print-config: secrets and secret-looking headers redacted. */
export function dumpConfig(config: Config): string {
  return JSON.stringify(config, (key, value: unknown) => (typeof value === 'string' && secretKey.test(key) ? '[redacted]' : value), 2);
}
