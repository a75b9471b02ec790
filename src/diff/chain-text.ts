import type { Chain, Rule } from '../ast';

/** Each chain's text, worked out once: the differ compares it and aligns only chains whose texts differ. */
const knownTexts = new WeakMap<Chain, string>();

/** The rule as written, without counters: equal text is an equal rule, whatever else differs. */
export function sourceSpec(rule: Rule): string {
  const raw = rule.raw;
  if (raw.charCodeAt(0) !== 91 /* [ */) return raw;
  const end = raw.indexOf(']');
  return end < 0 ? raw : raw.slice(end + 1).trimStart();
}

/** A chain's rules as written, one per line, counters left out: two chains with equal texts hold the same rules. */
export function chainSourceText(chain: Chain): string {
  let text = knownTexts.get(chain);
  if (text === undefined) {
    text = chain.rules.map(sourceSpec).join('\n');
    knownTexts.set(chain, text);
  }
  return text;
}
