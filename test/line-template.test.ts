import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setLineTemplates } from '../src/parser/analyze-line';
import { splitWords, UnbalancedQuoteError } from '../src/parser/lexer';
import { scanLineWords } from '../src/parser/line-template';
import { parseDump } from '../src/parser/parse-dump';

const ROOT = join(__dirname, '..');
const CORPUS = join(ROOT, '..', 'shared', 'corpus');

function files(dir: string, pattern: RegExp): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, pattern) : pattern.test(name) ? [path] : [];
  });
}

function parsed(text: string, enabled: boolean): string {
  setLineTemplates(enabled);
  try {
    return JSON.stringify(parseDump(text, { file: 'x' }));
  } finally {
    setLineTemplates(true);
  }
}

/** Lines that repeat with different arguments, some of them bad, as a template sees them. */
function repetitive(): string {
  const lines = ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':WEB - [0:0]'];
  const addresses = ['10.0.0.1', '10.0.0.300', '192.168.0.0/16', 'fe80::1', '10.1.2.3/8', 'host.example', '1.2.3.4/255.0.255.0'];
  const ports = ['22', '65536', '1:1023', '4:3', 'ssh', '"80"'];
  for (let i = 0; i < 200; i++) {
    const address = addresses[i % addresses.length];
    const port = ports[i % ports.length];
    lines.push(`-A INPUT -s ${address} -p tcp -m tcp --dport ${port} -m comment --comment "rule ${i}" -j ${i % 3 === 0 ? 'WEB' : i % 3 === 1 ? 'ACCEPT' : 'BAD-"'}`);
    lines.push(`-A WEB -d ${address} -i eth${i % 4} -m conntrack --ctstate ${i % 5 === 0 ? 'NEW,BOGUS' : 'NEW,ESTABLISHED'} -j REJECT --reject-with ${i % 7 === 0 ? 'icmp-nope' : 'tcp-reset'}`);
    lines.push(`[${i}:${i * 60}] -A FORWARD -o br-${i} ${i % 2 === 0 ? '!' : ''} -d 172.17.0.${i % 256}/32 -j DOCKER${i % 11 === 0 ? '-' + 'X'.repeat(40) : ''}`);
  }
  lines.push('COMMIT');
  return lines.join('\n') + '\n';
}

describe('line templates change nothing but speed', () => {
  test('a repetitive dump with good and bad arguments', () => {
    const text = repetitive();
    expect(parsed(text, true)).toBe(parsed(text, false));
  });

  const inputs = [...files(join(ROOT, 'samples'), /\.(save|rules|v4|v6)$/), ...files(CORPUS, /\.(txt|v4|v6)$/)];
  test.each(inputs.map((file) => [file.slice(ROOT.length - 4), file]))('%s', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    expect(parsed(text, true)).toBe(parsed(text, false));
  });
});

describe('the template scan', () => {
  test('finds the same words as the lexer, or fails where it fails', () => {
    const piece = fc.constantFrom('"', '\\', ' ', '\t', '  ', 'a', '-A', '--comment', 'x y', '=', '!', '[1:2]', '12', 'é');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (pieces) => {
        const line = pieces.join('');
        let expected: ReturnType<typeof splitWords> | null;
        try {
          expected = splitWords(line);
        } catch (error) {
          if (!(error instanceof UnbalancedQuoteError)) throw error;
          expected = null;
        }
        expect(scanLineWords(line)).toEqual(expected);
      }),
      { numRuns: 5000 },
    );
  });
});
