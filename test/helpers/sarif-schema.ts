import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';

export const SARIF_SCHEMA_PATH = join(__dirname, '..', '..', '..', 'shared', 'schemas', 'sarif-schema-2.1.0.json');

/** The schema is draft-04, which Ajv 8 does not load; draft-07 reads it the same once `id` is spelled `$id`. */
export function compileSarifSchema(): ValidateFunction {
  const { $schema: _draft04, id, ...schema } = JSON.parse(readFileSync(SARIF_SCHEMA_PATH, 'utf8')) as { $schema: string; id: string };
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  ajv.addFormat('uri', (value) => /^[A-Za-z][A-Za-z0-9+.-]*:/.test(value) && URL.canParse(value));
  ajv.addFormat('uri-reference', (value) => !/[\s\\]|%(?![0-9A-Fa-f]{2})/.test(value) && URL.canParse(value, 'http://base.invalid/'));
  ajv.addFormat('date-time', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/i);
  return ajv.compile({ ...schema, $id: id });
}
