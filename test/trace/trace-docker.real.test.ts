import { parseDump } from '../../src/parser/parse-dump';
import { policyFromDocker } from '../../src/policy/from-docker';
import type { DockerPolicy } from '../../src/policy/types';
import { tracePacket, type TraceOutcome } from '../../src/trace/evaluate';
import type { Packet } from '../../src/trace/packet';
import { hostModel, parsePacket } from '../../src/trace/packet-input';
import { replyPacket } from '../../src/trace/reply';
import { spawn } from 'node:child_process';
import { DockerInNamespace, describeReal, startDockerOrSkip } from '../helpers/real-system';

/**
 * Ground truth from a real Docker 20.10 daemon in a private network namespace: containers on a
 * plain user network, an icc-off network, an internal network and the default bridge open real
 * TCP connections to each other, and for every pair the tracer's verdict on the rules Docker wrote
 * must be what the kernel did. Then the rules are changed with real iptables and compared again.
 *
 * A connection opens only when its first packet gets through and so does the answer, so the
 * tracer is asked about both: the NEW packet there and the ESTABLISHED one back. An ACCEPT in
 * DOCKER-USER for one direction alone lets the first through, but Docker 20.10's isolation chains
 * run before its conntrack ACCEPT and drop the answer.
 */
jest.setTimeout(300_000);

interface Container {
  name: string;
  network: string;
  address: string;
  bridge: string;
}

const NETWORKS: [string, string[]][] = [
  ['tr-web', ['--subnet', '10.93.1.0/24']],
  ['tr-noicc', ['--subnet', '10.93.2.0/24', '-o', 'com.docker.network.bridge.enable_icc=false']],
  ['tr-int', ['--subnet', '10.93.3.0/24', '--internal']],
];
const CONTAINERS: [string, string, string[]][] = [
  ['web1', 'tr-web', ['-p', '8080:80']],
  ['web2', 'tr-web', []],
  ['noicc1', 'tr-noicc', []],
  ['noicc2', 'tr-noicc', []],
  ['int1', 'tr-int', []],
  ['int2', 'tr-int', []],
  ['def1', 'bridge', []],
];

