import type { Family, Severity, TableName } from '../ast';

/**
 * What a host's firewall is expected to hold, as a policy file (YAML or JSON)
 * says it. The JSON Schema in src/policy/schema.json is the reference; these
 * types follow it.
 */
export interface Policy {
  docker?: DockerPolicy;
  /** Chains that must exist, with their policy for built-in chains. */
  chains?: ChainRequirement[];
  /** Rules that must be present, or must not be, compared by meaning. */
  rules?: RuleRequirement[];
  /** Per finding code (or rule name): another severity, or 'off' to ignore it. */
  severity?: Record<string, Severity | 'off'>;
}

/** Docker's rule layouts by the release that introduced them (../shared/docs/docker-rules.md). */
export type DockerEra = '1.12' | '17.06' | '18.05' | '28' | '29';

export interface DockerPolicy {
  /** The layout to expect; detected from the dump when absent. */
  era?: DockerEra;
  networks: DockerNetwork[];
  published?: PublishedPort[];
  /** Pairs of network names that must not reach each other; 'all' (the default) means every pair of bridge networks. */
  isolate?: 'all' | [string, string][];
  /** New connections that must get through (IPT3008). */
  reach?: ConnectionRequirement[];
  /** New connections that must not get through (IPT3008). */
  deny?: ConnectionRequirement[];
  /** FORWARD must jump to DOCKER-USER first (default true). */
  dockerUser?: boolean;
}

/** A connection a policy wants to get through or to be stopped, checked by tracing it. */
export interface ConnectionRequirement {
  /** A network name, `outside` or `host`. */
  from: string;
  to: string;
  /** tcp, udp and ICMP echo when absent. */
  protocol?: 'tcp' | 'udp' | 'sctp' | 'icmp';
  /** Destination port: a container port for a network, a host port for `host`. */
  port?: number;
}

export interface DockerNetwork {
  name: string;
  /** The Linux bridge: docker0, br-<id>, or com.docker.network.bridge.name. */
  bridge: string;
  ipv4?: string[];
  ipv6?: string[];
  /** Inter-container communication on the bridge (default true). */
  icc?: boolean;
  /** MASQUERADE of the subnets out of other interfaces (default true). */
  masquerade?: boolean;
  /** `--internal`: no traffic in or out of the bridge (default false). */
  internal?: boolean;
  /** com.docker.network.bridge.host_binding_ipv4 (default 0.0.0.0). */
  hostBinding?: string;
}

export interface PublishedPort {
  network: string;
  /** The container's address on that network. */
  container: string;
  protocol: 'tcp' | 'udp' | 'sctp';
  /** Default 0.0.0.0 (all addresses). */
  hostAddress?: string;
  hostPort: number;
  containerPort: number;
}

export interface ChainRequirement {
  table: TableName;
  chain: string;
  policy?: 'ACCEPT' | 'DROP';
  family?: Family;
}

export interface RuleRequirement {
  table: TableName;
  chain: string;
  /** In iptables syntax without `-A CHAIN`: `-s 10.0.0.0/8 -j DROP`. */
  rule: string;
  present: boolean;
  family?: Family;
}
