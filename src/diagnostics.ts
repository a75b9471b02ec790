import type { Diagnostic, Severity } from './ast';

export interface DiagnosticKind {
  code: string;
  name: string;
  severity: Severity;
  description: string;
}

function kind(code: string, name: string, severity: Severity, description: string): DiagnosticKind {
  return { code, name, severity, description };
}

/** Problems found while reading a file. Codes IPT1xxx; lint rules use the other ranges. */
export const DIAGNOSTICS = {
  internalError: kind('IPT1000', 'internal-error', 'error', 'ipt-lint itself failed on a line: a bug to report, with the line.'),
  fileUnreadable: kind('IPT1001', 'file-unreadable', 'error', 'The file is missing, a directory, or not readable.'),
  binaryData: kind('IPT1002', 'binary-data', 'error', 'The file holds NUL bytes or other binary data, not a text dump.'),
  lineTooLong: kind('IPT1003', 'line-too-long', 'error', 'A line is longer than iptables-restore reads (10,240 bytes).'),
  crlfLineEndings: kind('IPT1004', 'crlf-line-endings', 'warning', 'CRLF line endings: iptables-restore rejects the file.'),
  byteOrderMark: kind('IPT1005', 'byte-order-mark', 'warning', 'A byte order mark: iptables-restore rejects the first line.'),
  syntaxError: kind('IPT1010', 'syntax-error', 'error', 'The line does not have the shape of any iptables-restore line.'),
  unbalancedQuote: kind('IPT1011', 'unbalanced-quote', 'error', 'A double quote is never closed.'),
  missingArgument: kind('IPT1012', 'missing-argument', 'error', 'An option has fewer arguments than it takes.'),
  unknownOption: kind('IPT1013', 'unknown-option', 'error', 'An option that no loaded extension has; iptables refuses the rule.'),
  unknownCommand: kind('IPT1014', 'unknown-command', 'error', 'A line starts with something other than a command iptables-restore knows.'),
  invalidValue: kind('IPT1015', 'invalid-value', 'error', 'An argument iptables would refuse (a port out of range, a malformed address …).'),
  argumentLimit: kind('IPT1016', 'argument-limit', 'error', 'An argument over 1,023 bytes or a rule over 255 words: iptables-restore refuses it.'),
  tableOptionInRule: kind('IPT1017', 'table-option-in-rule', 'error', '`-t` inside a restore file; the table comes from the `*table` line.'),
  repeatedParameter: kind('IPT1018', 'repeated-parameter', 'error', 'A parameter given twice in one rule (`-s … -s …`).'),
  protocolRequired: kind('IPT1019', 'protocol-required', 'error', 'A match or target that works only with certain protocols (`-m multiport` needs `-p tcp` …) without them.'),
  outsideTable: kind('IPT1020', 'outside-table', 'error', 'A rule or chain line before any `*table` line or after its COMMIT.'),
  missingCommit: kind('IPT1021', 'missing-commit', 'error', 'A table that is never committed; iptables-restore applies nothing of it.'),
  unknownTable: kind('IPT1022', 'unknown-table', 'error', 'A table other than filter, nat, mangle, raw and security.'),
  invalidChainHeader: kind('IPT1023', 'invalid-chain-header', 'error', 'A chain line with a bad name, policy or counters.'),
  duplicateChain: kind('IPT1024', 'duplicate-chain', 'error', 'A chain declared twice in one table.'),
  undeclaredChain: kind('IPT1025', 'undeclared-chain', 'warning', 'A rule in a user chain that the table never declares; legacy iptables-restore refuses it.'),
  commandConflict: kind('IPT1026', 'command-conflict', 'warning', 'A command that cannot apply to the rules the file built so far (deleting a rule that is not there …).'),
  invalidCounters: kind('IPT1027', 'invalid-counters', 'error', 'Counters that are not `[packets:bytes]` or `-c packets bytes`.'),
  ignoredCounters: kind('IPT1028', 'ignored-chain-counters', 'warning', 'A chain line ends in something other than `[packets:bytes]`; iptables-restore ignores it, and refuses it with --counters.'),
  noEffectCommand: kind('IPT1029', 'no-effect-command', 'warning', 'A command that changes nothing in a restore file (`-L`, `-S`), or `-h`, which makes iptables-restore stop.'),
  oldNegation: kind('IPT1030', 'old-negation', 'warning', 'Negation written `-s ! x` (iptables before 1.4.3); current iptables refuses it.'),
  unknownModule: kind('IPT1031', 'unknown-module', 'warning', 'A match module ipt-lint does not know; it is kept, and analysis treats it as unknown.'),
  unknownTarget: kind('IPT1032', 'unknown-target', 'warning', 'A target with options that ipt-lint does not know; kept and treated as unknown.'),
  unsupportedRevision: kind('IPT1033', 'unsupported-revision', 'warning', 'iptables-save did not know a revision of an extension used by this rule.'),
  incompatibleTable: kind('IPT1034', 'incompatible-table', 'warning', 'iptables-nft skipped a table or chains it could not express; the dump is incomplete.'),
  leakedOutput: kind('IPT1035', 'leaked-output', 'warning', 'A line of program output (a warning, FATAL …) captured into the dump.'),
  kernelRefuses: kind('IPT1037', 'kernel-refuses', 'warning', 'The kernel refuses this when the rules are loaded, although `iptables-restore --test` passes it.'),
  familyMismatch: kind('IPT1036', 'family-mismatch', 'error', 'An address or extension of the other address family.'),
} as const;

export type DiagnosticKey = keyof typeof DIAGNOSTICS;

/** `file:line:col: severity CODE message`, the offending line, and a caret under the problem. */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  const where = diagnostic.line === 0 ? diagnostic.file : `${diagnostic.file}:${diagnostic.line}:${diagnostic.column}`;
  const head = `${where}: ${diagnostic.severity} ${diagnostic.code} ${diagnostic.message}`;
  if (diagnostic.source === '') return head;
  const shown = diagnostic.source.length > 200 ? diagnostic.source.slice(0, 200) + '…' : diagnostic.source;
  const caretStart = Math.min(diagnostic.column - 1, shown.length);
  const caretLength = Math.max(1, Math.min(diagnostic.endColumn, shown.length) - diagnostic.column + 1);
  const indent = shown.slice(0, caretStart).replace(/[^\t]/g, ' ');
  return `${head}\n    ${shown}\n    ${indent}${'^'.repeat(caretLength)}`;
}
