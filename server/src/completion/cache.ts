// A small LRU cache of finished suggestions keyed by the cursor context, so that typing back over the same
// spot (or the editor asking twice) does not call the model again.

export class LruCache<V> {
  private readonly map = new Map<string, V>();

  constructor(private readonly capacity: number) {}

  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }

  get size(): number {
    return this.map.size;
  }

  clear(): void {
    this.map.clear();
  }
}

/** The cache key of a context: the text near the cursor decides what the model would say. */
export function contextKey(lang: string, prefix: string, suffix: string, multiline: boolean): string {
  return `${lang}\u0000${multiline ? 'm' : 's'}\u0000${prefix.slice(-1500)}\u0000${suffix.slice(0, 300)}`;
}
