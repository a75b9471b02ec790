import { policyFromDocker, type DockerPolicyImport } from '../../src/policy/from-docker';
import type { PublishedPort } from '../../src/policy/types';
import { DockerInNamespace, describeReal, startDockerOrSkip } from '../helpers/real-system';

/**
 * A real Docker 20.10 daemon in a private network namespace: networks with
 * options, containers with -p, then the policy made from what `docker network
 * inspect` / `docker inspect` report must agree with Docker's own view and
 * with the rules it installed.
 */
describeReal('policy from-docker against a real dockerd', ['docker'], () => {
  let docker: DockerInNamespace | undefined;
  let unavailable: string | undefined;
  let result: DockerPolicyImport;
  let networksJson: { Name: string; Id: string; Driver: string }[];
  const address: Record<string, { ipv4: string; ipv6: string }> = {};

  beforeAll(async () => {
    const started = await startDockerOrSkip({ ipv6: true });
    if (typeof started === 'string') {
      unavailable = started;
      return;
    }
    docker = started;
    docker.buildMiniImage();
    docker.dockerOk(['network', 'create', '--subnet', '10.80.0.0/24', '-o', 'com.docker.network.bridge.enable_icc=false', '-o', 'com.docker.network.bridge.host_binding_ipv4=127.0.0.1', 'lan']);
    docker.dockerOk(['network', 'create', '--ipv6', '--subnet', '10.81.0.0/24', '--subnet', 'fd00:81::/64', '-o', 'com.docker.network.bridge.name=ipldual0', '-o', 'com.docker.network.bridge.enable_ip_masquerade=false', 'dual']);
    docker.dockerOk(['network', 'create', '--internal', '--subnet', '10.82.0.0/24', 'backend']);
    const run = (name: string, args: string[]) => docker!.dockerOk(['run', '-d', '--name', name, ...args, 'mini:1', '/bin/sleep', '100000']);
    run('web', ['--network', 'lan', '-p', '8080:80', '-p', '5353:53/udp']);
    run('api', ['--network', 'dual', '-p', '9090:90']);
    run('pg', ['-p', '127.0.0.1:7070:70']);
    run('db', ['--network', 'backend']);
    // Connected after start: Docker keeps publishing web's ports on lan only.
    docker.dockerOk(['network', 'connect', 'backend', 'web']);
    for (const [name, network] of [['web', 'lan'], ['api', 'dual'], ['pg', 'bridge']] as const) {
      const format = `{{with index .NetworkSettings.Networks "${network}"}}{{.IPAddress}} {{.GlobalIPv6Address}}{{end}}`;
      const [ipv4 = '', ipv6 = ''] = docker.dockerOk(['inspect', '-f', format, name]).trim().split(' ');
      address[name] = { ipv4, ipv6 };
    }
    networksJson = JSON.parse(docker.inspectNetworks());
    result = policyFromDocker(networksJson, JSON.parse(docker.inspectContainers()));
  }, 180_000);

  afterAll(async () => {
    await docker?.stop();
  }, 60_000);

  const ready = (): boolean => unavailable === undefined;

  test('the networks, with the bridges Docker created', () => {
    if (!ready()) return;
    const idOf = (name: string) => networksJson.find((network) => network.Name === name)!.Id;
    expect(result.policy.docker!.networks).toEqual([
      { name: 'backend', bridge: `br-${idOf('backend').slice(0, 12)}`, ipv4: ['10.82.0.0/24'], icc: true, masquerade: true, internal: true },
      { name: 'bridge', bridge: 'docker0', ipv4: ['172.17.0.0/16'], icc: true, masquerade: true, internal: false },
      { name: 'dual', bridge: 'ipldual0', ipv4: ['10.81.0.0/24'], ipv6: ['fd00:81::/64'], icc: true, masquerade: false, internal: false },
      { name: 'lan', bridge: `br-${idOf('lan').slice(0, 12)}`, ipv4: ['10.80.0.0/24'], icc: false, masquerade: true, internal: false, hostBinding: '127.0.0.1' },
    ]);
    const linuxBridges = docker!.ns
      .execOk('ip', ['-o', 'link', 'show', 'type', 'bridge'])
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => line.split(': ')[1]!.split('@')[0]!);
    expect(linuxBridges.sort()).toEqual(result.policy.docker!.networks.map((network) => network.bridge).sort());
    expect(result.warnings).toEqual(["skipped 2 networks not using the bridge driver, which Docker's bridge rules do not cover: host (host), none (null)"]);
  });

  test('the published ports, with the addresses Docker gave the containers', () => {
    if (!ready()) return;
    expect(result.policy.docker!.published).toEqual([
      { network: 'bridge', container: address.pg!.ipv4, protocol: 'tcp', hostAddress: '127.0.0.1', hostPort: 7070, containerPort: 70 },
      { network: 'dual', container: address.api!.ipv4, protocol: 'tcp', hostAddress: '0.0.0.0', hostPort: 9090, containerPort: 90 },
      { network: 'dual', container: address.api!.ipv6, protocol: 'tcp', hostAddress: '::', hostPort: 9090, containerPort: 90 },
      { network: 'lan', container: address.web!.ipv4, protocol: 'udp', hostAddress: '127.0.0.1', hostPort: 5353, containerPort: 53 },
      { network: 'lan', container: address.web!.ipv4, protocol: 'tcp', hostAddress: '127.0.0.1', hostPort: 8080, containerPort: 80 },
    ]);
    expect(address.api!.ipv6).toMatch(/^fd00:81::/);
  });

  test.each(['ipv4', 'ipv6'] as const)('%s: exactly one DNAT per published port of that family', (family) => {
    if (!ready()) return;
    const bridgeOf = new Map(result.policy.docker!.networks.map((network) => [network.name, network.bridge]));
    const ports = result.policy.docker!.published!.filter((port) => port.container.includes(':') === (family === 'ipv6'));
    const expected = ports.map((port: PublishedPort) => {
      const v6 = family === 'ipv6';
      const everywhere = port.hostAddress === '0.0.0.0' || port.hostAddress === '::';
      const destination = everywhere ? '' : `-d ${port.hostAddress}/${v6 ? 128 : 32} `;
      const target = v6 ? `[${port.container}]` : port.container;
      return `-A DOCKER ${destination}! -i ${bridgeOf.get(port.network)} -p ${port.protocol} -m ${port.protocol} --dport ${port.hostPort} -j DNAT --to-destination ${target}:${port.containerPort}`;
    });
    const dnat = docker!.save(family).split('\n').filter((line) => line.includes(' -j DNAT '));
    expect(dnat.sort()).toEqual(expected.sort());
  });
});
