import nearley from 'nearley';
import grammarRules from './grammar.generated';
import type { LineShape } from './line-shape';
import { tokenStream, type GrammarToken } from './token-stream';

const grammar = nearley.Grammar.fromCompiled(grammarRules);

export type ShapeResult =
  | { ok: true; shape: LineShape }
  | { ok: false; wordIndex: number; reason: 'unexpected' | 'incomplete' | 'ambiguous' };

// Most lines of a large dump share a few dozen token-type sequences; nearley decides each sequence once.
const shapeCache = new Map<string, ShapeResult>();
const SHAPE_CACHE_LIMIT = 50_000;

/** Parses one classified line with the line grammar; the result depends only on the token types. */
export function parseShape(shapeKey: string, tokens: readonly GrammarToken[]): ShapeResult {
  const cached = shapeCache.get(shapeKey);
  if (cached !== undefined) return cached;
  const result = runGrammar(tokens);
  if (shapeCache.size >= SHAPE_CACHE_LIMIT) shapeCache.clear();
  shapeCache.set(shapeKey, result);
  return result;
}

/** Every parse nearley finds for the tokens; tests use it to prove the grammar unambiguous. */
export function allParses(tokens: readonly GrammarToken[]): LineShape[] {
  const parser = new nearley.Parser(grammar);
  tokenStream.load(tokens);
  parser.feed('');
  return parser.results as LineShape[];
}

function runGrammar(tokens: readonly GrammarToken[]): ShapeResult {
  const parser = new nearley.Parser(grammar);
  tokenStream.load(tokens);
  try {
    parser.feed('');
  } catch (error) {
    const token = (error as { token?: GrammarToken }).token;
    return { ok: false, wordIndex: token?.index ?? tokens.length, reason: 'unexpected' };
  }
  const results = parser.results as LineShape[];
  if (results.length === 0) return { ok: false, wordIndex: tokens.length, reason: 'incomplete' };
  if (results.length > 1) return { ok: false, wordIndex: 0, reason: 'ambiguous' };
  return { ok: true, shape: results[0] };
}
