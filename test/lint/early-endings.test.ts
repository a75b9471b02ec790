import { chainsWithEarlyEnd } from '../../src/lint/early-endings';
import { parseDump } from '../../src/parser/parse-dump';

test('chainsWithEarlyEnd: chains where a rule before the last is a goto or a standard or extension target', () => {
  const text = [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':EMPTY - [0:0]',
    ':ONLY_LAST - [0:0]',
    ':JUMPS - [0:0]',
    ':GOTO - [0:0]',
    ':VERDICT - [0:0]',
    ':LOGS - [0:0]',
    '-A INPUT -j JUMPS',
    '-A ONLY_LAST -p tcp -j JUMPS',
    '-A ONLY_LAST -j DROP',
    '-A JUMPS -p tcp -j ONLY_LAST',
    '-A JUMPS -p udp -j ONLY_LAST',
    '-A GOTO -p tcp -g JUMPS',
    '-A GOTO -j ACCEPT',
    '-A VERDICT -p tcp -j ACCEPT',
    '-A VERDICT -p udp -j JUMPS',
    '-A LOGS -j LOG --log-prefix "in: "',
    '-A LOGS -j JUMPS',
    'COMMIT',
    '',
  ].join('\n');
  const table = parseDump(text).dump.rulesets[0].tables[0];
  expect(chainsWithEarlyEnd(table).map((chain) => chain.name)).toEqual(['GOTO', 'VERDICT', 'LOGS']);
});
