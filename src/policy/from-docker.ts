import { isIP } from 'node:net';
import type { DockerNetwork, DockerPolicy, Policy, PublishedPort } from './types';

/** A policy made from Docker's own description of its networks, and what could not be carried over. */
export interface DockerPolicyImport {
  policy: Policy;
  /** Things the policy leaves out or cannot express; one sentence each. */
  warnings: string[];
}

/** The input is not what `docker network inspect` / `docker inspect` print; every problem found, one per line. */
export class DockerInspectError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'DockerInspectError';
  }
}

/** How the two inputs are named in messages (their file names, usually). */
export interface DockerInputNames {
  networks?: string;
  containers?: string;
}

const OPTION = {
  bridgeName: 'com.docker.network.bridge.name',
  defaultBridge: 'com.docker.network.bridge.default_bridge',
  icc: 'com.docker.network.bridge.enable_icc',
  masquerade: 'com.docker.network.bridge.enable_ip_masquerade',
  hostBinding: 'com.docker.network.bridge.host_binding_ipv4',
} as const;

/** Options that change Docker's rules in ways a DockerPolicy cannot say (docker-rules.md §9). */
const INEXPRESSIBLE_OPTIONS: Record<string, (value: string) => string | null> = {
  'com.docker.network.bridge.gateway_mode_ipv4': (value) => (value === 'nat' ? null : `gateway mode ${value} for IPv4 (Docker 27+) changes the NAT and filter rules`),
  'com.docker.network.bridge.gateway_mode_ipv6': (value) => (value === 'nat' ? null : `gateway mode ${value} for IPv6 (Docker 27+) changes the NAT and filter rules`),
  'com.docker.network.host_ipv4': (value) => `SNAT --to-source ${value} replaces MASQUERADE for IPv4`,
  'com.docker.network.host_ipv6': (value) => `SNAT --to-source ${value} replaces MASQUERADE for IPv6`,
};

const DEFAULT_HOST_BINDING = '0.0.0.0';
const PORT_KEY = /^(\d+)\/(tcp|udp|sctp)$/;

interface NetworkEntry {
  name: string;
  driver: string;
  network: DockerNetwork;
  isDefaultBridge: boolean;
  /** Warnings about this network, reported in name order rather than input order. */
  notes: string[];
}

interface Attachment {
  network: string;
  ipv4?: string;
  ipv6?: string;
}

interface Binding {
  protocol: PublishedPort['protocol'];
  containerPort: number;
  hostIp: string;
  hostPort: number;
}

interface ContainerEntry {
  name: string;
  running: boolean;
  networkMode?: string;
  bindings: Binding[];
  attachments: Attachment[];
}

/**
 * Builds a Docker policy from `docker network inspect $(docker network ls -q)`
 * and, optionally, `docker inspect $(docker ps -q)` (both parsed JSON arrays).
 *
 * Only bridge-driver networks are kept. Flags are written out explicitly;
 * `hostBinding` only when it is not the default 0.0.0.0, which puts no `-d` on
 * the DNAT rules. Without container output `published` is left out (unknown);
 * with it, an empty list means no port is published. The era is never set:
 * neither command reports the daemon's version. Throws DockerInspectError when
 * the input does not have the shape those commands print.
 */
export function policyFromDocker(networks: unknown, containers?: unknown, names: DockerInputNames = {}): DockerPolicyImport {
  const problems: string[] = [];
  const warnings: string[] = [];
  const networkEntries = readNetworks(networks, names.networks ?? 'networks.json', problems).sort((a, b) => compareText(a.name, b.name));
  const containerEntries = containers === undefined ? undefined : readContainers(containers, names.containers ?? 'containers.json', problems);
  if (problems.length > 0) throw new DockerInspectError(problems);

  const skipped = networkEntries.filter((entry) => entry.driver !== 'bridge');
  if (skipped.length > 0) {
    const list = skipped.map((entry) => `${entry.name} (${entry.driver})`).join(', ');
    warnings.push(`skipped ${skipped.length} network${skipped.length === 1 ? '' : 's'} not using the bridge driver, which Docker's bridge rules do not cover: ${list}`);
  }
  const bridges = networkEntries.filter((entry) => entry.driver === 'bridge');
  for (const entry of bridges) warnings.push(...entry.notes);

  const docker: DockerPolicy = { networks: bridges.map((entry) => entry.network) };
  if (containerEntries !== undefined) docker.published = publishedPorts(containerEntries, networkEntries, warnings);
  docker.isolate = 'all';
  docker.dockerUser = true;
  return { policy: { docker }, warnings };
}

