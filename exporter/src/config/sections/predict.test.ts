import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePolicies } from '@sextant/core/recommend';
import { parseConfig } from '../load.js';
import { toPolicies } from './policies.js';

const parse = (yaml: string) => parseConfig(yaml, { origin: 'test.yaml', baseDir: '/', env: {} });

test('defaults: one 30m horizon, action webhooks off, no policies', () => {
  const c = parse('');
  assert.deepEqual(c.predict.horizons, [1_800_000]);
  assert.equal(c.recommend.actions.enabled, false);
  assert.deepEqual(c.policies, []);
});

test('a policy from YAML evaluates in the core like the documented example', () => {
  const c = parse(`
policies:
  - name: leak
    serviceType: web
    actions:
      - action: restart
        title: Restart {entity}
        when:
          - metric: memory_level
            op: '>'
            value: 0.8
          - failureProbability: { op: '>=', value: 0.5 }
        priority: 70
        runbookUrl: https://runbooks.example.com/restart
        verifyWithin: 1h
        webhook: { url: 'https://ops.example.com/hooks/restart' }
recommend:
  serviceTypes: { checkout: web }
  actions: { enabled: true, allowedUrlPrefixes: ['https://ops.example.com/hooks/'] }
`);
  const [policy] = toPolicies(c.policies);
  assert.equal(policy!.actions[0]!.verifyWithinMs, 3_600_000);
  assert.deepEqual(policy!.actions[0]!.webhook, { url: 'https://ops.example.com/hooks/restart', method: 'POST' });
  const out = evaluatePolicies(toPolicies(c.policies), [
    { entity: 'checkout', service: 'checkout', serviceType: c.recommend.serviceTypes['checkout']!, metrics: { memory_level: 0.9 }, failureProbability: 0.7, firingAlerts: [] },
  ]);
  assert.equal(out[0]!.title, 'Restart checkout');
});

test('bad policies and action settings are clear errors', () => {
  assert.throws(() => parse('policies:\n  - name: x\n    actions:\n      - action: a\n        title: t\n        when: []\n'), /policies\[0\]\.actions\[0\]\.when/);
  assert.throws(() => parse("policies:\n  - name: x\n    actions:\n      - action: a\n        title: t\n        when: [{ metric: m, op: '=>', value: 1 }]\n"), /policies\[0\]\.actions\[0\]\.when\[0\]/);
  assert.throws(() => parse("recommend:\n  actions:\n    allowedUrlPrefixes: ['https://ops.example.com']\n"), /recommend\.actions\.allowedUrlPrefixes\[0\]/);
  assert.throws(() => parse('policies:\n  - name: x\n    service: a\n    serviceType: b\n    actions: [{ action: a, title: t, when: [{ alert: { alertname: X } }] }]\n'), /service or serviceType/);
});
