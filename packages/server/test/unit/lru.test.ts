import { describe, expect, it } from 'vitest';
import { WeightedLru } from '../../src/authz/lru.js';

describe('WeightedLru', () => {
  it('evicts the least recently used entries once their weight exceeds the budget', () => {
    const cache = new WeightedLru<string, number>(10, (value) => value);
    cache.set('a', 4);
    cache.set('b', 4);
    cache.set('c', 4);
    expect(cache.get('a')).toBeUndefined();
    expect([cache.get('b'), cache.get('c'), cache.size]).toEqual([4, 4, 2]);
  });

  it('keeps an entry that was used since older entries went in', () => {
    const cache = new WeightedLru<string, string>(4);
    for (const key of ['a', 'b', 'c', 'd']) cache.set(key, key);
    expect(cache.get('a')).toBe('a');
    cache.set('e', 'e');
    expect(cache.get('b')).toBeUndefined();
    expect(['a', 'c', 'd', 'e'].map((key) => cache.get(key))).toEqual(['a', 'c', 'd', 'e']);
  });

  it('keeps an entry used again and again while many others come and go', () => {
    const cache = new WeightedLru<number, number>(100);
    cache.set(-1, -1);
    for (let key = 0; key < 10_000; key++) {
      cache.set(key, key);
      expect(cache.get(-1)).toBe(-1);
    }
    expect(cache.size).toBe(100);
  });

  it('replaces, deletes and clears', () => {
    const cache = new WeightedLru<string, number>(10, (value) => value);
    cache.set('a', 6);
    cache.set('a', 3);
    cache.set('b', 7);
    expect([cache.get('a'), cache.get('b')]).toEqual([3, 7]);
    cache.delete('a');
    cache.set('c', 3);
    expect([cache.get('b'), cache.get('c')]).toEqual([7, 3]);
    cache.clear();
    expect(cache.size).toBe(0);
    cache.set('d', 10);
    expect(cache.get('d')).toBe(10);
  });
});
