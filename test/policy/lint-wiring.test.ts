import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LintRule } from '../../src/lint/types';

// A rule that reports what policy it was given, added to the built-in ones, shows that
// `lint` hands the loaded policy to the rules.
jest.mock('../../rules', () => {
  const actual = jest.requireActual('../../rules');
  const probe: LintRule = {
    meta: { code: 'IPT3999', name: 'policy-probe', severity: 'info', description: 'Reports the policy it sees.', messages: { seen: 'networks: {names}' } },
    create(context) {
      return {
        ruleset(ruleset) {
          const names = context.policy?.docker?.networks.map((network) => network.name).join(',') ?? 'no policy';
          context.report({ at: { line: 1, column: 1 }, ruleset, messageId: 'seen', data: { names } });
        },
      };
    },
  };
  return { BUILTIN_RULES: [...actual.BUILTIN_RULES, probe] };
});

import { main } from '../../src/cli/main';

let dir: string;
const startedIn = process.cwd();
beforeAll(() => {
  // An empty working directory, so no policy file is discovered unless a test names one.
  dir = mkdtempSync(join(tmpdir(), 'ipt-lint-wiring-'));
  process.chdir(dir);
});
afterAll(() => {
  process.chdir(startedIn);
  rmSync(dir, { recursive: true, force: true });
});

async function lintJson(args: string[]): Promise<{ code: number; messages: string[] }> {
  let stdout = '';
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  try {
    const code = await main(['lint', '--format', 'json', ...args]);
    const report = JSON.parse(stdout) as { findings: { code: string; message: string }[] };
    return { code, messages: report.findings.filter((f) => f.code === 'IPT3999').map((f) => f.message) };
  } finally {
    write.mockRestore();
  }
}

test('the policy reaches the rules, and its severity can name a rule added later', async () => {
  const dump = join(dir, 'dump.rules');
  writeFileSync(dump, '*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n');
  const policy = join(dir, 'policy.yaml');
  writeFileSync(policy, 'docker:\n  networks:\n    - {name: web, bridge: br-web}\n    - {name: db, bridge: br-db}\nseverity:\n  policy-probe: error\n');

  expect(await lintJson([dump])).toEqual({ code: 0, messages: ['networks: no policy'] });
  expect(await lintJson(['--policy', policy, dump])).toEqual({ code: 1, messages: ['networks: web,db'] });
});
