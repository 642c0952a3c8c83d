// Files Grafana's server serves under /public that @grafana/ui asks for at run time: its icons, the
// Inter and Roboto Mono fonts, and the spinner icon (part of Grafana's public folder, not of any
// npm package, hence the harness's own copy).
import { join, normalize } from 'node:path';
import { PLUGIN_ROOT, REPO_ROOT } from './paths.js';

const MODULES = join(REPO_ROOT, 'node_modules');
const ICONS = join(MODULES, '@grafana', 'ui', 'dist', 'public', 'img', 'icons');
const FONTS: Record<string, string> = {
  'inter/Inter-Regular.woff2': '@fontsource/inter/files/inter-latin-400-normal.woff2',
  'inter/Inter-Medium.woff2': '@fontsource/inter/files/inter-latin-500-normal.woff2',
  'inter/Inter-Italic.woff2': '@fontsource/inter/files/inter-latin-400-italic.woff2',
  'inter/Inter-MediumItalic.woff2': '@fontsource/inter/files/inter-latin-500-italic.woff2',
};

/** The file for a /public/... path, or undefined when Grafana would not have it either. */
export function publicAsset(path: string): string | undefined {
  const icon = /^\/public\/build\/img\/icons\/(.+\.svg)$/.exec(path)?.[1];
  if (icon === 'unicons/spinner.svg') return join(PLUGIN_ROOT, 'tests', 'harness', 'icons', 'spinner.svg');
  if (icon) return join(ICONS, normalize(icon));
  const font = /^\/public\/fonts\/(.+\.woff2)$/.exec(path)?.[1];
  if (font?.startsWith('roboto/')) return join(MODULES, '@fontsource/roboto-mono/files/roboto-mono-latin-400-normal.woff2');
  return font && FONTS[font] ? join(MODULES, FONTS[font]) : undefined;
}
