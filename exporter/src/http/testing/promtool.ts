import { spawnSync } from 'node:child_process';

/** Runs the real `promtool check metrics` on an exposition; returns its complaints ('' when clean). */
export function promtoolCheckMetrics(exposition: string): { ok: boolean; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  if (result.error) throw result.error;
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}
