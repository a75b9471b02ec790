import type { Chain, Rule } from '../ast';

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

/** Records a chain's text computed elsewhere (by the thread that parsed it), so reading it does not build its rules. */
export function rememberChainSourceText(chain: Chain, text: string): void {
  knownTexts.set(chain, text);
}
