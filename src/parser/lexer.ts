import moo from 'moo';

/**
 * Splits one line into words the way iptables-restore's tokenizer does: blanks
 * separate, double quotes group (a backslash escapes only inside them), single
 * quotes are ordinary characters. Whitespace never reaches the parser.
 */
// A word token swallows the blanks before it, so moo emits half as many tokens (lexing is a third of parse time).
const wordLexer = moo.compile({
  word: /[ \t]*(?:[^ \t\n"]+|"[^"\\]*(?:\\.[^"\\]*)*")+/,
  trailingBlank: /[ \t]+/,
  unbalancedQuote: /[ \t]*"[^]*/,
  unreadable: moo.error,
});

export interface Word {
  /** As written, quotes included. */
  text: string;
  /** 1-based column of the first character. */
  column: number;
  quoted: boolean;
}

export class UnbalancedQuoteError extends Error {
  constructor(readonly column: number) {
    super('unbalanced quote');
  }
}

export function splitWords(line: string): Word[] {
  const words: Word[] = [];
  wordLexer.reset(line);
  for (let token = wordLexer.next(); token !== undefined; token = wordLexer.next()) {
    if (token.type === 'word') {
      const raw = token.text;
      let blanks = 0;
      while (raw.charCodeAt(blanks) === 32 || raw.charCodeAt(blanks) === 9) blanks++;
      const text = blanks === 0 ? raw : raw.slice(blanks);
      words.push({ text, column: token.col + blanks, quoted: text.includes('"') });
    } else if (token.type === 'unbalancedQuote' || token.type === 'unreadable') {
      throw new UnbalancedQuoteError(token.col + token.text.indexOf('"'));
    }
  }
  return words;
}

/** The argument iptables sees: quotes removed, `\x` inside quotes read as `x`. */
export function unquote(word: Word): string {
  const text = word.text;
  if (!word.quoted) return text;
  const last = text.length - 1;
  if (text.charCodeAt(0) === 34 && text.indexOf('"', 1) === last && !text.includes('\\')) return text.slice(1, last);
  const parts: string[] = [];
  let inQuotes = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 34 /* " */) {
      parts.push(text.slice(start, i));
      inQuotes = !inQuotes;
      start = i + 1;
    } else if (ch === 92 /* \ */ && inQuotes && i + 1 < text.length) {
      parts.push(text.slice(start, i));
      start = ++i;
    }
  }
  parts.push(text.slice(start));
  return parts.join('');
}
