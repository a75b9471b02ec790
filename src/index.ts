export type * from './ast';
export { parseDump, BUILTIN_CHAINS } from './parser/parse-dump';
export type { ParseOptions, ParseResult } from './parser/parse-dump';
export { printDump, printRuleset, printTable, printRule, printRuleSpec } from './printer';
export type { PrintOptions } from './printer';
export { DIAGNOSTICS, formatDiagnostic } from './diagnostics';
export { readDumpFile } from './read-input';
