import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerInspectError, policyFromDocker } from '../../src/policy/from-docker';
import type { DockerPolicy, PublishedPort } from '../../src/policy/types';

const SAMPLES = join(__dirname, '..', '..', 'samples', 'docker-20.10');
const SCENARIOS = ['default-usernet', 'no-icc', 'internal', 'no-masquerade', 'bridge-name', 'localhost-publish', 'dual-stack'] as const;
type Scenario = (typeof SCENARIOS)[number];

function sample(scenario: Scenario, kind: 'networks.json' | 'containers.json'): unknown {
  return JSON.parse(readFileSync(join(SAMPLES, `${scenario}.${kind}`), 'utf8'));
}

function dump(scenario: Scenario, family: 'v4' | 'v6'): string {
  return readFileSync(join(SAMPLES, `${scenario}.${family}`), 'utf8');
}

function dockerPolicyOf(scenario: Scenario): DockerPolicy {
  const { policy } = policyFromDocker(sample(scenario, 'networks.json'), sample(scenario, 'containers.json'));
  return policy.docker!;
}

const DOCKER0 = { name: 'bridge', bridge: 'docker0', ipv4: ['172.17.0.0/16'], icc: true, masquerade: true, internal: false };
const HOST_AND_NONE_SKIPPED = "skipped 2 networks not using the bridge driver, which Docker's bridge rules do not cover: host (host), none (null)";

/** What each sample's JSON says (read from the files by hand), in the order the policy lists it. */
const EXPECTED: Record<Scenario, DockerPolicy> = {
  'default-usernet': {
    networks: [DOCKER0, { name: 'web', bridge: 'br-53dbd5c4b691', ipv4: ['172.30.0.0/24'], icc: true, masquerade: true, internal: false }],
    published: [
      { network: 'bridge', container: '172.17.0.2', protocol: 'udp', hostAddress: '0.0.0.0', hostPort: 5353, containerPort: 53 },
      { network: 'web', container: '172.30.0.2', protocol: 'tcp', hostAddress: '0.0.0.0', hostPort: 8080, containerPort: 80 },
    ],
    isolate: 'all',
    dockerUser: true,
  },
  'no-icc': {
    networks: [DOCKER0, { name: 'no-icc', bridge: 'br-7f9a8d76c1d3', ipv4: ['192.168.200.0/24'], icc: false, masquerade: true, internal: false }],
    // noicc2 (192.168.200.3) publishes nothing.
    published: [{ network: 'no-icc', container: '192.168.200.2', protocol: 'tcp', hostAddress: '0.0.0.0', hostPort: 8081, containerPort: 80 }],
    isolate: 'all',
    dockerUser: true,
  },
  internal: {
    networks: [
      { name: 'backend', bridge: 'br-ca8a455a9c5d', ipv4: ['10.50.0.0/24'], icc: true, masquerade: true, internal: true },
      { name: 'backend-noicc', bridge: 'br-2c77da9ac033', ipv4: ['10.51.0.0/24'], icc: false, masquerade: true, internal: true },
      DOCKER0,
    ],
    published: [],
    isolate: 'all',
    dockerUser: true,
  },
  'no-masquerade': {
    networks: [DOCKER0, { name: 'nomasq', bridge: 'br-4e0719c468d2', ipv4: ['10.60.0.0/24'], icc: true, masquerade: false, internal: false }],
    published: [{ network: 'nomasq', container: '10.60.0.2', protocol: 'tcp', hostAddress: '0.0.0.0', hostPort: 8082, containerPort: 80 }],
    isolate: 'all',
    dockerUser: true,
  },
  'bridge-name': {
    networks: [DOCKER0, { name: 'named', bridge: 'mybr0', ipv4: ['10.61.0.0/24'], icc: true, masquerade: true, internal: false }],
    published: [
      { network: 'named', container: '10.61.0.2', protocol: 'tcp', hostAddress: '0.0.0.0', hostPort: 7000, containerPort: 7000 },
      { network: 'named', container: '10.61.0.2', protocol: 'udp', hostAddress: '0.0.0.0', hostPort: 7001, containerPort: 7001 },
    ],
    isolate: 'all',
    dockerUser: true,
  },
  'localhost-publish': {
    networks: [DOCKER0, { name: 'local-only', bridge: 'br-42e256cad422', ipv4: ['10.62.0.0/24'], icc: true, masquerade: true, internal: false, hostBinding: '127.0.0.1' }],
    published: [
      // pg1: -p 127.0.0.1:5432:5432 on the default bridge.
      { network: 'bridge', container: '172.17.0.2', protocol: 'tcp', hostAddress: '127.0.0.1', hostPort: 5432, containerPort: 5432 },
      // api1: -p 9000:9000, bound to 127.0.0.1 by the network's host_binding_ipv4.
      { network: 'local-only', container: '10.62.0.2', protocol: 'tcp', hostAddress: '127.0.0.1', hostPort: 9000, containerPort: 9000 },
    ],
    isolate: 'all',
    dockerUser: true,
  },
  'dual-stack': {
    networks: [DOCKER0, { name: 'dual', bridge: 'br-10dcb8f6df77', ipv4: ['192.168.210.0/24'], ipv6: ['fd00:dead:beef::/64'], icc: true, masquerade: true, internal: false }],
    published: [
      // v4only1 is listed on :: as well, but it has no IPv6 address: docker-proxy alone serves that.
      { network: 'bridge', container: '172.17.0.2', protocol: 'tcp', hostAddress: '0.0.0.0', hostPort: 8090, containerPort: 80 },
      { network: 'dual', container: '192.168.210.2', protocol: 'udp', hostAddress: '0.0.0.0', hostPort: 8053, containerPort: 53 },
      { network: 'dual', container: '192.168.210.2', protocol: 'tcp', hostAddress: '0.0.0.0', hostPort: 8080, containerPort: 80 },
      { network: 'dual', container: 'fd00:dead:beef::2', protocol: 'udp', hostAddress: '::', hostPort: 8053, containerPort: 53 },
      { network: 'dual', container: 'fd00:dead:beef::2', protocol: 'tcp', hostAddress: '::', hostPort: 8080, containerPort: 80 },
    ],
    isolate: 'all',
    dockerUser: true,
  },
};

