import type { Family } from '../ast';
import type { ExtensionSpec } from './extension-spec';
import { MATCHES, TARGETS, findOption, findOptionsByPrefix, type FoundOption } from './extensions';
import type { Word } from './lexer';
import type { TokenType } from './token-stream';

/** A match or target extension that a rule loads, explicitly or through `-p`. */
export interface ExtensionSlot {
  kind: 'match' | 'target';
  name: string;
  spec: ExtensionSpec | null;
  implicit: boolean;
  /** The `-m`/`-j` word, or for an implicit match the option word that loaded it. */
  wordIndex: number;
}

/** Where an option word belongs and what the table says about it. */
export interface OptionOwner {
  slot: number;
  name: string;
  known: boolean;
  /** Arguments the table asks for; -1 when unknown and taken up to the next option. */
  arity: number;
  taken: number;
  optionalArgument: boolean;
  /** Set when the spelling is an abbreviation that fits several options. */
  ambiguous?: string[];
}

export interface ClassifiedLine {
  words: Word[];
  /** The grammar terminal of each word; the grammar's parse depends on nothing else. */
  types: TokenType[];
  slots: ExtensionSlot[];
  /** Per word index, set for option words only. */
  owners: (OptionOwner | undefined)[];
}

const COMMANDS = new Map<string, TokenType>([
  ['-A', 'append'], ['--append', 'append'],
  ['-I', 'insert'], ['--insert', 'insert'],
  ['-D', 'deleteRule'], ['--delete', 'deleteRule'],
  ['-R', 'replace'], ['--replace', 'replace'],
  ['-C', 'check'], ['--check', 'check'],
  ['-N', 'newChain'], ['--new-chain', 'newChain'], ['--new', 'newChain'],
  ['-X', 'deleteChain'], ['--delete-chain', 'deleteChain'],
  ['-F', 'flush'], ['--flush', 'flush'],
  ['-Z', 'zero'], ['--zero', 'zero'],
  ['-P', 'policy'], ['--policy', 'policy'],
  ['-E', 'renameChain'], ['--rename-chain', 'renameChain'],
  ['-L', 'list'], ['--list', 'list'], ['-S', 'list'], ['--list-rules', 'list'],
  ['-h', 'help'], ['--help', 'help'],
]);

export const PARAMETER_SPELLINGS = new Map<string, string>([
  ['-s', 'source'], ['--source', 'source'], ['--src', 'source'],
  ['-d', 'destination'], ['--destination', 'destination'], ['--dst', 'destination'],
  ['-i', 'in-interface'], ['--in-interface', 'in-interface'],
  ['-o', 'out-interface'], ['--out-interface', 'out-interface'],
  ['-p', 'protocol'], ['--protocol', 'protocol'],
  ['-f', 'fragment'], ['--fragment', 'fragment'],
]);

type Role = 'parameter' | 'fragment' | 'match' | 'jump' | 'goto' | 'setCounters' | 'family';
/** Every word with a fixed meaning inside a rule specification, so one lookup tells what a word is. */
const ROLES = new Map<string, Role>([
  ...[...PARAMETER_SPELLINGS].map(([spelling, name]): [string, Role] => [spelling, name === 'fragment' ? 'fragment' : 'parameter']),
  ['-m', 'match'], ['--match', 'match'],
  ['-j', 'jump'], ['--jump', 'jump'],
  ['-g', 'goto'], ['--goto', 'goto'],
  ['-c', 'setCounters'], ['--set-counters', 'setCounters'],
  ['-4', 'family'], ['--ipv4', 'family'], ['-6', 'family'], ['--ipv6', 'family'],
]);

const MATCH_SPECS = new Map(Object.entries(MATCHES));
const TARGET_SPECS = new Map(Object.entries(TARGETS));

/** The fixed meaning of a word in a rule specification, without hashing the common two-letter ones. */
function roleOf(text: string): Role | undefined {
  if (text.charCodeAt(0) !== 45 /* - */) return undefined;
  if (text.length === 2) {
    switch (text.charCodeAt(1)) {
      case 115 /* s */:
      case 100 /* d */:
      case 105 /* i */:
      case 111 /* o */:
      case 112 /* p */:
        return 'parameter';
      case 102 /* f */:
        return 'fragment';
      case 109 /* m */:
        return 'match';
      case 106 /* j */:
        return 'jump';
      case 103 /* g */:
        return 'goto';
      case 99 /* c */:
        return 'setCounters';
      case 52 /* 4 */:
      case 54 /* 6 */:
        return 'family';
      default:
        return undefined;
    }
  }
  return ROLES.get(text);
}

/** Short options getopt lets a value follow without a blank (`-ptcp`, `-s1.2.3.4`). */
const GLUABLE = new Set(['-s', '-d', '-i', '-o', '-p', '-m', '-j', '-g']);
const COUNTERS_PATTERN = /^\[\d+:\d+\]$/;
const DIGITS = /^\d+$/;

