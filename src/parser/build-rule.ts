import type {
  Counters,
  ExtensionOption,
  Family,
  Match,
  ParameterName,
  Rule,
  RuleCommand,
  Target,
} from '../ast';
import type { DiagnosticKey } from '../diagnostics';
import type { ClassifiedLine } from './classify';
import { PARAMETER_SPELLINGS } from './classify';
import { knownTargetName, MATCHES, targetTypeFor, validateOptionValue } from './extensions';
import { unquote, type Word } from './lexer';
import type { CommandShape, RuleItem } from './line-shape';
import { canonicalProtocol, validateValue } from './values';

/** Reports a problem at a word of the line being built. */
export type Reporter = (key: DiagnosticKey, wordIndex: number, message: string) => void;

/** The address family as far as the file has revealed it; a rule may settle it. */
export interface FamilyState {
  family: Family;
  settled: boolean;
}

/** The order a rule keeps its parameters in, as iptables prints them. */
export const PARAMETER_ORDER: Record<ParameterName, number> = {
  source: 0,
  destination: 1,
  'in-interface': 2,
  'out-interface': 3,
  protocol: 4,
  fragment: 5,
};

const COMMAND_NAMES: Record<string, RuleCommand> = {
  append: 'append',
  insert: 'insert',
  deleteRule: 'delete',
  replace: 'replace',
  check: 'check',
};

const MAX_ARGUMENT_BYTES = 1023;
const MAX_WORDS = 255;

// Chain, module and target names repeat on every rule of a large dump; sharing one string per name
// keeps a 100k-rule tree about a fifth smaller.
const MAX_INTERNED = 100_000;
let interned = new Map<string, string>();
function intern(text: string): string {
  const known = interned.get(text);
  if (known !== undefined) return known;
  if (interned.size >= MAX_INTERNED) interned = new Map();
  interned.set(text, text);
  return text;
}

/** Which match modules have an option, for "did you forget -m tcp?" hints. */
const MODULES_BY_OPTION = new Map<string, string[]>();
for (const [module, spec] of Object.entries(MATCHES)) {
  for (const [option, optionSpec] of Object.entries(spec.options)) {
    for (const name of [option, ...(optionSpec.aliases ?? [])]) {
      const modules = MODULES_BY_OPTION.get(name) ?? [];
      modules.push(module);
      MODULES_BY_OPTION.set(name, modules);
    }
  }
}

/** Builds the Rule node of a rule command line from its grammar shape and classified words. */
export function buildRule(
  line: ClassifiedLine,
  shape: CommandShape & { prefix: number; counters: number },
  lineNumber: number,
  raw: string,
  familyState: FamilyState,
  report: Reporter,
  mode: BuildMode = 'full',
): Rule {
  return new RuleBuilder(line, lineNumber, familyState, report, mode).build(shape, raw);
}

/**
 * `full`: check the line and build every node. `check`: check it without building the options of
 * matches and targets, for a reader that builds them later. `rebuild`: build every node of a line
 * already checked, without checking its values again.
 */
export type BuildMode = 'full' | 'check' | 'rebuild';

class RuleBuilder {
  private readonly words: Word[];
  private readonly slotNodes: (Match | Target | undefined)[];
  private rule!: Rule;
  private seenParameters = 0;

  constructor(
    private readonly line: ClassifiedLine,
    private readonly lineNumber: number,
    private readonly familyState: FamilyState,
    private readonly report: Reporter,
    private readonly mode: BuildMode,
  ) {
    this.words = line.words;
    this.slotNodes = new Array(line.slots.length);
  }

