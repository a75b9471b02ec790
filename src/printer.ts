import type { Dump, ExtensionOption, Family, Parameter, Rule, Ruleset, Table } from './ast';
import { canonicalAddress, canonicalPortRange, canonicalProtocol } from './parser/values';

export interface PrintOptions {
  /** Print rule counters (`[packets:bytes]` before `-A`) where the dump has them. Default true. */
  counters?: boolean;
  /** The rule's specification as `printRuleSpec` gives it, when the caller has already printed it. */
  spec?: string;
}

const PARAMETER_FLAGS: Record<Parameter['name'], string> = {
  source: '-s',
  destination: '-d',
  'in-interface': '-i',
  'out-interface': '-o',
  protocol: '-p',
  fragment: '-f',
};

/**
 * Options whose values iptables-save passes through its quoting function;
 * every other value is printed as the extension formats it.
 */
const QUOTED_OPTIONS = new Set(['comment', 'log-prefix', 'nflog-prefix', 'ulog-prefix']);
/** Options iptables-save always wraps in double quotes, escaping only `"` and `\`. */
const ALWAYS_QUOTED_OPTIONS = new Set(['string', 'hex-string', 'u32']);
const BARE_WORD = /^[A-Za-z0-9_-]+$/;
const PORT_OPTIONS = new Set(['sport', 'dport']);

/** The dump as `iptables-save` would print it, without the `#` header and footer lines. */
export function printDump(dump: Dump, options: PrintOptions = {}): string {
  return dump.rulesets.map((ruleset) => printRuleset(ruleset, options)).join('');
}

export function printRuleset(ruleset: Ruleset, options: PrintOptions = {}): string {
  return ruleset.tables.map((table) => printTable(table, ruleset.family, options)).join('');
}

export function printTable(table: Table, family: Family, options: PrintOptions = {}): string {
  const out: string[] = [`*${table.name}`];
  for (const chain of table.chains) {
    const counters = chain.counters ?? { packets: '0', bytes: '0' };
    out.push(`:${chain.name} ${chain.policy ?? '-'} [${counters.packets}:${counters.bytes}]`);
  }
  for (const chain of table.chains) {
    for (const rule of chain.rules) out.push(printRule(rule, family, options));
  }
  out.push('COMMIT');
  return out.join('\n') + '\n';
}

/** One rule as an `-A` line in iptables' own order. */
export function printRule(rule: Rule, family: Family, options: PrintOptions = {}): string {
  const counters = options.counters !== false && rule.counters !== null ? `[${rule.counters.packets}:${rule.counters.bytes}] ` : '';
  const spec = options.spec ?? printRuleSpec(rule, family);
  // iptables-save never prints a family prefix; a restore file's `-4`/`-6` rule keeps it so the text still says which family it is for.
  const prefix = rule.onlyFamily === null ? '' : rule.onlyFamily === 'ipv4' ? '-4 ' : '-6 ';
  return `${prefix}${counters}-A ${quoteIfNeeded(rule.chain)}${spec === '' ? '' : ' ' + spec}`;
}

/** The rule specification (everything after the chain name) in canonical form. */
export function printRuleSpec(rule: Rule, family: Family): string {
  const parts: string[] = [];
  for (const parameter of rule.parameters) {
    const text = printParameter(parameter, rule.onlyFamily ?? family);
    if (text !== '') parts.push(text);
  }
  for (const match of rule.matches) {
    parts.push(`-m ${quoteIfNeeded(match.module)}`);
    for (const option of match.options) parts.push(printOption(option, match.known));
  }
  const target = rule.target;
  if (target !== null) {
    parts.push(`${target.kind === 'goto' ? '-g' : '-j'} ${printedTargetName(target.name)}`);
    for (const option of target.options) parts.push(printOption(option, target.type === 'extension'));
  }
  return parts.join(' ');
}

