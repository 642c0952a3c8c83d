// Reading the reference stack's files (docker-compose.yml and provisioning/) for the stack checks.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export const repoPath = (relative: string): string => join(repoRoot, relative);

export function readText(relative: string): string {
  const path = repoPath(relative);
  if (!existsSync(path)) throw new Error(`${relative} does not exist (the stack refers to it)`);
  return readFileSync(path, 'utf8');
}

export function readYaml(relative: string): unknown {
  const document = YAML.parseDocument(readText(relative));
  if (document.errors.length > 0) throw new Error(`${relative}: ${document.errors.map((e) => e.message).join('; ')}`);
  return document.toJS();
}

export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  ports?: string[];
  volumes?: string[];
  environment?: Record<string, string>;
  depends_on?: string[];
}

export interface Compose {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export const compose = (): Compose => readYaml('docker-compose.yml') as Compose;

export interface Mount {
  service: string;
  source: string;
  target: string;
  /** A named volume rather than a path on the host. */
  named: boolean;
}

export function mounts(stack: Compose): Mount[] {
  return Object.entries(stack.services).flatMap(([service, definition]) =>
    (definition.volumes ?? []).map((spec) => {
      const [source = '', target = ''] = spec.split(':');
      return { service, source, target, named: !source.startsWith('.') && !source.startsWith('/') };
    }),
  );
}

/** The host file behind a path inside a service's container, through its bind mounts. */
export function hostPathOf(stack: Compose, service: string, containerPath: string): string | undefined {
  for (const mount of mounts(stack)) {
    if (mount.service !== service || mount.named || !mount.source.startsWith('.')) continue;
    if (containerPath === mount.target) return join(mount.source);
    if (containerPath.startsWith(`${mount.target}/`)) return join(mount.source, containerPath.slice(mount.target.length + 1));
  }
  return undefined;
}

/** Container ports a service publishes (`host:container` entries). */
export function publishedPorts(definition: ComposeService): number[] {
  return (definition.ports ?? []).map((spec) => Number(spec.split(':').at(-1)));
}

export function commandOf(definition: ComposeService): string[] {
  return typeof definition.command === 'string' ? definition.command.split(/\s+/) : (definition.command ?? []);
}

/** Value of `--name value` or `--name=value` (also single-dash) in a command. */
export function flagValue(command: string[], name: string): string | undefined {
  for (let i = 0; i < command.length; i++) {
    const arg = command[i] ?? '';
    if (arg === `--${name}` || arg === `-${name}`) return command[i + 1];
    const prefixed = [`--${name}=`, `-${name}=`].find((prefix) => arg.startsWith(prefix));
    if (prefixed) return arg.slice(prefixed.length);
  }
  return undefined;
}

/** Every YAML file under a folder of the repository, parsed. */
export function yamlFilesUnder(relative: string): { file: string; content: unknown }[] {
  const dir = repoPath(relative);
  if (!existsSync(dir)) throw new Error(`${relative}/ does not exist (the stack refers to it)`);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => ({ file: join(relative, name), content: readYaml(join(relative, name)) }));
}

/** Every string value in a parsed document that looks like an http(s) URL, with where it was. */
export function urlsIn(node: unknown, path = ''): { path: string; url: URL }[] {
  if (typeof node === 'string') return /^https?:\/\/[^\s]+$/.test(node) ? [{ path, url: new URL(node) }] : [];
  if (Array.isArray(node)) return node.flatMap((item, i) => urlsIn(item, `${path}[${i}]`));
  if (node && typeof node === 'object') return Object.entries(node).flatMap(([key, value]) => urlsIn(value, path ? `${path}.${key}` : key));
  return [];
}

/** Port of a URL, with the scheme's default when none is written. */
export function portOf(url: URL): number {
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}
