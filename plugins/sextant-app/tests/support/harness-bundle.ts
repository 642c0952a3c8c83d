import { build, type Plugin } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PLUGIN_ROOT } from './paths.js';

/**
 * Grafana sets the PluginPage at start through `@grafana/runtime/internal`, an entry its own build
 * has but the published package leaves out of its exports; the harness maps it to the module that
 * defines `setPluginPage`, the same module instance the package's main entry exports PluginPage from.
 */
const runtimeInternal: Plugin = {
  name: 'grafana-runtime-internal',
  setup(build) {
    const runtime = dirname(fileURLToPath(import.meta.resolve('@grafana/runtime')));
    build.onResolve({ filter: /^@grafana\/runtime\/internal$/ }, () => ({ path: join(runtime, 'components', 'PluginPage.mjs') }));
  },
};

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
    plugins: [runtimeInternal],
    loader: { '.svg': 'file', '.png': 'file', '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file' },
  });
  return out;
}
