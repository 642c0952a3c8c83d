import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLUGIN_ROOT } from './paths.js';

/**
 * Bundles the harness page into a temporary folder, with React, @grafana/ui, @grafana/data and @grafana/runtime (which
 * Grafana itself would provide) and the plugin's sources. esbuild, not webpack: one fast build.
 */
export async function buildHarness(): Promise<string> {
  // A temporary folder: the bundle is a test artefact, neither source nor something to lint.
  const out = mkdtempSync(join(tmpdir(), 'sextant-harness-'));
  await build({
    entryPoints: [join(PLUGIN_ROOT, 'tests', 'harness', 'main.tsx')],
    outfile: join(out, 'main.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    minify: false,
    sourcemap: false,
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    loader: { '.svg': 'file', '.png': 'file', '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file' },
  });
  return out;
}
