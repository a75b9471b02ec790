import { existsSync } from 'node:fs';
import packageJson from '../../package.json';
import { BUILTIN_RULES } from '../../rules';
import { ruleDescriptors } from '../../src/output/format-types';
import { formatSarif, INFORMATION_URI, toArtifactLocation } from '../../src/output/sarif';
import { compileSarifSchema, SARIF_SCHEMA_PATH } from '../helpers/sarif-schema';
import { CONTEXT, RESULTS, SPECIAL_MESSAGE, expectGolden, finding } from './sample-results';


interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; informationUri: string; rules: { id: string; name: string; helpUri: string; defaultConfiguration: { level: string } }[] } };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region?: { startLine: number; startColumn?: number; endColumn?: number } } }[];
      relatedLocations?: { id: number; physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } }; message: { text: string } }[];
      partialFingerprints: Record<string, string>;
    }[];
  }[];
}

function sarif(results = RESULTS, context = CONTEXT): SarifLog {
  return JSON.parse(formatSarif(results, context)) as SarifLog;
}

test('golden SARIF log', () => {
  expectGolden('sarif.json', formatSarif(RESULTS, CONTEXT));
});

const schemaPresent = existsSync(SARIF_SCHEMA_PATH);
if (!schemaPresent) console.warn(`SARIF schema validation skipped: ${SARIF_SCHEMA_PATH} is absent`);
(schemaPresent ? describe : describe.skip)('SARIF 2.1.0 schema', () => {
  const validate = schemaPresent ? compileSarifSchema() : (undefined as never);
  const cases: [string, string][] = [
    ['the sample results', formatSarif(RESULTS, CONTEXT)],
    ['every built-in rule and parse diagnostic', formatSarif(RESULTS, { toolVersion: packageJson.version, rules: ruleDescriptors(BUILTIN_RULES) })],
    ['an empty run', formatSarif([], CONTEXT)],
    ['a finding whose rule the context does not list', formatSarif([{ file: 'a.rules', findings: [finding({ code: 'IPT9999', name: 'from-a-plugin', severity: 'info', message: 'x', file: 'a.rules', line: 1, column: 1 })] }], CONTEXT)],
  ];
  test.each(cases)('%s', (_, text) => {
    const valid = validate(JSON.parse(text));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  test('the validator does reject a broken log', () => {
    const log = sarif();
    (log.runs[0]!.results[0]!.locations[0]!.physicalLocation as { region?: unknown }).region = { startLine: 0 };
    expect(validate(log)).toBe(false);
  });
});

describe('what GitHub code scanning requires', () => {
  const log = sarif();
  const run = log.runs[0]!;

  test('log and driver', () => {
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/^https:\/\/.*sarif-schema-2\.1\.0\.json$/);
    expect(log.runs).toHaveLength(1);
    expect(run.tool.driver).toMatchObject({ name: 'ipt-lint', version: '1.2.3-test', informationUri: packageJson.homepage });
    expect(INFORMATION_URI).toBe(packageJson.homepage);
  });

  test('every result has a rule id, a message and a location, and its ruleIndex points at its rule', () => {
    expect(run.results).toHaveLength(5);
    for (const result of run.results) {
      expect(result.ruleId).toMatch(/^IPT\d{4}$/);
      expect(result.message.text.length).toBeGreaterThan(0);
      expect(result.locations[0]!.physicalLocation.artifactLocation.uri.length).toBeGreaterThan(0);
      expect(run.tool.driver.rules[result.ruleIndex]!.id).toBe(result.ruleId);
      expect(result.partialFingerprints['iptLint/v1']).toMatch(/^IPT/);
    }
  });

  test('line-based results have a region from line 1; a whole-file finding has none', () => {
    const regions = run.results.map((result) => result.locations[0]!.physicalLocation.region);
    expect(regions).toEqual([
      { startLine: 6, startColumn: 19, endColumn: 30 },
      { startLine: 9, startColumn: 1 },
      { startLine: 12, startColumn: 3 },
      undefined,
      { startLine: 2, startColumn: 4 },
    ]);
    expect(run.results[3]!.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: 'docker/dual-stack.v6', uriBaseId: '%SRCROOT%' } });
  });

  test('levels: error, warning, note', () => {
    expect(run.results.map((result) => result.level)).toEqual(['error', 'warning', 'note', 'warning', 'error']);
    expect(run.tool.driver.rules.map((rule) => [rule.id, rule.defaultConfiguration.level])).toEqual([
      ['IPT1004', 'warning'],
      ['IPT2001', 'error'],
      ['IPT2002', 'warning'],
      ['IPT3001', 'note'],
    ]);
  });

  test('related lines become related locations in the same file', () => {
    expect(run.results[1]!.relatedLocations).toEqual([
      { id: 1, physicalLocation: { artifactLocation: { uri: 'samples/home%20server.rules', uriBaseId: '%SRCROOT%' }, region: { startLine: 4 } }, message: { text: 'the rule that matches first' } },
      { id: 2, physicalLocation: { artifactLocation: { uri: 'samples/home%20server.rules', uriBaseId: '%SRCROOT%' }, region: { startLine: 7 } }, message: { text: 'another "broader" rule <here> & there' } },
    ]);
    expect(run.results[0]!.relatedLocations).toBeUndefined();
  });

  test('messages keep their text exactly', () => {
    expect(run.results[2]!.message.text).toBe(SPECIAL_MESSAGE);
  });
});

test('artifact locations: relative paths against %SRCROOT% with forward slashes, absolute ones as file URIs', () => {
  expect(toArtifactLocation('samples/src/home-server.rules')).toEqual({ uri: 'samples/src/home-server.rules', uriBaseId: '%SRCROOT%' });
  expect(toArtifactLocation('./a\\b c\\d%e.rules')).toEqual({ uri: 'a/b%20c/d%25e.rules', uriBaseId: '%SRCROOT%' });
  expect(toArtifactLocation('c:d?x.rules')).toEqual({ uri: 'c%3Ad%3Fx.rules', uriBaseId: '%SRCROOT%' });
  expect(toArtifactLocation('/etc/iptables/rules#1.v4')).toEqual({ uri: 'file:///etc/iptables/rules%231.v4' });
  expect(toArtifactLocation('C:\\fw\\rules v4')).toEqual({ uri: 'file:///C:/fw/rules%20v4' });
  expect(toArtifactLocation('Zürich.rules').uri).toBe('Z%C3%BCrich.rules');
});

test('a finding whose rule the context does not list gets a rule entry of its own', () => {
  const extra = finding({ code: 'IPT9999', name: 'from-a-plugin', severity: 'info', message: 'x', file: 'a.rules', line: 1, column: 1 });
  const run = sarif([{ file: 'a.rules', findings: [extra, { ...extra, line: 2 }] }]).runs[0]!;
  expect(run.tool.driver.rules.map((rule) => rule.id)).toEqual(['IPT1004', 'IPT2001', 'IPT2002', 'IPT3001', 'IPT9999']);
  expect(run.results.map((result) => result.ruleIndex)).toEqual([4, 4]);
  expect(CONTEXT.rules).toHaveLength(4);
});

test('an empty run still lists the rules and has an empty results array', () => {
  const run = sarif([]).runs[0]!;
  expect(run.results).toEqual([]);
  expect(run.tool.driver.rules).toHaveLength(4);
});
