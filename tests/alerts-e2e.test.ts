// End to end with real processes: Prometheus evaluates Sextant's generated score alerts on a target,
// fires to Alertmanager, which posts to Sextant's webhook; reconciliation polls Alertmanager for what
// the webhook never sees. A firing alert, its resolution, a silenced alert and an inhibited one must
// end up in the history with the right states and times, across a restart of Sextant.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { ruleFileYaml, scoreAlertRules } from '@sextant/core/rules';
import { createAlertReconcileJob } from '../exporter/src/jobs/alert-reconcile.js';
import { createLogger } from '../exporter/src/log.js';
import { createAlertmanagerSource } from '../exporter/src/sources/alertmanager-source.js';
import { startAlertService, TOKENS, type AlertService } from './support/alert-service.js';
import { startAlertmanager, startPrometheus, type Process } from './support/alerting-processes.js';

const TOKEN = 'editor-token-a-0001';
const TOKEN_NAME = TOKENS[TOKEN]!.tokenName;

/** What the scrape target exposes; tests change it to fire and resolve alerts. */
const values = new Map<string, number>([
  ['sextant_anomaly_score{service="checkout",sextant_detector="ensemble"}', 0.95],
  ['sextant_anomaly_score{service="search",sextant_detector="ensemble"}', 0.95],
  ['sextant_failure_probability{service="payments",sextant_detector="forest"}', 0.97],
]);

async function startTarget(): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end([...values].map(([series, v]) => `${series} ${v}\n`).join(''));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

// Payments' alerts go to a receiver that authenticates with HTTP Basic (the token's name and the
// token), the others with a bearer token: Alertmanager's http_config can send either.
const alertmanagerConfig = (webhook: string) => `
route:
  receiver: sextant
  group_by: [alertname, service]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - matchers: [service="payments"]
      receiver: sextant-basic
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [service]
receivers:
  - name: sextant
    webhook_configs:
      - url: ${webhook}/api/v1/alerts/webhook
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials_file: $DIR/token
  - name: sextant-basic
    webhook_configs:
      - url: ${webhook}/api/v1/alerts/webhook
        send_resolved: true
        http_config:
          basic_auth:
            username: ${TOKEN_NAME}
            password_file: $DIR/token
`;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface Event {
  alertname: string;
  service: string;
  state: string;
  seq: number;
  starts_at_ms: number;
  ends_at_ms: number | null;
  source: string;
  suppressed_by: string;
  fingerprint: string;
  receiver: string;
}

async function eventsOf(svc: AlertService, alertname: string, service: string): Promise<Event[]> {
  await svc.store.loaded();
  return (await svc.warehouse.handle.read(
    'SELECT * FROM alert_events WHERE tenant = $1 AND alertname = $2 AND service = $3 ORDER BY starts_at_ms, seq',
    ['team-a', alertname, service],
  )) as unknown as Event[];
}

