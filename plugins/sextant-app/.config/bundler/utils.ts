import fs from 'fs';
import path from 'path';
import process from 'process';
import { glob } from 'glob';
import { SOURCE_DIR } from './constants.ts';

function loadJson(file: string) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

export function getPackageJson() {
  return loadJson(path.resolve(process.cwd(), 'package.json'));
}

export function getPluginJson() {
  return loadJson(path.resolve(process.cwd(), `${SOURCE_DIR}/plugin.json`));
}

export function getCPConfigVersion() {
  const cprcJson = path.resolve(process.cwd(), './.config', '.cprc.json');
  return fs.existsSync(cprcJson) ? loadJson(cprcJson).version : 'unknown';
}

export function hasReadme() {
  return fs.existsSync(path.resolve(process.cwd(), SOURCE_DIR, 'README.md'));
}

/** Every plugin.json under src/ (the app and its nested panels and data source), relative to src/. */
export async function getPluginJsonPaths(): Promise<string[]> {
  return glob('**/plugin.json', { cwd: path.resolve(process.cwd(), SOURCE_DIR) });
}

// Nested plugins: each plugin.json with a sibling module.[jt]sx? becomes an entry. The glob is rooted
// at src/ (create-plugin's `**/src/**` would also walk into node_modules of a workspace).
export async function getEntries() {
  const entries: Record<string, string> = {};
  for (const pluginJson of await getPluginJsonPaths()) {
    const folder = path.dirname(pluginJson);
    const modules = await glob(`${folder}/module.{ts,tsx,js,jsx}`, { cwd: path.resolve(process.cwd(), SOURCE_DIR), absolute: true });
    for (const module of modules) {
      entries[folder === '.' ? 'module' : `${folder}/module`] = module;
    }
  }
  return entries;
}
