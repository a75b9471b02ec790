#!/usr/bin/env node
'use strict';
/**
 * `npm run conformance [DIR]`: parse every file of a corpus of real dumps with the built library
 * and hold the result against what real iptables said of the same files (DIR/INDEX.md).
 *
 *   node scripts/conformance.js [DIR] [--verbose] [--json]
 *
 * DIR defaults to ../shared/corpus beside the project; when that does not exist and no DIR is
 * given, the script says so and exits 0.
 *
 * Exit status: 0 when every file real iptables accepted parses without an error diagnostic and
 * nothing crashed; 1 otherwise; 2 when it cannot run (no build, DIR missing, bad arguments).
 *
 * How files are read:
 * - INDEX.md and *.json are skipped (metadata).
 * - netfilter `.t` extension tests (`libipt_*`, `libip6t_*`, `libxt_*`, `iptables.t`): every test
 *   line `fragment;expected-save|=;OK|FAIL[;LEGACY|NFT[;alt]]` is wrapped into a one-rule restore
 *   file (the table and first chain of the section it is in) and judged on its own, the way
 *   iptables-test.py runs it with the nf_tables binary. ebtables/arptables tests are n/a.
 * - `*.rules.txt` with a sibling `*.rules.cases.json` (puppetlabs-firewall): one rule per line,
 *   each wrapped in `*table` … `COMMIT` as INDEX.md says real iptables was run on them.
 * - Everything else is a whole dump: parseDump(text, { file, family }), family ipv6 when INDEX.md
 *   (or, for unlisted files, the name) says ip6.
 */

const fs = require('node:fs');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const ROOT = path.resolve(__dirname, '..');
const DEFAULT_DIR = path.resolve(ROOT, '..', 'shared', 'corpus');
const SLOW_FILE_MS = 5000;
/** The INDEX.md column that records real `iptables-restore --test` on the nf_tables backend. */
const ACCEPT_COLUMN = 'restore --test (nft, v1.8.9)';

// Arguments

function parseArgs(argv) {
  const options = { dir: null, verbose: false, json: false };
  for (const arg of argv) {
    if (arg === '--verbose' || arg === '-v') options.verbose = true;
    else if (arg === '--json') options.json = true;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write('usage: node scripts/conformance.js [DIR] [--verbose] [--json]\n');
      process.exit(0);
    } else if (arg.startsWith('-')) {
      fail(`unknown option ${arg}`);
    } else if (options.dir === null) options.dir = arg;
    else fail(`more than one directory given (${options.dir}, ${arg})`);
  }
  return options;
}

function fail(message) {
  process.stderr.write(`conformance: ${message}\n`);
  process.exit(2);
}

// INDEX.md

/** Splits a Markdown table row on unescaped pipes. */
function splitRow(line) {
  const cells = line.trim().split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, '|'));
  if (cells[0] === '') cells.shift();
  if (cells.length && cells[cells.length - 1] === '') cells.pop();
  return cells;
}

/**
 * The `## Files` table: file → { acceptance, family, … }. Lines in that section that are not
 * well-formed rows are counted, so a damaged index shows up in the report.
 */
function readIndex(dir) {
  const file = path.join(dir, 'INDEX.md');
  const index = { present: false, rows: new Map(), malformedLines: 0, column: ACCEPT_COLUMN };
  if (!fs.existsSync(file)) return index;
  index.present = true;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  let inFiles = false;
  let header = null;
  let sawHeader = false;
  for (const line of lines) {
    if (/^##\s/.test(line)) {
      inFiles = /^##\s+Files\b/.test(line);
      header = null;
      continue;
    }
    if (!inFiles || line.trim() === '') continue;
    if (!line.startsWith('|')) {
      index.malformedLines++;
      continue;
    }
    const cells = splitRow(line);
    if (cells.every((cell) => /^:?-+:?$/.test(cell))) continue;
    if (header === null) {
      if (cells[0] === 'file') {
        header = cells;
        sawHeader = true;
      }
      continue;
    }
    if (cells.length !== header.length) continue; // another, smaller table in the section
    const row = Object.fromEntries(header.map((name, i) => [name, cells[i]]));
    index.rows.set(row.file, {
      acceptanceText: row[ACCEPT_COLUMN] ?? '',
      acceptance: classifyAcceptance(row[ACCEPT_COLUMN] ?? ''),
      legacy: row.legacy ?? '',
      familyTables: row['family; tables'] ?? '',
    });
  }
  if (!sawHeader) index.present = false;
  return index;
}

