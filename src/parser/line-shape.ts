/**
 * What the grammar makes of a line, as word indexes into the line (-1 for
 * absent). Independent of the words' text, so one shape serves every line with
 * the same token types.
 */
export type LineShape =
  | { kind: 'table'; name: number }
  | { kind: 'chain'; name: number; policy: number; counters: number; extra: number }
  | { kind: 'commit' }
  | ({ kind: 'command'; prefix: number; counters: number } & CommandShape);

export interface CommandShape {
  command: number;
  operands: number[];
  ruleNumber: number;
  items: RuleItem[];
}

export interface RuleItem {
  kind: 'parameter' | 'match' | 'jump' | 'goto' | 'set-counters' | 'family' | 'option';
  bang: number;
  name: number;
  oldBang: number;
  values: number[];
}
