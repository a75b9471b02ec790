import type { Chain, ChainCommand, Comment, Diagnostic, Dump, Family, Producer, Rule, Ruleset, Table, TableName } from '../ast';
import type { DiagnosticKey } from '../diagnostics';
import { printRuleSpec } from '../printer';
import { analyzeLine, HEADER_PATTERN, headerFamily, LEGACY_TABLES_WARNING, internalErrorDiagnostic, makeDiagnostic, ruleText, type AnalysisContext, type LineResult, type WordRef } from './analyze-line';
import { bracketCounters, exactSize, type FamilyState } from './build-rule';
import type { ProgressCallback } from '../output/progress';
import type { LineMemo } from './line-memo';

export interface ParseOptions {
  /** Shown in diagnostics; `-` for standard input. */
  file?: string;
  /** Overrides what the header or the content says. */
  family?: Family;
  /** For `iptables -S` listings without `# table:` lines. Default filter. */
  table?: TableName;
  /** Called every few thousand lines with the lines read and the file's line count. */
  onProgress?: ProgressCallback;
  /** Shared by the parses of dumps that hold many of the same lines (a diff's two sides). */
  memo?: LineMemo;
  /**
   * Runs of whole lines, in line order, to pass over unread, for a caller that vouches for them:
   * a diff leaves out the rules of the chains both of its sides hold word for word (their lines
   * checked apart, see `checkRuleLines`) and the plain declarations of those user chains (see
   * `parseForDiff`). The tree is then not the whole dump.
   */
  stretches?: readonly LineStretch[];
}

export interface LineStretch {
  /** The 0-based index of the stretch's first line, and its number of lines. */
  firstLine: number;
  lineCount: number;
  /** Where the stretch starts in the text, and where the line after it starts. */
  start: number;
  end: number;
}

export interface ParseResult {
  dump: Dump;
  diagnostics: Diagnostic[];
}

export const BUILTIN_CHAINS: Record<TableName, readonly string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

const PROGRESS_EVERY = 4096;
/** How many chains after the last one `chainFor` compares by name before it looks the name up. */
const NEXT_CHAINS_TRIED = 4;
const INCOMPATIBLE_PATTERN = /^# Table `([^']*)' (is incompatible|contains incompatible base-chains)/;
const TABLE_COMMENT_PATTERN = /^#\s*table:\s*(\S+)/;

interface OpenTable {
  node: Table;
  chains: Map<string, Chain>;
  deletedAt: Map<string, number>;
  /** An unknown table's lines are still checked but kept out of the tree. */
  detached: boolean;
}

/** Reads a whole file: splits it into lines, parses each on its own, and folds them into tables and chains. */
export function parseDump(text: string, options: ParseOptions = {}): ParseResult {
  return new DumpReader(text, options).read();
}

class DumpReader {
  private readonly file: string;
  private readonly diagnostics: Diagnostic[] = [];
  private readonly rulesets: Ruleset[] = [];
  private readonly comments: Comment[] = [];
  private ruleset: Ruleset | null = null;
  private readonly familyState: FamilyState;
  private pendingProducer: Producer | null = null;
  private table: OpenTable | null = null;
  private listTableName: TableName;
  private readonly listFormat: boolean;
  private lineNumber = 0;
  private source = '';
  /** The chain the last rule went to, valid until a chain is deleted or renamed. */
  private recentChain: Chain | null = null;
  private recentTable: OpenTable | null = null;
  /** Where the chain after the recent one (most likely) stands in its table's chains. */
  private nextChainIndex = 0;

  constructor(
    private readonly text: string,
    private readonly options: ParseOptions,
  ) {
    this.file = options.file ?? '-';
    this.familyState = { family: options.family ?? 'ipv4', settled: options.family !== undefined };
    this.listTableName = options.table ?? 'filter';
    this.listFormat = !/^[ \t]*\*/m.test(text);
  }

