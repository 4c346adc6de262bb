// Keeps item counts; stock can never go below zero.
class Inventory {
  constructor() {
    this.counts = new Map();
  }

  addStock(name, amount) {
    this.counts.set(name, this.count(name) + amount);
  }

  removeStock(name, amount) {
    this.counts.set(name, this.count(name) - amount);
  }

  count(name) {
    return this.counts.get(name) ?? 0;
  }
}

module.exports = { Inventory };
