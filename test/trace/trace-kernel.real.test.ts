import { spawn, type ChildProcess } from 'node:child_process';
import { parseDump } from '../../src/parser/parse-dump';
import { tracePacket } from '../../src/trace/evaluate';
import { hostModel, parsePacket, type PacketInput } from '../../src/trace/packet-input';
import { describeReal, NetNamespace } from '../helpers/real-system';

/**
 * Ground truth: a router namespace between a client and a server namespace, the ruleset below
 * loaded with iptables-restore, and real connections and pings between the three. For every case
 * the kernel's answer must be one the tracer gives; where the tracer is certain, it must be the
 * kernel's answer exactly.
 *
 *   client (10.91.1.2, eth0) ── ra 10.91.1.1 [router] 10.91.2.1 rb ── (eth0, 10.91.2.2) server
 */
const RULES = `*mangle
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -i ra -p tcp -m tcp --dport 7070 -j MARK --set-xmark 0x7/0xffffffff
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 10.91.1.1/32 -i ra -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.91.2.2:8080
-A PREROUTING -d 10.91.1.1/32 -i ra -p tcp -m tcp --dport 81 -j DNAT --to-destination 10.91.2.2:9090
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:CLIENTS - [0:0]
-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A INPUT -i ra -p icmp -m icmp --icmp-type 8 -j ACCEPT
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -i ra -o rb -p tcp -m tcp --dport 5050 -m recent --rcheck --seconds 60 --name friends -j ACCEPT
-A FORWARD -i ra -o rb -j CLIENTS
-A FORWARD -m mark --mark 0x7 -j ACCEPT
-A CLIENTS -p tcp -m tcp --dport 9090 -j DROP
-A CLIENTS -p tcp -m tcp --dport 8080 -j ACCEPT
-A CLIENTS -p icmp -j ACCEPT
-A CLIENTS -j RETURN
COMMIT
`;

const SERVER_PORTS = [8080, 9090, 7070, 6060, 5050];
const CLIENT_PORTS = [8080];

interface Case {
  name: string;
  from: 'client' | 'server';
  /** What the sender does: connect to a TCP port, or ping. */
  probe: { tcp: number } | 'ping';
  to: string;
  /** The packet as the router sees it, for the tracer. */
  packet: PacketInput;
}

const fromClient = { in: 'ra', source: '10.91.1.2' };
const fromServer = { in: 'rb', source: '10.91.2.2' };
const CASES: Case[] = [
  { name: 'client → server:8080 is accepted in CLIENTS', from: 'client', probe: { tcp: 8080 }, to: '10.91.2.2', packet: { ...fromClient, out: 'rb', destination: '10.91.2.2', protocol: 'tcp', destinationPort: 8080 } },
  { name: 'client → server:9090 is dropped in CLIENTS', from: 'client', probe: { tcp: 9090 }, to: '10.91.2.2', packet: { ...fromClient, out: 'rb', destination: '10.91.2.2', protocol: 'tcp', destinationPort: 9090 } },
  { name: 'client → router:80 is DNATed to server:8080 and forwarded', from: 'client', probe: { tcp: 80 }, to: '10.91.1.1', packet: { ...fromClient, out: 'rb', destination: '10.91.1.1', protocol: 'tcp', destinationPort: 80 } },
  { name: 'client → router:81 is DNATed to server:9090 and dropped', from: 'client', probe: { tcp: 81 }, to: '10.91.1.1', packet: { ...fromClient, out: 'rb', destination: '10.91.1.1', protocol: 'tcp', destinationPort: 81 } },
  { name: 'client → server:7070 is marked in mangle, RETURNs from CLIENTS, and the mark accepts it', from: 'client', probe: { tcp: 7070 }, to: '10.91.2.2', packet: { ...fromClient, out: 'rb', destination: '10.91.2.2', protocol: 'tcp', destinationPort: 7070 } },
  { name: 'client → server:6060 RETURNs from CLIENTS to the FORWARD policy DROP', from: 'client', probe: { tcp: 6060 }, to: '10.91.2.2', packet: { ...fromClient, out: 'rb', destination: '10.91.2.2', protocol: 'tcp', destinationPort: 6060 } },
  { name: 'client → server:5050 depends on -m recent (the kernel\'s list is empty)', from: 'client', probe: { tcp: 5050 }, to: '10.91.2.2', packet: { ...fromClient, out: 'rb', destination: '10.91.2.2', protocol: 'tcp', destinationPort: 5050 } },
  { name: 'client pings server: ICMP accepted in CLIENTS', from: 'client', probe: 'ping', to: '10.91.2.2', packet: { ...fromClient, out: 'rb', destination: '10.91.2.2', protocol: 'icmp', icmpType: 'echo-request' } },
  { name: 'client pings the router: INPUT accepts it', from: 'client', probe: 'ping', to: '10.91.1.1', packet: { ...fromClient, destination: '10.91.1.1', protocol: 'icmp', icmpType: 'echo-request' } },
  { name: 'server pings the router: the INPUT policy drops it', from: 'server', probe: 'ping', to: '10.91.2.1', packet: { ...fromServer, destination: '10.91.2.1', protocol: 'icmp', icmpType: 'echo-request' } },
  { name: 'server → client:8080 is dropped by the FORWARD policy', from: 'server', probe: { tcp: 8080 }, to: '10.91.1.2', packet: { ...fromServer, out: 'ra', destination: '10.91.1.2', protocol: 'tcp', destinationPort: 8080 } },
];

