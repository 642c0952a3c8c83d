import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluatePolicies, type EntitySnapshot, type Policy } from './policy.js';

const policy: Policy = {
  name: 'leak',
  serviceType: 'web',
  actions: [
    {
      action: 'restart',
      title: 'Restart {service} ({entity})',
      when: [
        { metric: 'memory_level', op: '>', value: 0.8 },
        { failureProbability: { op: '>=', value: 0.5 } },
        { alert: { alertname: 'MemoryHigh', severity: 'warning' } },
      ],
      priority: 70,
      severity: 'warning',
      runbookUrl: 'https://runbooks.example.com/restart',
      verifyWithinMs: 1_800_000,
    },
  ],
};

const snapshot = (over: Partial<EntitySnapshot>): EntitySnapshot => ({
  entity: 'api-1', service: 'api', serviceType: 'web', metrics: { memory_level: 0.9 }, failureProbability: 0.6,
  firingAlerts: [{ alertname: 'MemoryHigh', severity: 'warning', instance: 'a' }], ...over,
});

test('an action fires only when every condition holds, with each observed value as evidence', () => {
  const [c, ...rest] = evaluatePolicies([policy], [snapshot({})]);
  assert.equal(rest.length, 0);
  assert.equal(c!.title, 'Restart api (api-1)');
  assert.equal(c!.key, 'policy:leak:restart:api-1');
  assert.equal(c!.context, 'web');
  assert.deepEqual(c!.evidence.map((e) => e.value), [0.9, 0.6, 'MemoryHigh']);
  assert.match(c!.explanation, /memory_level > 0.8 \(now 0.9\)/);
  assert.equal(c!.runbookUrl, 'https://runbooks.example.com/restart');
});

test('no candidate when a condition fails, a metric is missing, or the service type differs', () => {
  assert.equal(evaluatePolicies([policy], [snapshot({ metrics: { memory_level: 0.8 } })]).length, 0);
  assert.equal(evaluatePolicies([policy], [snapshot({ metrics: {} })]).length, 0);
  assert.equal(evaluatePolicies([policy], [snapshot({ failureProbability: undefined })]).length, 0);
  assert.equal(evaluatePolicies([policy], [snapshot({ firingAlerts: [{ alertname: 'MemoryHigh', severity: 'critical' }] })]).length, 0);
  assert.equal(evaluatePolicies([policy], [snapshot({ serviceType: 'db' })]).length, 0);
});
