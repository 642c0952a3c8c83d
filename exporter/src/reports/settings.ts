// What a report takes from sextant.yaml.
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import type { ReportSettings } from '../warehouse/report-inputs.js';
import { chromiumPath } from './render-pdf.js';

export function reportSettingsFromConfig(config: Config): ReportSettings {
  return {
    // Each SLO's objective is its service's availability objective (the strictest when several).
    objectives: strictestObjectives(config.recommend.slos),
    defaultObjective: config.reports.defaultObjective,
    capacityThreshold: config.reports.capacityThreshold,
  };
}

/** reports.directory, resolved against the warehouse file's directory. */
export function reportsDirectory(config: Config): string {
  const base = config.warehouse.path === ':memory:' ? process.cwd() : dirname(config.warehouse.path);
  const dir = config.reports.directory || 'reports';
  return isAbsolute(dir) ? dir : resolve(base, dir);
}

export function chromiumFromConfig(config: Config, env: NodeJS.ProcessEnv = process.env): string {
  return chromiumPath(config.reports.chromiumPath, env);
}

function strictestObjectives(slos: readonly { service: string; objective: number }[]): Record<string, number> {
  const objectives: Record<string, number> = {};
  for (const slo of slos) objectives[slo.service] = Math.max(objectives[slo.service] ?? 0, slo.objective);
  return objectives;
}