function classifyAcceptance(text) {
  if (/^ACCEPT\b/.test(text)) return 'accept';
  if (/^REJECT\b/.test(text)) return 'reject';
  if (/lines agree with expected/.test(text)) return 'per-test-line';
  if (/lines accepted/.test(text)) return 'per-line';
  if (/^n\/a\b/.test(text)) return 'n/a';
  return 'unknown';
}

/** `72/90 lines accepted …; rejected lines: 10,12,15…` → which lines real iptables refused. */
function perLineAcceptance(text) {
  const counts = /(\d+)\/(\d+) lines accepted/.exec(text);
  const list = /rejected lines:\s*([\d,\s]*)(…)?/.exec(text);
  const rejected = list ? list[1].split(',').map((s) => Number(s.trim())).filter((n) => n > 0) : [];
  return {
    accepted: counts ? Number(counts[1]) : null,
    total: counts ? Number(counts[2]) : null,
    rejected: new Set(rejected),
    /** The list was cut short: lines after its last entry are of unknown fate. */
    truncated: Boolean(list && list[2]),
    lastListed: rejected.length ? Math.max(...rejected) : 0,
  };
}

/**
 * The family real iptables judged the file in (ip6tables-restore for `ip6`, iptables-restore for
 * `ip4` and `ip4/6 (tested as ip4)`), passed to parseDump the way `--family` would be. Unlisted
 * files: ipv6 when the name says so, else left to the header and content.
 */
function familyOf(rel, indexRow) {
  const stated = indexRow ? indexRow.familyTables.split(';')[0].trim() : '';
  if (stated === 'ip6') return 'ipv6';
  if (stated.startsWith('ip4')) return 'ipv4';
  if (/ip6tables|\.ip6\.|\.v6$|^netfilter-t\/libip6t_/.test(rel)) return 'ipv6';
  return undefined;
}

// Walking the corpus

function walk(dir) {
  const out = [];
  const visit = (sub) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) visit(rel);
      else if (entry.isFile()) out.push(rel);
    }
  };
  visit('');
  return out;
}

function topDir(rel) {
  const slash = rel.indexOf('/');
  return slash < 0 ? '.' : rel.slice(0, slash);
}

function counts(diagnostics) {
  const c = { error: 0, warning: 0, info: 0 };
  for (const d of diagnostics) c[d.severity] = (c[d.severity] || 0) + 1;
  return c;
}

function describe(d) {
  if (!d) return '';
  return `${d.line}:${d.column} ${d.severity} ${d.code} ${d.message}`;
}

function crashText(error) {
  if (!(error instanceof Error)) return String(error);
  const frame = (error.stack || '').split('\n').find((l) => /^\s+at /.test(l));
  return `${error.name}: ${error.message}${frame ? ` (${frame.trim()})` : ''}`;
}

// netfilter .t extension tests

/** The expected result under iptables-nft, as iptables-test.py's variant_res() works it out. */
function nftResult(res, variant, alt) {
  if (variant === undefined || variant === 'NFT') return { res, expectedOverride: null };
  // The line is scoped to LEGACY: nft gets the alternate result, else the inverse.
  if (alt !== undefined) {
    if (alt === '=') return { res: 'OK', expectedOverride: '=' }; // nft saves the rule as written
    return { res: alt, expectedOverride: null };
  }
  return { res: { OK: 'FAIL', FAIL: 'OK', NOMATCH: 'OK' }[res] || res, expectedOverride: null };
}

function wrapRule(table, chain, fragment, builtinChains) {
  const builtin = (builtinChains[table] || []).includes(chain);
  return `*${table}\n:${chain} ${builtin ? 'ACCEPT' : '-'} [0:0]\n-A ${chain}${fragment === '' ? '' : ' ' + fragment}\nCOMMIT\n`;
}

/** The rule part of the first `-A CHAIN …` line of printDump's output. */
function printedRule(text, chain) {
  for (const line of text.split('\n')) {
    if (line === `-A ${chain}`) return '';
    if (line.startsWith(`-A ${chain} `)) return line.slice(chain.length + 4);
  }
  return null;
}

