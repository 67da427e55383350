import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withoutPassword } from '../../src/batch/redis-url.js';

test('a Redis URL in a message never shows its password', () => {
  assert.equal(withoutPassword('redis://:s3cret@127.0.0.1:6379/2'), 'redis://:***@127.0.0.1:6379/2');
  assert.equal(withoutPassword('redis://user:pw@host:1'), 'redis://user:***@host:1');
  assert.equal(withoutPassword('redis://host:6379'), 'redis://host:6379');
  assert.equal(withoutPassword('not a url'), 'not a url');
});
