import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readmeLibraryExample } from '../helpers/readme';
import { describeWithNpm, npmEnv, packAndInstall, REPO_ROOT, runProgram, type PackedInstall } from '../helpers/packed';

const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const SAMPLE = join(REPO_ROOT, 'samples', 'docker-20.10', 'default-usernet.v4');
const SAMPLE_POLICY = join(REPO_ROOT, 'samples', 'docker-20.10', 'default-usernet.policy.yaml');

describeWithNpm('what npm pack ships', () => {
  let files: string[];

  beforeAll(() => {
    const dryRun = runProgram('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: REPO_ROOT, env: npmEnv() });
    expect(dryRun.status).toBe(0);
    files = (JSON.parse(dryRun.stdout) as { files: { path: string }[] }[])[0].files.map((file) => file.path);
  });

  test('the compiled code, grammar, schema, rule pages and the top-level documents', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'CHANGELOG.md',
        'bin/ipt-lint',
        'dist/src/index.js',
        'dist/src/index.d.ts',
        'dist/src/cli/main.js',
        'dist/src/parser/grammar.generated.js',
        'dist/src/policy/schema.json',
        'dist/rules/index.js',
        'docs/rules/IPT2001.md',
        'docs/policy.md',
      ]),
    );
  });

  test('no tests, sources, source maps, samples or build configuration', () => {
    const unwanted = files.filter(
      (path) => /^(test|src|rules|grammar|scripts|samples|\.ci)\//.test(path) || path.endsWith('.map') || (path.endsWith('.ts') && !path.endsWith('.d.ts')) || /^(tsconfig|jest\.config)/.test(path),
    );
    expect(unwanted).toEqual([]);
  });
});

describeWithNpm('installed from the packed tarball', () => {
  let installed: PackedInstall;
  let work: string;

  beforeAll(() => {
    installed = packAndInstall();
    work = mkdtempSync(join(tmpdir(), 'ipt-lint-installed-'));
  }, 180_000);

  afterAll(() => {
    installed?.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('npm install -g puts ipt-lint on the PATH, and --version is the package version', () => {
    const result = runProgram('ipt-lint', ['--version'], { cwd: work, env: { ...process.env, PATH: `${join(installed.prefix, 'bin')}:${process.env.PATH}` } });
    expect(result).toMatchObject({ status: 0, stdout: `${VERSION}\n` });
  });

  test('the installed ipt-lint lints a sample against its policy, and reports damage', () => {
    expect(runProgram(installed.bin, ['lint', '--policy', SAMPLE_POLICY, SAMPLE], { cwd: work })).toMatchObject({ status: 0, stdout: '' });
    const damaged = join(work, 'damaged.v4');
    writeFileSync(damaged, readFileSync(SAMPLE, 'utf8').split('\n').filter((line) => !line.includes('MASQUERADE')).join('\n'));
    const result = runProgram(installed.bin, ['lint', '--policy', SAMPLE_POLICY, damaged], { cwd: work });
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('IPT3001 docker-masquerade');
  });

  test('the rule pages ship with it: explain works from the installed package', () => {
    const result = runProgram(installed.bin, ['explain', 'IPT2001'], { cwd: work });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^# IPT2001/);
  });

  test("the README's library example runs against the installed package", () => {
    writeFileSync(join(work, 'check-firewall.js'), readmeLibraryExample());
    const result = runProgram('node', ['check-firewall.js', SAMPLE, SAMPLE_POLICY], { cwd: work, env: { ...process.env, NODE_PATH: installed.nodeModules } });
    expect(result).toMatchObject({ status: 0, stderr: '' });
    expect(result.stdout).toContain('ipv4 nat POSTROUTING:');
  });

  test('npx runs the packed tarball', () => {
    const env = npmEnv();
    // An absolute path alone is taken for a program to run; `file:` makes it a package spec.
    const version = runProgram('npx', ['--yes', '--prefer-offline', `file:${installed.tarball}`, '--version'], { cwd: work, env });
    expect(version).toMatchObject({ status: 0, stdout: `${VERSION}\n` });
    const lint = runProgram('npm', ['exec', '--yes', '--prefer-offline', `--package=${installed.tarball}`, '--', 'ipt-lint', 'lint', '--format', 'json', SAMPLE], { cwd: work, env });
    expect(lint.status).toBe(0);
    expect(JSON.parse(lint.stdout).summary.files).toBe(1);
  });
});