function runTFile(lib, rel, text, family) {
  const result = {
    lines: 0,
    skipped: 0,
    ok: { total: 0, parsed: 0 },
    fail: { total: 0, flagged: 0 },
    save: { compared: 0, equal: 0 },
    crashes: [],
    disagreements: [],
  };
  let table = 'filter';
  let chains = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i].replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) continue;
    if (line.startsWith(':')) {
      chains = line.slice(1).split(',').map((c) => c.trim()).filter(Boolean);
      continue;
    }
    if (line.startsWith('*')) {
      table = line.slice(1).trim();
      continue;
    }
    if (line.startsWith('%') || line.startsWith('@')) {
      result.skipped++; // a shell command the test runner executes
      continue;
    }
    const fields = line.split(';');
    if (fields.length < 3 || chains.length === 0) {
      result.skipped++;
      continue;
    }
    const fragment = fields[0].trim();
    const { res, expectedOverride } = nftResult(fields[2].trim(), fields[3] && fields[3].trim(), fields[4] && fields[4].trim());
    const expectedField = expectedOverride ?? fields[1].trim();
    const chain = chains[0];
    result.lines++;
    const wrapped = wrapRule(table, chain, fragment, lib.BUILTIN_CHAINS);
    let parsed;
    let printed = null;
    try {
      parsed = lib.parseDump(wrapped, { file: `${rel}:${lineNo}`, family });
      printed = lib.printDump(parsed.dump, { counters: false });
    } catch (error) {
      result.crashes.push({ line: lineNo, fragment, error: crashText(error) });
      continue;
    }
    const firstError = parsed.diagnostics.find((d) => d.severity === 'error');
    if (res === 'FAIL') {
      result.fail.total++;
      if (firstError) result.fail.flagged++;
      else {
        const warn = parsed.diagnostics[0];
        result.disagreements.push({ line: lineNo, fragment, expected: 'FAIL', got: warn ? `no error (${describe(warn)})` : 'no diagnostic' });
      }
      continue;
    }
    result.ok.total++;
    if (firstError) {
      result.disagreements.push({ line: lineNo, fragment, expected: res, got: describe(firstError) });
      continue;
    }
    result.ok.parsed++;
    if (res === 'NOMATCH') continue; // iptables-nft saves it differently from the test's text; nothing to compare
    const expected = expectedField === '=' ? fragment : expectedField;
    const got = printedRule(printed, chain);
    result.save.compared++;
    if (got !== null && got.trim() === expected.trim()) result.save.equal++;
    else result.disagreements.push({ line: lineNo, fragment, expected: `save: ${expected}`, got: `save: ${got === null ? '(no -A line printed)' : got}` });
  }
  return result;
}

// puppetlabs-firewall: one rule per line

function runPerLineFile(lib, rel, text, casesFile, family, acceptance) {
  let cases = [];
  try {
    cases = JSON.parse(fs.readFileSync(casesFile, 'utf8'));
  } catch {
    cases = [];
  }
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const result = { lines: 0, clean: 0, withErrors: 0, crashes: [], violations: [], missedRejections: [], disagreements: [], accepted: acceptance };
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const rule = lines[i].replace(/\r$/, '');
    if (rule.trim() === '') continue;
    const table = cases.length === lines.length && cases[i] && cases[i].table ? cases[i].table : 'filter';
    result.lines++;
    let parsed;
    try {
      parsed = lib.parseDump(`*${table}\n${rule}\nCOMMIT\n`, { file: `${rel}:${lineNo}`, family });
    } catch (error) {
      result.crashes.push({ line: lineNo, fragment: rule, error: crashText(error) });
      continue;
    }
    const firstError = parsed.diagnostics.find((d) => d.severity === 'error');
    const firstProblem = parsed.diagnostics.find((d) => d.severity !== 'info');
    if (firstError) result.withErrors++;
    else result.clean++;
    // What real iptables said of this line, where INDEX.md tells.
    let real = 'unknown';
    if (acceptance) {
      if (acceptance.rejected.has(lineNo)) real = 'reject';
      else if (!acceptance.truncated || lineNo < acceptance.lastListed) real = 'accept';
    }
    if (real === 'accept' && firstError) {
      result.violations.push({ line: lineNo, fragment: rule, firstError: describe(firstError) });
      result.disagreements.push({ line: lineNo, fragment: rule, expected: 'accept', got: describe(firstError) });
    } else if (real === 'reject' && !firstProblem) {
      result.missedRejections.push({ line: lineNo, fragment: rule });
      result.disagreements.push({ line: lineNo, fragment: rule, expected: 'reject', got: 'no diagnostic' });
    }
  }
  return result;
}

