// Packs dist/ the way Grafana's plugin catalog and `grafana cli plugins install --pluginUrl` expect:
// <plugin id>-<version>.zip holding one top-level folder named after the plugin id.
import AdmZip from 'adm-zip';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const plugin = JSON.parse(readFileSync(join(root, 'dist', 'plugin.json'), 'utf8'));
if (plugin.info.version.includes('%')) {
  throw new Error(`dist/plugin.json: version "${plugin.info.version}" was not filled in by the build`);
}
const name = `${plugin.id}-${plugin.info.version}.zip`;
const zip = new AdmZip();
zip.addLocalFolder(join(root, 'dist'), plugin.id, (path) => !path.endsWith('.zip'));
zip.writeZip(join(root, 'dist', name));
console.log(`wrote dist/${name}`);
