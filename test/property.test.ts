import fc from 'fast-check';
import { parseDump } from '../src/parser/parse-dump';
import { printDump } from '../src/printer';

const REAL_LINES = [
  '-A INPUT -i lo -j ACCEPT',
  '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  '-A INPUT -s 192.168.1.0/24 -p tcp -m tcp --dport 22 -m comment --comment "ssh from lan" -j ACCEPT',
  '-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  '-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2',
  '-A KUBE-SVC-X -m comment --comment "ns/svc:http" -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-Y',
  '-A KUBE-SEP-Y -p tcp -m comment --comment ns/svc:http -m tcp -j DNAT --to-destination 10.244.1.5:8080',
  '-A INPUT -p tcp -m multiport --dports 80,443 -m recent --set --name WEB --rsource',
  '-A INPUT -j LOG --log-prefix "IN DROP: " --log-level 4',
  '[5:300] -A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT',
];
const SPECIALS = ['!', '"', '\\', '-', '--', '-m', '-j', '-A', '*', ':', '[', ']', '\t', ' ', '\u0000', '\r', '#', "'", '/', ',', '\u00e9'];

function mutate(line: string, edits: { at: number; kind: number; text: string }[]): string {
  let out = line;
  for (const edit of edits) {
    const at = edit.at % (out.length + 1);
    if (edit.kind === 0) out = out.slice(0, at) + edit.text + out.slice(at);
    else if (edit.kind === 1) out = out.slice(0, at) + out.slice(at + 1 + (edit.text.length % 4));
    else out = out.slice(0, at) + edit.text + out.slice(at + edit.text.length);
  }
  return out;
}

describe('mutated real lines', () => {
  test('an `=` inside quotes is not getopt\'s separator, so the printed line reads back', () => {
    const text = '*filter\n-A INPUT -jOG --g-pref"IN ,R=" --,o=x6zvel 4\nCOMMIT\n';
    const { dump } = parseDump(text, { file: 'fuzz' });
    const again = parseDump(printDump(dump), { file: 'reprint' });
    expect(again.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(printDump(again.dump)).toBe(printDump(dump));
  });

  test('give a result or diagnostics, never a throw, in bounded time', () => {
    const edit = fc.record({
      at: fc.nat(200),
      kind: fc.integer({ min: 0, max: 2 }),
      text: fc.oneof(fc.constantFrom(...SPECIALS), fc.string({ maxLength: 6 })),
    });
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...REAL_LINES), { minLength: 1, maxLength: 6 }), fc.array(edit, { maxLength: 5 }), (lines, edits) => {
        const target = edits.length === 0 ? 0 : edits[0].at % lines.length;
        lines[target] = mutate(lines[target], edits);
        const text = `*filter\n${lines.join('\n')}\nCOMMIT\n`;
        const started = Date.now();
        const { dump, diagnostics } = parseDump(text, { file: 'fuzz' });
        // A guard against runaway backtracking, not a speed target: generous for a busy machine.
        expect(Date.now() - started).toBeLessThan(5000);
        for (const d of diagnostics) {
          expect(d.code).not.toBe('IPT1000');
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.message).not.toBe('');
        }
        if (!diagnostics.some((d) => d.severity === 'error')) {
          const again = parseDump(printDump(dump), { file: 'reprint' });
          expect(again.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        }
      }),
      { numRuns: 5000 },
    );
  });
});
