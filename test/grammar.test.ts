import fc from 'fast-check';
import { classifyLine } from '../src/parser/classify';
import { splitWords } from '../src/parser/lexer';
import { allParses, tokensOf } from '../src/parser/parse-line';
import type { GrammarToken, TokenType } from '../src/parser/token-stream';

function parsesOf(line: string) {
  const words = splitWords(line);
  const classified = classifyLine(words, 'ipv4');
  return { classified, parses: allParses(tokensOf(classified.types, words)) };
}

describe('line grammar', () => {
  test.each([
    ['*filter', 'table'],
    ['*nat', 'table'],
    [':INPUT ACCEPT [0:0]', 'chain'],
    [':DOCKER - [0:0]', 'chain'],
    [':FORWARD DROP', 'chain'],
    ['COMMIT', 'commit'],
    ['-A INPUT -j ACCEPT', 'command'],
    ['-A INPUT', 'command'],
    ['[12:3456] -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT', 'command'],
    ['-4 -A INPUT -s 10.0.0.0/8 -j DROP', 'command'],
    ['-6 -A INPUT -s ::1/128 -j DROP', 'command'],
    ['-I INPUT 3 -i lo -j ACCEPT', 'command'],
    ['-I INPUT -i lo -j ACCEPT', 'command'],
    ['--insert INPUT 1 --in-interface lo --jump ACCEPT', 'command'],
    ['-D INPUT 2', 'command'],
    ['-D INPUT -s 1.2.3.4/32 -j DROP', 'command'],
    ['-R INPUT 1 -j DROP', 'command'],
    ['-C INPUT -j DROP', 'command'],
    ['-N DOCKER-USER', 'command'],
    ['-X', 'command'],
    ['-X DOCKER-USER', 'command'],
    ['-F', 'command'],
    ['-F INPUT', 'command'],
    ['-Z', 'command'],
    ['-Z INPUT 3', 'command'],
    ['-P FORWARD DROP', 'command'],
    ['-E OLD NEW', 'command'],
    ['-A INPUT -s ! 10.0.0.1 -j DROP', 'command'],
    ['-A INPUT ! -s 10.0.0.1/32 ! -i eth0 -j DROP', 'command'],
    ['-A INPUT -p tcp -m tcp ! --dport 22 -j DROP', 'command'],
    ['-A INPUT -p tcp -m tcp --dport ! 22 -j DROP', 'command'],
    ['-A INPUT -p tcp -m tcp --tcp-flags SYN,RST,ACK SYN -j DROP', 'command'],
    ['-A INPUT -m comment --comment -A -j ACCEPT', 'command'],
    ['-A INPUT -m comment --comment "a \\"quoted\\" word" -j ACCEPT', 'command'],
    ['-A INPUT -f -j DROP', 'command'],
    ['-A INPUT ! -f -j DROP', 'command'],
    ['-A FORWARD -g DOCKER', 'command'],
    ['-A INPUT -c 10 20 -j ACCEPT', 'command'],
    ['-A INPUT -m recent --set --name SSH --rsource', 'command'],
    ['-A INPUT -m foo --bar baz --qux -j ACCEPT', 'command'],
  ])('%s → one %s parse', (line, kind) => {
    const { parses } = parsesOf(line);
    expect(parses).toHaveLength(1);
    expect(parses[0].kind).toBe(kind);
  });

  test.each([
    ['-A'],
    ['-A INPUT -m'],
    ['-A INPUT -j'],
    ['-A INPUT -s'],
    ['-A INPUT stray'],
    ['-A INPUT -j ACCEPT !'],
    [':INPUT'],
    ['-P INPUT'],
    ['-Q INPUT'],
    ['COMMIT now'],
    ['*filter extra'],
  ])('%s → no parse', (line) => {
    expect(parsesOf(line).parses).toHaveLength(0);
  });

  test('a comment that looks like an option is an argument', () => {
    const { classified } = parsesOf('-A INPUT -m comment --comment -A -j ACCEPT');
    expect(classified.types).toEqual(['append', 'value', 'match', 'value', 'option', 'value', 'jump', 'value']);
  });

  test('zero-argument options leave the next word alone', () => {
    const { classified } = parsesOf('-A INPUT -m recent --rcheck --seconds 60 -j DROP');
    expect(classified.types).toEqual(['append', 'value', 'match', 'value', 'option', 'option', 'value', 'jump', 'value']);
  });

  const TYPES: TokenType[] = [
    'tableHeader', 'chainHeader', 'commit', 'familyPrefix', 'counters', 'append', 'insert', 'deleteRule', 'replace',
    'check', 'newChain', 'deleteChain', 'flush', 'zero', 'policy', 'renameChain', 'ruleNumber', 'parameter', 'flag',
    'match', 'jump', 'gotoChain', 'setCounters', 'option', 'bang', 'oldBang', 'value', 'stray',
  ];

  test('no sequence of token types has two parses', () => {
    const command = fc.constantFrom<TokenType>('append', 'insert', 'deleteRule', 'replace', 'zero', 'flush');
    const body = fc.array(fc.constantFrom(...TYPES), { maxLength: 12 });
    fc.assert(
      fc.property(fc.option(fc.constantFrom<TokenType>('familyPrefix')), command, body, (prefix, head, rest) => {
        const types = [...(prefix === null ? [] : [prefix]), head, 'value' as TokenType, ...rest];
        const tokens: GrammarToken[] = types.map((type, index) => ({ type, index, value: type }));
        expect(allParses(tokens).length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 3000 },
    );
  });
});
