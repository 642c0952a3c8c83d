import React, { useMemo, useState, type ReactNode } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { ROUTES } from '../constants';
import { AppPage } from '../components/AppPage';
import { Alert, Button, Checkbox, Field, IconButton, Input, RadioButtonGroup, Stack, Tab, TabsBar, Text, useStyles2 } from '@grafana/ui';
import {
  DEFAULT_ABSENT,
  DEFAULT_CAPACITY,
  DEFAULT_HTTP_METRICS,
  DEFAULT_PIPELINE,
  DEFAULT_SCORE_ALERTS,
  DEFAULT_SEXTANT_BANDS,
  DEFAULT_THRESHOLDS,
  generateRuleFiles,
  type GeneratedFile,
  type RulesSpec,
  type SloSpec,
  type ThresholdsSpec,
} from '@sextant/core/rules';
import { Section } from '../components/Section';

interface SloChoice {
  service: string;
  objective: number;
  period: '28d' | '30d';
}

type ThresholdKey = 'cpuPercent' | 'memoryPercent' | 'diskPercent' | 'errorRatio' | 'latencyP99Seconds';

const THRESHOLD_LABELS: Record<ThresholdKey, string> = {
  cpuPercent: 'CPU %',
  memoryPercent: 'Memory %',
  diskPercent: 'Disk %',
  errorRatio: 'Error ratio',
  latencyP99Seconds: 'p99 latency (s)',
};

const PERIODS = [
  { label: '28 days', value: '28d' as const },
  { label: '30 days', value: '30d' as const },
];

/** An availability SLO on the services' request counter (the reference stack's RED metrics). */
export function sloSpec(choice: SloChoice): SloSpec {
  const m = DEFAULT_HTTP_METRICS;
  return {
    service: choice.service,
    name: 'availability',
    objective: choice.objective,
    period: choice.period,
    errors: { metric: m.requests, matchers: { [m.serviceLabel]: choice.service, [m.statusLabel]: { regex: m.errorStatus, example: '500' } } },
    total: { metric: m.requests, matchers: { [m.serviceLabel]: choice.service } },
    minEvents: 10,
    alertName: 'SLOErrorBudgetBurn',
    pageSeverity: 'critical',
    ticketSeverity: 'warning',
    labels: {},
  };
}

export interface RulesChoices {
  slos: SloChoice[];
  thresholds: Record<ThresholdKey, number[]> | null;
  scores: boolean;
  sextantBands: boolean;
  pipeline: boolean;
  capacity: boolean;
  absent: boolean;
}

/** The user's picks as the core's rules specification; the defaults fill in the rest. */
export function rulesSpec(choices: RulesChoices): RulesSpec {
  let thresholds: ThresholdsSpec | null = null;
  if (choices.thresholds) {
    const t = choices.thresholds;
    const levels = (key: ThresholdKey) => DEFAULT_THRESHOLDS[key].map((level, i) => ({ ...level, above: t[key][i] ?? level.above }));
    thresholds = {
      ...DEFAULT_THRESHOLDS,
      cpuPercent: levels('cpuPercent'),
      memoryPercent: levels('memoryPercent'),
      diskPercent: levels('diskPercent'),
      errorRatio: levels('errorRatio'),
      latencyP99Seconds: levels('latencyP99Seconds'),
    };
  }
  return {
    slos: choices.slos.filter((s) => s.service.trim() !== '').map(sloSpec),
    scores: choices.scores ? DEFAULT_SCORE_ALERTS : [],
    bands: [],
    sextantBands: choices.sextantBands ? DEFAULT_SEXTANT_BANDS : null,
    pipeline: choices.pipeline ? DEFAULT_PIPELINE : null,
    capacity: choices.capacity ? DEFAULT_CAPACITY : null,
    thresholds,
    absent: choices.absent ? DEFAULT_ABSENT : null,
  };
}

const DEFAULT_LEVELS = Object.fromEntries(
  (Object.keys(THRESHOLD_LABELS) as ThresholdKey[]).map((key) => [key, DEFAULT_THRESHOLDS[key].map((l) => l.above)])
) as Record<ThresholdKey, number[]>;

