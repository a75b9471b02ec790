export type * from './ast';
export { parseDump, BUILTIN_CHAINS } from './parser/parse-dump';
export type { ParseOptions, ParseResult } from './parser/parse-dump';
export { printDump, printRuleset, printTable, printRule, printRuleSpec } from './printer';
export type { PrintOptions } from './printer';
export { DIAGNOSTICS, formatDiagnostic } from './diagnostics';
export { readDumpFile } from './read-input';

// The library API, as the README documents it.
export { parse, print, lint, diff, restoreScript, loadPolicy, parsePolicy, validatePolicy, rules, graph } from './library';
export type { Change, ChangeKind, ChangeSide, ChainDiff, ChainStep, DiffOptions, DumpDiff, OptionChange } from './diff/types';
export type { LintOptions, LintResult, PolicyValidation } from './library';
export { PolicyError } from './policy/load';
export type { Policy, DockerPolicy, DockerNetwork, PublishedPort, ChainRequirement, RuleRequirement } from './policy/types';
export type { Finding, LintRule, RuleMeta, RuleContext, Visitor, ReportTarget } from './lint/types';
export { buildChainGraph, GraphSelectionError } from './graph/chain-graph';
export type { ChainGraph, ChainNode, ChainEdge, GraphSection, GraphSelection } from './graph/chain-graph';
// Reading the kernel's rules, for `lint --live`, `snapshot` and anything else that compares against the live state.
export { captureLive, LiveCaptureError } from './live/iptables';
export type { LiveCapture, LiveRules, Backend } from './live/iptables';
export { takeSnapshot, SnapshotError, SNAPSHOT_FILES } from './live/snapshot';
export type { SnapshotManifest, SnapshotOptions, SnapshotResult } from './live/snapshot';
// Packets through the rules: `ipt-lint trace` and `ipt-lint reach`.
export { tracePacket } from './trace/evaluate';
export type { TraceResult, TraceOutcome, Step, Condition, Decision } from './trace/evaluate';
export { parsePacket, hostModel } from './trace/packet-input';
export type { PacketInput } from './trace/packet-input';
export { reachability } from './trace/reach';
export type { ReachMatrix, ReachCell, ReachAnswer } from './trace/reach';
