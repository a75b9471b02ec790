import type { LintRule } from '../src/lint/types';
import { chainsWithEarlyEnd } from '../src/lint/early-endings';
import { chainFamilies, coveredRules } from '../src/trace/shadow';
import { linesText } from '../src/trace/shadow-text';

/**
 * A rule no packet reaches, whose packets earlier rules of its chain already give the verdict it
 * would give: deleting it changes nothing. With another verdict it is IPT2011's.
 */
export const rule: LintRule = {
  meta: {
    code: 'IPT2012',
    name: 'redundant-rule',
    severity: 'info',
    description: 'Earlier rules of the chain already give every packet a rule could match the same verdict, so it can be deleted.',
    messages: {
      redundant: 'redundant: {lines} already {verb} every packet it could match; delete it',
    },
  },
  create(context) {
    return {
      table(table, ruleset) {
        for (const chain of context.shared(table, chainsWithEarlyEnd)) {
          for (const [covered, cover] of coveredRules(chain, chainFamilies(chain, ruleset.family))) {
            if (!cover.sameVerdict) continue;
            context.report({
              at: covered,
              ruleset,
              table,
              chain,
              rule: covered,
              messageId: 'redundant',
              data: { lines: linesText(cover.by), verb: `${cover.by.length > 1 ? 'give' : 'gives'} ${covered.target!.name}` },
              related: cover.by.map((coverer) => ({ line: coverer.line, message: `gives some of its packets ${coverer.target!.name} first` })),
            });
          }
        }
      },
    };
  },
};