  build(shape: CommandShape & { prefix: number; counters: number }, raw: string): Rule {
    const { words, report } = this;
    if (words.length > MAX_WORDS) {
      report('argumentLimit', MAX_WORDS, `the rule has ${words.length} words; iptables-restore takes at most ${MAX_WORDS}`);
    }
    for (let w = 0; w < words.length; w++) {
      if (words[w].text.length > MAX_ARGUMENT_BYTES) {
        report('argumentLimit', w, `this argument is ${words[w].text.length} bytes; iptables-restore takes at most ${MAX_ARGUMENT_BYTES}`);
      }
    }

    const rule: Rule = (this.rule = {
      kind: 'rule',
      line: this.lineNumber,
      column: words[0].column,
      command: COMMAND_NAMES[this.line.types[shape.command]],
      chain: unquote(words[shape.operands[0]]),
      ruleNumber: shape.ruleNumber >= 0 ? Number(words[shape.ruleNumber].text) : null,
      position: 0,
      counters: shape.counters >= 0 ? bracketCounters(words[shape.counters].text) : null,
      onlyFamily: shape.prefix >= 0 ? (words[shape.prefix].text === '-6' ? 'ipv6' : 'ipv4') : null,
      parameters: [],
      matches: [],
      target: null,
      unsupportedRevision: false,
      raw,
    });

    const checking = this.mode !== 'rebuild';
    const chainProblem = checking ? chainNameProblem(rule.chain) : null;
    if (chainProblem !== null) report('invalidValue', shape.operands[0], chainProblem);

    for (const item of shape.items) this.addItem(item);

    if (checking) checkProtocolRequirements(rule, this.line, report);
    if (rule.parameters.length > 1) rule.parameters.sort((a, b) => PARAMETER_ORDER[a.name] - PARAMETER_ORDER[b.name]);
    rule.parameters = exactSize(rule.parameters);
    if (this.mode === 'check') return rule;
    rule.matches = exactSize(rule.matches);
    for (const match of rule.matches) match.options = exactSize(match.options);
    if (rule.target !== null) rule.target.options = exactSize(rule.target.options);
    return rule;
  }

  private family(): Family {
    return this.rule.onlyFamily ?? this.familyState.family;
  }

  private addItem(item: RuleItem): void {
    const { words, report, rule } = this;
    const nameWord = words[item.name];
    if (item.bang >= 0 && item.oldBang >= 0) {
      report('syntaxError', item.oldBang, `\`${nameWord.text}\` is negated twice; keep one \`!\``);
    }
    if (item.oldBang >= 0) {
      report('oldNegation', item.oldBang, `old-style negation; write \`! ${nameWord.text} …\` (iptables 1.4.12 and later refuse \`${nameWord.text} ! …\`)`);
    }
    const negated = item.bang >= 0 || item.oldBang >= 0;

    switch (item.kind) {
      case 'parameter':
        this.addParameter(item, negated);
        return;
      case 'match': {
        const slotIndex = this.slotAt(item.name);
        if (this.mode !== 'check') this.matchForSlot(slotIndex);
        const slot = this.line.slots[slotIndex];
        if (slot.spec === null) {
          report('unknownModule', item.values[0], `unknown match module \`${slot.name}\`; its options are kept as written and analysis treats it as unknown`);
        } else {
          const family = slot.spec.family;
          if (family !== undefined && family !== this.family() && this.familyState.settled) {
            report('familyMismatch', item.values[0], `\`-m ${slot.name}\` is for ${family === 'ipv4' ? 'iptables (IPv4)' : 'ip6tables (IPv6)'} only`);
          }
        }
        return;
      }
      case 'jump':
      case 'goto': {
        const name = unquote(words[item.values[0]]);
        const targetProblem = this.mode === 'rebuild' ? null : chainNameProblem(name);
        if (targetProblem !== null) report('invalidValue', item.values[0], targetProblem.replace('chain name', 'target name'));
        const known = knownTargetName(name);
        const target: Target = {
          kind: item.kind,
          name: known ?? name,
          type: targetTypeFor(item.kind, known),
          options: [],
          line: this.lineNumber,
          column: nameWord.column,
        };
        if (rule.target !== null) {
          report('syntaxError', item.name, `a rule has one target; this one already has \`${rule.target.kind === 'goto' ? '-g' : '-j'} ${rule.target.name}\``);
        } else {
          rule.target = target;
        }
        const slotIndex = this.slotAt(item.name);
        if (slotIndex >= 0) this.slotNodes[slotIndex] = target;
        return;
      }
      case 'family':
        rule.onlyFamily = nameWord.text === '-6' || nameWord.text === '--ipv6' ? 'ipv6' : 'ipv4';
        return;
      case 'set-counters': {
        const texts = item.values.map((index) => words[index].text);
        const [packets, bytes] = texts.length === 1 ? texts[0].split(',') : texts;
        if (!/^\d+$/.test(packets) || !/^\d+$/.test(bytes ?? '')) {
          report('invalidCounters', item.values[0], '`-c` takes two decimal numbers: packets and bytes');
        } else {
          rule.counters = { packets, bytes };
        }
        return;
      }
      case 'option':
        this.addOption(item.name, item.values, negated, item.oldBang >= 0);
        return;
    }
  }

