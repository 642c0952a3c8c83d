import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from './log.js';

test('logs one JSON object per line and redacts secret-looking fields at any depth', () => {
  const lines: string[] = [];
  const log = createLogger('info', (l) => lines.push(l)).child({ component: 'test' });
  log.debug('hidden');
  log.info('hello', { token: 's3cret', nested: { password: 'p', keep: 1 } });
  assert.equal(lines.length, 1);
  const record = JSON.parse(lines[0] ?? '');
  assert.equal(record.msg, 'hello');
  assert.equal(record.component, 'test');
  assert.equal(record.token, '[redacted]');
  assert.deepEqual(record.nested, { password: '[redacted]', keep: 1 });
  assert.ok(!lines[0]?.includes('s3cret'));
});