describe('policyFromDocker on real Docker 20.10 output', () => {
  test.each(SCENARIOS)('%s: networks, flags and published ports', (scenario) => {
    const result = policyFromDocker(sample(scenario, 'networks.json'), sample(scenario, 'containers.json'));
    expect(result.policy).toEqual({ docker: EXPECTED[scenario] });
    expect(result.warnings).toEqual([HOST_AND_NONE_SKIPPED]);
  });

  test('the era is left for the dump to tell: docker inspect does not report the daemon version', () => {
    for (const scenario of SCENARIOS) expect(dockerPolicyOf(scenario)).not.toHaveProperty('era');
  });

  test('without container output there is no published list (unknown), not an empty one', () => {
    const { policy } = policyFromDocker(sample('default-usernet', 'networks.json'));
    expect(policy.docker).not.toHaveProperty('published');
    expect(policy.docker!.networks.map((network) => network.name)).toEqual(['bridge', 'web']);
  });

  test('the same output whatever order Docker listed things in', () => {
    const networks = sample('dual-stack', 'networks.json') as unknown[];
    const containers = sample('dual-stack', 'containers.json') as unknown[];
    const forward = policyFromDocker(networks, containers);
    const backward = policyFromDocker([...networks].reverse(), [...containers].reverse());
    expect(JSON.stringify(backward)).toBe(JSON.stringify(forward));
  });
});