/** Bridge interface name → network name, for every bridge-driver network `docker network inspect` describes. */
export function dockerBridgeNames(networks: unknown, label = 'networks.json'): Map<string, string> {
  const problems: string[] = [];
  const entries = readNetworks(networks, label, problems);
  if (problems.length > 0) throw new DockerInspectError(problems);
  return new Map(entries.filter((entry) => entry.driver === 'bridge').map((entry) => [entry.network.bridge, entry.name]));
}

// docker network inspect

function readNetworks(input: unknown, label: string, problems: string[]): NetworkEntry[] {
  if (!Array.isArray(input)) {
    problems.push(`${label}: expected the JSON array that \`docker network inspect\` prints, got ${describeValue(input)}`);
    return [];
  }
  const entries: NetworkEntry[] = [];
  const seen = new Set<string>();
  input.forEach((raw, index) => {
    const where = `${label}[${index}]`;
    if (!isObject(raw)) return problems.push(`${where}: not a docker network inspect entry (expected an object, got ${describeValue(raw)})`);
    if (typeof raw.Driver !== 'string') return problems.push(`${where}: not a docker network inspect entry (no "Driver")`);
    if (typeof raw.Name !== 'string' || raw.Name === '') return problems.push(`${where}: not a docker network inspect entry (no "Name")`);
    const name = raw.Name;
    const at = `${where} (network ${name})`;
    if (seen.has(name)) return problems.push(`${at}: a second network with this name`);
    seen.add(name);
    if (raw.Driver !== 'bridge') {
      entries.push({ name, driver: raw.Driver, isDefaultBridge: false, network: { name, bridge: '' }, notes: [] });
      return;
    }
    const before = problems.length;
    const notes: string[] = [];
    const options = readStringMap(raw.Options, `${at}: "Options"`, problems);
    const isDefaultBridge = options[OPTION.defaultBridge] === 'true' || name === 'bridge';
    const bridge = bridgeName(raw.Id, options, isDefaultBridge, at, problems);
    const { ipv4, ipv6 } = readSubnets(raw, at, `network ${name}`, problems, notes);
    const icc = readBoolOption(options, OPTION.icc, true, at, problems);
    const masquerade = readBoolOption(options, OPTION.masquerade, true, at, problems);
    if (raw.Internal !== undefined && typeof raw.Internal !== 'boolean') problems.push(`${at}: "Internal" is ${describeValue(raw.Internal)}, not true or false`);
    const hostBinding = options[OPTION.hostBinding];
    if (hostBinding !== undefined && isIP(hostBinding) === 0) problems.push(`${at}: option ${OPTION.hostBinding} is "${hostBinding}", not an IP address`);
    if (problems.length > before) return;

    for (const [option, explain] of Object.entries(INEXPRESSIBLE_OPTIONS)) {
      const value = options[option];
      const why = value === undefined ? null : explain(value);
      if (why !== null) notes.push(`network ${name}: ${why}; the policy cannot say so, so checks will expect the usual rules for it`);
    }
    const network: DockerNetwork = { name, bridge };
    if (ipv4.length > 0) network.ipv4 = ipv4;
    if (ipv6.length > 0) network.ipv6 = ipv6;
    network.icc = icc;
    network.masquerade = masquerade;
    network.internal = raw.Internal === true;
    if (hostBinding !== undefined && hostBinding !== DEFAULT_HOST_BINDING) network.hostBinding = hostBinding;
    entries.push({ name, driver: raw.Driver, isDefaultBridge, network, notes });
  });
  return entries;
}

/** The Linux bridge, named as libnetwork names it: the option, docker0 for the default network, else br- and 12 characters of the id. */
function bridgeName(id: unknown, options: Record<string, string>, isDefaultBridge: boolean, at: string, problems: string[]): string {
  const named = options[OPTION.bridgeName];
  if (named !== undefined && named !== '') return named;
  if (isDefaultBridge) return 'docker0';
  if (typeof id !== 'string' || !/^[0-9a-f]{12,}$/i.test(id)) {
    problems.push(`${at}: "Id" is ${describeValue(id)}, so its bridge (br- and the first 12 characters of the id) is unknown`);
    return '';
  }
  return `br-${id.slice(0, 12)}`;
}

