import type { Chain, Ruleset, Table } from '../src/ast';
import { forEachChain } from '../src/lint/each-chain';
import type { LintRule } from '../src/lint/types';

/** XT_EXTENSION_MAXNAMELEN less the terminating NUL. */
const MAX_CHAIN_NAME_BYTES = 28;

/** A chain name longer than iptables accepts: iptables-restore stops at that line. */
export const rule: LintRule = {
  meta: {
    code: 'IPT2008',
    name: 'chain-name-too-long',
    severity: 'error',
    description: 'A chain name longer than the 28 bytes iptables accepts.',
    messages: {
      tooLong: 'chain name `{name}` is {bytes} bytes long; iptables refuses names over 28 ("Invalid chain name … (28 chars max)"), so iptables-restore fails here. Shorten it and every jump to it',
    },
  },
  create(context) {
    const checkChain = (chain: Chain, table: Table, ruleset: Ruleset): void => {
      if (chain.builtin) return;
      // The kernel limit is in bytes: a name with non-ASCII characters hits it sooner than its length shows.
      const bytes = isAscii(chain.name) ? chain.name.length : Buffer.byteLength(chain.name, 'utf8');
      if (bytes <= MAX_CHAIN_NAME_BYTES) return;
      context.report({ at: chain, ruleset, table, chain, messageId: 'tooLong', data: { name: chain.name, bytes } });
    };
    return {
      table(table, ruleset) {
        forEachChain(table, (chain) => checkChain(chain, table, ruleset));
      },
    };
  },
};

const NON_ASCII = /[^\x00-\x7f]/;

/** Most names are: their length is their size in bytes, without a call into Buffer per chain. */
function isAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}
