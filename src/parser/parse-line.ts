import nearley from 'nearley';
import grammarRules from './grammar.generated';
import type { LineShape } from './line-shape';
import { tokenStream, type GrammarToken, type TokenType } from './token-stream';

const grammar = nearley.Grammar.fromCompiled(grammarRules);

export type ShapeResult =
  | { ok: true; shape: LineShape }
  | { ok: false; wordIndex: number; reason: 'unexpected' | 'incomplete' | 'ambiguous' };

interface ShapeNode {
  /** Children by token type code. */
  next: (ShapeNode | undefined)[];
  result: ShapeResult | null;
}

const TYPE_CODES = new Map<TokenType, number>();

function typeCode(type: TokenType): number {
  let code = TYPE_CODES.get(type);
  if (code === undefined) {
    code = TYPE_CODES.size;
    TYPE_CODES.set(type, code);
  }
  return code;
}

// Most lines of a large dump share a few dozen token-type sequences: nearley decides each sequence
// once, and a trie keyed by type finds it again without building a key string per line.
let shapes: ShapeNode = { next: [], result: null };
let shapeNodes = 0;
const SHAPE_NODE_LIMIT = 200_000;

/** Parses one classified line with the line grammar; the result depends only on the token types. */
export function parseShape(types: readonly TokenType[], words: readonly { text: string }[]): ShapeResult {
  if (shapeNodes > SHAPE_NODE_LIMIT) {
    shapes = { next: [], result: null };
    shapeNodes = 0;
  }
  let node = shapes;
  for (let i = 0; i < types.length; i++) {
    const code = typeCode(types[i]);
    let child = node.next[code];
    if (child === undefined) {
      child = { next: [], result: null };
      node.next[code] = child;
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
