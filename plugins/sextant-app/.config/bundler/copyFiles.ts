import fs from 'fs';
import path from 'path';
import process from 'process';
import { SOURCE_DIR } from './constants.ts';
import { getPluginJsonPaths, hasReadme } from './utils.ts';

type PluginJson = { info?: { logos?: { small?: string; large?: string }; screenshots?: Array<{ path: string }> } };

// create-plugin copies only the root plugin's logos and screenshots; nested plugins (panels, data
// source) name theirs relative to their own folder, so collect them from every plugin.json.
async function assetPaths(): Promise<string[]> {
  const found = new Set<string>();
  for (const pluginJsonPath of await getPluginJsonPaths()) {
    const json: PluginJson = JSON.parse(fs.readFileSync(path.resolve(process.cwd(), SOURCE_DIR, pluginJsonPath), 'utf8'));
    const folder = path.dirname(pluginJsonPath);
    const own = [json.info?.logos?.small, json.info?.logos?.large, ...(json.info?.screenshots ?? []).map((s) => s.path)];
    for (const asset of own) {
      if (asset) {
        found.add(path.join(folder, asset));
      }
    }
  }
  return [...found];
}

export async function copyFilePatterns() {
  return [
    { from: hasReadme() ? 'README.md' : '../README.md', to: '.', force: true },
    { from: '../LICENSE', to: '.' },
    { from: '../CHANGELOG.md', to: '.', force: true },
    { from: '**/*.json', to: '.' },
    { from: '**/query_help.md', to: '.', noErrorOnMissing: true },
    ...(await assetPaths()).map((asset) => ({ from: asset, to: asset })),
  ];
}