  read(): ParseResult {
    const text = this.text;
    const hasBom = text.charCodeAt(0) === 0xfeff;
    const dump: Dump = {
      file: this.file,
      format: 'empty',
      rulesets: this.rulesets,
      comments: this.comments,
      lineEndings: 'lf',
      hasBom,
      lineCount: 0,
    };

    const nul = text.indexOf('\0');
    if (nul >= 0) {
      this.lineNumber = lineBreaksBefore(text, nul) + 1;
      this.report('binaryData', 1, 1, 'the file holds binary data (a NUL byte); give an iptables-save dump or a restore file');
      return { dump, diagnostics: this.diagnostics };
    }

    // Lines are cut from the text one at a time, not split or counted up front: most of them only live while they are read.
    const onProgress = this.options.onProgress;
    const progressTotal = onProgress === undefined ? 0 : lineBreaksBefore(text, text.length) + (text.length > 0 && text.charCodeAt(text.length - 1) !== 10 ? 1 : 0);
    const firstEnd = text.indexOf('\n');
    if (hasBom) {
      this.lineNumber = 1;
      this.source = text.slice(1, firstEnd < 0 ? text.length : firstEnd);
      this.report('byteOrderMark', 1, 1, 'the file starts with a byte order mark; iptables-restore rejects the first line. Save the file without it');
    }

    const context: AnalysisContext = { file: this.file, familyState: this.familyState, familyFixed: this.options.family !== undefined, diagnostics: this.diagnostics, memo: this.options.memo };
    this.options.memo?.beginParse();
    let crlfLines = 0;
    let start = hasBom ? 1 : 0;
    const stretches = this.options.stretches ?? [];
    let nextStretch = 0;
    let index = 0;
    // A text of a byte order mark alone is one empty line, which starts where the text ends.
    const onlyBom = hasBom && text.length === 1;
    for (; start < text.length || (onlyBom && index === 0); index++) {
      if (onProgress !== undefined && index % PROGRESS_EVERY === 0) onProgress(index, progressTotal);
      if (nextStretch < stretches.length && stretches[nextStretch].firstLine === index) {
        const stretch = stretches[nextStretch++];
        index += stretch.lineCount - 1;
        start = stretch.end;
        continue;
      }
      const newline = text.indexOf('\n', start);
      let end = newline < 0 ? text.length : newline;
      const lineStart = start;
      start = end + 1;
      if (end > lineStart && text.charCodeAt(end - 1) === 13) {
        end--;
        crlfLines++;
      }
      const source = text.slice(lineStart, end);
      this.lineNumber = index + 1;
      this.source = source;
      let result: LineResult;
      try {
        result = analyzeLine(source, index + 1, context);
      } catch (error) {
        // A bug in ipt-lint must cost one line, not the whole file.
        this.diagnostics.push(internalErrorDiagnostic(this.file, index + 1, source, error));
        continue;
      }
      this.fold(result, source);
    }

    dump.lineCount = index;
    if (crlfLines > 0) {
      dump.lineEndings = crlfLines === index ? 'crlf' : 'mixed';
      this.lineNumber = 1;
      this.source = '';
      this.report('crlfLineEndings', 1, 1, `${crlfLines} line${crlfLines === 1 ? ' ends' : 's end'} in CRLF; iptables-restore rejects them. Convert the file with dos2unix`);
    }
    this.closeTable(null);
    for (const ruleset of this.rulesets) ruleset.family = ruleset.familySource === 'default' || ruleset.familySource === 'content' ? this.familyState.family : ruleset.family;
    if (this.rulesets.some((ruleset) => ruleset.tables.length > 0)) dump.format = this.listFormat ? 'rules-list' : 'save';
    this.diagnostics.sort((a, b) => a.line - b.line || a.column - b.column);
    return { dump, diagnostics: this.diagnostics };
  }

  private fold(result: LineResult, source: string): void {
    switch (result.kind) {
      case 'none':
        return;
      case 'comment':
        this.readComment(result.text, result.column);
        return;
      case 'table':
        this.openTable(result.word.text.slice(1), result.word);
        return;
      case 'chain':
        this.declareChain(result);
        return;
      case 'commit':
        if (this.table === null || this.listFormat) {
          this.report('outsideTable', result.word.column, result.word.column + 5, 'COMMIT without an open table; start the table with a `*table` line');
          return;
        }
        this.table.node.commitLine = this.lineNumber;
        this.closeTable(this.lineNumber);
        return;
      case 'rule': {
        const rule = result.rule;
        const table = this.table ?? this.tableForCommand({ text: '', column: rule.column });
        if (table === null) return;
        this.applyRule(table, rule, { text: rule.chain, column: result.chainColumn });
        return;
      }
      case 'chain-command': {
        const table = this.tableForCommand({ text: '', column: result.command.column });
        if (table === null) return;
        const { kind, chain, argument, onlyFamily, line, column } = result.command;
        const command: ChainCommand = { kind, chain, argument, raw: ruleText(source).text, onlyFamily, line, column };
        table.node.statements.push(command);
        this.applyChainCommand(table, command, result.operands, result.ruleNumber);
        return;
      }
    }
  }

