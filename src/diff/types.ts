import type { Chain, Counters, Family, Rule, TableName } from '../ast';

export type ChangeKind =
  | 'chain-added'
  | 'chain-removed'
  | 'policy-changed'
  | 'rule-added'
  | 'rule-removed'
  | 'rule-moved'
  | 'rule-changed'
  | 'counters-changed';

/** Where a changed thing sits in one of the two dumps. */
export interface ChangeSide {
  /** 1-based line in that file; 0 for a built-in chain the file leaves implicit. */
  line: number;
  /** 1-based position of the rule in its chain; null for a chain-level change. */
  position: number | null;
  /** Canonical rule text (`-A CHAIN …`); null for a chain-level change. */
  rule: string | null;
}

/** How one piece of a rule changed: `--dport 80` became `--dport 8080`. */
export interface OptionChange {
  /** `-s`, `-m tcp --dport`, `-j`, `-j DNAT --to-destination`. */
  option: string;
  /** The piece as printed before, or null when it was added. */
  before: string | null;
  /** The piece as printed after, or null when it was removed. */
  after: string | null;
}

export interface Change {
  kind: ChangeKind;
  family: Family;
  table: TableName;
  chain: string;
  /** Null for what exists only after (an added chain or rule). */
  before: ChangeSide | null;
  /** Null for what exists only before (a removed chain or rule). */
  after: ChangeSide | null;
  /** policy-changed: the two policies. */
  policy?: { before: string; after: string };
  /** rule-changed: the pieces that differ. */
  options?: OptionChange[];
  /** counters-changed: the two counter values. */
  counters?: { before: Counters | null; after: Counters | null };
}

/** One line of a chain's side-by-side alignment, in the order a unified diff shows them. */
export type ChainStep =
  | { op: 'keep'; before: Rule; after: Rule; beforePosition: number; afterPosition: number; change?: Change }
  | { op: 'delete'; before: Rule; beforePosition: number; change: Change }
  | { op: 'insert'; after: Rule; afterPosition: number; change: Change };

export interface ChainDiff {
  family: Family;
  table: TableName;
  chain: string;
  /** Null when the chain exists only after. */
  before: Chain | null;
  /** Null when the chain exists only before. */
  after: Chain | null;
  builtin: boolean;
  steps: ChainStep[];
  /** Every change in this chain, chain-level ones first. */
  changes: Change[];
}

export interface DumpDiff {
  beforeFile: string;
  afterFile: string;
  /** Chains that differ, in table and chain order; unchanged chains are left out. */
  chains: ChainDiff[];
  changes: Change[];
}

export interface DiffOptions {
  table?: TableName;
  /** Only this chain. */
  chain?: string;
  /** Leave out chains whose whole name matches. */
  ignoreChain?: RegExp;
  /** `-m comment` matches carry no meaning for the kernel; drop them before comparing. */
  ignoreComments?: boolean;
  /** Also report rules and chains whose counters differ. */
  counters?: boolean;
  /** Interface names standing for the same thing on both sides (a Docker bridge by its network's name). */
  interfaceAliases?: { before: ReadonlyMap<string, string>; after: ReadonlyMap<string, string> };
}
