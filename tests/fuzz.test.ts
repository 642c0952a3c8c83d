// Issue 13 item 6: 2,000 seeded fuzz cases against a real `sextant serve` (the webhook, the query API,
// every POST route, the reference upload, the reads' query parameters; see tests/support/fuzz/).
// Asserted: no 5xx, no answer slower than 5 s, every 4xx a clear JSON error without internals, every
// acknowledged alert readable in the history afterwards, the process alive and then a clean SIGTERM.
// A failure prints the seed and the command that replays the run, or only its failing cases.
// The 10,000-case run is `npm run bench -- fuzz`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuzzSession, optionsFromEnv } from './support/fuzz/session.js';

test('2,000 fuzzed requests: no 5xx, none over 5 s, clear 4xx errors, every acknowledged alert kept, the service alive', async () => {
  const options = optionsFromEnv({ seed: 20261206, cases: 2_000 });
  const session = await fuzzSession(options, (env) => `${env} node scripts/run-tests.mjs tests/fuzz.test.ts`);
  const { result } = session;
  const ok = [...result.tally].filter(([key]) => / 2\d\d$/.test(key)).reduce((sum, [, n]) => sum + n, 0);
  const webhooksOk = result.tally.get('POST /alerts/webhook 200') ?? 0;
  if (session.report !== '') assert.fail(`\n${session.report}`);
  assert.ok(session.alive, 'the service is alive at the end');
  assert.equal(session.exitCode, 0, 'SIGTERM after the run: a clean shutdown');
  if (!options.only) {
    // A run that exercised nothing proves nothing: a real mix of accepted and refused requests.
    assert.ok(webhooksOk > 200 && result.acknowledged.size > 300, `webhooks acknowledged: ${webhooksOk}, alert instances: ${result.acknowledged.size}`);
    assert.ok(ok > 300 && result.cases - ok > 1000, `2xx answers: ${ok} of ${result.cases}: ${JSON.stringify([...result.tally].sort())}`);
  }
});
