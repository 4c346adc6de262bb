const test = require('node:test');
const assert = require('node:assert');
const { Inventory } = require('../inventory');

test('adds stock', () => {
  const inv = new Inventory();
  inv.addStock('apple', 3);
  assert.strictEqual(inv.count('apple'), 3);
});

test('removes stock', () => {
  const inv = new Inventory();
  inv.addStock('apple', 3);
  inv.removeStock('apple', 2);
  assert.strictEqual(inv.count('apple'), 1);
});

test('refuses to remove more than is there', () => {
  const inv = new Inventory();
  inv.addStock('apple', 3);
  assert.throws(() => inv.removeStock('apple', 5), /not enough stock/);
  assert.strictEqual(inv.count('apple'), 3);
});
