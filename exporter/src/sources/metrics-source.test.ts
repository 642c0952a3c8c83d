import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SourceError } from './metrics-source.js';

test('SourceError names its source and says whether a retry may help', () => {
  const error = new SourceError('prometheus', 'HTTP 503', true);
  assert.equal(error.message, 'prometheus: HTTP 503');
  assert.equal(error.retryable, true);
});