/** Protocol (as `-p` spells it) → the match iptables loads for its options. */
const PROTOCOL_MATCHES = new Map<string, string>([
  ['tcp', 'tcp'], ['6', 'tcp'],
  ['udp', 'udp'], ['17', 'udp'],
  ['udplite', 'udplite'], ['136', 'udplite'],
  ['sctp', 'sctp'], ['132', 'sctp'],
  ['dccp', 'dccp'], ['33', 'dccp'],
  ['icmp', 'icmp'], ['1', 'icmp'],
  ['icmpv6', 'icmp6'], ['ipv6-icmp', 'icmp6'], ['icmp6', 'icmp6'], ['58', 'icmp6'],
]);

/**
 * getopt also reads `--option=value` and a short option glued to its value
 * (`-ptcp`); split such a word in two so the rest of the parser sees one
 * argument per word. Returns true when it split.
 */
function splitGluedValue(words: Word[], i: number): boolean {
  const word = words[i];
  const text = word.text;
  let cut = -1;
  if (text.startsWith('--')) {
    const equals = text.indexOf('=');
    // An `=` inside quotes is part of a value, not getopt's separator.
    if (equals > 2 && !(word.quoted && text.lastIndexOf('"', equals) >= 0)) cut = equals;
  } else if (text.length > 2 && GLUABLE.has(text.slice(0, 2))) {
    cut = 2;
  }
  if (cut < 0) return false;
  const valueStart = text.charCodeAt(cut) === 61 /* = */ ? cut + 1 : cut;
  words.splice(
    i,
    1,
    { text: text.slice(0, cut), column: word.column, quoted: false },
    { text: text.slice(valueStart), column: word.column + valueStart, quoted: word.quoted },
  );
  return true;
}

function lookIn(slot: ExtensionSlot, name: string): ReturnType<typeof findOption> {
  return slot.spec === null ? null : findOption(slot.spec, name);
}

function looksLikeOption(text: string): boolean {
  return text.length > 1 && text.charCodeAt(0) === 45 /* - */;
}

/**
 * Types every word of a line. This is where iptables knowledge enters: which
 * words are commands, which options exist, and how many arguments each takes,
 * so that a bare argument that looks like an option (`--comment -A`) is still
 * read as an argument.
 */
export function classifyLine(words: Word[], family: Family): ClassifiedLine {
  const count = words.length;
  const types: TokenType[] = new Array(count);
  const owners: (OptionOwner | undefined)[] = new Array(count);
  const slots: ExtensionSlot[] = [];
  let i = 0;

  const first = words[0].text;
  if (first.charCodeAt(0) === 42 /* * */) {
    types[0] = 'tableHeader';
    i = 1;
  } else if (first.charCodeAt(0) === 58 /* : */) {
    types[0] = 'chainHeader';
    i = 1;
    if (i < count) types[i++] = 'value';
    if (i < count) types[i] = COUNTERS_PATTERN.test(words[i].text) ? 'counters' : 'value';
    i++;
  } else if (first === 'COMMIT') {
    types[0] = 'commit';
    i = 1;
  } else {
    i = classifyCommand(words, types, owners, slots, family);
  }
  for (; i < words.length; i++) types[i] = 'value';
  return { words, types, slots, owners };
}