function download(file: GeneratedFile) {
  const url = URL.createObjectURL(new Blob([file.content], { type: 'application/yaml' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.path;
  link.click();
  URL.revokeObjectURL(url);
}

/** Checkboxes one under the other, each label beside its box (a stretched checkbox centres its label). */
function Choices({ children }: { children: ReactNode }) {
  return (
    <Stack direction="column" gap={1} alignItems="flex-start">
      {children}
    </Stack>
  );
}

/**
 * Pick SLOs and thresholds; the core's rule generators (the same ones `sextant rules` runs) write
 * the Prometheus rule files and their promtool unit tests, here in the browser.
 */
export function Rules() {
  const styles = useStyles2(getStyles);
  const [slos, setSlos] = useState<SloChoice[]>([{ service: 'checkout', objective: 99.9, period: '30d' }]);
  const [useThresholds, setUseThresholds] = useState(true);
  const [levels, setLevels] = useState(DEFAULT_LEVELS);
  const [scores, setScores] = useState(true);
  const [sextantBands, setSextantBands] = useState(true);
  const [pipeline, setPipeline] = useState(true);
  const [capacity, setCapacity] = useState(true);
  const [absent, setAbsent] = useState(true);
  const [shown, setShown] = useState(0);

  const result = useMemo(() => {
    try {
      const files = generateRuleFiles(rulesSpec({ slos, thresholds: useThresholds ? levels : null, scores, sextantBands, pipeline, capacity, absent }));
      return { files, error: undefined };
    } catch (error) {
      return { files: [] as GeneratedFile[], error: error instanceof Error ? error.message : String(error) };
    }
  }, [slos, useThresholds, levels, scores, sextantBands, pipeline, capacity, absent]);
  const file = result.files[Math.min(shown, result.files.length - 1)];
  const setSlo = (index: number, patch: Partial<SloChoice>) => setSlos(slos.map((s, i) => (i === index ? { ...s, ...patch } : s)));

  return (
    <AppPage route={ROUTES.Rules}>
      <div className={styles.layout}>
        <Stack direction="column" gap={2}>
          <Section title="SLOs (availability, multi-window burn rate)">
            {slos.map((slo, index) => (
              <Stack key={index} gap={1} alignItems="flex-end">
                <Field label="Service" noMargin>
                  <Input width={18} value={slo.service} onChange={(e) => setSlo(index, { service: e.currentTarget.value })} aria-label={`SLO ${index + 1} service`} />
                </Field>
                <Field label="Objective %" noMargin>
                  <Input
                    width={10}
                    type="number"
                    value={slo.objective}
                    onChange={(e) => setSlo(index, { objective: Number(e.currentTarget.value) })}
                    aria-label={`SLO ${index + 1} objective`}
                  />
                </Field>
                <Field label="Period" noMargin>
                  <RadioButtonGroup size="sm" options={PERIODS} value={slo.period} onChange={(period) => setSlo(index, { period })} />
                </Field>
                <IconButton name="trash-alt" tooltip="Remove this SLO" onClick={() => setSlos(slos.filter((_, i) => i !== index))} />
              </Stack>
            ))}
            <div>
              <Button size="sm" variant="secondary" icon="plus" onClick={() => setSlos([...slos, { service: '', objective: 99.5, period: '30d' }])}>
                Add SLO
              </Button>
            </div>
          </Section>
          <Section title="Thresholds">
            <Choices>
              <Checkbox label="Static thresholds on node_exporter and RED metrics" value={useThresholds} onChange={(e) => setUseThresholds(e.currentTarget.checked)} />
            </Choices>
            {useThresholds &&
              (Object.keys(THRESHOLD_LABELS) as ThresholdKey[]).map((key) => (
                <Stack key={key} gap={1} alignItems="center">
                  <Text variant="bodySmall">{THRESHOLD_LABELS[key]}</Text>
                  {DEFAULT_THRESHOLDS[key].map((level, i) => (
                    <Field key={i} label={`${level.severity} above (for ${level.for})`} noMargin>
                      <Input
                        width={10}
                        type="number"
                        value={levels[key][i]}
                        onChange={(e) => setLevels({ ...levels, [key]: levels[key].map((v, k) => (k === i ? Number(e.currentTarget.value) : v)) })}
                        aria-label={`${THRESHOLD_LABELS[key]} ${level.severity}`}
                      />
                    </Field>
                  ))}
                </Stack>
              ))}
          </Section>
          <Section title="Sextant's own signals">
            <Choices>
              <Checkbox label="Alerts on anomaly scores and failure probability" value={scores} onChange={(e) => setScores(e.currentTarget.checked)} />
              <Checkbox
                label="Bands as anomaly:level / anomaly:upper_band / anomaly:lower_band (promql-anomaly-detection dashboards and AnomalyDetected)"
                value={sextantBands}
                onChange={(e) => setSextantBands(e.currentTarget.checked)}
              />
              <Checkbox label="Alerts on Sextant's own pipeline (ingest lag and failures, stale jobs, intake backlog, training)" value={pipeline} onChange={(e) => setPipeline(e.currentTarget.checked)} />
              <Checkbox label="Capacity forecasts (disk and memory, predict_linear)" value={capacity} onChange={(e) => setCapacity(e.currentTarget.checked)} />
              <Checkbox label="Absent-data alerts for the default datasets" value={absent} onChange={(e) => setAbsent(e.currentTarget.checked)} />
            </Choices>
          </Section>
        </Stack>
        <Stack direction="column" gap={1}>
          {result.error && (
            <Alert severity="error" title="These choices cannot become rules">
              {result.error}
            </Alert>
          )}
          {file && (
            <div data-testid="rules-preview">
              <div className={styles.files}>
                <TabsBar>
                  {result.files.map((f, i) => (
                    <Tab key={f.path} label={f.path} active={f === file} onChangeTab={() => setShown(i)} />
                  ))}
                </TabsBar>
              </div>
              <Stack gap={1}>
                <Button size="sm" icon="download-alt" onClick={() => download(file)}>
                  Download {file.path}
                </Button>
                <Button size="sm" variant="secondary" icon="download-alt" onClick={() => result.files.forEach(download)}>
                  Download all ({result.files.length} files)
                </Button>
              </Stack>
              <pre className={styles.yaml} data-testid="rules-yaml">
                {file.content}
              </pre>
            </div>
          )}
          <Text color="secondary" variant="bodySmall">
            Load the rule files into Prometheus (rule_files) and check them with promtool test rules on the .test.yml files.
          </Text>
        </Stack>
      </div>
    </AppPage>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  // The preview column may be narrower than its file tabs: they scroll sideways instead of widening the page.
  layout: css({ display: 'grid', gridTemplateColumns: 'minmax(420px, 1fr) minmax(0, 2fr)', gap: theme.spacing(3) }),
  files: css({ overflowX: 'auto' }),
  yaml: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    fontSize: theme.typography.bodySmall.fontSize,
    background: theme.colors.background.secondary,
    color: theme.colors.text.primary,
    border: `1px solid ${theme.colors.border.weak}`,
    padding: theme.spacing(1),
    maxHeight: '70vh',
    overflow: 'auto',
  }),
});
