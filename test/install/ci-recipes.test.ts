import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseXml, type XmlElement } from '../output/xml-check';
import { describeWithNpm, npmEnv, REPO_ROOT, runProgram, type Run } from '../helpers/packed';
import { findExecutable, realSystemRequired } from '../helpers/real-system';
import { compileSarifSchema, SARIF_SCHEMA_PATH } from '../helpers/sarif-schema';

/**
 * Each CI recipe's commands, as written in its file, run in a scratch
 * repository that keeps dumps in firewall/ and a policy in .ipt-lint.yaml.
 * Their install step installs the packed tarball (IPT_LINT_PACKAGE) under a
 * private npm prefix, so nothing here depends on a published release.
 */
const SAMPLES = join(REPO_ROOT, 'samples', 'docker-20.10');

interface Scratch {
  repo: string;
  env: NodeJS.ProcessEnv;
  /** Deletes the MASQUERADE rules from firewall/rules.v4: a finding of IPT3001 docker-masquerade, an error. */
  damage(): void;
  restore(): void;
}

let root: string;
let tarball: string;

function makeScratch(name: string): Scratch {
  const repo = join(root, name);
  mkdirSync(join(repo, 'firewall'), { recursive: true });
  copyFileSync(join(SAMPLES, 'default-usernet.policy.yaml'), join(repo, '.ipt-lint.yaml'));
  const restore = () => {
    copyFileSync(join(SAMPLES, 'default-usernet.v4'), join(repo, 'firewall', 'rules.v4'));
    copyFileSync(join(SAMPLES, 'default-usernet.v6'), join(repo, 'firewall', 'rules.v6'));
  };
  restore();
  const prefix = join(root, `${name}-prefix`);
  const env = npmEnv({ IPT_LINT_PACKAGE: tarball, npm_config_prefix: prefix, npm_config_prefer_offline: 'true', PATH: `${join(prefix, 'bin')}:${process.env.PATH}` });
  const damage = () => {
    const text = readFileSync(join(SAMPLES, 'default-usernet.v4'), 'utf8');
    writeFileSync(join(repo, 'firewall', 'rules.v4'), text.split('\n').filter((line) => !line.includes('MASQUERADE')).join('\n'));
  };
  return { repo, env, damage, restore };
}

/** As GitHub runs a `run:` step: bash without profiles, exiting on the first failure. */
function githubRun(script: string, scratch: Scratch): Run {
  return runProgram('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd: scratch.repo, env: scratch.env });
}

function readRecipe(path: string): unknown {
  return parseYaml(readFileSync(join(REPO_ROOT, path), 'utf8'));
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ipt-lint-ci-'));
  const pack = runProgram('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', root], { cwd: REPO_ROOT, env: npmEnv() });
  if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  tarball = join(root, (JSON.parse(pack.stdout) as { filename: string }[])[0].filename);
}, 60_000);
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describeWithNpm('docs/ci/github-actions.yml', () => {
  interface Step {
    name?: string;
    run?: string;
    uses?: string;
    if?: string;
    with?: Record<string, string>;
  }
  let steps: Step[];
  let scratch: Scratch;

  beforeAll(() => {
    const workflow = readRecipe('docs/ci/github-actions.yml') as { permissions: Record<string, string>; jobs: Record<string, { steps: Step[] }> };
    expect(workflow.permissions['security-events']).toBe('write');
    steps = Object.values(workflow.jobs)[0].steps;
    scratch = makeScratch('github');
  });

  function runSteps(): { runs: Run[]; failed: boolean; upload: Step } {
    const runs: Run[] = [];
    let failed = false;
    for (const step of steps) {
      if (step.run === undefined) continue;
      if (failed) break;
      const result = githubRun(step.run, scratch);
      runs.push(result);
      failed = result.status !== 0;
    }
    const upload = steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@'));
    if (upload === undefined) throw new Error('no upload-sarif step');
    return { runs, failed, upload };
  }

  function readSarif(upload: Step): { version: string; runs: { results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] } {
    const log = JSON.parse(readFileSync(join(scratch.repo, upload.with!.sarif_file), 'utf8'));
    if (existsSync(SARIF_SCHEMA_PATH)) {
      const validate = compileSarifSchema();
      expect(validate(log) ? [] : validate.errors).toEqual([]);
    }
    return log;
  }

  test('clean rules: every run step passes and the SARIF file to upload is valid and empty', () => {
    scratch.restore();
    const { runs, failed, upload } = runSteps();
    expect(runs.map((run) => [run.status, run.stderr])).toEqual(runs.map(() => [0, expect.any(String)]));
    expect(failed).toBe(false);
    const log = readSarif(upload);
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].results).toEqual([]);
  }, 120_000);

  test('damaged rules: the lint step fails, and the upload still runs with the finding in it', () => {
    scratch.damage();
    const { runs, failed, upload } = runSteps();
    expect(failed).toBe(true);
    expect(runs[runs.length - 1].status).toBe(1);
    expect(upload.if).toMatch(/failure\(\)|always\(\)/);
    const results = readSarif(upload).runs[0].results;
    expect(results.map((result) => [result.ruleId, result.level, result.locations[0].physicalLocation.artifactLocation.uri])).toContainEqual(['IPT3001', 'error', 'firewall/rules.v4']);
  }, 120_000);
});