describeReal('the tracer agrees with the kernel on real packets', ['iptables'], () => {
  let router: NetNamespace | undefined;
  let client: NetNamespace | undefined;
  let server: NetNamespace | undefined;
  const listeners: ChildProcess[] = [];
  const kernel = new Map<string, 'ACCEPT' | 'DROP'>();

  beforeAll(async () => {
    router = NetNamespace.create('ipl-trace-r');
    client = NetNamespace.create('ipl-trace-c');
    server = NetNamespace.create('ipl-trace-s');
    router.execOk('ip', ['link', 'add', 'ra', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', client.name]);
    router.execOk('ip', ['link', 'add', 'rb', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', server.name]);
    router.execOk('ip', ['addr', 'add', '10.91.1.1/24', 'dev', 'ra']);
    router.execOk('ip', ['addr', 'add', '10.91.2.1/24', 'dev', 'rb']);
    for (const link of ['ra', 'rb']) router.execOk('ip', ['link', 'set', link, 'up']);
    router.execOk('sh', ['-c', 'echo 1 > /proc/sys/net/ipv4/ip_forward']);
    for (const [ns, address, gateway] of [[client, '10.91.1.2/24', '10.91.1.1'], [server, '10.91.2.2/24', '10.91.2.1']] as const) {
      ns.execOk('ip', ['addr', 'add', address, 'dev', 'eth0']);
      ns.execOk('ip', ['link', 'set', 'eth0', 'up']);
      ns.execOk('ip', ['route', 'add', 'default', 'via', gateway]);
    }
    const restored = router.exec('iptables-restore', [], RULES);
    if (restored.status !== 0) throw new Error(`iptables-restore refused the rules: ${restored.stderr}`);
    for (const [ns, ports] of [[server, SERVER_PORTS], [client, CLIENT_PORTS]] as const) {
      for (const port of ports) listeners.push(spawn('ip', ['netns', 'exec', ns.name, 'busybox', 'nc', '-ll', '-p', String(port), '-e', '/bin/true'], { stdio: 'ignore' }));
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    // The cases run one after the other; each answer is what the kernel did with a real packet.
    for (const c of CASES) {
      const sender = c.from === 'client' ? client : server;
      const args = c.probe === 'ping' ? ['busybox', 'ping', '-c', '1', '-W', '2', c.to] : ['busybox', 'nc', '-w', '2', c.to, String(c.probe.tcp)];
      const result = sender.exec(args[0], args.slice(1), '');
      kernel.set(c.name, result.status === 0 ? 'ACCEPT' : 'DROP');
    }
  }, 120_000);

  afterAll(() => {
    for (const listener of listeners) if (listener.pid !== undefined && listener.exitCode === null) listener.kill('SIGTERM');
    for (const ns of [router, client, server]) ns?.delete();
  });

  const ruleset = parseDump(RULES, { file: 'router.rules' }).dump.rulesets[0];

  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const packet = parsePacket(c.packet);
    if (!packet.ok) throw new Error(packet.problem);
    const host = hostModel('ipv4', ['10.91.1.1', '10.91.2.1'], undefined);
    if (typeof host === 'string') throw new Error(host);
    const verdicts = tracePacket(ruleset, packet.packet, host).outcomes.map((outcome) => outcome.verdict);
    const seen = kernel.get(c.name);
    expect(seen).toBeDefined();
    if (c.probe !== 'ping' && c.probe.tcp === 5050) {
      // The tracer cannot know the kernel's recent list: both answers, and the kernel took one of them.
      expect(verdicts).toEqual(['ACCEPT', 'DROP']);
      expect(seen).toBe('DROP');
      return;
    }
    expect(verdicts).toEqual([seen]);
  });

  test('the kernel answered both ways, so the comparison means something', () => {
    expect(new Set(kernel.values())).toEqual(new Set(['ACCEPT', 'DROP']));
  });
});