  private readComment(text: string, column: number): void {
    this.comments.push({ line: this.lineNumber, column, text });
    const header = HEADER_PATTERN.exec(text);
    if (header !== null) {
      const producer: Producer = {
        program: header[1],
        version: header[2],
        backend: header[3] === 'nf_tables' ? 'nf_tables' : header[3] === 'legacy' ? 'legacy' : null,
        line: this.lineNumber,
        column,
      };
      // iptables-save prints a header before every table; only a change of family starts a new ruleset.
      const family = headerFamily(producer.program);
      if (this.ruleset !== null && this.ruleset.tables.length > 0 && family !== null && family !== this.ruleset.family) {
        this.closeTable(null);
        this.ruleset = null;
      }
      this.pendingProducer = producer;
      if (this.ruleset !== null && this.ruleset.producer === null) this.ruleset.producer = producer;
      if (family !== null && this.options.family === undefined) {
        this.familyState.family = family;
        this.familyState.settled = true;
      }
      return;
    }
    const incompatible = INCOMPATIBLE_PATTERN.exec(text);
    if (incompatible !== null) {
      this.report('incompatibleTable', column, column + text.length - 1, `iptables-nft left out ${incompatible[2] === 'is incompatible' ? 'table' : 'chains of table'} \`${incompatible[1]}\`; list it with \`nft list table\`, this dump is incomplete`);
      return;
    }
    if (text.startsWith(LEGACY_TABLES_WARNING)) {
      this.report('leakedOutput', column, column + text.length - 1, 'iptables-legacy tables exist that this dump does not show; save them too with iptables-legacy-save');
      return;
    }
    const tableComment = TABLE_COMMENT_PATTERN.exec(text);
    if (tableComment !== null && this.listFormat) {
      const name = tableComment[1];
      if (isTableName(name)) {
        this.listTableName = name;
        this.table = null;
      } else {
        this.report('unknownTable', column, column + text.length - 1, `unknown table \`${name}\`; tables are filter, nat, mangle, raw and security`);
      }
    }
  }

  private currentRuleset(column: number): Ruleset {
    if (this.ruleset === null) {
      const source: Ruleset['familySource'] = this.options.family !== undefined ? 'option' : this.familyState.settled ? 'header' : 'default';
      this.ruleset = {
        family: this.familyState.family,
        familySource: source,
        producer: this.pendingProducer,
        tables: [],
        line: this.lineNumber,
        column,
      };
      this.pendingProducer = null;
      this.rulesets.push(this.ruleset);
    }
    return this.ruleset;
  }

  private openTable(name: string, word: WordRef): void {
    if (this.table !== null) {
      const open = this.table.node;
      this.report('missingCommit', word.column, word.column + word.text.length - 1, `table \`${open.name}\` (line ${open.line}) is not committed before this table starts; add COMMIT after its last rule`);
      finishTable(this.table);
      this.table = null;
    }
    const ruleset = this.currentRuleset(word.column);
    const known = isTableName(name);
    if (!known) {
      this.report('unknownTable', word.column, word.column + word.text.length - 1, `unknown table \`${name}\`; tables are filter, nat, mangle, raw and security`);
    } else if (ruleset.tables.some((table) => table.name === name)) {
      // iptables-restore accepts a table twice (it flushes it again); keep both blocks, as the kernel applies both.
    }
    const node: Table = { name: name as TableName, chains: [], statements: [], commitLine: null, line: this.lineNumber, column: word.column };
    this.table = { node, chains: new Map(), deletedAt: new Map(), detached: !known };
    if (known) ruleset.tables.push(node);
  }

  private closeTable(commitLine: number | null): void {
    const open = this.table;
    if (open === null) return;
    this.table = null;
    if (commitLine === null && !this.listFormat) {
      this.diagnostics.push(this.diagnostic('missingCommit', open.node.line, 1, open.node.name.length + 1, `table \`${open.node.name}\` is never committed, so iptables-restore applies none of it; add COMMIT after its last rule`, `*${open.node.name}`));
    }
    finishTable(open);
  }