/** One printed piece of a rule, named by what it sets, so two versions of a rule can be compared piece by piece. */
export interface RulePart {
  /** `-s`, `-m tcp --dport`, `-j`, `-j DNAT --to-destination`; a repeated option gets `#2`, `#3`. */
  key: string;
  /** The piece as printed: `-s 10.0.0.1/32`, `--dport 80`, `-j DNAT`. */
  text: string;
}

/** The canonical rule specification, cut into its parameters, match options and target options. */
export function printRuleParts(rule: Rule, family: Family): RulePart[] {
  const parts: RulePart[] = [];
  const seen = new Map<string, number>();
  const add = (key: string, text: string): void => {
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    parts.push({ key: count === 1 ? key : `${key}#${count}`, text });
  };
  for (const parameter of rule.parameters) {
    const text = printParameter(parameter, rule.onlyFamily ?? family);
    if (text !== '') add(PARAMETER_FLAGS[parameter.name], text);
  }
  for (const match of rule.matches) {
    const module = `-m ${quoteIfNeeded(match.module)}`;
    if (match.options.length === 0) add(module, module);
    for (const option of match.options) add(`${module} --${option.name}`, printOption(option, match.known));
  }
  const target = rule.target;
  if (target !== null) {
    const jump = `${target.kind === 'goto' ? '-g' : '-j'} ${quoteIfNeeded(target.name)}`;
    add('-j', jump);
    for (const option of target.options) add(`-j ${target.name} --${option.name}`, printOption(option, target.type === 'extension'));
  }
  return parts;
}

/** One parameter as printed (`-s 10.0.0.1/32`, `! -o br-1`); empty for `-i +`, which the printer leaves out. */
export function printParameter(parameter: Pick<Parameter, 'name' | 'negated' | 'value'>, family: Family): string {
  const bang = parameter.negated ? '! ' : '';
  const flag = PARAMETER_FLAGS[parameter.name];
  if (parameter.value === null) return `${bang}${flag}`;
  const value = printedParameterValue(parameter.name, parameter.negated, parameter.value, family);
  return value === null ? '' : `${bang}${flag} ${value}`;
}

/** A parameter's value as printed; null for `-i +`, which the printer leaves out. */
export function printedParameterValue(name: Parameter['name'], negated: boolean, value: string, family: Family): string | null {
  switch (name) {
    case 'source':
    case 'destination':
      return quoteIfNeeded(canonicalAddress(value, family));
    case 'protocol':
      return quoteIfNeeded(canonicalProtocol(value, family));
    case 'in-interface':
    case 'out-interface':
      if (value === '+' && !negated) return null;
      break;
  }
  return quoteIfNeeded(value);
}

function printOption(option: ExtensionOption, known: boolean): string {
  const bang = option.negated ? '! ' : '';
  const flag = known ? `--${option.name}` : option.spelling;
  const values = option.values.map((value) => printedOptionValue(option.name, value, known));
  return values.length === 0 ? `${bang}${flag}` : `${bang}${flag} ${values.join(' ')}`;
}

/** One value of an extension's option as printed; `known` when the extension and the option are in the extension table. */
export function printedOptionValue(option: string, value: string, known: boolean): string {
  if (known && QUOTED_OPTIONS.has(option)) return saveString(value);
  if (known && ALWAYS_QUOTED_OPTIONS.has(option)) return '"' + value.replace(/["\\]/g, (ch) => '\\' + ch) + '"';
  if (known && PORT_OPTIONS.has(option)) return canonicalPortRange(value);
  return quoteIfNeeded(value);
}

/** A target's name as printed after `-j` or `-g`. */
export function printedTargetName(name: string): string {
  return quoteIfNeeded(name);
}

/** iptables-save's quoting: bare when only `[A-Za-z0-9_-]`, else double-quoted with `"`, `\` and `'` escaped. */
export function saveString(value: string): string {
  if (BARE_WORD.test(value)) return value;
  return '"' + value.replace(/["\\']/g, (ch) => '\\' + ch) + '"';
}

/** Values iptables prints raw still need quotes when they would not survive re-reading. */
function quoteIfNeeded(value: string): string {
  return value === '' || /[\s"]/.test(value) ? saveString(value) : value;
}
