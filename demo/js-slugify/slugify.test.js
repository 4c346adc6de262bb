const test = require('node:test');
const assert = require('node:assert');
const { slugify } = require('./slugify');

test('lowercases a single word', () => {
  assert.strictEqual(slugify('Hello'), 'hello');
});

test('joins words with one dash', () => {
  assert.strictEqual(slugify('Hello,  World'), 'hello-world');
});

test('drops leading and trailing punctuation', () => {
  assert.strictEqual(slugify('  (draft) '), 'draft');
});
