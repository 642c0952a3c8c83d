// `sextant eval`: scores a detector's output against labelled incidents, either NAB anomaly windows
// (`--windows`, NAB's rules) or point labels (`--labels`, incident recall and alarm precision).
// The scoring itself is pure, in @sextant/core/anomaly.
import { parseArgs } from 'node:util';
import { DEFAULT_EVENT_OPTIONS } from '@sextant/core/anomaly';
import { runNabEval } from './eval-nab.js';
import { runPointEval } from './eval-points.js';

const USAGE = `usage: sextant eval --data DIR --windows FILE --results DIR [--json FILE] [--profile NAME]...
       sextant eval --labels DIR --results DIR [--label-column NAME] [--score-column NAME]
                    [--threshold X] [--history FRACTION] [--json FILE]

With --windows: scores anomaly detector output against labelled anomaly windows with the rules of the
Numenta Anomaly Benchmark: windows, scaled sigmoid, 15% probationary period, one threshold per profile
optimised over all files, and normalisation (0 = never fires, 100 = perfect).
  --data DIR       data files (<DIR>/<path> for each path in the windows file), "timestamp,value"
  --windows FILE   JSON: { "<path>": [["<start>", "<end>"], ...], ... } (NAB's combined_windows.json)
  --results DIR    detector output at the same relative paths, with an "anomaly_score" column
                   (NAB's <detector>_<file>.csv names are accepted too)
  --json FILE      also write the results as JSON
  --profile NAME   standard, reward_low_FP_rate, reward_low_FN_rate (default: all three)

With --labels: judges alarms (score >= threshold) against point labels (1 = inside an incident; a run
of 1s is one incident) and prints incident recall (incidents with an alarm inside), alarm precision
(alarm runs that touch an incident), event F1, mean detection delay, and false alarms per series and
week of healthy (label 0) time, per file and in total.
  --labels DIR         for every results file <path>, <DIR>/<path> (or <path>.gz) with a label column
                       (the labelled data file itself will do)
  --results DIR        detector output, .csv or .csv.gz, with a score column and "timestamp"
  --label-column NAME  default "label"
  --score-column NAME  default "anomaly_score"
  --threshold X        a point alarms when its score is >= X (default: the service's event threshold, ${DEFAULT_EVENT_OPTIONS.threshold})
  --history FRACTION   the first FRACTION of each file is history: scored but not judged (default 0)
`;

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        data: { type: 'string' },
        windows: { type: 'string' },
        labels: { type: 'string' },
        results: { type: 'string' },
        json: { type: 'string' },
        profile: { type: 'string', multiple: true },
        'label-column': { type: 'string' },
        'score-column': { type: 'string' },
        threshold: { type: 'string' },
        history: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    return usageError((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.labels) {
    if (values.windows || values.data) return usageError('--labels cannot be combined with --windows or --data');
    if (!values.results) return usageError('--labels needs --results');
    const threshold = values.threshold === undefined ? DEFAULT_EVENT_OPTIONS.threshold : Number(values.threshold);
    const history = values.history === undefined ? 0 : Number(values.history);
    if (!Number.isFinite(threshold)) return usageError(`--threshold must be a number, got "${values.threshold}"`);
    if (!(history >= 0 && history < 1)) return usageError(`--history must be a fraction in [0,1), got "${values.history}"`);
    return runPointEval({
      labels: values.labels,
      results: values.results,
      labelColumn: values['label-column'] ?? 'label',
      scoreColumn: values['score-column'] ?? 'anomaly_score',
      threshold,
      history,
      json: values.json,
    });
  }
  if (!values.data || !values.windows || !values.results) return usageError('--data, --windows and --results (or --labels and --results) are required');
  return runNabEval({ data: values.data, windows: values.windows, results: values.results, json: values.json, profile: values.profile });
}

function usageError(message: string): number {
  process.stderr.write(`sextant eval: ${message}\n\n${USAGE}`);
  return 2;
}