function readSubnets(raw: Record<string, unknown>, at: string, subject: string, problems: string[], notes: string[]): { ipv4: string[]; ipv6: string[] } {
  const ipv4: string[] = [];
  const ipv6: string[] = [];
  const ipam = raw.IPAM;
  if (ipam === undefined || ipam === null) return { ipv4, ipv6 };
  if (!isObject(ipam)) {
    problems.push(`${at}: "IPAM" is ${describeValue(ipam)}, not an object`);
    return { ipv4, ipv6 };
  }
  const config = ipam.Config;
  if (config === undefined || config === null) return { ipv4, ipv6 };
  if (!Array.isArray(config)) {
    problems.push(`${at}: "IPAM.Config" is ${describeValue(config)}, not a list`);
    return { ipv4, ipv6 };
  }
  config.forEach((pool, index) => {
    if (!isObject(pool)) return problems.push(`${at}: "IPAM.Config[${index}]" is ${describeValue(pool)}, not an object`);
    if (pool.Subnet === undefined || pool.Subnet === '') return;
    const family = typeof pool.Subnet === 'string' ? subnetFamily(pool.Subnet) : 0;
    if (family === 0) return problems.push(`${at}: "IPAM.Config[${index}].Subnet" is ${describeValue(pool.Subnet)}, not a subnet like 172.18.0.0/16`);
    (family === 4 ? ipv4 : ipv6).push(pool.Subnet as string);
  });
  // Docker 28+ can turn either family off; then it writes no rules for that family's subnets.
  if (raw.EnableIPv4 === false && ipv4.length > 0) {
    notes.push(`${subject}: IPv4 is disabled (EnableIPv4 false), so its IPv4 subnets ${ipv4.join(', ')} are left out`);
    ipv4.length = 0;
  }
  if (raw.EnableIPv6 === false && ipv6.length > 0) {
    notes.push(`${subject}: IPv6 is disabled (EnableIPv6 false), so its IPv6 subnets ${ipv6.join(', ')} are left out`);
    ipv6.length = 0;
  }
  return { ipv4, ipv6 };
}

function subnetFamily(subnet: string): 0 | 4 | 6 {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(subnet);
  if (match === null) return 0;
  const family = isIP(match[1]!);
  const prefix = Number(match[2]);
  if (family === 4 && prefix <= 32) return 4;
  if (family === 6 && prefix <= 128) return 6;
  return 0;
}

/** Docker reads these options with Go's strconv.ParseBool, so accept exactly what it accepts. */
function readBoolOption(options: Record<string, string>, option: string, fallback: boolean, at: string, problems: string[]): boolean {
  const value = options[option];
  if (value === undefined) return fallback;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) return false;
  problems.push(`${at}: option ${option} is "${value}", not true or false`);
  return fallback;
}

// docker inspect (containers)

function readContainers(input: unknown, label: string, problems: string[]): ContainerEntry[] {
  if (!Array.isArray(input)) {
    problems.push(`${label}: expected the JSON array that \`docker inspect\` prints, got ${describeValue(input)}`);
    return [];
  }
  const entries: ContainerEntry[] = [];
  input.forEach((raw, index) => {
    const where = `${label}[${index}]`;
    if (!isObject(raw)) return problems.push(`${where}: not a docker inspect entry (expected an object, got ${describeValue(raw)})`);
    if (!isObject(raw.NetworkSettings)) {
      const hint = typeof raw.Driver === 'string' && raw.Containers !== undefined ? '; it looks like docker network inspect output' : '';
      return problems.push(`${where}: not a docker inspect entry for a container (no "NetworkSettings")${hint}`);
    }
    const name = containerName(raw);
    const at = `${where} (container ${name})`;
    const before = problems.length;
    const settings = raw.NetworkSettings;
    const bindings = readPortBindings(settings.Ports, at, problems);
    const attachments = readAttachments(settings.Networks, at, problems);
    if (problems.length > before) return;
    const state = isObject(raw.State) ? raw.State : {};
    const hostConfig = isObject(raw.HostConfig) ? raw.HostConfig : {};
    entries.push({
      name,
      running: state.Running !== false,
      networkMode: typeof hostConfig.NetworkMode === 'string' ? hostConfig.NetworkMode : undefined,
      bindings,
      attachments,
    });
  });
  return entries;
}