// Main

/**
 * parse → print → parse → print must reach a fixpoint, and printing a file
 * that parsed without errors must not produce text with errors.
 */
function checkRoundTrip(lib, rel, parsed, hadErrors, report) {
  report.roundTrip.checked++;
  try {
    const families = parsed.dump.rulesets.map((ruleset) => ruleset.family);
    const printed = lib.printDump(parsed.dump);
    const again = lib.parseDump(printed, { file: rel + ' (printed)', family: families.length === 1 ? families[0] : undefined });
    const newErrors = hadErrors ? [] : again.diagnostics.filter((d) => d.severity === 'error');
    const reprinted = lib.printDump(again.dump);
    if (newErrors.length > 0) {
      report.roundTrip.failures.push({ file: rel, problem: `printed text has errors: ${describe(newErrors[0])}` });
    } else if (reprinted !== printed) {
      const at = printed.split('\n').findIndex((line, i) => line !== reprinted.split('\n')[i]);
      report.roundTrip.failures.push({ file: rel, problem: `print is not a fixpoint at printed line ${at + 1}` });
    } else {
      report.roundTrip.stable++;
    }
  } catch (error) {
    report.roundTrip.failures.push({ file: rel, problem: `crash: ${crashText(error)}` });
  }
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  let dir;
  if (options.dir === null) {
    if (!fs.existsSync(DEFAULT_DIR)) {
      process.stdout.write(`conformance: no corpus at ${path.relative(process.cwd(), DEFAULT_DIR) || DEFAULT_DIR}; nothing to check\n`);
      return 0;
    }
    dir = DEFAULT_DIR;
  } else {
    dir = path.resolve(options.dir);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) fail(`${options.dir} is not a directory`);
  }

  let lib;
  try {
    lib = require(path.join(ROOT, 'dist', 'src', 'index.js'));
  } catch (error) {
    fail(`cannot load dist/index.js (run \`npm run build\` first): ${error.message.split('\n')[0]}`);
  }

  const index = readIndex(dir);
  const files = walk(dir);
  const started = performance.now();

  const report = {
    dir: path.relative(process.cwd(), dir) || '.',
    index: { present: index.present, rows: index.rows.size, malformedLines: index.malformedLines, column: ACCEPT_COLUMN },
    totals: { files: 0, clean: 0, warningsOnly: 0, withErrors: 0, crashes: 0, skipped: 0 },
    perDirectory: {},
    accepted: { files: 0, withoutErrors: 0 },
    rejected: { files: 0, flagged: 0 },
    unlisted: { files: 0, mustBeClean: 0 },
    tests: { files: 0, notApplicable: 0, lines: 0, skippedLines: 0, ok: { total: 0, parsed: 0 }, fail: { total: 0, flagged: 0 }, save: { compared: 0, equal: 0 } },
    perLine: { files: 0, lines: 0, clean: 0, withErrors: 0 },
    violations: [],
    crashes: [],
    roundTrip: { checked: 0, stable: 0, failures: [] },
    missedRejections: [],
    slow: [],
    files: [],
  };
  const dirStats = (rel) => {
    const d = topDir(rel);
    if (!report.perDirectory[d]) report.perDirectory[d] = { files: 0, clean: 0, warningsOnly: 0, withErrors: 0, crashes: 0, skipped: 0, testFiles: 0, testLines: 0, testLinesAgree: 0, accepted: 0, acceptedClean: 0, rejected: 0, rejectedFlagged: 0 };
    return report.perDirectory[d];
  };

  for (const rel of files) {
    const base = path.basename(rel);
    const abs = path.join(dir, rel);
    const stats = dirStats(rel);
    if (base === 'INDEX.md' || base.endsWith('.json')) {
      report.totals.skipped++;
      stats.skipped++;
      continue;
    }
    const row = index.rows.get(rel) || null;
    const family = familyOf(rel, row);
    const text = fs.readFileSync(abs, 'utf8');
    const t0 = performance.now();

    // --- netfilter .t tests
    if (base.endsWith('.t')) {
      report.tests.files++;
      stats.testFiles++;
      if (/^lib(ebt|arpt)_/.test(base) || (row && row.acceptance === 'n/a')) {
        report.tests.notApplicable++;
        report.files.push({ file: rel, kind: 'test', applicable: false });
        continue;
      }
      const r = runTFile(lib, rel, text, /^libip6t_/.test(base) ? 'ipv6' : 'ipv4');
      const ms = performance.now() - t0;
      const t = report.tests;
      t.lines += r.lines;
      t.skippedLines += r.skipped;
      t.ok.total += r.ok.total;
      t.ok.parsed += r.ok.parsed;
      t.fail.total += r.fail.total;
      t.fail.flagged += r.fail.flagged;
      t.save.compared += r.save.compared;
      t.save.equal += r.save.equal;
      stats.testLines += r.lines;
      stats.testLinesAgree += r.ok.parsed + r.fail.flagged;
      for (const c of r.crashes) report.crashes.push({ file: `${rel}:${c.line}`, error: c.error, input: c.fragment });
      stats.crashes += r.crashes.length;
      report.totals.crashes += r.crashes.length;
      if (ms > SLOW_FILE_MS) report.slow.push({ file: rel, ms });
      report.files.push({ file: rel, kind: 'test', lines: r.lines, ok: r.ok, fail: r.fail, save: r.save, crashes: r.crashes.length, disagreements: r.disagreements, ms });
      continue;
    }

    // --- one rule per line, wrapped (puppetlabs-firewall)
    const casesFile = abs.replace(/\.rules\.txt$/, '.rules.cases.json');
    if (base.endsWith('.rules.txt') && fs.existsSync(casesFile)) {
      const acceptance = row && row.acceptance === 'per-line' ? perLineAcceptance(row.acceptanceText) : null;
      const r = runPerLineFile(lib, rel, text, casesFile, family, acceptance);
      const ms = performance.now() - t0;
      report.perLine.files++;
      stats.testFiles++;
      report.perLine.lines += r.lines;
      report.perLine.clean += r.clean;
      report.perLine.withErrors += r.withErrors;
      stats.testLines += r.lines;
      stats.testLinesAgree += r.lines - r.violations.length - r.missedRejections.length;
      for (const v of r.violations) report.violations.push({ file: `${rel}:${v.line}`, firstError: v.firstError, input: v.fragment, source: 'INDEX.md (line wrapped in *table/COMMIT)' });
      for (const m of r.missedRejections) report.missedRejections.push({ file: `${rel}:${m.line}`, iptables: 'rejected this line', input: m.fragment });
      for (const c of r.crashes) report.crashes.push({ file: `${rel}:${c.line}`, error: c.error, input: c.fragment });
      stats.crashes += r.crashes.length;
      report.totals.crashes += r.crashes.length;
      if (ms > SLOW_FILE_MS) report.slow.push({ file: rel, ms });
      report.files.push({
        file: rel,
        kind: 'per-line',
        lines: r.lines,
        clean: r.clean,
        withErrors: r.withErrors,
        iptables: acceptance ? `${acceptance.accepted}/${acceptance.total} accepted` : null,
        disagreements: r.disagreements,
        ms,
      });
      continue;
    }

    // --- a whole dump
    report.totals.files++;
    stats.files++;
    let parsed = null;
    let crash = null;
    try {
      parsed = lib.parseDump(text, { file: rel, family });
    } catch (error) {
      crash = crashText(error);
    }
    const ms = performance.now() - t0;
    if (ms > SLOW_FILE_MS) report.slow.push({ file: rel, ms });

    // What it should do: real iptables' verdict from INDEX.md; Docker's own listings must parse clean.
    let expected = 'none';
    let why = '';
    if (row && (row.acceptance === 'accept' || row.acceptance === 'reject')) {
      expected = row.acceptance;
      why = row.acceptanceText;
    } else if (!row && /^docker-(moby|real)/.test(topDir(rel))) {
      expected = 'accept';
      why = 'Docker output (not in INDEX.md)';
    }
    if (!row) {
      report.unlisted.files++;
      if (expected === 'accept') report.unlisted.mustBeClean++;
    }

    const entry = { file: rel, kind: 'dump', family: family || 'auto', expected, unlisted: !row, ms };
    if (crash) {
      report.totals.crashes++;
      stats.crashes++;
      report.crashes.push({ file: rel, error: crash });
      entry.crash = crash;
    } else {
      const c = counts(parsed.diagnostics);
      checkRoundTrip(lib, rel, parsed, c.error > 0, report);
      const firstError = parsed.diagnostics.find((d) => d.severity === 'error');
      const firstProblem = parsed.diagnostics.find((d) => d.severity !== 'info');
      Object.assign(entry, { format: parsed.dump.format, errors: c.error, warnings: c.warning, infos: c.info, firstDiagnostic: describe(firstProblem || parsed.diagnostics[0]) });
      if (c.error) {
        report.totals.withErrors++;
        stats.withErrors++;
      } else if (c.warning) {
        report.totals.warningsOnly++;
        stats.warningsOnly++;
      } else {
        report.totals.clean++;
        stats.clean++;
      }
      if (expected === 'accept') {
        if (row) {
          report.accepted.files++;
          stats.accepted++;
        }
        if (!c.error) {
          if (row) {
            report.accepted.withoutErrors++;
            stats.acceptedClean++;
          }
        } else {
          report.violations.push({ file: rel, firstError: describe(firstError), source: why, errors: c.error });
        }
      } else if (expected === 'reject') {
        report.rejected.files++;
        stats.rejected++;
        if (firstProblem) {
          report.rejected.flagged++;
          stats.rejectedFlagged++;
        } else {
          report.missedRejections.push({ file: rel, iptables: why });
        }
      }
    }
    report.files.push(entry);
  }
  report.elapsedSeconds = (performance.now() - started) / 1000;
  report.passed = report.violations.length === 0 && report.crashes.length === 0 && report.roundTrip.failures.length === 0;

  if (options.json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } else {
    printReport(report, options);
  }
  return report.passed ? 0 : 1;
}