  private addParameter(item: RuleItem, negated: boolean): void {
    const nameWord = this.words[item.name];
    const name = PARAMETER_SPELLINGS.get(nameWord.text) as ParameterName;
    const bit = 1 << PARAMETER_ORDER[name];
    if ((this.seenParameters & bit) !== 0) {
      this.report('repeatedParameter', item.name, `\`${nameWord.text}\` is given twice in one rule; iptables allows it once`);
    }
    this.seenParameters |= bit;
    const value = item.values.length > 0 ? unquote(this.words[item.values[0]]) : null;
    this.rule.parameters.push({
      name,
      negated,
      value,
      oldNegation: item.oldBang >= 0,
      line: this.lineNumber,
      column: this.words[item.bang >= 0 ? item.bang : item.name].column,
    });
    if (value !== null && this.mode !== 'rebuild') this.checkParameterValue(name, value, item.values[0]);
  }

  private checkParameterValue(name: ParameterName, value: string, wordIndex: number): void {
    const familyState = this.familyState;
    if (name === 'source' || name === 'destination') {
      if (!familyState.settled && this.rule.onlyFamily === null) {
        familyState.family = value.includes(':') ? 'ipv6' : 'ipv4';
        familyState.settled = true;
      }
      const family = this.family();
      const problem = validateValue('address', value, family);
      if (problem !== null) this.report(value.includes(':') !== (family === 'ipv6') ? 'familyMismatch' : 'invalidValue', wordIndex, problem);
    } else {
      const problem = validateValue(name === 'protocol' ? 'protocol' : 'interface', value, this.family());
      if (problem !== null) this.report('invalidValue', wordIndex, problem);
    }
  }

  private slotAt(wordIndex: number): number {
    const slots = this.line.slots;
    for (let s = 0; s < slots.length; s++) if (slots[s].wordIndex === wordIndex) return s;
    return -1;
  }

  private matchForSlot(slotIndex: number): Match {
    let node = this.slotNodes[slotIndex] as Match | undefined;
    if (node === undefined) {
      const slot = this.line.slots[slotIndex];
      node = {
        module: intern(slot.name),
        known: slot.spec !== null,
        implicit: slot.implicit,
        options: [],
        line: this.lineNumber,
        column: this.words[slot.wordIndex].column,
      };
      this.slotNodes[slotIndex] = node;
      this.rule.matches.push(node);
    }
    return node;
  }

  private addOption(wordIndex: number, valueIndexes: number[], negated: boolean, oldNegation: boolean): void {
    const { words, report, line } = this;
    const word = words[wordIndex];
    const owner = line.owners[wordIndex];
    if (owner === undefined) return;
    let option: ExtensionOption | null = null;
    if (this.mode !== 'check') {
      const values: string[] = new Array(valueIndexes.length);
      for (let v = 0; v < valueIndexes.length; v++) values[v] = unquote(words[valueIndexes[v]]);
      option = { name: owner.name, spelling: intern(word.text), negated, oldNegation, values, line: this.lineNumber, column: word.column };
    }
    if (word.text === '-t' || word.text === '--table') {
      report('tableOptionInRule', wordIndex, '`-t` cannot be used in a restore file; put the rule under the `*table` line of its table');
      return;
    }
    if (owner.ambiguous !== undefined) {
      report('unknownOption', wordIndex, `\`${word.text}\` is ambiguous: it abbreviates ${owner.ambiguous.map((name) => `--${name}`).join(', ')}; write the option out`);
      return;
    }
    if (owner.slot < 0) {
      const modules = MODULES_BY_OPTION.get(owner.name);
      const hint = modules === undefined ? '' : `; it belongs to ${modules.slice(0, 3).map((m) => `\`-m ${m}\``).join(' or ')}, load it first`;
      report('unknownOption', wordIndex, `unknown option \`${word.text}\`${hint}`);
      return;
    }
    const slot = line.slots[owner.slot];
    if (slot.kind === 'target') {
      const target = this.slotNodes[owner.slot] as Target;
      if (slot.spec === null && target.type !== 'unknown') {
        target.type = 'unknown';
        report('unknownTarget', slot.wordIndex + 1, `unknown target \`${this.words[slot.wordIndex + 1].text}\` with options; it is kept as written and analysis treats it as unknown`);
      }
      if (option !== null) target.options.push(option);
    } else if (option !== null) {
      this.matchForSlot(owner.slot).options.push(option);
    }
    if (slot.spec !== null && !owner.known) {
      report('unknownOption', wordIndex, `\`-m ${slot.name}\` has no option \`${word.text}\``);
      return;
    }
    if (owner.arity > 0 && owner.taken < owner.arity) {
      report('missingArgument', wordIndex, `\`${word.text}\` takes ${owner.arity} argument${owner.arity === 1 ? '' : 's'}, the line ends after ${owner.taken}`);
      return;
    }
    const spec = slot.spec?.options[owner.name];
    if (spec === undefined) return;
    if (spec.family !== undefined && this.familyState.settled && spec.family !== this.family()) {
      report('familyMismatch', wordIndex, `\`${word.text}\` exists only in ${spec.family === 'ipv4' ? 'iptables (IPv4)' : 'ip6tables (IPv6)'}`);
    }
    if (negated && spec.negatable !== true) {
      report('syntaxError', wordIndex, `\`${word.text}\` cannot be negated with \`!\``);
    }
    if (spec.values !== undefined && this.mode !== 'rebuild') {
      for (let v = 0; v < valueIndexes.length; v++) {
        const problem = validateOptionValue(spec, v, unquote(words[valueIndexes[v]]), this.family());
        if (problem !== null) report('invalidValue', valueIndexes[v], `${word.text}: ${problem}`);
      }
    }
  }
}

