import { Router, type Request } from 'express';
import { describeExplanation, SEVERITIES } from '@sextant/core/anomaly';
import { checkRegex } from '@sextant/core/rules';
import { authOf } from '../auth-context.js';
import { HttpError } from '../http-error.js';
import type { AnomalyEvent, AnomalyEventFilter } from '../../warehouse/anomaly-store.js';
import type { ApiDeps } from './api-deps.js';
import { parseInstant } from '../../time-text.js';

const maxLimit = 1000;
const matcherSyntax = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"$/;

/**
 * GET /anomalies: the caller's tenant's anomaly events, newest first, each with its series'
 * labels and the explanation at its peak (value, expected, band, detector, severity, what the
 * detector found, and in words).
 * Filters: dataset, match (repeatable, `label="v"`, `label!="v"`, `label=~"re"`, `label!~"re"`),
 * min_score, severity (comma list), from / to (RFC 3339 or Unix ms; events overlapping), limit.
 */
export function anomaliesRoutes(deps: ApiDeps): Router {
  const store = deps.stores.anomalies;
  const router = Router();
  router.get('/anomalies', async (req, res) => {
    const { tenant } = authOf(res);
    const events = await store.events(tenant, filterOf(req));
    res.json({ anomalies: events.map(anomalyView) });
  });
  return router;
}

/** An anomaly event as the API shows it (GET /anomalies, and the `anomaly` events of GET /events). */
export function anomalyView(e: AnomalyEvent) {
  return {
    dataset: e.dataset,
    labels: e.labels,
    start: new Date(e.start).toISOString(),
    end: new Date(e.end).toISOString(),
    peakScore: e.peakScore,
    peakAt: new Date(e.peakAt).toISOString(),
    severity: e.severity,
    explanation: {
      detector: e.detector,
      value: e.value,
      expected: e.expected,
      lower: e.lower,
      upper: e.upper,
      deviation: e.deviation,
      ...(e.evidence ? { evidence: e.evidence } : {}),
      text: describeExplanation(e),
    },
  };
}

function filterOf(req: Request): AnomalyEventFilter {
  const q = req.query;
  const single = (name: string): string | undefined => {
    const v = q[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new HttpError(400, `${name}: give it once, as a plain value`);
    return v;
  };
  const filter: AnomalyEventFilter = { limit: 100 };
  const limit = single('limit');
  if (limit !== undefined) {
    if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > maxLimit) {
      throw new HttpError(400, `limit: got "${limit}", expected an integer between 1 and ${maxLimit}`);
    }
    filter.limit = Number(limit);
  }
  const dataset = single('dataset');
  if (dataset !== undefined) filter.dataset = dataset;
  const minScore = single('min_score');
  if (minScore !== undefined) {
    const v = Number(minScore);
    if (minScore.trim() === '' || !(v >= 0 && v <= 1)) throw new HttpError(400, `min_score: got "${minScore}", expected a number between 0 and 1`);
    filter.minScore = v;
  }
  const severity = single('severity');
  if (severity !== undefined) {
    const wanted = severity.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = wanted.filter((s) => !(SEVERITIES as readonly string[]).includes(s));
    if (bad.length || !wanted.length) throw new HttpError(400, `severity: got "${severity}", expected a comma list of ${SEVERITIES.join(', ')}`);
    filter.severities = wanted;
  }
  for (const name of ['from', 'to'] as const) {
    const text = single(name);
    if (text === undefined) continue;
    try {
      filter[name] = parseInstant(text, name);
    } catch (error) {
      throw new HttpError(400, (error as Error).message);
    }
  }
  if (filter.from !== undefined && filter.to !== undefined && filter.from >= filter.to) {
    throw new HttpError(400, `from must be before to`);
  }
  const raw = q.match;
  const matchers = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  filter.matchers = matchers.map((m) => {
    if (typeof m !== 'string') throw new HttpError(400, 'match: expected label matchers like job="api"');
    const found = matcherSyntax.exec(m.trim());
    if (!found) throw new HttpError(400, `match: cannot read "${m}", expected label="value", label!="value", label=~"regex" or label!~"regex"`);
    const [, label, op, quoted] = found;
    const value = quoted!.replace(/\\(.)/g, '$1');
    if (op === '=~' || op === '!~') {
      try {
        checkRegex(value, `match ${JSON.stringify(m)}`);
      } catch (error) {
        throw new HttpError(400, (error as Error).message);
      }
    }
    return { label: label!, op: op as '=' | '!=' | '=~' | '!~', value };
  });
  return filter;
}
