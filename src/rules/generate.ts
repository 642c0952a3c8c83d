// From one rules specification to the files Prometheus and promtool read: one rule file per generator
// and beside each its unit-test file.
import { absentRules, type AbsentSpec } from './absent.js';
import { bandRules, type BandSpec } from './bands.js';
import { capacityRules, type CapacitySpec } from './capacity.js';
import { pipelineRules, type PipelineSpec } from './pipeline.js';
import { isAlertingRule, type GeneratedRules } from './rule.js';
import { ruleFileYaml, testFileYaml } from './rule-file.js';
import { scoreAlertRules, type ScoreAlertSpec } from './score-alerts.js';
import { sextantBandRules, type SextantBandsSpec } from './sextant-bands.js';
import { sloRules, type SloSpec } from './slo.js';
import { thresholdRules, type ThresholdsSpec } from './thresholds.js';

/** Everything the generator needs; a generator left out (null or empty list) writes no file. */
export interface RulesSpec {
  /** Base URL of the runbooks; each alert gets `<base>/<kind><runbookSuffix>` as runbook_url (kinds: alert-kinds.ts, runbooks: docs/runbooks/). */
  runbookBaseUrl?: string;
  /** Appended to each runbook link (default ".md", for docs/runbooks on a Git host; "" for a wiki). */
  runbookSuffix?: string;
  slos: SloSpec[];
  scores: ScoreAlertSpec[];
  bands: BandSpec[];
  /** Sextant's own bands under the promql-anomaly-detection contract. */
  sextantBands: SextantBandsSpec | null;
  capacity: CapacitySpec | null;
  thresholds: ThresholdsSpec | null;
  absent: AbsentSpec | null;
  /** Alerts on Sextant's own pipeline (ingest, jobs, alert intake, training). */
  pipeline: PipelineSpec | null;
}

export interface GeneratedFile {
  path: string;
  content: string;
}

export function generateRuleFiles(spec: RulesSpec): GeneratedFile[] {
  const runbook = spec.runbookBaseUrl === undefined ? undefined : { baseUrl: spec.runbookBaseUrl, suffix: spec.runbookSuffix ?? '.md' };
  const parts: [string, GeneratedRules][] = [
    ['slo', sloRules(spec.slos, runbook)],
    ['scores', scoreAlertRules(spec.scores, runbook)],
    ['bands', bandRules(spec.bands)],
    ['sextant-bands', spec.sextantBands ? sextantBandRules(spec.sextantBands, runbook) : { groups: [], tests: [] }],
    ['capacity', spec.capacity ? capacityRules(spec.capacity, runbook) : { groups: [], tests: [] }],
    ['thresholds', spec.thresholds ? thresholdRules(spec.thresholds, runbook) : { groups: [], tests: [] }],
    ['absent', spec.absent ? absentRules(spec.absent, runbook) : { groups: [], tests: [] }],
    ['pipeline', spec.pipeline ? pipelineRules(spec.pipeline, runbook) : { groups: [], tests: [] }],
  ];
  const files: GeneratedFile[] = [];
  for (const [name, generated] of parts) {
    if (generated.groups.length === 0) continue;
    assertEveryAlertTested(name, generated);
    const rules = `${name}.rules.yml`;
    files.push({ path: rules, content: ruleFileYaml(generated.groups) });
    files.push({ path: `${name}.rules.test.yml`, content: testFileYaml([rules], generated.tests) });
  }
  return files;
}

/** Each alerting rule must have a test where it fires and one where it must not. */
function assertEveryAlertTested(file: string, generated: GeneratedRules): void {
  for (const group of generated.groups) {
    for (const rule of group.rules) {
      if (!isAlertingRule(rule)) continue;
      const cases = generated.tests.flatMap((t) => t.alertTests).filter((a) => a.alertname === rule.alert);
      if (!cases.some((c) => c.expAlerts.length > 0) || !cases.some((c) => c.expAlerts.length === 0)) {
        throw new Error(`${file}: alert ${rule.alert} lacks a firing or a quiet unit test (generator bug)`);
      }
    }
  }
}
