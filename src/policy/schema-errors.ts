import type { ErrorObject } from 'ajv';
import { closestMatch, didYouMean, showValue, withArticle, type PathSegment, type PolicyProblem } from './problems';

/** Validates a value against the schema at `schemaPath` (`#/properties/…/anyOf/1`) and returns ajv's errors. */
export type SchemaPathValidator = (schemaPath: string, value: unknown) => readonly ErrorObject[];

/** The parts of a JSON Schema node the explanations read. */
interface SchemaNode {
  title?: string;
  type?: string;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minLength?: number;
  properties?: Record<string, unknown>;
  anyOf?: SchemaNode[];
}

interface LocatedError {
  error: ErrorObject;
  path: PathSegment[];
  value: unknown;
}

const TYPE_NOUNS: Record<string, string> = {
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
  null: 'empty',
};

/**
 * Turns ajv's errors (compiled with `verbose: true`, so each carries its
 * value and schema) into one problem per mistake, in the words of the policy
 * file rather than of JSON Schema. `basePath` places errors of a value
 * validated on its own (an anyOf alternative) inside the whole policy.
 */
export function explainSchemaErrors(errors: readonly ErrorObject[], data: unknown, validateAt: SchemaPathValidator, basePath: PathSegment[] = []): PolicyProblem[] {
  let located = errors.map((error) => locate(error, data, basePath));
  const problems: PolicyProblem[] = [];

  // An anyOf fails with one error per alternative; say instead what the value should be, or, when its
  // shape already picks an alternative, what is wrong inside it.
  for (const alternatives of located.filter((entry) => entry.error.keyword === 'anyOf')) {
    located = located.filter((entry) => entry === alternatives || !isWithin(entry.path, alternatives.path));
    problems.push(...explainAlternatives(alternatives, validateAt));
  }

  // A value of the wrong type also fails its enum or pattern; the type explanation covers both.
  const wrongType = new Set(located.filter((entry) => entry.error.keyword === 'type').map((entry) => pathKey(entry.path)));
  for (const entry of located) {
    if (entry.error.keyword === 'anyOf') continue;
    if (entry.error.keyword !== 'type' && wrongType.has(pathKey(entry.path)) && ['enum', 'const', 'pattern'].includes(entry.error.keyword)) continue;
    problems.push(explain(entry));
  }
  return problems;
}

function explain({ error, path, value }: LocatedError): PolicyProblem {
  const schema = (error.parentSchema ?? {}) as SchemaNode;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(error.params.additionalProperty);
      const known = Object.keys(schema.properties ?? {});
      const match = closestMatch(key, known);
      const message = match !== null ? `unknown key (did you mean "${match}"?)` : `unknown key; the keys here are ${known.join(', ')}`;
      return { path: [...path, key], atKey: true, message };
    }
    case 'required':
      return { path, message: `missing required key "${String(error.params.missingProperty)}"` };
    case 'type':
      return { path, message: explainType(schema, value, String(error.params.type), path) };
    case 'enum':
      return { path, message: explainChoice(schema.enum ?? [], value) };
    case 'const':
      return { path, message: `must be ${showValue(schema.const)}` };
    case 'minLength':
      if (value === '') return { path, message: 'must not be empty' };
      break;
  }
  if (schema.title !== undefined) return { path, message: notA(schema.title, value) };
  return { path, message: error.message ?? 'is not valid' };
}

function explainType(schema: SchemaNode, value: unknown, expected: string, path: PathSegment[]): string {
  if (path.length === 0) return 'a policy must be a mapping with any of the keys docker, chains, rules and severity';
  // YAML reads `era: 28` or `name: 1234` as numbers; say how to write the text that was meant.
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
    const text = String(value);
    const wouldFit = schema.enum !== undefined ? schema.enum.includes(text) : schema.pattern === undefined || new RegExp(schema.pattern, 'u').test(text);
    if (wouldFit) return `must be text: write "${text}" in quotes`;
    if (schema.enum !== undefined) return explainChoice(schema.enum, value);
  }
  if ((expected === 'integer' || expected === 'number') && typeof value === 'string' && /^\d+$/.test(value.trim())) {
    return `must be a number: write ${value.trim()} without quotes`;
  }
  if (schema.title !== undefined) return notA(schema.title, value);
  return `must be ${TYPE_NOUNS[expected] ?? expected}`;
}

function explainChoice(allowed: readonly unknown[], value: unknown): string {
  const words = allowed.map(String);
  const hint = typeof value === 'string' ? didYouMean(value, words) : '';
  return `must be one of ${words.join(', ')}${hint}`;
}

function notA(title: string, value: unknown): string {
  return isScalar(value) ? `${showValue(value)} is not ${withArticle(title)}` : `must be ${withArticle(title)}`;
}

function explainAlternatives({ error, path, value }: LocatedError, validateAt: SchemaPathValidator): PolicyProblem[] {
  const branches = ((error.parentSchema ?? {}) as SchemaNode).anyOf ?? [];
  const shape = jsonType(value);
  const index = branches.findIndex((branch) => branch.type !== undefined && (branch.type === shape || (branch.type === 'number' && shape === 'integer')));
  if (index >= 0) {
    const branchErrors = validateAt(`${error.schemaPath}/${index}`, value);
    if (branchErrors.length > 0) return explainSchemaErrors(branchErrors, value, validateAt, path);
  }
  return [{ path, message: `must be ${branches.map(describeBranch).join(' or ')}` }];
}

function describeBranch(branch: SchemaNode): string {
  if ('const' in branch) return showValue(branch.const);
  if (branch.enum !== undefined) return `one of ${branch.enum.map(String).join(', ')}`;
  if (branch.title !== undefined) return withArticle(branch.title);
  return TYPE_NOUNS[branch.type ?? ''] ?? 'something else';
}

function locate(error: ErrorObject, data: unknown, basePath: PathSegment[]): LocatedError {
  const path = [...basePath];
  let value = data;
  const steps = error.instancePath === '' ? [] : error.instancePath.slice(1).split('/');
  for (const step of steps) {
    const key = step.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value)) {
      path.push(Number(key));
      value = value[Number(key)];
    } else {
      path.push(key);
      value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    }
  }
  return { error, path, value: error.data !== undefined ? error.data : value };
}

function isWithin(path: readonly PathSegment[], ancestor: readonly PathSegment[]): boolean {
  return path.length >= ancestor.length && ancestor.every((segment, i) => path[i] === segment);
}

function pathKey(path: readonly PathSegment[]): string {
  return JSON.stringify(path);
}

function isScalar(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}
