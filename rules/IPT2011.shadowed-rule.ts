import type { LintRule } from '../src/lint/types';
import { chainsWithEarlyEnd } from '../src/lint/early-endings';
import { chainFamilies, coveredRules } from '../src/trace/shadow';
import { linesText } from '../src/trace/shadow-text';

/**
 * A rule no packet reaches: earlier rules of its chain give every packet it could match a verdict
 * of their own, one that differs from its (or it has none: a LOG, a jump). Covered by rules with
 * its own verdict, it is IPT2012's; after a rule with no conditions at all, IPT2005's.
 */
export const rule: LintRule = {
  meta: {
    code: 'IPT2011',
    name: 'shadowed-rule',
    severity: 'warning',
    description: 'Earlier rules of the chain decide every packet a rule could match, with another verdict, so it never matches.',
    messages: {
      shadowed: 'never matches: {lines} {decide} every packet it could match ({verdicts}); move it above {them} or narrow {them}',
    },
  },
  create(context) {
    return {
      table(table, ruleset) {
        for (const chain of context.shared(table, chainsWithEarlyEnd)) {
          for (const [covered, cover] of coveredRules(chain, chainFamilies(chain, ruleset.family))) {
            if (cover.sameVerdict) continue;
            const verdicts = [...new Set(cover.by.map((coverer) => coverer.target!.name))].join(', ');
            context.report({
              at: covered,
              ruleset,
              table,
              chain,
              rule: covered,
              messageId: 'shadowed',
              data: { lines: linesText(cover.by), decide: cover.by.length > 1 ? 'together decide' : 'decides', verdicts, them: cover.by.length > 1 ? 'them' : 'it' },
              related: cover.by.map((coverer) => ({ line: coverer.line, message: 'decides some of its packets first' })),
            });
          }
        }
      },
    };
  },
};
