import { parseDump } from '../../src/parser/parse-dump';
import { coveredRules } from '../../src/trace/shadow';

/** The FORWARD chain of a Docker 20.10 host with `networks` bridges: rules told apart by interfaces alone. */
function dockerForward(networks: number, extra: { first: string[]; last: string[] }): string {
  const lines = ['*filter', ':FORWARD DROP [0:0]', ':DOCKER - [0:0]', ...extra.first.map((rule) => `-A FORWARD ${rule}`)];
  for (let k = 0; k < networks; k++) {
    const bridge = `br-${k.toString(16).padStart(12, '0')}`;
    lines.push(
      `-A FORWARD -o ${bridge} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
      `-A FORWARD -o ${bridge} -j DOCKER`,
      `-A FORWARD -i ${bridge} ! -o ${bridge} -j ACCEPT`,
      `-A FORWARD -i ${bridge} -o ${bridge} -j ACCEPT`,
    );
  }
  lines.push(...extra.last.map((rule) => `-A FORWARD ${rule}`), 'COMMIT', '');
  return lines.join('\n');
}

function coveredLines(text: string): number[] {
  const chain = parseDump(text).dump.rulesets[0].tables[0].chains.find((candidate) => candidate.name === 'FORWARD')!;
  return [...coveredRules(chain, ['ipv4']).keys()].map((rule) => rule.line);
}

test('a chain whose rules only interfaces tell apart is analysed while that stays cheap, then no further', () => {
  const covered = { first: ['-i eth9 -j DROP', '-i eth9 -p tcp -j ACCEPT'], last: ['-i br-000000000000 -o br-000000000000 -p tcp -j DROP'] };
  // Small: every earlier rule is weighed against each later one, and both covered rules are found.
  const small = dockerForward(20, covered);
  expect(coveredLines(small)).toEqual([5, small.split('\n').length - 2]);
  // Large (every rule weighed against every earlier one would be 2500² / 2 pairs): the rule near
  // the top is still found, the analysis stops before the one at the end.
  const large = dockerForward(2500, covered);
  expect(coveredLines(large)).toEqual([5]);
});