test('alerts travel Prometheus -> Alertmanager -> webhook and reconciliation into the history', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'sextant-e2e-')), 'warehouse.duckdb');
  const begin = Date.now();
  let svc = await startAlertService({ path });
  const target = await startTarget();
  const procs: Process[] = [];
  try {
    const am = await startAlertmanager(alertmanagerConfig(svc.url), { token: TOKEN });
    procs.push(am);
    // Silence search's anomaly before it fires: the webhook must never see it.
    const silence = await fetch(`${am.url}/api/v2/silences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        matchers: [{ name: 'service', value: 'search', isRegex: false, isEqual: true }],
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        createdBy: 'sextant-e2e',
        comment: 'maintenance',
      }),
    });
    assert.equal(silence.status, 200, await silence.clone().text());
    const { silenceID } = (await silence.json()) as { silenceID: string };

    const { groups } = scoreAlertRules([
      { alert: 'SextantAnomaly', metric: 'sextant_anomaly_score', above: 0.9, for: '2s', severity: 'warning', filters: {} },
      { alert: 'SextantFailureLikely', metric: 'sextant_failure_probability', above: 0.7, for: '2s', severity: 'warning', filters: {} },
      { alert: 'SextantFailureImminent', metric: 'sextant_failure_probability', above: 0.9, for: '2s', severity: 'critical', filters: {} },
    ]);
    const prometheus = await startPrometheus({ target: target.url, rules: ruleFileYaml(groups), alertmanager: am.url });
    procs.push(prometheus);

    // Firing through the webhook: checkout's anomaly and payments' imminent failure.
    const fired = await until('checkout firing via webhook', async () => {
      const e = await eventsOf(svc, 'SextantAnomaly', 'checkout');
      return e.length && (await eventsOf(svc, 'SextantFailureImminent', 'payments')).length ? e : undefined;
    });
    assert.equal(fired[0]!.state, 'firing');
    assert.equal(fired[0]!.source, 'webhook');
    assert.ok(fired[0]!.starts_at_ms >= begin - 1000 && fired[0]!.starts_at_ms <= Date.now(), 'startsAt is when Prometheus fired it');
    const [basic] = await eventsOf(svc, 'SextantFailureImminent', 'payments');
    assert.deepEqual([basic!.source, basic!.receiver], ['webhook', 'sextant-basic'], 'posted with HTTP Basic auth');
    assert.equal(fired[0]!.receiver, 'sextant');

    // Resolve checkout: Prometheus sends the resolution, Alertmanager posts it (send_resolved).
    const calmedAt = Date.now();
    values.set('sextant_anomaly_score{service="checkout",sextant_detector="ensemble"}', 0.1);
    const resolved = await until('checkout resolved via webhook', async () => {
      const e = await eventsOf(svc, 'SextantAnomaly', 'checkout');
      return e.some((x) => x.state === 'resolved') ? e : undefined;
    });
    assert.deepEqual(resolved.map((e) => [e.seq, e.state, e.source]), [[0, 'firing', 'webhook'], [1, 'resolved', 'webhook']]);
    const endsAt = resolved[1]!.ends_at_ms!;
    assert.ok(endsAt >= calmedAt - 2000 && endsAt <= Date.now(), `endsAt ${endsAt} is when the score dropped (${calmedAt})`);
    assert.ok(endsAt > resolved[1]!.starts_at_ms);

    // The webhook never saw search (silenced) or payments' likely failure (inhibited).
    assert.deepEqual(await eventsOf(svc, 'SextantAnomaly', 'search'), []);
    assert.deepEqual(await eventsOf(svc, 'SextantFailureLikely', 'payments'), []);

    // Restart Sextant between webhook and reconciliation: nothing acknowledged may be lost.
    await svc.close();
    svc = await startAlertService({ path });
    assert.equal((await eventsOf(svc, 'SextantAnomaly', 'checkout')).length, 2);

    const job = createAlertReconcileJob({
      store: svc.store,
      recorder: svc.recorder,
      source: createAlertmanagerSource({ url: am.url, timeoutMs: 5000 }),
      tenant: 'team-a',
      registry: new Registry(),
      log: createLogger('error', () => undefined),
      now: Date.now,
      intervalMs: 1000,
    });
    const imminent = (await eventsOf(svc, 'SextantFailureImminent', 'payments'))[0]!;
    const [silenced, inhibited] = await until('silenced and inhibited via reconciliation', async () => {
      await job.run(new AbortController().signal);
      const s = await eventsOf(svc, 'SextantAnomaly', 'search');
      const i = await eventsOf(svc, 'SextantFailureLikely', 'payments');
      return s.length && i.length ? [s, i] : undefined;
    });
    assert.deepEqual(silenced.map((e) => [e.state, e.source, JSON.parse(e.suppressed_by)]), [['silenced', 'reconcile', [silenceID]]]);
    assert.deepEqual(inhibited.map((e) => [e.state, e.source, JSON.parse(e.suppressed_by)]), [['inhibited', 'reconcile', [imminent.fingerprint]]]);
    assert.ok(silenced[0]!.starts_at_ms >= begin - 1000);

    // A second reconciliation changes nothing: re-observation is idempotent.
    const count = async () => {
      await svc.store.loaded();
      return svc.warehouse.handle.read('SELECT count(*) AS n FROM alert_events');
    };
    const before = await count();
    await job.run(new AbortController().signal);
    assert.deepEqual(await count(), before);

    // And the analysis sees it all.
    const res = await fetch(`${svc.url}/api/v1/alerts/analysis?from=${begin - 60_000}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const analysis = (await res.json()) as { total: { count: number; resolved: number; silenced: number; inhibited: number } };
    assert.equal(res.status, 200);
    assert.deepEqual(
      { count: analysis.total.count, resolved: analysis.total.resolved, silenced: analysis.total.silenced, inhibited: analysis.total.inhibited },
      { count: 4, resolved: 1, silenced: 1, inhibited: 1 },
    );
  } finally {
    for (const p of procs.reverse()) await p.stop();
    await new Promise((r) => target.server.close(r));
    await svc.close();
  }
});
