import type * as Diff from 'diff';

// The package's index loads all its diff and patch modules, a noticeable part of a diff's start-up; this needs one.
const { diffArrays } = require('diff/lib/diff/array.js') as Pick<typeof Diff, 'diffArrays'>;

/** Beyond this many edits in one stretch without a unique anchor, Myers' O(N·D) search gives way to a greedy match. */
const MAX_MYERS_EDITS = 400;

/**
 * The items two sequences keep in common, as ascending (before, after) index pairs.
 *
 * Patience alignment: common ends are matched first, then the keys that occur exactly once on
 * both sides and in the same order anchor the alignment, and the stretches between anchors are
 * aligned the same way, recursively. A stretch without unique keys goes to the `diff` package's
 * Myers search, bounded so that a chain of 50k near-identical rules never turns quadratic.
 */
export function alignSequences(before: readonly string[], after: readonly string[]): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  // Common ends, which are most of two versions of a chain, come out in order; only the middle is sorted.
  let start = 0;
  let beforeEnd = before.length;
  let afterEnd = after.length;
  while (start < beforeEnd && start < afterEnd && before[start] === after[start]) pairs.push([start, start++]);
  while (start < beforeEnd && start < afterEnd && before[beforeEnd - 1] === after[afterEnd - 1]) {
    beforeEnd--;
    afterEnd--;
  }
  if (start < beforeEnd && start < afterEnd) for (const pair of alignMiddle(before, after, start, beforeEnd, afterEnd)) pairs.push(pair);
  for (let offset = 0; beforeEnd + offset < before.length; offset++) pairs.push([beforeEnd + offset, afterEnd + offset]);
  return pairs;
}

/** The pairs of `before[start..beforeEnd)` and `after[start..afterEnd)`, ascending. */
function alignMiddle(before: readonly string[], after: readonly string[], start: number, beforeEnd: number, afterEnd: number): Array<[number, number]> {
  const pairs: Array<[number, number]> = [];
  const stack: Array<[number, number, number, number]> = [[start, beforeEnd, start, afterEnd]];
  while (stack.length > 0) {
    let [a0, a1, b0, b1] = stack.pop()!;
    while (a0 < a1 && b0 < b1 && before[a0] === after[b0]) pairs.push([a0++, b0++]);
    while (a0 < a1 && b0 < b1 && before[a1 - 1] === after[b1 - 1]) pairs.push([--a1, --b1]);
    if (a0 === a1 || b0 === b1) continue;

    const anchors = uniqueAnchors(before, after, a0, a1, b0, b1);
    if (anchors.length > 0) {
      let lastA = a0;
      let lastB = b0;
      for (const [a, b] of anchors) {
        pairs.push([a, b]);
        if (a > lastA && b > lastB) stack.push([lastA, a, lastB, b]);
        lastA = a + 1;
        lastB = b + 1;
      }
      if (a1 > lastA && b1 > lastB) stack.push([lastA, a1, lastB, b1]);
      continue;
    }
    alignWithoutAnchors(before, after, { a0, a1, b0, b1 }, pairs);
  }
  return pairs.sort((x, y) => x[0] - y[0]);
}

/** Keys found exactly once on each side, reduced to the longest run that keeps their order on both. */
function uniqueAnchors(before: readonly string[], after: readonly string[], a0: number, a1: number, b0: number, b1: number): Array<[number, number]> {
  // Per key of `before`: its index, or -2 once it has been seen twice; then its index in `after`, likewise.
  const slotOf = new Map<string, number>();
  const inBefore = new Int32Array(a1 - a0);
  const inAfter = new Int32Array(a1 - a0).fill(-1);
  let slots = 0;
  for (let i = a0; i < a1; i++) {
    const slot = slotOf.get(before[i]);
    if (slot === undefined) {
      slotOf.set(before[i], slots);
      inBefore[slots++] = i;
    } else {
      inBefore[slot] = -2;
    }
  }
  for (let j = b0; j < b1; j++) {
    const slot = slotOf.get(after[j]);
    if (slot !== undefined) inAfter[slot] = inAfter[slot] === -1 ? j : -2;
  }
  // Slots are numbered in `before` order: the candidates come out ascending in `before`.
  const candidates: Array<[number, number]> = [];
  for (let slot = 0; slot < slots; slot++) if (inBefore[slot] >= 0 && inAfter[slot] >= 0) candidates.push([inBefore[slot], inAfter[slot]]);
  return candidates.length === 0 ? candidates : longestIncreasingByAfter(candidates);
}

/** Patience sorting: the longest subsequence of pairs (already ascending in `before`) that also ascends in `after`. */
function longestIncreasingByAfter(pairs: Array<[number, number]>): Array<[number, number]> {
  const tails: number[] = [];
  const previous = new Int32Array(pairs.length);
  for (let k = 0; k < pairs.length; k++) {
    const b = pairs[k][1];
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (pairs[tails[middle]][1] < b) low = middle + 1;
      else high = middle;
    }
    previous[k] = low > 0 ? tails[low - 1] : -1;
    tails[low] = k;
  }
  const result: Array<[number, number]> = new Array(tails.length);
  for (let k = tails[tails.length - 1], at = tails.length - 1; k >= 0; k = previous[k], at--) result[at] = pairs[k];
  return result;
}

/** A stretch of both sequences: `before[a0..a1)` against `after[b0..b1)`. */
interface Stretch {
  a0: number;
  a1: number;
  b0: number;
  b1: number;
}

function alignWithoutAnchors(before: readonly string[], after: readonly string[], stretch: Stretch, pairs: Array<[number, number]>): void {
  const { a0, a1, b0, b1 } = stretch;
  const changes = diffArrays(before.slice(a0, a1), after.slice(b0, b1), { maxEditLength: MAX_MYERS_EDITS });
  if (changes === undefined) {
    alignGreedily(before, after, stretch, pairs);
    return;
  }
  let a = a0;
  let b = b0;
  for (const change of changes) {
    if (change.added) b += change.count;
    else if (change.removed) a += change.count;
    else for (let k = 0; k < change.count; k++) pairs.push([a++, b++]);
  }
}

/** Each item matches the next unused equal item on the other side: linear, not minimal, only for stretches Myers gives up on. */
function alignGreedily(before: readonly string[], after: readonly string[], { a0, a1, b0, b1 }: Stretch, pairs: Array<[number, number]>): void {
  const positions = new Map<string, number[]>();
  for (let j = b1 - 1; j >= b0; j--) {
    const list = positions.get(after[j]);
    if (list === undefined) positions.set(after[j], [j]);
    else list.push(j);
  }
  let lastB = b0 - 1;
  for (let i = a0; i < a1; i++) {
    const list = positions.get(before[i]);
    if (list === undefined) continue;
    while (list.length > 0 && list[list.length - 1] <= lastB) list.pop();
    if (list.length === 0) continue;
    lastB = list.pop()!;
    pairs.push([i, lastB]);
  }
}
