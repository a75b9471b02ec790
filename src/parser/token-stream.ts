/** What the classifier decided a word is; these are the grammar's terminals. */
export type TokenType =
  | 'tableHeader'
  | 'chainHeader'
  | 'commit'
  | 'familyPrefix'
  | 'counters'
  | 'append'
  | 'insert'
  | 'deleteRule'
  | 'replace'
  | 'check'
  | 'newChain'
  | 'deleteChain'
  | 'flush'
  | 'zero'
  | 'policy'
  | 'renameChain'
  | 'list'
  | 'help'
  | 'ruleNumber'
  | 'parameter'
  | 'flag'
  | 'match'
  | 'jump'
  | 'gotoChain'
  | 'setCounters'
  | 'option'
  | 'bang'
  | 'oldBang'
  | 'value'
  /** A word where no argument can be: no grammar rule accepts it. */
  | 'stray';

export interface GrammarToken {
  type: TokenType;
  /** Index of the word in its line; the grammar's postprocessors record only this. */
  index: number;
  /** The word as written; nearley shows it in its own error messages. */
  value: string;
}

/**
 * nearley's lexer interface over an array of already classified words. The
 * grammar is compiled against this one object; the line parser points it at
 * a line's tokens before feeding the parser.
 */
class TokenStream {
  private tokens: readonly GrammarToken[] = [];
  private next_ = 0;

  load(tokens: readonly GrammarToken[]): void {
    this.tokens = tokens;
  }

  reset(): void {
    this.next_ = 0;
  }

  next(): GrammarToken | undefined {
    return this.tokens[this.next_++];
  }

  save(): Record<string, never> {
    return {};
  }

  formatError(token: GrammarToken): string {
    return `unexpected ${token.type} at word ${token.index + 1}`;
  }

  has(type: string): boolean {
    return TOKEN_TYPES.has(type);
  }
}

const TOKEN_TYPES = new Set<string>([
  'tableHeader', 'chainHeader', 'commit', 'familyPrefix', 'counters', 'append', 'insert', 'deleteRule',
  'replace', 'check', 'newChain', 'deleteChain', 'flush', 'zero', 'policy', 'renameChain', 'list', 'help', 'ruleNumber',
  'parameter', 'flag', 'match', 'jump', 'gotoChain', 'setCounters', 'option', 'bang', 'oldBang', 'value', 'stray',
]);

export const tokenStream = new TokenStream();
