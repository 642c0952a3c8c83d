import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** plugins/sextant-app */
export const PLUGIN_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REPO_ROOT = join(PLUGIN_ROOT, '..', '..');
export const DIST = join(PLUGIN_ROOT, 'dist');
/** The shared folder beside the repository (../shared from the repository root). */
export const SHARED = join(REPO_ROOT, '..', 'shared');
export const PROVISIONING = join(REPO_ROOT, 'provisioning', 'grafana');