/** Extensions such as tcp, multiport and TCPMSS work only under `-p` with one of their protocols. */
function checkProtocolRequirements(rule: Rule, line: ClassifiedLine, report: Reporter): void {
  const protocol = rule.parameters.find((parameter) => parameter.name === 'protocol');
  for (const slot of line.slots) {
    const spec = slot.spec;
    if (spec === null || spec.protocols === undefined || slot.implicit) continue;
    if (spec.protocolsFamily !== undefined && rule.onlyFamily !== null && rule.onlyFamily !== spec.protocolsFamily) continue;
    const given = protocol?.value === null || protocol === undefined ? null : canonicalProtocol(protocol.value, rule.onlyFamily ?? 'ipv4');
    if (given !== null && !protocol?.negated && (spec.protocols.includes(given) || spec.protocols.includes(protocol?.value?.toLowerCase() ?? ''))) continue;
    const wanted = spec.protocols.filter((name) => !/^\d+$/.test(name)).slice(0, 5).map((name) => `\`-p ${name}\``).join(', ');
    // multiport's check runs in iptables itself; the others only in the kernel, when the rules are loaded.
    const key = slot.name === 'multiport' ? 'protocolRequired' : 'kernelRefuses';
    report(key, slot.wordIndex + 1, `\`${slot.kind === 'match' ? '-m' : '-j'} ${slot.name}\` works only with ${wanted}${protocol === undefined ? '; add it before the match' : `, not \`${protocol.negated ? '! ' : ''}-p ${protocol.value}\``}${key === 'kernelRefuses' ? ' (the kernel refuses the rule when it is loaded)' : ''}`);
  }
}

/** Per ASCII code: 1 for a blank (as `\s` has them) or a double quote. */
/**
 * A regular expression, not a loop over the characters: it runs on every chain name of a dump,
 * which are slices of the file's text, and on those V8's compiled expression is about three times
 * faster than `charCodeAt` in a loop (100k names of a kube-proxy dump: 13–25 ms against 40 ms).
 */
const BLANK_OR_QUOTE = /[\s"]/;

/** Why iptables would refuse a chain name, or null. Length is left to the lint rule about it. */
export function chainNameProblem(name: string): string | null {
  if (name === '') return 'a chain name cannot be empty';
  if (BLANK_OR_QUOTE.test(name)) return `\`${name}\` is not a valid chain name: it contains blanks or quotes`;
  const first = name.charCodeAt(0);
  if (first === 45 /* - */ || first === 33 /* ! */) return `\`${name}\` is not a valid chain name: it cannot start with \`${name[0]}\``;
  return null;
}

/** A copy without the spare capacity V8 gives arrays that grew by push: a large tree holds millions of them. */
export function exactSize<T>(items: T[]): T[] {
  return items.length === 0 ? [] : items.slice();
}

/** Counters are never changed in place, only replaced: one object serves every `[0:0]`. */
const ZERO_COUNTERS: Counters = Object.freeze({ packets: '0', bytes: '0' });

export function bracketCounters(text: string): Counters {
  // Every chain line of a fresh dump says [0:0]: no need to cut it up.
  if (text === '[0:0]') return ZERO_COUNTERS;
  const colon = text.indexOf(':');
  return { packets: text.slice(1, colon), bytes: text.slice(colon + 1, -1) };
}