function classifyCommand(
  words: Word[],
  types: TokenType[],
  owners: (OptionOwner | undefined)[],
  slots: ExtensionSlot[],
  family: Family,
): number {
  let count = words.length;
  let i = 0;
  if (words[0].text === '-4' || words[0].text === '-6') types[i++] = 'familyPrefix';
  if (i < count && words[i].text.charCodeAt(0) === 91 /* [ */ && COUNTERS_PATTERN.test(words[i].text)) types[i++] = 'counters';
  if (i >= count) return i;

  const command = COMMANDS.get(words[i].text);
  if (command === undefined) return i;
  types[i++] = command;

  const takeOperand = (): void => {
    if (i < count) types[i++] = 'value';
  };
  const takeOptionalOperand = (): void => {
    if (i < count && !looksLikeOption(words[i].text)) types[i++] = 'value';
  };
  const takeRuleNumber = (): void => {
    if (i < count && DIGITS.test(words[i].text)) types[i++] = 'ruleNumber';
  };

  switch (command) {
    case 'append':
    case 'check':
      takeOperand();
      break;
    case 'insert':
    case 'deleteRule':
    case 'replace':
      takeOperand();
      takeRuleNumber();
      break;
    case 'newChain':
      takeOperand();
      return i;
    case 'deleteChain':
    case 'flush':
    case 'list':
      takeOptionalOperand();
      return i;
    case 'help':
      return i;
    case 'zero':
      takeOptionalOperand();
      takeRuleNumber();
      return i;
    case 'policy':
    case 'renameChain':
      takeOperand();
      takeOperand();
      return i;
    default:
      return i;
  }

  let protocol: string | null = null;
  while (i < count) {
    const text = words[i].text;
    if (text === '!') {
      types[i++] = 'bang';
      continue;
    }
    const role = roleOf(text);
    if (role === undefined && looksLikeOption(text) && splitGluedValue(words, i)) {
      count++;
      continue;
    }
    if (role === 'parameter') {
      types[i++] = 'parameter';
      if (i < count && words[i].text === '!') types[i++] = 'oldBang';
      if (i < count) {
        if (text === '-p' || text === '--protocol') protocol = words[i].text.toLowerCase();
        types[i++] = 'value';
      }
      continue;
    }
    if (role === 'fragment') {
      types[i++] = 'flag';
      continue;
    }
    if (role === 'match' || role === 'jump') {
      const isMatch = role === 'match';
      types[i++] = role;
      if (i < count) {
        const name = words[i].text;
        const spec = (isMatch ? MATCH_SPECS.get(name) : TARGET_SPECS.get(name)) ?? null;
        slots.push({ kind: isMatch ? 'match' : 'target', name, spec, implicit: false, wordIndex: i - 1 });
        types[i++] = 'value';
      }
      continue;
    }
    if (role === 'goto') {
      types[i++] = 'gotoChain';
      if (i < count) types[i++] = 'value';
      continue;
    }
    if (role === 'setCounters') {
      types[i++] = 'setCounters';
      if (i < count) types[i++] = 'value';
      // `-c packets,bytes` or `-c packets bytes`
      if (i < count && !words[i - 1].text.includes(',')) types[i++] = 'value';
      continue;
    }
    if (role === 'family') {
      types[i++] = 'familyPrefix';
      continue;
    }
    if (!looksLikeOption(text)) {
      types[i++] = 'stray';
      continue;
    }

    const owner = resolveOption(text, i, slots, protocol, family);
    owners[i] = owner;
    types[i++] = 'option';
    if (owner.arity !== 0 && i < count && words[i].text === '!') types[i++] = 'oldBang';
    if (owner.optionalArgument) {
      if (i < count && words[i].text !== '!' && !looksLikeOption(words[i].text)) {
        types[i++] = 'value';
        owner.taken++;
      }
    } else if (owner.arity >= 0) {
      while (owner.taken < owner.arity && i < count) {
        // iptables refuses a second argument that looks like an option ("requires two args").
        if (owner.taken > 0 && (words[i].text === '!' || looksLikeOption(words[i].text))) break;
        types[i++] = 'value';
        owner.taken++;
      }
    } else {
      while (i < count && words[i].text !== '!' && !looksLikeOption(words[i].text)) {
        types[i++] = 'value';
        owner.taken++;
      }
    }
  }
  return i;
}

/**
 * Finds the extension an option belongs to, the way iptables does: the
 * extension loaded last, then the target, then earlier matches, then the
 * match `-p` implies.
 */
function resolveOption(
  spelling: string,
  wordIndex: number,
  slots: ExtensionSlot[],
  protocol: string | null,
  family: Family,
): OptionOwner {
  const name = spelling.charCodeAt(1) === 45 /* - */ ? spelling.slice(2) : spelling.slice(1);
  const last = slots.length - 1;
  const found = last >= 0 ? lookIn(slots[last], name) : null;
  if (found !== null) return ownerOf(last, found);
  for (let pass = 0; pass < 2; pass++) {
    const kind = pass === 0 ? 'target' : 'match';
    for (let s = last - 1; s >= 0; s--) {
      if (slots[s].kind !== kind) continue;
      const inEarlier = lookIn(slots[s], name);
      if (inEarlier !== null) return ownerOf(s, inEarlier);
    }
  }

  if (protocol !== null) {
    let module = PROTOCOL_MATCHES.get(protocol);
    if (module === 'icmp' && family === 'ipv6') module = undefined;
    const spec = module === undefined ? undefined : MATCHES[module];
    if (module !== undefined && spec !== undefined && !slots.some((slot) => slot.kind === 'match' && slot.name === module)) {
      const found = findOption(spec, name);
      if (found !== null) {
        slots.push({ kind: 'match', name: module, spec, implicit: true, wordIndex });
        return ownerOf(slots.length - 1, found);
      }
    }
  }

  // getopt takes any unambiguous abbreviation of the options loaded so far (`-m mac --mac …`).
  const byPrefix: { slot: number; found: FoundOption }[] = [];
  for (let s = last; s >= 0; s--) {
    const spec = slots[s].spec;
    if (spec === null) continue;
    for (const found of findOptionsByPrefix(spec, name)) {
      if (!byPrefix.some((seen) => seen.found.name === found.name)) byPrefix.push({ slot: s, found });
    }
  }
  if (byPrefix.length === 1) return ownerOf(byPrefix[0].slot, byPrefix[0].found);

  // An option of an extension we do not know, or an option its extension does not have: keep it, arity unknown.
  const owner = last >= 0 && slots[last].spec === null ? last : -1;
  const unknown: OptionOwner = { slot: owner, name, known: false, arity: -1, taken: 0, optionalArgument: false };
  if (byPrefix.length > 1) unknown.ambiguous = byPrefix.map((candidate) => candidate.found.name);
  return unknown;
}

function ownerOf(slot: number, found: FoundOption): OptionOwner {
  return { slot, name: found.name, known: true, arity: found.spec.arity, taken: 0, optionalArgument: found.spec.optionalArgument === true };
}
