import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandTemplate, renderTemplate } from './template.js';

test('user text never becomes a template action; label references do', () => {
  const t = ['{{ query "up" }} on ', { label: 'instance' }];
  assert.equal(renderTemplate(t), '{{ "{{" }} query "up" }} on {{ $labels.instance }}');
  assert.equal(expandTemplate(t, { instance: 'h1' }), '{{ query "up" }} on h1');
});