describe('the policy matches the rules Docker installed for the same state', () => {
  const all = (text: string, pattern: RegExp): string[] => text.split('\n').filter((line) => pattern.test(line)).sort();
  const isV6 = (address: string): boolean => address.includes(':');

  function dnatLine(port: PublishedPort, bridge: string): string {
    const v6 = isV6(port.container);
    const everywhere = port.hostAddress === undefined || port.hostAddress === '0.0.0.0' || port.hostAddress === '::';
    const destination = everywhere ? '' : `-d ${port.hostAddress}/${v6 ? 128 : 32} `;
    const target = v6 ? `[${port.container}]:${port.containerPort}` : `${port.container}:${port.containerPort}`;
    return `-A DOCKER ${destination}! -i ${bridge} -p ${port.protocol} -m ${port.protocol} --dport ${port.hostPort} -j DNAT --to-destination ${target}`;
  }

  function acceptLine(port: PublishedPort, bridge: string): string {
    const prefix = isV6(port.container) ? 128 : 32;
    return `-A DOCKER -d ${port.container}/${prefix} ! -i ${bridge} -o ${bridge} -p ${port.protocol} -m ${port.protocol} --dport ${port.containerPort} -j ACCEPT`;
  }

  describe.each(SCENARIOS)('%s', (scenario) => {
    const docker = dockerPolicyOf(scenario);
    const bridgeOf = new Map(docker.networks.map((network) => [network.name, network.bridge]));

    test.each(['v4', 'v6'] as const)('%s: one DNAT and one filter ACCEPT per published port, no more', (family) => {
      const text = dump(scenario, family);
      const ports = docker.published!.filter((port) => isV6(port.container) === (family === 'v6'));
      expect(all(text, / -j DNAT /)).toEqual(ports.map((port) => dnatLine(port, bridgeOf.get(port.network)!)).sort());
      expect(all(text, /^-A DOCKER -d .* -j ACCEPT$/)).toEqual(ports.map((port) => acceptLine(port, bridgeOf.get(port.network)!)).sort());
    });

    test('v4: the bridges are exactly the interfaces Docker wrote rules for', () => {
      const interfaces = new Set([...dump(scenario, 'v4').matchAll(/ -[io] (\S+)/g)].map((match) => match[1]));
      expect([...interfaces].sort()).toEqual(docker.networks.map((network) => network.bridge).sort());
    });

    test.each(['v4', 'v6'] as const)('%s: MASQUERADE, ICC and internal-network rules follow the flags', (family) => {
      const text = dump(scenario, family);
      if (text === '') return; // ip6tables was off: Docker wrote no IPv6 rules at all
      const lines = new Set(text.split('\n'));
      for (const network of docker.networks) {
        const subnets = (family === 'v4' ? network.ipv4 : network.ipv6) ?? [];
        for (const subnet of subnets) {
          expect(lines.has(`-A POSTROUTING -s ${subnet} ! -o ${network.bridge} -j MASQUERADE`)).toBe(network.masquerade === true && network.internal !== true);
          expect(lines.has(`-A DOCKER-ISOLATION-STAGE-1 ! -s ${subnet} -o ${network.bridge} -j DROP`)).toBe(network.internal === true);
        }
        if (subnets.length === 0) continue;
        const iccRule = `-A FORWARD -i ${network.bridge} -o ${network.bridge} -j`;
        expect(lines.has(`${iccRule} ${network.icc === false ? 'DROP' : 'ACCEPT'}`)).toBe(true);
        expect(lines.has(`${iccRule} ${network.icc === false ? 'ACCEPT' : 'DROP'}`)).toBe(false);
      }
    });
  });
});

// Small inputs in the shape Docker prints, for what the samples do not show.

interface NetworkShape {
  name: string;
  id?: string;
  driver?: string;
  subnets?: string[];
  internal?: boolean;
  enableIPv6?: boolean;
  options?: Record<string, string>;
}

function network(shape: NetworkShape): Record<string, unknown> {
  return {
    Name: shape.name,
    Id: shape.id ?? (shape.name.replace(/[^a-f0-9]/g, '') + '0123456789abcdef0123456789abcdef').slice(0, 64),
    Scope: 'local',
    Driver: shape.driver ?? 'bridge',
    EnableIPv6: shape.enableIPv6 ?? (shape.subnets ?? []).some((subnet) => subnet.includes(':')),
    IPAM: { Driver: 'default', Options: {}, Config: (shape.subnets ?? []).map((subnet) => ({ Subnet: subnet })) },
    Internal: shape.internal ?? false,
    Containers: {},
    Options: shape.options ?? {},
    Labels: {},
  };
}