  private tableForCommand(first: WordRef): OpenTable | null {
    if (this.table !== null) return this.table;
    if (!this.listFormat) {
      this.report('outsideTable', first.column, first.column + Math.max(first.text.length, 2) - 1, 'this line is outside any table; put it after a `*filter` (or other `*table`) line and before its COMMIT');
      return null;
    }
    const ruleset = this.currentRuleset(first.column);
    const existing = ruleset.tables.find((table) => table.name === this.listTableName);
    const node: Table = existing ?? { name: this.listTableName, chains: [], statements: [], commitLine: null, line: this.lineNumber, column: first.column };
    if (existing === undefined) ruleset.tables.push(node);
    this.table = { node, chains: new Map(node.chains.map((chain) => [chain.name, chain])), deletedAt: new Map(), detached: false };
    return this.table;
  }

  private declareChain(line: Extract<LineResult, { kind: 'chain' }>): void {
    const header = line.header;
    const table = this.tableForCommand(header);
    if (table === null) return;
    const name = header.text.slice(1);
    const policyWord = line.policy;
    const builtin = BUILTIN_CHAINS[table.node.name]?.includes(name) ?? false;
    if (name === '') {
      this.report('invalidChainHeader', header.column, header.column, 'a chain line needs a name right after the colon: `:NAME POLICY [packets:bytes]`');
      return;
    }
    if (line.extra !== null) {
      const extra = line.extra;
      this.report('ignoredCounters', extra.column, extra.column + extra.text.length - 1, `\`${extra.text}\` is not a counter pair; iptables-restore ignores it, and with --counters refuses the line. Write \`[packets:bytes]\``);
    }
    let policy: Chain['policy'] = null;
    if (builtin) {
      if (policyWord.text === 'ACCEPT' || policyWord.text === 'DROP') {
        policy = policyWord.text;
      } else if (policyWord.text !== '-') {
        this.report('invalidChainHeader', policyWord.column, policyWord.column + policyWord.text.length - 1, `the policy of built-in chain ${name} must be ACCEPT or DROP, not \`${policyWord.text}\``);
      }
    } else if (policyWord.text !== '-') {
      this.report('invalidChainHeader', policyWord.column, policyWord.column + policyWord.text.length - 1, `${name} is not a built-in chain of table ${table.node.name}, so it has no policy; write \`-\``);
    }
    const counters = line.counters === null ? null : bracketCounters(line.counters.text);
    const existing = table.chains.get(name);
    if (existing !== undefined) {
      if (existing.declared) {
        this.report('duplicateChain', header.column, header.column + header.text.length - 1, `chain ${name} is already declared at line ${existing.line}; remove one of the two lines`);
        return;
      }
      existing.declared = true;
      existing.line = this.lineNumber;
      existing.column = header.column;
      existing.policy = policy ?? existing.policy;
      existing.counters = counters;
      return;
    }
    this.addChain(table, { name, builtin, policy, counters, position: 0, declared: true, rules: [], line: this.lineNumber, column: header.column });
    table.node.statements.push({ kind: 'chain', chain: name, line: this.lineNumber, column: header.column });
  }

  private addChain(table: OpenTable, chain: Chain): void {
    table.chains.set(chain.name, chain);
    chain.position = table.node.chains.push(chain);
    if (table.deletedAt.size > 0) table.deletedAt.delete(chain.name);
  }

  private chainFor(table: OpenTable, name: string, word: WordRef, declareQuietly: boolean): Chain {
    // Dumps list a chain's rules together: most lookups are for the chain of the line before.
    const recent = this.recentChain;
    if (recent !== null && this.recentTable === table && recent.name === name) return recent;
    // iptables-save lists the chains' rules in the order it declares the chains: the next chain
    // with rules is most often one of the few after the last, found without hashing the name.
    const chains = table.node.chains;
    const from = this.recentTable === table ? this.nextChainIndex : 0;
    for (let index = from; index < from + NEXT_CHAINS_TRIED && index < chains.length; index++) {
      if (chains[index].name !== name) continue;
      this.nextChainIndex = index + 1;
      this.recentChain = chains[index];
      this.recentTable = table;
      return chains[index];
    }
    const existing = table.chains.get(name);
    if (existing !== undefined) {
      // A chain's position is its index plus one while the table is read, or was until a chain before it was deleted.
      this.nextChainIndex = existing.position;
      this.recentChain = existing;
      this.recentTable = table;
      return existing;
    }
    const builtin = BUILTIN_CHAINS[table.node.name]?.includes(name) ?? false;
    const deletedAt = table.deletedAt.get(name);
    if (deletedAt !== undefined) {
      this.report('commandConflict', word.column, word.column + word.text.length - 1, `chain ${name} was deleted at line ${deletedAt}; create it again with -N first`);
    } else if (!builtin && !declareQuietly && !this.listFormat) {
      this.report('undeclaredChain', word.column, word.column + word.text.length - 1, `chain ${name} is not declared in table ${table.node.name}; add \`:${name} - [0:0]\` (legacy iptables-restore refuses the rule otherwise)`);
    }
    const chain: Chain = {
      name,
      builtin,
      policy: builtin ? 'ACCEPT' : null,
      counters: null,
      position: 0,
      declared: false,
      rules: [],
      line: this.lineNumber,
      column: word.column,
    };
    this.addChain(table, chain);
    return chain;
  }

