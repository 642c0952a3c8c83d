// `sextant rules generate --config FILE [--out DIR]`: writes Prometheus rule files and their promtool
// unit tests from a rules configuration (a standalone rules file, or sextant.yaml with a `rules:` section).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateRuleFiles, RuleInputError } from '@sextant/core/rules';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { rulesSectionSchema, rulesSpecOf, type RulesSection } from '../config/sections/rules.js';

const USAGE = 'usage: sextant rules generate --config FILE [--out DIR]\n';

function issuesText(error: z.ZodError, prefix: string): string {
  return error.issues
    .map((i) => `${prefix}${i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}: ${i.message}`)
    .join('\n');
}

/** Reads and validates the configuration; bad input comes back as an error text naming file and field. */
export async function loadRulesConfig(file: string): Promise<{ section: RulesSection } | { error: string }> {
  let doc: unknown;
  try {
    doc = parseYaml(await readFile(file, 'utf8'));
  } catch (error) {
    return { error: `${file}: ${(error as Error).message}` };
  }
  const nested = typeof doc === 'object' && doc !== null && 'rules' in doc;
  const raw = nested ? (doc as { rules: unknown }).rules : (doc ?? {});
  const parsed = rulesSectionSchema.safeParse(raw);
  if (!parsed.success) return { error: `${file}: invalid rules configuration\n${issuesText(parsed.error, 'rules')}` };
  return { section: parsed.data };
}

export async function run(args: string[]): Promise<number> {
  let values: { config?: string; out?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { config: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    process.stderr.write(`sextant rules: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals[0] !== 'generate' || positionals.length !== 1 || !values.config) {
    process.stderr.write(USAGE);
    return 2;
  }
  const loaded = await loadRulesConfig(values.config);
  if ('error' in loaded) {
    process.stderr.write(`sextant rules: ${loaded.error}\n`);
    return 1;
  }
  let files;
  try {
    files = generateRuleFiles(rulesSpecOf(loaded.section));
  } catch (error) {
    if (!(error instanceof RuleInputError)) throw error;
    process.stderr.write(`sextant rules: ${values.config}: ${error.message}\n`);
    return 1;
  }
  const out = values.out ?? loaded.section.outDir;
  await mkdir(out, { recursive: true });
  for (const f of files) await writeFile(join(out, f.path), f.content);
  process.stdout.write(`wrote ${files.length} files to ${resolve(out)} from ${resolve(values.config)}: ${files.map((f) => f.path).join(', ')}\n`);
  return 0;
}