interface ContainerShape {
  name: string;
  mode?: string;
  running?: boolean;
  ports?: Record<string, { HostIp: string; HostPort: string }[] | null>;
  networks: Record<string, { ipv4?: string; ipv6?: string }>;
}

function container(shape: ContainerShape): Record<string, unknown> {
  return {
    Id: `${shape.name}`.padEnd(64, '0'),
    Name: `/${shape.name}`,
    State: { Status: shape.running === false ? 'exited' : 'running', Running: shape.running !== false },
    HostConfig: { NetworkMode: shape.mode ?? Object.keys(shape.networks)[0] },
    NetworkSettings: {
      Ports: shape.ports ?? {},
      Networks: Object.fromEntries(
        Object.entries(shape.networks).map(([name, address]) => [name, { IPAddress: address.ipv4 ?? '', GlobalIPv6Address: address.ipv6 ?? '', IPPrefixLen: 24 }]),
      ),
    },
  };
}

const DEFAULT_BRIDGE = network({
  name: 'bridge',
  subnets: ['172.17.0.0/16'],
  options: {
    'com.docker.network.bridge.default_bridge': 'true',
    'com.docker.network.bridge.enable_icc': 'true',
    'com.docker.network.bridge.enable_ip_masquerade': 'true',
    'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
    'com.docker.network.bridge.name': 'docker0',
  },
});
const NET_A = network({ name: 'neta', id: '5198f578b3a8e6b1c0b7dd0c9b1e2a3f4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f', subnets: ['10.70.0.0/24'] });
const NET_B = network({ name: 'netb', id: 'b1923fc305512f1a0c5e6d7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a79', subnets: ['10.71.0.0/24'] });
const NET_V6 = network({ name: 'netv6', id: '3a2af39bee12aa0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b', subnets: ['10.73.0.0/24', 'fd00:73::/64'] });
const EVERYWHERE = (port: string) => [{ HostIp: '0.0.0.0', HostPort: port }, { HostIp: '::', HostPort: port }];

