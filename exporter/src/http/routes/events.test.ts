// GET /api/v1/events through the real app: a token's stream carries its tenant's events only, in
// the Server-Sent Events format browsers read, and ends when the service ends its streams.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LiveEvents } from '../live-events.js';
import { listenApi } from '../testing/listen.js';
import { testApiDeps } from '../testing/api-deps.js';
import { apiRouters } from './index.js';

/** Reads the stream until `count` events have come (or it ends); returns the raw text. */
async function readEvents(body: ReadableStream<Uint8Array>, count: number): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while ((text.match(/^event: /gm) ?? []).length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  reader.releaseLock();
  return text;
}

test('event stream: each tenant gets its own events as SSE, unauthenticated callers get 401, and ending the streams closes them', async (t) => {
  const live = new LiveEvents();
  const { deps, close } = await testApiDeps({ live });
  const tokens = [
    { name: 'a-viewer', token: 'token-a', tenant: 'a', role: 'viewer' as const },
    { name: 'b-viewer', token: 'token-b', tenant: 'b', role: 'viewer' as const },
  ];
  const server = await listenApi(apiRouters(deps), tokens, { registry: deps.registry, log: deps.log, bodyLimitBytes: 1000, requestTimeoutMs: 50 });
  t.after(async () => {
    live.endAll();
    await server.close();
    await close();
  });
  const open = (token: string) => fetch(`${server.url}/api/v1/events`, { headers: { authorization: `Bearer ${token}` } });

  assert.equal((await fetch(`${server.url}/api/v1/events`)).status, 401);
  const a = await open('token-a');
  const b = await open('token-b');
  assert.equal(a.status, 200);
  assert.equal(a.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  // Longer than the request timeout (50 ms): a stream is not cut by it.
  await new Promise((r) => setTimeout(r, 120));
  live.publish('a', 'anomaly', { dataset: 'cpu', severity: 'high' });
  live.publish('b', 'recommendations', { stage: 'recommend' });
  live.publish('a', 'predictions', { stage: 'predict' });
  const textA = await readEvents(a.body!, 2);
  assert.match(textA, /^retry: 2000\n/);
  const events = [...textA.matchAll(/id: (\d+)\nevent: (\w+)\ndata: (.*)\n\n/g)].map((m) => [Number(m[1]), m[2], JSON.parse(m[3]!)]);
  assert.deepEqual(events, [
    [1, 'anomaly', { dataset: 'cpu', severity: 'high' }],
    [3, 'predictions', { stage: 'predict' }],
  ]);
  assert.match(await readEvents(b.body!, 1), /event: recommendations\ndata: \{"stage":"recommend"\}/);
  // At shutdown the service ends the streams: the body ends.
  live.endAll();
  const reader = a.body!.getReader();
  let done = false;
  while (!done) done = (await reader.read()).done;
  assert.ok(done);
});
