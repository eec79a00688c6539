/**
 * Stands in for `mnemonist/lru-cache` in the Lambda bundles only (build.mjs).
 * Its one user is the SDK's endpoint-discovery cache (`@aws-sdk/endpoint-cache`,
 * created by every DynamoDB client although discovery is off), which calls
 * get, set, has, peek and clear; mnemonist brings 7 KB of typed-array
 * machinery for that. A Map keeps insertion order, which is all an LRU needs.
 */
export default class LruCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  set(key: K, value: V): this {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
    return this;
  }

  clear(): void {
    this.entries.clear();
  }
}