describe('networks', () => {
  test('bridge names: the name option, else docker0 for the default network, else br- and 12 characters of the id', () => {
    const { policy } = policyFromDocker([DEFAULT_BRIDGE, NET_A, network({ name: 'named', options: { 'com.docker.network.bridge.name': 'lan0' } })]);
    expect(policy.docker!.networks.map((entry) => [entry.name, entry.bridge])).toEqual([
      ['bridge', 'docker0'],
      ['named', 'lan0'],
      ['neta', 'br-5198f578b3a8'],
    ]);
    const unnamedDefault = network({ name: 'bridge', subnets: ['172.17.0.0/16'] });
    expect(policyFromDocker([unnamedDefault]).policy.docker!.networks[0]!.bridge).toBe('docker0');
  });

  test('networks of other drivers are skipped with one warning that names them', () => {
    const ingress = network({ name: 'ingress', driver: 'overlay', subnets: ['10.0.0.0/24'] });
    const result = policyFromDocker([NET_A, ingress, network({ name: 'host', driver: 'host' }), network({ name: 'mac', driver: 'macvlan' })]);
    expect(result.policy.docker!.networks.map((entry) => entry.name)).toEqual(['neta']);
    expect(result.warnings).toEqual(["skipped 3 networks not using the bridge driver, which Docker's bridge rules do not cover: host (host), ingress (overlay), mac (macvlan)"]);
  });

  test('boolean options are read the way Docker reads them (Go ParseBool)', () => {
    const options = { 'com.docker.network.bridge.enable_icc': '0', 'com.docker.network.bridge.enable_ip_masquerade': 'False' };
    const entry = policyFromDocker([network({ name: 'quiet', subnets: ['10.1.0.0/24'], options })]).policy.docker!.networks[0]!;
    expect(entry).toMatchObject({ icc: false, masquerade: false, internal: false });
  });

  test('host_binding_ipv4 other than 0.0.0.0 is kept; IPv6 subnets only when IPv6 is enabled', () => {
    const result = policyFromDocker([
      network({ name: 'lo-only', subnets: ['10.2.0.0/24'], options: { 'com.docker.network.bridge.host_binding_ipv4': '192.0.2.7' } }),
      network({ name: 'v6off', subnets: ['10.3.0.0/24', 'fd00:3::/64'], enableIPv6: false }),
    ]);
    expect(result.policy.docker!.networks).toEqual([
      { name: 'lo-only', bridge: expect.stringMatching(/^br-/), ipv4: ['10.2.0.0/24'], icc: true, masquerade: true, internal: false, hostBinding: '192.0.2.7' },
      { name: 'v6off', bridge: expect.stringMatching(/^br-/), ipv4: ['10.3.0.0/24'], icc: true, masquerade: true, internal: false },
    ]);
    expect(result.warnings).toEqual(['network v6off: IPv6 is disabled (EnableIPv6 false), so its IPv6 subnets fd00:3::/64 are left out']);
  });

  test('options that change the rules beyond what a policy can say are warned about', () => {
    const routed = network({ name: 'routed', subnets: ['10.4.0.0/24'], options: { 'com.docker.network.bridge.gateway_mode_ipv4': 'routed', 'com.docker.network.host_ipv4': '192.0.2.1' } });
    const { warnings } = policyFromDocker([routed, network({ name: 'plain', subnets: ['10.5.0.0/24'], options: { 'com.docker.network.bridge.gateway_mode_ipv4': 'nat' } })]);
    expect(warnings).toEqual([
      'network routed: gateway mode routed for IPv4 (Docker 27+) changes the NAT and filter rules; the policy cannot say so, so checks will expect the usual rules for it',
      'network routed: SNAT --to-source 192.0.2.1 replaces MASQUERADE for IPv4; the policy cannot say so, so checks will expect the usual rules for it',
    ]);
  });
});

