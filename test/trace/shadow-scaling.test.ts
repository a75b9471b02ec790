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

function chainOf(rules: readonly string[]): string {
  return ['*filter', ':FORWARD DROP [0:0]', ...rules.map((rule) => `-A FORWARD ${rule}`), 'COMMIT', ''].join('\n');
}

function coveredLines(text: string): number[] {
  const chain = parseDump(text).dump.rulesets[0].tables[0].chains.find((candidate) => candidate.name === 'FORWARD')!;
  return [...coveredRules(chain, ['ipv4']).keys()].map((rule) => rule.line);
}

const lastRuleLine = (text: string): number => text.split('\n').length - 2;

test('a Docker FORWARD chain is analysed to its end however many bridges it has', () => {
  const covered = { first: ['-i eth9 -j DROP', '-i eth9 -p tcp -j ACCEPT'], last: ['-i br-000000000000 -o br-000000000000 -p tcp -j DROP'] };
  const small = dockerForward(20, covered);
  expect(coveredLines(small)).toEqual([5, lastRuleLine(small)]);
  // 2500 bridges: weighing every rule against every earlier one (2500² / 2 pairs) would exceed the
  // chain's budget and stop before the last rule; the rules about its bridges are found directly.
  const large = dockerForward(2500, covered);
  expect(coveredLines(large)).toEqual([5, lastRuleLine(large)]);
});

test('a chain whose rules no index tells apart is analysed while that stays cheap, then no further', () => {
  // Rules about source ports only: no address, interface or destination port sets them apart.
  const rules = (count: number): string[] => [
    '-p tcp -m tcp --sport 1000 -j ACCEPT',
    '-p tcp -m tcp --sport 1000 -j DROP',
    ...Array.from({ length: count }, (_, k) => `-p tcp -m tcp --sport ${1001 + k} -j ACCEPT`),
    '-p tcp -m tcp --sport 1000 -j DROP',
  ];
  const small = chainOf(rules(20));
  expect(coveredLines(small)).toEqual([4, lastRuleLine(small)]);
  // 2500 rules, each weighed against every earlier one: the rule near the top is still found, the
  // analysis stops before the one at the end.
  const large = chainOf(rules(2500));
  expect(coveredLines(large)).toEqual([4]);
});

describe('rules covered only by rules about other interfaces or ports together', () => {
  test.each([
    ['both sides of an interface', ['-i eth0 -j ACCEPT', '! -i eth0 -j ACCEPT'], '-p tcp -j DROP'],
    ['a wildcard and the names it leaves', ['-i br+ -j ACCEPT', '! -i br+ -j ACCEPT'], '-i br-1 -o eth0 -j DROP'],
    ['a port and every other port', ['-o br-a -p tcp -m tcp --dport 80 -j ACCEPT', '-o br-a -p tcp -m tcp ! --dport 80 -j ACCEPT'], '-o br-a -p tcp -m multiport --dports 80,8080 -j DROP'],
    ['a multiport list', ['-p tcp -m multiport --dports 80,443 -j ACCEPT'], '-p tcp -m tcp --dport 443 -j DROP'],
    ['each bridge in and out', ['-i br-a -o br-b -j ACCEPT', '-i br-a ! -o br-b -j ACCEPT'], '-i br-a -p udp -j DROP'],
  ])('%s', (_, earlier, later) => {
    const text = chainOf([...earlier, later]);
    expect(coveredLines(text)).toEqual([lastRuleLine(text)]);
  });

  test('and not when one interface is left out', () => {
    const text = chainOf(['-i br-a -o br-b -j ACCEPT', '-i br-a -o br-c -j ACCEPT', '-i br-a -p udp -j DROP']);
    expect(coveredLines(text)).toEqual([]);
  });
});
