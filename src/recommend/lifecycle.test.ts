import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LifecycleError, markApplied, markDismissed, reconcile } from './lifecycle.js';
import { actionKey, observe, posterior, rank, type ActionRecord } from './ranking.js';
import type { Candidate, Recommendation } from './types.js';

const candidate = (key: string, action = 'restart', priority = 50): Candidate => ({
  key, kind: 'policy', entity: 'api', action, context: 'web', severity: 'warning', priority, title: key,
  explanation: 'x', evidence: [], verifyWithinMs: 1000,
});

function apply(state: Recommendation[], changed: Recommendation[]): Recommendation[] {
  const byId = new Map(state.map((r) => [r.id, r]));
  for (const r of changed) byId.set(r.id, r);
  return [...byId.values()];
}

test('lifecycle: open, update, expire; apply then success when the condition clears in time', () => {
  let state: Recommendation[] = [];
  let r = reconcile(state, [candidate('a'), candidate('b')], 0);
  state = apply(state, r.changed);
  assert.deepEqual(state.map((x) => x.status), ['open', 'open']);
  r = reconcile(state, [candidate('a'), candidate('b')], 10);
  assert.equal(r.changed.length, 2);
  assert.ok(r.changed.every((x) => x.updatedAt === 10 && x.createdAt === 0));
  state = apply(state, r.changed);
  const a = state.find((x) => x.key === 'a')!;
  state = apply(state, [markApplied(a, 20)]);
  // b's condition went away by itself: expired. a's condition is still there within 1000 ms: pending.
  r = reconcile(state, [candidate('a')], 500);
  assert.deepEqual(r.changed.map((x) => [x.key, x.status]), [['b', 'expired']]);
  assert.equal(r.outcomes.length, 0);
  state = apply(state, r.changed);
  r = reconcile(state, [], 900);
  assert.deepEqual(r.outcomes.map((o) => [o.action, o.outcome]), [['restart', 'success']]);
});

test('lifecycle: failure after the verify window, dismissed keys stay quiet, bad transitions are refused', () => {
  let state = apply([], reconcile([], [candidate('a'), candidate('d')], 0).changed);
  state = apply(state, [markApplied(state[0]!, 0), markDismissed(state[1]!, 0)]);
  let r = reconcile(state, [candidate('a'), candidate('d')], 999);
  assert.equal(r.changed.length, 0);
  r = reconcile(state, [candidate('a'), candidate('d')], 1000);
  assert.deepEqual(r.outcomes.map((o) => o.outcome), ['failure']);
  state = apply(state, r.changed);
  // The failed key may open again on the next run; the dismissed one not before dismissForMs.
  r = reconcile(state, [candidate('a'), candidate('d')], 2000, { dismissForMs: 5000 });
  assert.deepEqual(r.changed.map((x) => [x.key, x.status]), [['a', 'open']]);
  assert.throws(() => markApplied(state[1]!, 5), LifecycleError);
});

test('Beta posterior: outcomes move the mean; the rank follows; count and rate are shown', () => {
  assert.deepEqual(posterior(undefined), { alpha: 1, beta: 1, mean: 0.5, count: 0, rate: null });
  let restart: ActionRecord | undefined;
  restart = observe(restart, 'restart', 'web', 'success');
  restart = observe(restart, 'restart', 'web', 'success');
  restart = observe(restart, 'restart', 'web', 'failure');
  const p = posterior(restart);
  assert.deepEqual([p.alpha, p.beta, p.count], [3, 2, 3]);
  assert.ok(Math.abs(p.mean - 0.6) < 1e-12);
  assert.ok(Math.abs(p.rate! - 2 / 3) < 1e-12);
  let scale: ActionRecord | undefined;
  scale = observe(scale, 'scale-up', 'web', 'failure');
  scale = observe(scale, 'scale-up', 'web', 'failure');
  const recs = [candidate('x', 'scale-up', 60), candidate('y', 'restart', 50)].map((c, i) => ({
    ...c, id: `r${i}`, status: 'open' as const, createdAt: 0, updatedAt: 0,
  }));
  // Without history, the higher priority wins; with it, the action that worked rises.
  assert.deepEqual(rank(recs, new Map()).map((x) => x.recommendation.action), ['scale-up', 'restart']);
  const records = new Map([[actionKey('restart', 'web'), restart], [actionKey('scale-up', 'web'), scale]]);
  const ranked = rank(recs, records);
  assert.deepEqual(ranked.map((x) => x.recommendation.action), ['restart', 'scale-up']);
  assert.deepEqual(ranked[1]!.posterior, { mean: 0.25, count: 2, rate: 0 });
});
