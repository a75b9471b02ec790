import fc from 'fast-check';
import { alignSequences } from '../../src/diff/align';

/** Pairs must ascend on both sides and join equal items; returns the first pair that does not. */
function firstInvalidPair(before: string[], after: string[], pairs: Array<[number, number]>): string | null {
  for (let k = 0; k < pairs.length; k++) {
    const [i, j] = pairs[k];
    if (before[i] !== after[j]) return `pair ${k} joins ${before[i]} and ${after[j]}`;
    if (k > 0 && (i <= pairs[k - 1][0] || j <= pairs[k - 1][1])) return `pair ${k} does not ascend`;
  }
  return null;
}

/** The longest common subsequence's length, by dynamic programming: the yardstick for small inputs. */
function lcsLength(a: string[], b: string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = x === b[j - 1] ? diagonal + 1 : Math.max(row[j], row[j - 1]);
      diagonal = above;
    }
  }
  return row[b.length];
}

describe('alignSequences', () => {
  test('keeps equal items in order, whatever repeats', () => {
    const items = fc.array(fc.constantFrom<string>('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 25 });
    fc.assert(
      fc.property(items, items, (before, after) => {
        expect(firstInvalidPair(before, after, alignSequences(before, after))).toBeNull();
      }),
      { numRuns: 2000 },
    );
  });

  test('rules that are all different keep as many as the longest common subsequence', () => {
    const distinct = fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 30 }).map((numbers) => numbers.map((n) => `rule ${n}`));
    fc.assert(
      fc.property(distinct, distinct, (before, after) => {
        expect(alignSequences(before, after)).toHaveLength(lcsLength(before, after));
      }),
      { numRuns: 2000 },
    );
  });

  test('identical sequences align whole; sequences with nothing in common not at all', () => {
    const items = Array.from({ length: 1000 }, (_, k) => `rule ${k % 10}`);
    expect(alignSequences(items, items)).toHaveLength(1000);
    expect(alignSequences(items, items.map((item) => `${item}!`))).toEqual([]);
  });

  test('a long stretch of repeated rules with many edits: valid, keeping most of it, and fast (the greedy fallback)', () => {
    const before = Array.from({ length: 50_000 }, (_, k) => `rule ${k % 7}`);
    const after = before.filter((_, k) => k % 23 !== 0).map((item, k) => (k % 31 === 0 ? 'other' : item));
    const started = Date.now();
    const pairs = alignSequences(before, after);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(firstInvalidPair(before, after, pairs)).toBeNull();
    // Greedy is not minimal, but keeps most of a stretch that mostly survived.
    expect(pairs.length).toBeGreaterThan(after.length * 0.6);
  });

  test('unique rules in a 50k chain with scattered edits align in linear time', () => {
    const before = Array.from({ length: 50_000 }, (_, k) => `rule ${k}`);
    const after = before.filter((_, k) => k % 100 !== 0);
    after.splice(25_000, 0, 'new rule');
    const pairs = alignSequences(before, after);
    expect(firstInvalidPair(before, after, pairs)).toBeNull();
    expect(pairs.length).toBe(after.length - 1);
  });
});
