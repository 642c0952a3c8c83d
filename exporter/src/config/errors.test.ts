import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { describeIssues } from './errors.js';

test('a section written with plain zod (no descriptions) still gets got/expected messages', () => {
  const schema = z.strictObject({
    alerts: z.strictObject({ intervalMs: z.number().int().min(1000), url: z.url(), mode: z.enum(['poll', 'push']) }),
  });
  const doc = { alerts: { intervalMs: 'often', url: 'not a url', mode: 'pull' } };
  const result = schema.safeParse(doc);
  assert.ok(!result.success);
  assert.deepEqual(describeIssues(result.error.issues, schema, doc, () => 'sextant.yaml'), [
    'sextant.yaml: alerts.intervalMs: got "often" (string), expected number',
    'sextant.yaml: alerts.url: got "not a url" (string), expected a valid URL',
    'sextant.yaml: alerts.mode: got "pull" (string), expected one of "poll"|"push"',
  ]);
  const small = { alerts: { intervalMs: 5, url: 'http://a', mode: 'poll' } };
  const second = schema.safeParse(small);
  assert.ok(!second.success);
  assert.deepEqual(describeIssues(second.error.issues, schema, small, () => 'sextant.yaml'), [
    'sextant.yaml: alerts.intervalMs: got 5 (number), expected number to be >=1000',
  ]);
});
