import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DockerNetwork, Policy, PublishedPort } from '../../src/policy/types';

export const DOCKER_20_10_DIR = join(__dirname, '..', '..', 'samples', 'docker-20.10');

/** The scenarios of samples/docker-20.10: each has .v4, .v6, .networks.json and .containers.json. */
export const DOCKER_20_10_SCENARIOS = ['bridge-name', 'default-usernet', 'dual-stack', 'internal', 'localhost-publish', 'no-icc', 'no-masquerade'];

interface InspectedNetwork {
  Name: string;
  Id: string;
  Driver: string;
  Internal: boolean;
  IPAM: { Config: { Subnet?: string }[] | null };
  Options: Record<string, string> | null;
}

interface InspectedContainer {
  NetworkSettings: {
    Networks: Record<string, { IPAddress: string; GlobalIPv6Address: string }>;
    Ports: Record<string, { HostIp: string; HostPort: string }[] | null>;
  };
}

/**
 * The policy a scenario's `docker network inspect` and `docker inspect` output describe, built the
 * simple way Docker 20.10 names things. Only for these tests: src/policy/from-docker.ts is the real
 * converter.
 */
export function samplePolicy(scenario: string): Policy {
  const networks = JSON.parse(readFileSync(join(DOCKER_20_10_DIR, `${scenario}.networks.json`), 'utf8')) as InspectedNetwork[];
  const containers = JSON.parse(readFileSync(join(DOCKER_20_10_DIR, `${scenario}.containers.json`), 'utf8')) as InspectedContainer[];
  const bridges: DockerNetwork[] = networks
    .filter((network) => network.Driver === 'bridge')
    .map((network) => {
      const options = network.Options ?? {};
      const binding = options['com.docker.network.bridge.host_binding_ipv4'];
      const subnets = (network.IPAM.Config ?? []).map((config) => config.Subnet).filter((subnet): subnet is string => subnet !== undefined);
      return {
        name: network.Name,
        bridge: options['com.docker.network.bridge.name'] ?? `br-${network.Id.slice(0, 12)}`,
        ipv4: subnets.filter((subnet) => !subnet.includes(':')),
        ipv6: subnets.filter((subnet) => subnet.includes(':')),
        icc: options['com.docker.network.bridge.enable_icc'] !== 'false',
        masquerade: options['com.docker.network.bridge.enable_ip_masquerade'] !== 'false',
        internal: network.Internal,
        ...(binding === undefined || binding === '0.0.0.0' ? {} : { hostBinding: binding }),
      };
    });
  const published: PublishedPort[] = [];
  for (const container of containers) {
    const [networkName, endpoint] = Object.entries(container.NetworkSettings.Networks)[0];
    for (const [key, bindings] of Object.entries(container.NetworkSettings.Ports)) {
      const [containerPort, protocol] = key.split('/');
      for (const binding of bindings ?? []) {
        const ipv6 = binding.HostIp.includes(':');
        const address = ipv6 ? endpoint.GlobalIPv6Address : endpoint.IPAddress;
        // Without an IPv6 address on the container, Docker 20.10 serves `::` through its proxy alone.
        if (address === '') continue;
        published.push({
          network: networkName,
          container: address,
          protocol: protocol as PublishedPort['protocol'],
          hostAddress: binding.HostIp,
          hostPort: Number(binding.HostPort),
          containerPort: Number(containerPort),
        });
      }
    }
  }
  return { docker: { networks: bridges, published } };
}

/** Both dumps of a scenario as one text, the way `iptables-save; ip6tables-save` prints them. */
export function sampleDump(scenario: string): string {
  return readFileSync(join(DOCKER_20_10_DIR, `${scenario}.v4`), 'utf8') + readFileSync(join(DOCKER_20_10_DIR, `${scenario}.v6`), 'utf8');
}