function containerName(raw: Record<string, unknown>): string {
  if (typeof raw.Name === 'string' && raw.Name.replace(/^\//, '') !== '') return raw.Name.replace(/^\//, '');
  if (typeof raw.Id === 'string' && raw.Id !== '') return raw.Id.slice(0, 12);
  return '(unnamed)';
}

/** NetworkSettings.Ports: `"80/tcp": [{HostIp, HostPort}]` for published ports, `null` for ports only exposed. */
function readPortBindings(ports: unknown, at: string, problems: string[]): Binding[] {
  if (ports === undefined || ports === null) return [];
  if (!isObject(ports)) {
    problems.push(`${at}: "NetworkSettings.Ports" is ${describeValue(ports)}, not an object`);
    return [];
  }
  const bindings: Binding[] = [];
  for (const [key, list] of Object.entries(ports)) {
    const match = PORT_KEY.exec(key);
    const containerPort = match === null ? NaN : Number(match[1]);
    if (match === null || !isPortNumber(containerPort)) {
      problems.push(`${at}: port "${key}" in "NetworkSettings.Ports" is not PORT/tcp, PORT/udp or PORT/sctp`);
      continue;
    }
    if (list === null) continue;
    if (!Array.isArray(list)) {
      problems.push(`${at}: "NetworkSettings.Ports" entry "${key}" is ${describeValue(list)}, not a list of {HostIp, HostPort}`);
      continue;
    }
    list.forEach((binding, index) => {
      const here = `${at}: "NetworkSettings.Ports" entry "${key}"[${index}]`;
      if (!isObject(binding)) return problems.push(`${here} is ${describeValue(binding)}, not {HostIp, HostPort}`);
      const hostIp = binding.HostIp ?? '';
      if (typeof hostIp !== 'string' || (hostIp !== '' && isIP(hostIp) === 0)) return problems.push(`${here}: "HostIp" is ${describeValue(binding.HostIp)}, not an IP address`);
      const hostPort = typeof binding.HostPort === 'string' && /^\d+$/.test(binding.HostPort) ? Number(binding.HostPort) : NaN;
      if (!isPortNumber(hostPort)) return problems.push(`${here}: "HostPort" is ${describeValue(binding.HostPort)}, not a port number`);
      bindings.push({ protocol: match[2] as Binding['protocol'], containerPort, hostIp, hostPort });
    });
  }
  return bindings;
}

function readAttachments(networks: unknown, at: string, problems: string[]): Attachment[] {
  if (networks === undefined || networks === null) return [];
  if (!isObject(networks)) {
    problems.push(`${at}: "NetworkSettings.Networks" is ${describeValue(networks)}, not an object`);
    return [];
  }
  const attachments: Attachment[] = [];
  for (const [network, endpoint] of Object.entries(networks)) {
    if (!isObject(endpoint)) {
      problems.push(`${at}: "NetworkSettings.Networks.${network}" is ${describeValue(endpoint)}, not an object`);
      continue;
    }
    const attachment: Attachment = { network };
    for (const [field, family, key] of [['IPAddress', 4, 'ipv4'], ['GlobalIPv6Address', 6, 'ipv6']] as const) {
      const address = endpoint[field];
      if (address === undefined || address === null || address === '') continue;
      if (typeof address !== 'string' || isIP(address) !== family) {
        problems.push(`${at}: "NetworkSettings.Networks.${network}.${field}" is ${describeValue(address)}, not an IPv${family} address`);
        continue;
      }
      attachment[key] = address;
    }
    attachments.push(attachment);
  }
  return attachments;
}

// Published ports

function publishedPorts(containers: ContainerEntry[], networks: NetworkEntry[], warnings: string[]): PublishedPort[] {
  const byName = new Map(networks.map((entry) => [entry.name, entry]));
  const published = new Map<string, PublishedPort>();
  for (const container of [...containers].sort((a, b) => compareText(a.name, b.name))) {
    // A stopped container keeps its settings but has no rules.
    if (!container.running || container.bindings.length === 0) continue;
    const unknown = container.attachments.filter((attachment) => !byName.has(attachment.network)).map((attachment) => attachment.network);
    if (unknown.length > 0) warnings.push(`container ${container.name}: attached to ${unknown.join(', ')}, not found in the network output`);
    const attachment = publishingAttachment(container, byName, warnings);
    if (attachment === undefined) continue;
    const network = byName.get(attachment.network)!.network;
    for (const binding of container.bindings) {
      const port = publishedPort(binding, attachment, network, container.name, warnings);
      if (port === undefined) continue;
      const key = [port.network, port.container, port.protocol, port.containerPort, port.hostAddress, port.hostPort].join(' ');
      published.set(key, port);
    }
  }
  return [...published.values()].sort(comparePublished);
}

/**
 * Docker publishes a container's ports on one network only: the first
 * non-internal network it connects the container to. It connects the default
 * bridge first, then the others in no fixed order, so with several user
 * networks the choice can change when the daemon restarts. The network the
 * container was started on (HostConfig.NetworkMode) is the best guess then.
 */
function publishingAttachment(container: ContainerEntry, networks: Map<string, NetworkEntry>, warnings: string[]): Attachment | undefined {
  const candidates = container.attachments.filter((attachment) => {
    const entry = networks.get(attachment.network);
    return entry !== undefined && entry.driver === 'bridge' && entry.network.internal !== true && (attachment.ipv4 !== undefined || attachment.ipv6 !== undefined);
  });
  if (candidates.length === 0) {
    warnings.push(`container ${container.name}: publishes ports but is on no non-internal bridge network, so they get no bridge rules`);
    return undefined;
  }
  if (candidates.length === 1) return candidates[0];
  const defaultBridge = candidates.find((attachment) => networks.get(attachment.network)!.isDefaultBridge);
  if (defaultBridge !== undefined) return defaultBridge;
  const sorted = [...candidates].sort((a, b) => compareText(a.network, b.network));
  const chosen = sorted.find((attachment) => attachment.network === container.networkMode) ?? sorted[0]!;
  warnings.push(
    `container ${container.name}: on networks ${sorted.map((attachment) => attachment.network).join(', ')}; Docker publishes its ports on only one of them, ` +
      `chosen by connection order, which can change when the daemon restarts. The policy expects them on ${chosen.network}`,
  );
  return chosen;
}

/**
 * One binding from NetworkSettings.Ports as a firewall rule, if Docker makes
 * one. Docker lists an IPv6 binding (`::` next to `0.0.0.0`, usually) for a
 * container without an IPv6 address too; that one is served by docker-proxy
 * alone and has no rule in either family.
 */
function publishedPort(binding: Binding, attachment: Attachment, network: DockerNetwork, container: string, warnings: string[]): PublishedPort | undefined {
  const hostAddress = binding.hostIp === '' ? (network.hostBinding ?? DEFAULT_HOST_BINDING) : binding.hostIp;
  const family = isIP(hostAddress);
  const containerAddress = family === 4 ? attachment.ipv4 : attachment.ipv6;
  const shown = `${family === 6 ? `[${hostAddress}]` : hostAddress}:${binding.hostPort}->${binding.containerPort}/${binding.protocol}`;
  if (containerAddress === undefined) {
    if (family === 6 && hostAddress === '::') return undefined;
    warnings.push(`container ${container}: ${shown} has no IPv${family} address on ${attachment.network} to forward to, so only docker-proxy serves it and no rule is expected`);
    return undefined;
  }
  return {
    network: attachment.network,
    container: containerAddress,
    protocol: binding.protocol,
    hostAddress,
    hostPort: binding.hostPort,
    containerPort: binding.containerPort,
  };
}

function comparePublished(a: PublishedPort, b: PublishedPort): number {
  return (
    compareText(a.network, b.network) ||
    compareText(addressSortKey(a.container), addressSortKey(b.container)) ||
    a.containerPort - b.containerPort ||
    compareText(a.protocol, b.protocol) ||
    compareText(addressSortKey(a.hostAddress ?? DEFAULT_HOST_BINDING), addressSortKey(b.hostAddress ?? DEFAULT_HOST_BINDING)) ||
    a.hostPort - b.hostPort
  );
}

/** IPv4 before IPv6, each in numeric order (10.0.0.2 before 10.0.0.10). */
function addressSortKey(address: string): string {
  if (isIP(address) === 4) return '4 ' + address.split('.').map((octet) => octet.padStart(3, '0')).join('.');
  return '6 ' + expandIPv6(address).map((group) => group.toString(16).padStart(4, '0')).join(':');
}

function expandIPv6(address: string): number[] {
  let text = address;
  const v4Tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4Tail !== null) {
    const [a, b, c, d] = v4Tail.slice(1).map(Number) as [number, number, number, number];
    text = text.slice(0, v4Tail.index) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string | undefined): number[] => (part === undefined || part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)));
  const front = parse(head);
  const back = parse(tail);
  const zeros = tail === undefined ? [] : new Array<number>(8 - front.length - back.length).fill(0);
  return [...front, ...zeros, ...back];
}

// Small helpers

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPortNumber(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}

function readStringMap(value: unknown, what: string, problems: string[]): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) {
    problems.push(`${what} is ${describeValue(value)}, not an object`);
    return {};
  }
  const map: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry === 'string') map[key] = entry;
    else problems.push(`${what} has ${key} = ${describeValue(entry)}, not a string`);
  }
  return map;
}

/** Plain code-unit order, so the output does not depend on the locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  return `${typeof value} ${String(value)}`;
}