  private applyRule(table: OpenTable, rule: Rule, chainWord: WordRef): void {
    table.node.statements.push(rule);
    if (rule.command === 'check') return;
    const chain = this.chainFor(table, rule.chain, chainWord, false);
    rule.chain = chain.name;
    const rules = chain.rules;
    switch (rule.command) {
      case 'append':
        rules.push(rule);
        return;
      case 'insert': {
        const at = (rule.ruleNumber ?? 1) - 1;
        if (at > rules.length || at < 0) {
          this.report('commandConflict', chainWord.column, chainWord.column + chainWord.text.length - 1, `chain ${rule.chain} has ${rules.length} rule${rules.length === 1 ? '' : 's'} here, so rule number ${rule.ruleNumber} is too big to insert at`);
          rules.push(rule);
        } else {
          rules.splice(at, 0, rule);
        }
        return;
      }
      case 'replace': {
        const at = (rule.ruleNumber ?? 0) - 1;
        if (at < 0 || at >= rules.length) {
          this.report('commandConflict', chainWord.column, chainWord.column + chainWord.text.length - 1, `chain ${rule.chain} has no rule ${rule.ruleNumber} to replace at this point of the file`);
        } else {
          rules[at] = rule;
        }
        return;
      }
      case 'delete': {
        let at = -1;
        if (rule.ruleNumber !== null) {
          at = rule.ruleNumber - 1 < rules.length ? rule.ruleNumber - 1 : -1;
        } else {
          const wanted = printRuleSpec(rule, this.familyState.family);
          at = rules.findIndex((candidate) => printRuleSpec(candidate, this.familyState.family) === wanted);
        }
        if (at < 0) {
          this.report('commandConflict', chainWord.column, chainWord.column + chainWord.text.length - 1, `no such rule in ${rule.chain} at this point of the file; with --noflush it must already be in the kernel`);
        } else {
          rules.splice(at, 1);
        }
        return;
      }
    }
  }

