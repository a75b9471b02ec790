import moo from 'moo';

/**
 * Splits a line into runs the way iptables-restore's tokenizer sees them:
 * double-quoted strings (a backslash escapes only inside them) and plain runs
 * of everything else. Single quotes are ordinary characters. A dump line is
 * mostly plain, so moo emits two or three tokens per line; the words of a plain
 * run are its blank-separated parts, and a quoted string glued to plain text
 * (`foo"bar baz"`) is part of the same word.
 */
const runLexer = moo.compile({
  quoted: /"[^"\\\n]*(?:\\.[^"\\\n]*)*"/,
  plain: /[^"\n]+/,
  unbalancedQuote: /"[^\n]*/,
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
  // Most lines have no quotes: one plain run, which needs no lexer.
  if (line.indexOf('"') < 0) {
    addPlainRun(words, line, 1, false);
    return words;
  }
  // Whether the next run continues the last word (nothing but a quote between them).
  let glued = false;
  runLexer.reset(line);
  for (let token = runLexer.next(); token !== undefined; token = runLexer.next()) {
    if (token.type === 'quoted') {
      if (glued) {
        const last = words[words.length - 1];
        last.text += token.text;
        last.quoted = true;
      } else {
        words.push({ text: token.text, column: token.col, quoted: true });
      }
      glued = true;
    } else if (token.type === 'plain') {
      glued = addPlainRun(words, token.text, token.col, glued);
    } else {
      throw new UnbalancedQuoteError(token.col);
    }
  }
  return words;
}

/** Adds the blank-separated words of a plain run; returns true when the run ends in a word that a quote may continue. */
function addPlainRun(words: Word[], run: string, column: number, glued: boolean): boolean {
  const length = run.length;
  const hasTab = run.includes('\t');
  let i = 0;
  while (i < length) {
    const start = i;
    if (hasTab) {
      while (i < length && !isBlank(run.charCodeAt(i))) i++;
    } else {
      const space = run.indexOf(' ', i);
      i = space < 0 ? length : space;
    }
    if (i > start) {
      const text = run.slice(start, i);
      if (start === 0 && glued) words[words.length - 1].text += text;
      else words.push({ text, column: column + start, quoted: false });
    }
    while (i < length && isBlank(run.charCodeAt(i))) i++;
  }
  return length > 0 && !isBlank(run.charCodeAt(length - 1));
}

function isBlank(code: number): boolean {
  return code === 32 || code === 9;
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
