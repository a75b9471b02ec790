import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lintDump } from '../../src/lint/engine';
import type { LintRule } from '../../src/lint/types';
import { parseDump } from '../../src/parser/parse-dump';

const SAMPLES = join(__dirname, '..', '..', 'samples', 'docker-20.10');

/** The iptables-save and ip6tables-save dumps that a real Docker 20.10 made. */
export const DOCKER_20_10_SAMPLES = readdirSync(SAMPLES)
  .filter((file) => file.endsWith('.v4') || file.endsWith('.v6'))
  .sort();

/** Docker's own rules are what the Docker checks measure against: a finding on them is a false alarm. */
export function expectSilentOnDockerSamples(rule: LintRule): void {
  describe(`${rule.meta.code} on real Docker 20.10 dumps`, () => {
    test('the samples are there', () => {
      expect(DOCKER_20_10_SAMPLES.length).toBeGreaterThanOrEqual(14);
    });
    test.each(DOCKER_20_10_SAMPLES)('%s', (file) => {
      const parsed = parseDump(readFileSync(join(SAMPLES, file), 'utf8'), { file });
      expect(parsed.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
      expect(lintDump(parsed.dump, { rules: [rule] })).toEqual([]);
    });
  });
}