describeWithNpm('docs/ci/gitlab-ci.yml', () => {
  let job: { script: string[]; artifacts: { when: string; reports: { junit: string } } };
  let scratch: Scratch;

  beforeAll(() => {
    job = Object.values(readRecipe('docs/ci/gitlab-ci.yml') as Record<string, typeof job>)[0];
    scratch = makeScratch('gitlab');
  });

  /** As the GitLab runner runs `script:`: the lines in one shell that stops at the first failure. */
  const runScript = () => runProgram('bash', ['-eo', 'pipefail', '-c', job.script.join('\n')], { cwd: scratch.repo, env: scratch.env });
  const cases = (report: XmlElement) => report.children.flatMap((suite) => suite.children.filter((child) => child.name === 'testcase'));

  test('clean rules: the job passes and the JUnit report has no failures', () => {
    scratch.restore();
    const result = runScript();
    expect(result.status).toBe(0);
    const report = parseXml(readFileSync(join(scratch.repo, job.artifacts.reports.junit), 'utf8'));
    expect(report.name).toBe('testsuites');
    expect(cases(report).length).toBeGreaterThan(0);
    expect(cases(report).flatMap((testcase) => testcase.children.filter((child) => child.name === 'failure'))).toEqual([]);
  }, 120_000);

  test('damaged rules: the job fails, and the report (kept: when always) names the finding', () => {
    scratch.damage();
    expect(job.artifacts.when).toBe('always');
    const result = runScript();
    expect(result.status).toBe(1);
    const xml = readFileSync(join(scratch.repo, job.artifacts.reports.junit), 'utf8');
    parseXml(xml);
    expect(xml).toContain('IPT3001');
    expect(xml).toContain('firewall/rules.v4');
  }, 120_000);
});

describeWithNpm('.pre-commit-hooks.yaml and docs/ci/pre-commit-config.yaml', () => {
  interface Hook {
    id: string;
    entry: string;
    language: string;
    files: string;
  }
  let hook: Hook;
  let args: string[];
  let scratch: Scratch;

  beforeAll(() => {
    hook = (readRecipe('.pre-commit-hooks.yaml') as Hook[])[0];
    const config = readRecipe('docs/ci/pre-commit-config.yaml') as { repos: { repo: string; rev: string; hooks: { id: string; args?: string[] }[] }[] };
    const packageJson = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { homepage: string; version: string };
    expect(config.repos[0].repo).toBe(packageJson.homepage);
    expect(config.repos[0].rev).toBe(`v${packageJson.version}`);
    expect(config.repos[0].hooks[0].id).toBe(hook.id);
    args = config.repos[0].hooks[0].args ?? [];
    scratch = makeScratch('pre-commit');
    // language: node installs the package the way npm does; the installed tarball stands in for it.
    const install = runProgram('npm', ['install', '-g', tarball], { env: scratch.env });
    if (install.status !== 0) throw new Error(install.stderr);
  }, 120_000);

  test('files: matches restore files and dumps, not other files', () => {
    const files = new RegExp(hook.files);
    const chosen = ['firewall/rules.v4', 'rules.v6', 'etc/iptables/home.rules', 'dumps/2024-01-01.save', 'README.md', '.ipt-lint.yaml', 'src/rules.ts', 'notes.v4.txt'].filter((path) => files.test(path));
    expect(chosen).toEqual(['firewall/rules.v4', 'rules.v6', 'etc/iptables/home.rules', 'dumps/2024-01-01.save']);
  });

  /** As pre-commit runs a hook: the entry, then the configured args, then the matching staged files. */
  const runHook = (files: string[]) => runProgram('bash', ['-c', `${hook.entry} "$@"`, 'hook', ...args, ...files], { cwd: scratch.repo, env: scratch.env });

  test('the hook passes clean files and fails damaged ones, naming file and line', () => {
    scratch.restore();
    expect(runHook(['firewall/rules.v4', 'firewall/rules.v6'])).toMatchObject({ status: 0, stdout: '' });
    scratch.damage();
    const result = runHook(['firewall/rules.v4']);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/^firewall\/rules\.v4\n +\d+:\d+ +error .*IPT3001 docker-masquerade/m);
  });

  const preCommit = findExecutable('pre-commit');
  const isGitCheckout = runProgram('git', ['-C', REPO_ROOT, 'rev-parse', '--git-dir']).status === 0;
  const withPreCommit = (preCommit !== null && isGitCheckout) || realSystemRequired() ? test : test.skip;
  if (preCommit === null || !isGitCheckout) console.warn(`skipped: running the hook with real pre-commit needs ${preCommit === null ? 'pre-commit (apt-get install pre-commit)' : 'a git checkout of ipt-lint'}`);

  // Slow (pre-commit installs the hook as npm would: npm install, npm pack, npm install -g), and the only check that npm pack's output suits pre-commit.
  withPreCommit('real pre-commit installs the hook from this repository and runs it on the staged files', () => {
    scratch.restore();
    scratch.damage();
    expect(runProgram('git', ['init', '-q'], { cwd: scratch.repo }).status).toBe(0);
    expect(runProgram('git', ['add', '-A'], { cwd: scratch.repo }).status).toBe(0);
    const env = { ...scratch.env, PRE_COMMIT_HOME: join(root, 'pre-commit-home') };
    const result = runProgram('pre-commit', ['try-repo', REPO_ROOT, hook.id, '--files', 'firewall/rules.v4', 'firewall/rules.v6'], { cwd: scratch.repo, env, timeout: 300_000 });
    expect(result.stdout).toMatch(/^ipt-lint\.+Failed$/m);
    expect(result.stdout).toContain('- exit code: 1');
    expect(result.stdout).toMatch(/^firewall\/rules\.v4\n +\d+:\d+ +error .*IPT3001 docker-masquerade/m);
    expect(result.status).toBe(1);
  }, 300_000);
});
