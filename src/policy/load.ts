import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv/dist/2020';
import type { Document, LineCounter } from 'yaml';
import { UsageError } from '../cli/exit-codes';
import policySchema from './schema.json';
import { formatPath, type PolicyProblem } from './problems';
import { explainSchemaErrors } from './schema-errors';
import { semanticProblems } from './semantic-checks';
import { severityProblems, type FindingKind } from './severity';
import type { Policy } from './types';

/** The names `discoverPolicy` looks for, in order. */
export const POLICY_FILE_NAMES = ['.ipt-lint.yaml', '.ipt-lint.yml', '.ipt-lint.json'] as const;

/** A policy file that cannot be used; the message lists every problem, one per line, each starting with the file name. */
export class PolicyError extends UsageError {
  constructor(
    readonly file: string,
    /** `file:line:col: path: message` lines (`file: message` when there is no place to point at). */
    readonly problems: readonly string[],
  ) {
    super(problems.length === 1 ? problems[0] : `${problems.length} problems in policy ${file}:\n${problems.join('\n')}`);
    this.name = 'PolicyError';
  }
}

export interface LoadPolicyOptions {
  /**
   * The findings `severity` may name, by code or name; any other key is a
   * problem. Without it `severity` keys are not checked.
   */
  findingKinds?: readonly FindingKind[];
}

/** The first of POLICY_FILE_NAMES that is a file in `directory`, as a path joined to it; null when there is none. */
export function discoverPolicy(directory: string): string | null {
  for (const name of POLICY_FILE_NAMES) {
    const path = join(directory, name);
    try {
      if (statSync(path).isFile()) return path;
    } catch {
      // Not there (or not readable as a directory entry): try the next name.
    }
  }
  return null;
}

/** Reads, parses and checks a policy file; throws a PolicyError naming every problem. */
export function loadPolicy(file: string, options: LoadPolicyOptions = {}): Policy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such policy file'
      : code === 'EISDIR' ? 'is a directory, not a policy file'
      : code === 'EACCES' || code === 'EPERM' ? 'is not readable (permission denied)'
      : `cannot be read (${(error as Error).message})`;
    throw new PolicyError(file, [`${file}: ${reason}`]);
  }
  return parsePolicy(text, file, options);
}

/**
 * Parses and checks a policy from text. JSON when the first non-blank
 * character is `{` and the text parses as JSON, YAML otherwise (a YAML flow
 * mapping also starts with `{`), whatever the file is called.
 */
export function parsePolicy(text: string, file: string, options: LoadPolicyOptions = {}): Policy {
  const source = text.replace(/^\uFEFF/, '');
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const document = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const where = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };

  let data: unknown;
  const json = source.trimStart().startsWith('{') ? parseJson(source) : null;
  if (json !== null && json.ok) {
    // JSON.parse keeps the last of two equal keys without a word; the YAML reading of the same text notices.
    const duplicates = document.errors.filter((error) => error.code === 'DUPLICATE_KEY');
    if (duplicates.length > 0) throw new PolicyError(file, duplicates.map((error) => `${where(error.pos[0])}: this key is given twice in its object`));
    data = json.value;
  } else if (document.errors.length > 0) {
    if (json !== null && !json.ok) {
      // It looked like JSON and is not YAML either: the JSON parser's complaint is the one the author expects.
      const offset = json.offset ?? document.errors[0].pos[0];
      throw new PolicyError(file, [`${where(offset)}: not valid JSON: ${json.message}`]);
    }
    throw new PolicyError(file, document.errors.map((error) => `${where(error.pos[0])}: not valid YAML: ${error.message}`));
  } else {
    try {
      data = document.toJS();
    } catch (error) {
      throw new PolicyError(file, [`${file}: not usable YAML: ${(error as Error).message}`]);
    }
  }
  // An empty file (or one with only comments) is a policy that asks for nothing.
  if (data === null || data === undefined) data = {};

  const problems = checkPolicy(data, options);
  if (problems.length > 0) throw new PolicyError(file, describeProblems(problems, document, lineCounter, file));
  return data as Policy;
}

/** Every problem with parsed policy data: the schema's, then what the schema cannot check. */
export function checkPolicy(data: unknown, options: LoadPolicyOptions = {}): PolicyProblem[] {
  const validate = policyValidator();
  const problems: PolicyProblem[] = [];
  if (!validate(data)) problems.push(...explainSchemaErrors(validate.errors ?? [], data, validateAt));
  problems.push(...semanticProblems(data));
  if (options.findingKinds !== undefined && data !== null && typeof data === 'object') {
    problems.push(...severityProblems((data as Policy).severity, options.findingKinds));
  }
  return problems;
}

/** The YAML library, loaded when a policy is read rather than with every command. */
function yaml(): typeof import('yaml') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('yaml') as typeof import('yaml');
}

let compiled: { ajv: Ajv2020; validate: ValidateFunction } | null = null;

/** Loaded and compiled on first use: requiring ajv alone costs every command tens of milliseconds. */
function policyValidator(): ValidateFunction {
  if (compiled === null) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Ajv = (require('ajv/dist/2020') as { default: typeof Ajv2020 }).default;
    // verbose: each error carries its value and schema, which the explanations are worded from.
    const ajv = new Ajv({ allErrors: true, strict: true, verbose: true });
    compiled = { ajv, validate: ajv.compile(policySchema) };
  }
  return compiled.validate;
}

function validateAt(schemaPath: string, value: unknown) {
  policyValidator();
  const validate = compiled?.ajv.getSchema(`${policySchema.$id}${schemaPath}`);
  if (validate === undefined) return [];
  validate(value);
  return validate.errors ?? [];
}

type JsonResult = { ok: true; value: unknown } | { ok: false; message: string; offset: number | null };

function parseJson(text: string): JsonResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const raw = (error as Error).message;
    const position = /at position (\d+)/.exec(raw);
    const message = raw
      .replace(/ in JSON at position \d+.*$/, '')
      .replace(/^Unexpected token '(.*?)', .* is not valid JSON$/s, 'unexpected $1')
      .replace(/^Unexpected end of JSON input$/, 'the text ends too early');
    const offset = position !== null ? Number(position[1]) : /end of JSON/.test(raw) ? text.length : null;
    return { ok: false, message: message.charAt(0).toLowerCase() + message.slice(1), offset };
  }
}

function describeProblems(problems: readonly PolicyProblem[], document: Document, lineCounter: LineCounter, file: string): string[] {
  const placed = problems.map((problem, order) => {
    const offset = sourceOffset(document, problem);
    const position = offset === null ? null : lineCounter.linePos(offset);
    const path = formatPath(problem.path);
    const text = `${position === null ? file : `${file}:${position.line}:${position.col}`}: ${path === '' ? '' : `${path}: `}${problem.message}`;
    return { text, line: position?.line ?? Infinity, column: position?.col ?? 0, order };
  });
  placed.sort((a, b) => a.line - b.line || a.column - b.column || a.order - b.order);
  return [...new Set(placed.map((entry) => entry.text))];
}

/** Where in the text the problem's value (or key) starts; the nearest enclosing node when that one is missing. */
function sourceOffset(document: Document, problem: PolicyProblem): number | null {
  const { isMap, isNode, isScalar } = yaml();
  const path = problem.path;
  if (problem.atKey === true && path.length > 0) {
    const parent = path.length === 1 ? document.contents : document.getIn(path.slice(0, -1), true);
    if (isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === String(path[path.length - 1]));
      if (pair !== undefined && isNode(pair.key) && pair.key.range) return pair.key.range[0];
    }
  }
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return null;
}
