import type { Family, Rule, TableName } from '../ast';
import { printRuleSpec, saveString } from '../printer';
import type { ChainDiff, Change, DumpDiff } from './types';

const TABLE_ORDER: TableName[] = ['raw', 'mangle', 'nat', 'filter', 'security'];

/**
 * An `iptables-restore --noflush` script that turns the kernel's rules from `before` into `after`.
 *
 * The order keeps every step loadable: new chains exist before a rule jumps to them; rules go
 * before chains they point to are removed; deletions run from the bottom of a chain up, so each
 * rule number still names the rule it did in `before`; insertions run top down at their final
 * numbers, so each lands where `after` has it. When both families change, every command carries
 * `-4` or `-6`, so the one script can go to iptables-restore and to ip6tables-restore.
 */
export function restorePatch(diff: DumpDiff): string {
  const families = (['ipv4', 'ipv6'] as Family[]).filter((family) => diff.chains.some((chain) => chain.family === family && hasCommands(chain)));
  const prefixed = families.length > 1;
  const out = [
    `# ipt-lint diff: turns ${diff.beforeFile} into ${diff.afterFile}`,
    prefixed
      ? '# Apply with both: iptables-restore --noflush < FILE && ip6tables-restore --noflush < FILE'
      : `# Apply with: ${families[0] === 'ipv6' ? 'ip6tables-restore' : 'iptables-restore'} --noflush < FILE`,
  ];
  for (const family of families) {
    const prefix = prefixed ? (family === 'ipv4' ? '-4 ' : '-6 ') : '';
    for (const table of TABLE_ORDER) {
      const chains = diff.chains.filter((chain) => chain.family === family && chain.table === table && hasCommands(chain));
      if (chains.length === 0) continue;
      out.push(`*${table}`);
      for (const command of tableCommands(chains, family)) out.push(prefix + command);
      out.push('COMMIT');
    }
  }
  return out.join('\n') + '\n';
}

function hasCommands(chain: ChainDiff): boolean {
  return chain.changes.some((change) => change.kind !== 'counters-changed');
}

function tableCommands(chains: ChainDiff[], family: Family): string[] {
  const commands: string[] = [];
  const name = (chain: ChainDiff) => saveString(chain.chain);
  const added = chains.filter((chain) => chain.before === null && !chain.builtin);
  const removed = chains.filter((chain) => chain.after === null && !chain.builtin);

  for (const chain of added) commands.push(`-N ${name(chain)}`);
  for (const chain of chains) {
    const policy = chain.changes.find((change) => change.kind === 'policy-changed')?.policy;
    if (policy !== undefined) commands.push(`-P ${name(chain)} ${policy.after}`);
  }
  for (const chain of chains) {
    if (removed.includes(chain)) continue;
    const deletions = chain.steps.flatMap((step) => (step.op === 'delete' && step.change.kind !== 'rule-changed' ? [step.beforePosition] : []));
    for (const position of deletions.sort((a, b) => b - a)) commands.push(`-D ${name(chain)} ${position}`);
  }
  for (const chain of chains) {
    const replacements = new Map<Change, Rule>();
    for (const step of chain.steps) if (step.op === 'insert' && step.change.kind === 'rule-changed') replacements.set(step.change, step.after);
    let survivors = 0;
    for (const step of chain.steps) {
      if (step.op === 'keep') survivors++;
      if (step.op === 'delete' && step.change.kind === 'rule-changed') {
        survivors++;
        commands.push(ruleCommand(`-R ${name(chain)} ${survivors}`, printRuleSpec(replacements.get(step.change)!, family)));
      }
    }
    let length = survivors;
    for (const step of chain.steps) {
      if (step.op !== 'insert' || step.change.kind === 'rule-changed') continue;
      const spec = printRuleSpec(step.after, family);
      // `-I CHAIN n` one past the end is refused by some iptables versions; append instead.
      commands.push(step.afterPosition === length + 1 ? ruleCommand(`-A ${name(chain)}`, spec) : ruleCommand(`-I ${name(chain)} ${step.afterPosition}`, spec));
      length++;
    }
  }
  for (const chain of removed) commands.push(`-F ${name(chain)}`);
  for (const chain of removed) commands.push(`-X ${name(chain)}`);
  return commands;
}

function ruleCommand(head: string, spec: string): string {
  return spec === '' ? head : `${head} ${spec}`;
}