describe('published ports', () => {
  test('on several user networks, only one gets the ports (the one it was started on), with a warning', () => {
    // As a real 20.10 daemon did it: `docker run --network neta -p 8080:80`, then `docker network connect netb`: DNAT only to 10.70.0.2.
    const multi = container({ name: 'multi', mode: 'neta', ports: { '80/tcp': EVERYWHERE('8080') }, networks: { neta: { ipv4: '10.70.0.2' }, netb: { ipv4: '10.71.0.2' } } });
    const result = policyFromDocker([NET_A, NET_B], [multi]);
    expect(result.policy.docker!.published).toEqual([{ network: 'neta', container: '10.70.0.2', protocol: 'tcp', hostAddress: '0.0.0.0', hostPort: 8080, containerPort: 80 }]);
    expect(result.warnings).toEqual([
      'container multi: on networks neta, netb; Docker publishes its ports on only one of them, chosen by connection order, which can change when the daemon restarts. The policy expects them on neta',
    ]);
  });

  test('the default bridge wins without a warning: Docker always connects it first', () => {
    const both = container({ name: 'both', mode: 'default', ports: { '80/tcp': EVERYWHERE('8080') }, networks: { bridge: { ipv4: '172.17.0.2' }, neta: { ipv4: '10.70.0.2' } } });
    const result = policyFromDocker([DEFAULT_BRIDGE, NET_A], [both]);
    expect(result.policy.docker!.published!.map((port) => [port.network, port.container])).toEqual([['bridge', '172.17.0.2']]);
    expect(result.warnings).toEqual([]);
  });

  test('internal networks never get published ports', () => {
    const internal = network({ name: 'backend', subnets: ['10.9.0.0/24'], internal: true });
    const app = container({ name: 'app', mode: 'backend', ports: { '80/tcp': EVERYWHERE('8080') }, networks: { backend: { ipv4: '10.9.0.2' }, neta: { ipv4: '10.70.0.9' } } });
    expect(policyFromDocker([internal, NET_A], [app]).policy.docker!.published).toEqual([
      { network: 'neta', container: '10.70.0.9', protocol: 'tcp', hostAddress: '0.0.0.0', hostPort: 8080, containerPort: 80 },
    ]);
  });

  test('IPv6 host addresses: a rule only when the container has an IPv6 address; else docker-proxy alone, warned unless it is the usual ::', () => {
    const v6lo = container({ name: 'v6lo', ports: { '83/tcp': [{ HostIp: '::1', HostPort: '8383' }], '84/tcp': EVERYWHERE('8484') }, networks: { neta: { ipv4: '10.70.0.4' } } });
    const v6pub = container({
      name: 'v6pub',
      ports: { '84/tcp': [{ HostIp: '::1', HostPort: '8484' }], '85/tcp': [{ HostIp: '127.0.0.1', HostPort: '8485' }], '86/tcp': EVERYWHERE('8486') },
      networks: { netv6: { ipv4: '10.73.0.2', ipv6: 'fd00:73::2' } },
    });
    const result = policyFromDocker([NET_A, NET_V6], [v6lo, v6pub]);
    expect(result.policy.docker!.published).toEqual([
      { network: 'neta', container: '10.70.0.4', protocol: 'tcp', hostAddress: '0.0.0.0', hostPort: 8484, containerPort: 84 },
      { network: 'netv6', container: '10.73.0.2', protocol: 'tcp', hostAddress: '127.0.0.1', hostPort: 8485, containerPort: 85 },
      { network: 'netv6', container: '10.73.0.2', protocol: 'tcp', hostAddress: '0.0.0.0', hostPort: 8486, containerPort: 86 },
      { network: 'netv6', container: 'fd00:73::2', protocol: 'tcp', hostAddress: '::1', hostPort: 8484, containerPort: 84 },
      { network: 'netv6', container: 'fd00:73::2', protocol: 'tcp', hostAddress: '::', hostPort: 8486, containerPort: 86 },
    ]);
    expect(result.warnings).toEqual(['container v6lo: [::1]:8383->83/tcp has no IPv6 address on neta to forward to, so only docker-proxy serves it and no rule is expected']);
  });

  test('exposed-only ports, stopped containers and containers without a bridge network give no rules', () => {
    const exposed = container({ name: 'exposed', ports: { '99/tcp': null }, networks: { neta: { ipv4: '10.70.0.5' } } });
    const stopped = container({ name: 'stopped', running: false, ports: { '80/tcp': EVERYWHERE('8686') }, networks: { neta: {} } });
    const hostMode = container({ name: 'hostnet', mode: 'host', networks: { host: {} } });
    const swarm = container({ name: 'swarm', ports: { '80/tcp': EVERYWHERE('8787') }, networks: { ingress: { ipv4: '10.0.0.5' } } });
    const overlay = network({ name: 'ingress', driver: 'overlay', subnets: ['10.0.0.0/24'] });
    const result = policyFromDocker([NET_A, overlay, network({ name: 'host', driver: 'host' })], [exposed, stopped, hostMode, swarm]);
    expect(result.policy.docker!.published).toEqual([]);
    expect(result.warnings).toContain('container swarm: publishes ports but is on no non-internal bridge network, so they get no bridge rules');
  });

  test('a network missing from the network output is warned about', () => {
    const lost = container({ name: 'lost', ports: { '80/tcp': EVERYWHERE('8080') }, networks: { gone: { ipv4: '10.99.0.2' }, neta: { ipv4: '10.70.0.7' } } });
    const result = policyFromDocker([NET_A], [lost]);
    expect(result.warnings).toEqual(['container lost: attached to gone, not found in the network output']);
    expect(result.policy.docker!.published!.map((port) => port.container)).toEqual(['10.70.0.7']);
  });

  test('sorted by network, then container address in numeric order, then port', () => {
    const ten = container({ name: 'a-ten', ports: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8010' }] }, networks: { neta: { ipv4: '10.70.0.10' } } });
    const two = container({ name: 'b-two', ports: { '443/tcp': [{ HostIp: '0.0.0.0', HostPort: '8443' }], '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8002' }] }, networks: { neta: { ipv4: '10.70.0.2' } } });
    const published = policyFromDocker([NET_A], [ten, two]).policy.docker!.published!;
    expect(published.map((port) => `${port.container}:${port.containerPort}`)).toEqual(['10.70.0.2:80', '10.70.0.2:443', '10.70.0.10:80']);
  });
});

