import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideAction, urlAllowed, type ActionSafety } from './actions.js';
import type { Recommendation } from './types.js';

const safety: ActionSafety = { enabled: true, maxPerWindow: 2, rateWindowMs: 60_000, allowedUrlPrefixes: ['http://127.0.0.1:9/hooks/'] };
const rec: Recommendation = {
  id: 'r1', key: 'k', kind: 'policy', entity: 'api', action: 'restart', context: 'web', severity: 'warning', priority: 50,
  title: 't', explanation: 'e', evidence: [], verifyWithinMs: 1, status: 'open', createdAt: 0, updatedAt: 0,
  webhook: { url: 'http://127.0.0.1:9/hooks/restart', method: 'POST' },
};
const ask = (over: Partial<Parameters<typeof decideAction>[0]> = {}, s: ActionSafety = safety) =>
  decideAction({ recommendation: rec, approved: true, dryRun: false, recentExecutions: [], now: 100_000, ...over }, s).kind;

test('no call unless enabled, approved, allowed, open and under the rate limit; dry run never executes', () => {
  assert.equal(ask(), 'execute');
  assert.equal(ask({ approved: false }), 'refuse');
  assert.equal(ask({}, { ...safety, enabled: false }), 'refuse');
  assert.equal(ask({ dryRun: true }), 'dry-run');
  assert.equal(ask({ dryRun: true, approved: false }), 'dry-run');
  assert.equal(ask({ recommendation: { ...rec, status: 'dismissed' } }), 'refuse');
  assert.equal(ask({ recentExecutions: [50_000, 90_000] }), 'refuse');
  assert.equal(ask({ recentExecutions: [30_000, 90_000] }), 'execute');
  assert.equal(ask({ recommendation: { ...rec, webhook: { url: 'http://evil.example/hooks/restart', method: 'POST' } } }), 'refuse');
});

test('webhook URLs: http(s) only, and a prefix must end at a path boundary', () => {
  assert.ok(urlAllowed('http://127.0.0.1:9/hooks/x', safety));
  assert.ok(!urlAllowed('file:///etc/passwd', { ...safety, allowedUrlPrefixes: ['file:///'] }));
  assert.ok(!urlAllowed('https://ops.example.com.evil.net/x', { ...safety, allowedUrlPrefixes: ['https://ops.example.com'] }));
});