describeReal('the tracer agrees with the kernel on a real Docker host', ['docker', 'iptables'], () => {
  let docker: DockerInNamespace | undefined;
  let unavailable: string | undefined;
  let policy: DockerPolicy;
  const containers: Container[] = [];

  beforeAll(async () => {
    const started = await startDockerOrSkip();
    if (typeof started === 'string') {
      unavailable = started;
      return;
    }
    docker = started;
    docker.buildMiniImage();
    for (const [name, options] of NETWORKS) docker.dockerOk(['network', 'create', ...options, name]);
    for (const [name, network, options] of CONTAINERS) {
      // Each container listens on port 80 and accepts every connection.
      docker.dockerOk(['run', '-d', '--name', name, '--network', network, ...options, 'mini:1', '/bin/busybox', 'nc', '-ll', '-p', '80', '-e', '/bin/sleep', '0']);
    }
    policy = policyFromDocker(JSON.parse(docker.inspectNetworks()), JSON.parse(docker.inspectContainers())).policy.docker!;
    for (const [name, network] of CONTAINERS) {
      const address = docker.dockerOk(['inspect', '-f', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, name]).trim();
      const bridge = policy.networks.find((candidate) => candidate.name === network)!.bridge;
      containers.push({ name, network, address, bridge });
    }
  }, 300_000);

  afterAll(async () => {
    await docker?.stop();
  }, 120_000);

  /** What the kernel does: whether a TCP connection from one container to another's port 80 opens. */
  const connects = (from: Container, to: Container): Promise<'ACCEPT' | 'DROP'> =>
    new Promise((resolve) => {
      const child = spawn('docker', ['-H', docker!.host, 'exec', from.name, '/bin/busybox', 'nc', '-w', '1', to.address, '80'], { stdio: ['ignore', 'ignore', 'ignore'] });
      child.on('exit', (code) => resolve(code === 0 ? 'ACCEPT' : 'DROP'));
      child.on('error', () => resolve('DROP'));
    });

  const traceOn = (rules: string, packet: Packet): TraceOutcome[] => {
    const host = hostModel('ipv4', [], policy);
    if (typeof host === 'string') throw new Error(host);
    return tracePacket(parseDump(rules).dump.rulesets[0], packet, host).outcomes;
  };

  const firstPacket = (from: Container, to: Container): Packet => {
    const packet = parsePacket({ in: from.bridge, source: from.address, destination: to.address, protocol: 'tcp', sourcePort: 40000, destinationPort: 80 });
    if (!packet.ok) throw new Error(packet.problem);
    return packet.packet;
  };

  /** Whether the connection opens, by the tracer: its first packet there, and the answer back (replyPacket). */
  const traced = (rules: string, from: Container, to: Container): string => {
    const there = traceOn(rules, firstPacket(from, to));
    const back = there.flatMap((outcome) => {
      const answer = replyPacket(outcome);
      return answer === null ? [] : traceOn(rules, answer);
    });
    const verdicts = [...there, ...back].map((outcome) => outcome.verdict);
    if (verdicts.every((verdict) => verdict === 'ACCEPT')) return 'ACCEPT';
    if (there.every((outcome) => outcome.verdict === 'DROP') || (back.length > 0 && back.every((outcome) => outcome.verdict === 'DROP'))) return 'DROP';
    return `depends (${verdicts.join('|')})`;
  };

  /** Every ordered pair: the kernel's verdict and the tracer's, side by side. Connections run a few at a time. */
  const compareAll = async (): Promise<{ pair: string; kernel: string; tracer: string }[]> => {
    const rules = docker!.save('ipv4');
    const pairs = containers.flatMap((from) => containers.filter((to) => to !== from).map((to) => [from, to] as const));
    const rows: { pair: string; kernel: string; tracer: string }[] = [];
    for (let start = 0; start < pairs.length; start += 8) {
      const batch = pairs.slice(start, start + 8);
      const kernel = await Promise.all(batch.map(([from, to]) => connects(from, to)));
      batch.forEach(([from, to], index) => rows.push({ pair: `${from.name} → ${to.name}`, kernel: kernel[index], tracer: traced(rules, from, to) }));
    }
    return rows;
  };

  const byName = (name: string): Container => containers.find((container) => container.name === name)!;

  test('Docker\'s own rules: every pair of containers', async () => {
    if (unavailable !== undefined) return;
    const rows = await compareAll();
    expect(rows.filter((row) => row.kernel !== row.tracer)).toEqual([]);
    const verdict = (pair: string): string => rows.find((row) => row.pair === pair)!.kernel;
    // What Docker 20.10 is known to do: its own network yes, another network no, icc off no, internal only itself.
    expect(verdict('web1 → web2')).toBe('ACCEPT');
    expect(verdict('web1 → noicc1')).toBe('DROP');
    expect(verdict('noicc1 → noicc2')).toBe('DROP');
    expect(verdict('int1 → int2')).toBe('ACCEPT');
    expect(verdict('int1 → web1')).toBe('DROP');
    expect(verdict('def1 → web1')).toBe('DROP');
  });

  test('after an ACCEPT between two networks is inserted into DOCKER-USER', async () => {
    if (unavailable !== undefined) return;
    const def = byName('def1');
    const web = byName('web1');
    docker!.ns.execOk('iptables', ['-I', 'DOCKER-USER', '-i', def.bridge, '-o', web.bridge, '-j', 'ACCEPT']);
    try {
      const rows = await compareAll();
      expect(rows.filter((row) => row.kernel !== row.tracer)).toEqual([]);
      // The first packet gets through now, but the isolation chains still drop the answer.
      expect(traceOn(docker!.save('ipv4'), firstPacket(def, web)).map((outcome) => outcome.verdict)).toEqual(['ACCEPT']);
      expect(rows.find((row) => row.pair === 'def1 → web1')!.kernel).toBe('DROP');
    } finally {
      docker!.ns.execOk('iptables', ['-D', 'DOCKER-USER', '-i', def.bridge, '-o', web.bridge, '-j', 'ACCEPT']);
    }
  });

  test('after DOCKER-USER accepts docker0 to web, and the answers back', async () => {
    if (unavailable !== undefined) return;
    const def = byName('def1');
    const web = byName('web1');
    const added = [
      ['-i', def.bridge, '-o', web.bridge, '-j', 'ACCEPT'],
      ['-i', web.bridge, '-o', def.bridge, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'],
    ];
    for (const rule of added) docker!.ns.execOk('iptables', ['-I', 'DOCKER-USER', ...rule]);
    try {
      const rows = await compareAll();
      expect(rows.filter((row) => row.kernel !== row.tracer)).toEqual([]);
      expect(rows.find((row) => row.pair === 'def1 → web1')!.kernel).toBe('ACCEPT');
      expect(rows.find((row) => row.pair === 'web1 → def1')!.kernel).toBe('DROP');
    } finally {
      for (const rule of added) docker!.ns.execOk('iptables', ['-D', 'DOCKER-USER', ...rule]);
    }
  });

  test('after the isolation DROPs of web and the icc-off network are deleted', async () => {
    if (unavailable !== undefined) return;
    const deleted = [byName('noicc1').bridge, byName('web1').bridge];
    for (const bridge of deleted) docker!.ns.execOk('iptables', ['-D', 'DOCKER-ISOLATION-STAGE-2', '-o', bridge, '-j', 'DROP']);
    try {
      const rows = await compareAll();
      expect(rows.filter((row) => row.kernel !== row.tracer)).toEqual([]);
      expect(rows.find((row) => row.pair === 'web1 → noicc1')!.kernel).toBe('ACCEPT');
      expect(rows.find((row) => row.pair === 'noicc1 → noicc2')!.kernel).toBe('DROP');
    } finally {
      for (const bridge of deleted) docker!.ns.execOk('iptables', ['-I', 'DOCKER-ISOLATION-STAGE-2', '-o', bridge, '-j', 'DROP']);
    }
  });
});