  private applyChainCommand(table: OpenTable, command: ChainCommand, operands: WordRef[], ruleNumber: WordRef | null): void {
    const name = command.chain;
    const word = operands[0];
    switch (command.kind) {
      case 'new-chain': {
        if (name === null) return;
        const existing = table.chains.get(name);
        if (existing !== undefined && (existing.declared || existing.builtin)) {
          this.report('duplicateChain', word.column, word.column + word.text.length - 1, `chain ${name} already exists (line ${existing.line})`);
          return;
        }
        if (existing !== undefined) {
          existing.declared = true;
          return;
        }
        this.addChain(table, { name, builtin: false, policy: null, counters: null, position: 0, declared: true, rules: [], line: this.lineNumber, column: word.column });
        return;
      }
      case 'policy': {
        if (name === null) return;
        const policy = command.argument;
        const builtin = BUILTIN_CHAINS[table.node.name]?.includes(name) ?? false;
        if (policy !== 'ACCEPT' && policy !== 'DROP') {
          this.report('invalidChainHeader', operands[1].column, this.source.length, `a policy is ACCEPT or DROP, not \`${policy}\``);
          return;
        }
        if (!builtin) {
          this.report('kernelRefuses', word.column, word.column + word.text.length - 1, `${name} is not a built-in chain of table ${table.node.name}; only built-in chains have a policy, and the kernel refuses this`);
          return;
        }
        const chain = this.chainFor(table, name, word, true);
        chain.policy = policy;
        if (this.listFormat) chain.declared = true;
        return;
      }
      case 'flush':
        for (const chain of name === null ? table.node.chains : [this.existingChain(table, name, word)]) if (chain) chain.rules = [];
        return;
      case 'zero':
        for (const chain of name === null ? table.node.chains : [this.existingChain(table, name, word)]) {
          if (!chain) continue;
          if (chain.counters !== null) chain.counters = { packets: '0', bytes: '0' };
          const rules = ruleNumber === null ? chain.rules : chain.rules.slice(Number(ruleNumber.text) - 1, Number(ruleNumber.text));
          for (const rule of rules) if (rule.counters !== null) rule.counters = { packets: '0', bytes: '0' };
        }
        return;
      case 'delete-chain': {
        this.recentChain = null;
        const victims = name === null ? table.node.chains.filter((chain) => !chain.builtin) : [this.existingChain(table, name, word)];
        for (const chain of victims) {
          if (!chain) continue;
          if (chain.builtin) {
            this.report('commandConflict', word.column, word.column + word.text.length - 1, `${chain.name} is a built-in chain and cannot be deleted`);
            continue;
          }
          if (chain.rules.length > 0) {
            this.report('commandConflict', word?.column ?? 1, this.source.length, `chain ${chain.name} still has ${chain.rules.length} rule${chain.rules.length === 1 ? '' : 's'}; flush it (-F) before deleting it`);
          }
          table.chains.delete(chain.name);
          table.node.chains.splice(table.node.chains.indexOf(chain), 1);
          table.deletedAt.set(chain.name, this.lineNumber);
        }
        return;
      }
      case 'list':
        this.report('noEffectCommand', operands[0]?.column ?? 1, this.source.length, 'listing rules in a restore file changes nothing; remove the line');
        return;
      case 'help':
        this.report('noEffectCommand', 1, this.source.length, '`-h` makes iptables-restore print its help and stop here, so none of this file is applied; remove the line');
        return;
      case 'rename-chain': {
        this.recentChain = null;
        const chain = name === null ? undefined : this.existingChain(table, name, word);
        const newName = command.argument;
        if (!chain || newName === null) return;
        if (table.chains.has(newName)) {
          this.report('duplicateChain', operands[1].column, operands[1].column + operands[1].text.length - 1, `cannot rename ${chain.name}: chain ${newName} already exists`);
          return;
        }
        table.chains.delete(chain.name);
        chain.name = newName;
        table.chains.set(newName, chain);
        for (const other of table.node.chains) {
          // A new target object: another parse may share the old one (LineMemo).
          for (const rule of other.rules) if (rule.target !== null && rule.target.type === 'chain' && rule.target.name === name) rule.target = { ...rule.target, name: newName };
        }
        return;
      }
    }
  }

  private existingChain(table: OpenTable, name: string, word: WordRef): Chain | undefined {
    const chain = table.chains.get(name);
    if (chain === undefined && !(BUILTIN_CHAINS[table.node.name]?.includes(name) ?? false)) {
      this.report('commandConflict', word.column, word.column + word.text.length - 1, `no chain ${name} in table ${table.node.name} at this point of the file`);
    }
    return chain;
  }

  private report(key: DiagnosticKey, column: number, endColumn: number, message: string): void {
    this.diagnostics.push(this.diagnostic(key, this.lineNumber, column, endColumn, message, this.source));
  }

  private diagnostic(key: DiagnosticKey, line: number, column: number, endColumn: number, message: string, source: string): Diagnostic {
    return makeDiagnostic(this.file, key, line, column, endColumn, message, source);
  }

}

/** Each parsed table's chains by name, as the parse kept them: analyses that look chains up by name need not index them again. */
const chainMaps = new WeakMap<Table, ReadonlyMap<string, Chain>>();

/** The chains of a table this module parsed, by name; undefined for a table made elsewhere. */
export function parsedChainsByName(table: Table): ReadonlyMap<string, Chain> | undefined {
  return chainMaps.get(table);
}

function finishTable(open: OpenTable): void {
  chainMaps.set(open.node, open.chains);
  open.node.chains.forEach((chain, index) => {
    chain.position = index + 1;
    chain.rules = exactSize(chain.rules);
    chain.rules.forEach((rule, ruleIndex) => {
      rule.position = ruleIndex + 1;
    });
  });
}

export function isTableName(name: string): name is TableName {
  return name === 'filter' || name === 'nat' || name === 'mangle' || name === 'raw' || name === 'security';
}

function lineBreaksBefore(text: string, end: number): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at >= 0 && at < end; at = text.indexOf('\n', at + 1)) count++;
  return count;
}
