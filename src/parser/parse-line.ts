import nearley from 'nearley';
import grammarRules from './grammar.generated';
import type { LineShape } from './line-shape';
import { tokenStream, type GrammarToken, type TokenType } from './token-stream';

const grammar = nearley.Grammar.fromCompiled(grammarRules);

export type ShapeResult =
  | { ok: true; shape: LineShape }
  | { ok: false; wordIndex: number; reason: 'unexpected' | 'incomplete' | 'ambiguous' };

interface ShapeNode {
  next: Map<TokenType, ShapeNode>;
  result: ShapeResult | null;
}

// Most lines of a large dump share a few dozen token-type sequences: nearley decides each sequence
// once, and a trie keyed by type finds it again without building a key string per line.
let shapes: ShapeNode = { next: new Map(), result: null };
let shapeNodes = 0;
const SHAPE_NODE_LIMIT = 200_000;

/** Parses one classified line with the line grammar; the result depends only on the token types. */
export function parseShape(types: readonly TokenType[], words: readonly { text: string }[]): ShapeResult {
  if (shapeNodes > SHAPE_NODE_LIMIT) {
    shapes = { next: new Map(), result: null };
    shapeNodes = 0;
  }
  let node = shapes;
  for (let i = 0; i < types.length; i++) {
    let child = node.next.get(types[i]);
    if (child === undefined) {
      child = { next: new Map(), result: null };
      node.next.set(types[i], child);
      shapeNodes++;
    }
    node = child;
  }
  if (node.result === null) node.result = runGrammar(tokensOf(types, words));
  return node.result;
}

export function tokensOf(types: readonly TokenType[], words: readonly { text: string }[]): GrammarToken[] {
  return types.map((type, index) => ({ type, index, value: words[index].text }));
}

/** Every parse nearley finds for the tokens; tests use it to prove the grammar unambiguous. */
export function allParses(tokens: readonly GrammarToken[]): LineShape[] {
  const parser = new nearley.Parser(grammar);
  tokenStream.load(tokens);
  try {
    parser.feed('');
  } catch {
    return [];
  }
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