describe('input that is not what Docker prints', () => {
  function problemsOf(networks: unknown, containers?: unknown): string[] {
    try {
      policyFromDocker(networks, containers);
    } catch (error) {
      expect(error).toBeInstanceOf(DockerInspectError);
      return (error as DockerInspectError).problems;
    }
    throw new Error('expected a DockerInspectError');
  }

  test('not an array', () => {
    expect(problemsOf({ Name: 'bridge' })).toEqual(['networks.json: expected the JSON array that `docker network inspect` prints, got an object']);
    expect(problemsOf([], 'text')).toEqual(['containers.json: expected the JSON array that `docker inspect` prints, got "text"']);
  });

  test('an entry without "Driver", as the brief of the command says', () => {
    expect(problemsOf([DEFAULT_BRIDGE, NET_A, { Name: 'odd' }])).toEqual(['networks.json[2]: not a docker network inspect entry (no "Driver")']);
  });

  test('every problem is reported, each with where it is', () => {
    const badSubnet = network({ name: 'bad', subnets: ['10.0.0.0/33'] });
    const badOption = network({ name: 'iffy', subnets: ['10.8.0.0/24'], options: { 'com.docker.network.bridge.enable_icc': 'maybe' } });
    const noId = { ...network({ name: 'noid' }), Id: undefined };
    expect(problemsOf([badSubnet, badOption, noId, 42, NET_A, NET_A])).toEqual([
      'networks.json[0] (network bad): "IPAM.Config[0].Subnet" is "10.0.0.0/33", not a subnet like 172.18.0.0/16',
      'networks.json[1] (network iffy): option com.docker.network.bridge.enable_icc is "maybe", not true or false',
      'networks.json[2] (network noid): "Id" is missing, so its bridge (br- and the first 12 characters of the id) is unknown',
      'networks.json[3]: not a docker network inspect entry (expected an object, got number 42)',
      'networks.json[5] (network neta): a second network with this name',
    ]);
  });

  test('container entries: the wrong command, bad ports, bad addresses', () => {
    const badPorts = container({ name: 'ports', ports: { http: [], '80/tcp': [{ HostIp: 'localhost', HostPort: '80' }], '81/udp': [{ HostIp: '', HostPort: '99999' }] }, networks: {} });
    const badAddress = container({ name: 'addr', networks: { neta: { ipv4: 'fd00::1' } } });
    expect(problemsOf([NET_A], [NET_A, badPorts, badAddress])).toEqual([
      'containers.json[0]: not a docker inspect entry for a container (no "NetworkSettings"); it looks like docker network inspect output',
      'containers.json[1] (container ports): port "http" in "NetworkSettings.Ports" is not PORT/tcp, PORT/udp or PORT/sctp',
      'containers.json[1] (container ports): "NetworkSettings.Ports" entry "80/tcp"[0]: "HostIp" is "localhost", not an IP address',
      'containers.json[1] (container ports): "NetworkSettings.Ports" entry "81/udp"[0]: "HostPort" is "99999", not a port number',
      'containers.json[2] (container addr): "NetworkSettings.Networks.neta.IPAddress" is "fd00::1", not an IPv4 address',
    ]);
  });

  test('messages use the names the caller gives the inputs', () => {
    expect(() => policyFromDocker([{}], undefined, { networks: '/tmp/nets.json' })).toThrow('/tmp/nets.json[0]: not a docker network inspect entry (no "Driver")');
  });
});
