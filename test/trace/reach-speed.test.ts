import { parseDump } from '../../src/parser/parse-dump';
import { reachability } from '../../src/trace/reach';
import { generatedDocker } from './generated-docker';

test('reach over a 10k-rule Docker dump with 50 networks takes a few seconds at most', () => {
  const { text, policy, rules } = generatedDocker(50, 60);
  expect(rules).toBeGreaterThan(9000);
  const ruleset = parseDump(text).dump.rulesets[0];
  const started = Date.now();
  // Every published port keeps its host port out of the matrix; 20 of them get rows of their own.
  const matrix = reachability(ruleset, policy, { publishedRows: policy.published!.slice(0, 20) });
  const elapsed = Date.now() - started;
  console.log(`reach: ${rules} rules, ${matrix.cells.length} cells, ${matrix.published.length} published rows in ${elapsed} ms`);
  expect(matrix.cells.find((cell) => cell.from === 'net1' && cell.to === 'net2')?.protocols.tcp.result).toBe('denied');
  expect(matrix.cells.find((cell) => cell.from === 'net1' && cell.to === 'net1')?.protocols.tcp.result).toBe('allowed');
  // A few seconds here; the bound leaves room for a busy shared machine.
  expect(elapsed).toBeLessThan(10000);
});