function pad(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => '  ' + r.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))).join('  ')).join('\n');
}

function printReport(report, options) {
  const out = [];
  const t = report.totals;
  const tests = report.tests;
  const pct = (a, b) => (b ? ` (${((100 * a) / b).toFixed(1)}%)` : '');
  out.push(`ipt-lint conformance: ${report.dir}  (${report.elapsedSeconds.toFixed(1)} s)`);
  if (!report.index.present) out.push('  no INDEX.md Files table: no real-iptables verdicts to check against');
  else if (report.index.malformedLines) out.push(`  note: INDEX.md has ${report.index.malformedLines} malformed line(s) in its Files table (ignored)`);
  out.push('');
  out.push(`Dumps: ${t.files} files — ${t.clean} clean, ${t.warningsOnly} with warnings only, ${t.withErrors} with errors, ${t.crashes} crashes${t.skipped ? `; ${t.skipped} metadata files skipped` : ''}`);
  if (report.index.present) {
    out.push(`  accepted by real iptables (nft):  ${report.accepted.withoutErrors}/${report.accepted.files} parse without errors`);
    out.push(`  rejected by real iptables (nft):  ${report.rejected.flagged}/${report.rejected.files} get at least one warning or error`);
  }
  out.push(`  parse → print → parse → print:   ${report.roundTrip.stable}/${report.roundTrip.checked} reach a fixpoint without new errors`);
  for (const f of report.roundTrip.failures) out.push(`    round trip: ${f.file}: ${f.problem}`);
  if (report.unlisted.files) {
    out.push(`  not in INDEX.md: ${report.unlisted.files} (${report.unlisted.mustBeClean} Docker listings that must parse without errors)`);
    if (report.index.present) {
      for (const f of report.files.filter((e) => e.kind === 'dump' && e.unlisted && e.expected === 'none')) {
        out.push(`    unlisted, no verdict: ${f.file} (${f.crash ? 'crash' : `${f.errors} errors, ${f.warnings} warnings`})`);
      }
    }
  }
  if (tests.files) {
    out.push(`netfilter .t tests: ${tests.files - tests.notApplicable} files, ${tests.lines} test lines (${tests.notApplicable} ebtables/arptables files n/a, ${tests.skippedLines} command lines skipped)`);
    out.push(`  OK lines parsed without error:      ${tests.ok.parsed}/${tests.ok.total}${pct(tests.ok.parsed, tests.ok.total)}`);
    out.push(`  FAIL lines reported with an error:  ${tests.fail.flagged}/${tests.fail.total}${pct(tests.fail.flagged, tests.fail.total)}`);
    out.push(`  printDump equals expected save:     ${tests.save.equal}/${tests.save.compared}${pct(tests.save.equal, tests.save.compared)}`);
  }
  if (report.perLine.files) {
    out.push(`one-rule-per-line files: ${report.perLine.files}, ${report.perLine.lines} lines — ${report.perLine.clean} without errors, ${report.perLine.withErrors} with errors`);
    for (const f of report.files.filter((e) => e.kind === 'per-line')) out.push(`  ${f.file}: ${f.clean}/${f.lines} without errors; real iptables: ${f.iptables ?? 'n/a'}`);
  }

  out.push('');
  out.push('Per directory');
  const rows = [['dir', 'dumps', 'clean', 'warn', 'errors', 'crash', 'accepted ok', 'rejected flagged', 'line files', 'lines agree']];
  for (const [d, s] of Object.entries(report.perDirectory)) {
    if (s.files === 0 && s.testFiles === 0) continue;
    rows.push([
      d,
      s.files,
      s.clean,
      s.warningsOnly,
      s.withErrors,
      s.crashes,
      s.accepted ? `${s.acceptedClean}/${s.accepted}` : '-',
      s.rejected ? `${s.rejectedFlagged}/${s.rejected}` : '-',
      s.testFiles || '-',
      s.testLines ? `${s.testLinesAgree}/${s.testLines}` : '-',
    ]);
  }
  out.push(pad(rows));

  if (report.violations.length) {
    out.push('');
    out.push(`Accepted by real iptables, but ipt-lint reports errors (${report.violations.length}):`);
    for (const v of report.violations) out.push(`  ${v.file}: ${v.firstError}${v.errors > 1 ? `  (+${v.errors - 1} more)` : ''}${v.input ? `\n      ${v.input}` : ''}`);
  }
  if (report.crashes.length) {
    out.push('');
    out.push(`Crashes (${report.crashes.length}):`);
    for (const c of report.crashes) out.push(`  ${c.file}: ${c.error}${c.input ? `\n      ${c.input}` : ''}`);
  }
  if (report.missedRejections.length) {
    out.push('');
    out.push(`Missed rejections (real iptables refused, ipt-lint says nothing; informational) (${report.missedRejections.length}):`);
    for (const m of report.missedRejections) out.push(`  ${m.file}: iptables: ${m.iptables}${m.input ? `\n      ${m.input}` : ''}`);
  }
  if (report.slow.length) {
    out.push('');
    out.push(`Slow files (> ${SLOW_FILE_MS / 1000} s):`);
    for (const s of report.slow) out.push(`  ${s.file}: ${(s.ms / 1000).toFixed(1)} s`);
  }
  if (options.verbose) {
    const withDisagreements = report.files.filter((f) => f.disagreements && f.disagreements.length);
    if (withDisagreements.length) {
      out.push('');
      out.push('Disagreeing test lines');
      for (const f of withDisagreements) {
        out.push(`  ${f.file}`);
        for (const d of f.disagreements) out.push(`    L${d.line}: ${d.fragment}\n        expected ${d.expected}; ipt-lint: ${d.got}`);
      }
    }
  } else if (tests.lines || report.perLine.lines) {
    out.push('');
    out.push('(--verbose lists the disagreeing test lines)');
  }
  out.push('');
  out.push(report.passed ? 'Result: PASS (every accepted file parses without errors, no crashes)' : `Result: FAIL (${report.violations.length} accepted input(s) with errors, ${report.crashes.length} crash(es))`);
  process.stdout.write(out.join('\n') + '\n');
}

if (require.main === module) {
  try {
    process.exitCode = main();
  } catch (error) {
    process.stderr.write(`conformance: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 2;
  }
}

module.exports = { readIndex, perLineAcceptance, nftResult, wrapRule, printedRule };
