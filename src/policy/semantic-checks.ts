import type { Family, TableName } from '../ast';
import { BUILTIN_CHAINS, parseDump } from '../parser/parse-dump';
import { formatIPv4, formatIPv6, parseIPv4, parseIPv6 } from '../parser/values';
import { didYouMean, formatPath, type PathSegment, type PolicyProblem } from './problems';

/**
 * What the schema cannot say: names that must be unique or must refer to a
 * declared network, subnets Docker would refuse, ports published twice,
 * policies on user chains, rules iptables would not accept. Runs on data the
 * schema may have rejected, so every field is checked for its shape first and
 * skipped when it has the wrong one (the schema already reported it).
 */
export function semanticProblems(data: unknown): PolicyProblem[] {
  if (!isRecord(data)) return [];
  return [...dockerProblems(data.docker), ...chainProblems(data.chains), ...ruleProblems(data.rules)];
}

interface NetworkEntry {
  name: string | null;
  subnets: { path: PathSegment[]; subnet: Subnet }[];
}

function dockerProblems(docker: unknown): PolicyProblem[] {
  if (!isRecord(docker)) return [];
  const problems: PolicyProblem[] = [];
  const networks = networkEntries(docker.networks, problems);
  const names = networks.flatMap((network) => (network.name === null ? [] : [network.name]));
  const byName = new Map<string, NetworkEntry>();
  for (const network of networks) if (network.name !== null && !byName.has(network.name)) byName.set(network.name, network);

  const unknownNetwork = (path: PathSegment[], name: string): PolicyProblem => ({
    path,
    message: `no network named ${JSON.stringify(name)} in docker.networks${didYouMean(name, names)}`,
  });

  const claimed: { path: PathSegment[]; protocol: string; port: number; host: Address }[] = [];
  forEachRecord(docker.published, (published, index) => {
    const at: PathSegment[] = ['docker', 'published', index];
    const network = typeof published.network === 'string' ? byName.get(published.network) : undefined;
    if (typeof published.network === 'string' && network === undefined) problems.push(unknownNetwork([...at, 'network'], published.network));
    const container = typeof published.container === 'string' ? parseAddress(published.container) : null;
    if (network !== undefined && container !== null) {
      const subnets = network.subnets.filter((entry) => entry.subnet.family === container.family).map((entry) => entry.subnet);
      if (subnets.length > 0 && !subnets.some((subnet) => contains(subnet, container))) {
        problems.push({ path: [...at, 'container'], message: `${published.container} is outside network ${JSON.stringify(network.name)} (${subnets.map(formatSubnet).join(', ')})` });
      }
    }
    if (typeof published.protocol === 'string' && typeof published.hostPort === 'number') {
      // Without a host address the port is published on every address of the container's family
      // (Docker publishes `-p 8080:80` once per family of a dual-stack container).
      const host = typeof published.hostAddress === 'string' ? parseAddress(published.hostAddress) : container === null ? null : { family: container.family, value: 0n };
      if (host === null) return;
      const clash = claimed.find((other) => other.protocol === published.protocol && other.port === published.hostPort && hostsOverlap(other.host, host));
      if (clash !== undefined) {
        const where = typeof published.hostAddress === 'string' ? published.hostAddress : `every ${host.family === 'ipv4' ? 'IPv4' : 'IPv6'} address`;
        problems.push({ path: at, message: `${published.protocol} port ${published.hostPort} on ${where} is already published by ${formatPath(clash.path)}` });
      }
      claimed.push({ path: at, protocol: published.protocol, port: published.hostPort, host });
    }
  });

  if (Array.isArray(docker.isolate)) {
    docker.isolate.forEach((pair: unknown, index) => {
      if (!Array.isArray(pair) || pair.length !== 2) return;
      pair.forEach((name: unknown, side) => {
        if (typeof name === 'string' && !byName.has(name)) problems.push(unknownNetwork(['docker', 'isolate', index, side], name));
      });
      if (typeof pair[0] === 'string' && pair[0] === pair[1]) problems.push({ path: ['docker', 'isolate', index], message: 'names the same network twice; isolation is between two different networks' });
    });
  }
  for (const key of ['reach', 'deny'] as const) {
    forEachRecord(docker[key], (connection, index) => {
      const at: PathSegment[] = ['docker', key, index];
      for (const side of ['from', 'to'] as const) {
        const name = connection[side];
        if (typeof name !== 'string' || name === 'outside' || name === 'host') continue;
        if (!byName.has(name)) problems.push({ path: [...at, side], message: `${JSON.stringify(name)} is not a network of docker.networks, nor \`outside\` or \`host\`` });
      }
      if (connection.from === connection.to && (connection.from === 'outside' || connection.from === 'host')) {
        problems.push({ path: at, message: `a connection from ${connection.from} to ${connection.from} does not cross the host's firewall the way the others do; name two different endpoints` });
      }
      if (connection.protocol === 'icmp' && connection.port !== undefined) problems.push({ path: [...at, 'port'], message: 'ICMP has no ports; leave out `port` or choose tcp, udp or sctp' });
    });
  }
  return problems;
}

/** The networks with their names and parsed subnets, reporting duplicate names and bridges and bad subnets on the way. */
function networkEntries(list: unknown, problems: PolicyProblem[]): NetworkEntry[] {
  const entries: NetworkEntry[] = [];
  const firstWithName = new Map<string, number>();
  const firstWithBridge = new Map<string, number>();
  const allSubnets: { path: PathSegment[]; subnet: Subnet; network: string }[] = [];
  forEachRecord(list, (network, index) => {
    const at: PathSegment[] = ['docker', 'networks', index];
    const name = typeof network.name === 'string' ? network.name : null;
    if (name !== null) {
      const first = firstWithName.get(name);
      if (first !== undefined) problems.push({ path: [...at, 'name'], message: `${JSON.stringify(name)} is already the name of docker.networks[${first}]` });
      else firstWithName.set(name, index);
    }
    if (typeof network.bridge === 'string') {
      const first = firstWithBridge.get(network.bridge);
      if (first !== undefined) problems.push({ path: [...at, 'bridge'], message: `${JSON.stringify(network.bridge)} is already the bridge of docker.networks[${first}]` });
      else firstWithBridge.set(network.bridge, index);
    }

    const subnets: NetworkEntry['subnets'] = [];
    for (const family of ['ipv4', 'ipv6'] as const) {
      const texts = network[family];
      if (!Array.isArray(texts)) continue;
      texts.forEach((text: unknown, position) => {
        const path: PathSegment[] = [...at, family, position];
        const subnet = typeof text === 'string' ? parseSubnet(text) : null;
        if (subnet === null || subnet.family !== family) return;
        const masked = maskedSubnet(subnet);
        if (masked.address !== subnet.address) {
          problems.push({ path, message: `${text as string} has host bits set; the network is ${formatSubnet(masked)}` });
          return;
        }
        // Docker refuses a subnet that overlaps another network's ("Pool overlaps with other one on this address space").
        const overlapping = allSubnets.find((other) => overlaps(other.subnet, subnet));
        if (overlapping !== undefined) {
          problems.push({ path, message: `${formatSubnet(subnet)} overlaps ${formatSubnet(overlapping.subnet)} of network ${overlapping.network} (${formatPath(overlapping.path)})` });
        }
        subnets.push({ path, subnet });
        allSubnets.push({ path, subnet, network: name === null ? '?' : JSON.stringify(name) });
      });
    }
    entries.push({ name, subnets });
  });
  return entries;
}

function chainProblems(chains: unknown): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  forEachRecord(chains, (chain, index) => {
    if (typeof chain.policy !== 'string' || typeof chain.table !== 'string' || typeof chain.chain !== 'string') return;
    const builtins = BUILTIN_CHAINS[chain.table as TableName] ?? [];
    if (!builtins.includes(chain.chain)) {
      problems.push({
        path: ['chains', index, 'policy'],
        message: `only built-in chains have a policy, and ${chain.chain} is not one in ${chain.table} (${builtins.join(', ')})`,
      });
    }
  });
  return problems;
}

const CHAIN_COMMAND = /^\s*(-[AIDRCNXFZPE]|--(append|insert|delete|replace|check|new-chain|delete-chain|flush|zero|policy|rename-chain))(\s|$)/;

/** Each `rules[].rule` as iptables-restore would read it in its chain: an error there is an error in the policy. */
function ruleProblems(rules: unknown): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  forEachRecord(rules, (rule, index) => {
    const text = rule.rule;
    if (typeof text !== 'string' || text.trim() === '' || typeof rule.table !== 'string' || typeof rule.chain !== 'string') return;
    const path: PathSegment[] = ['rules', index, 'rule'];
    if (/[\r\n]/.test(text)) {
      problems.push({ path, message: 'must be one line' });
      return;
    }
    if (CHAIN_COMMAND.test(text)) {
      problems.push({ path, message: `starts with the command ${text.trim().split(/\s+/)[0]}; write only the rule, the chain comes from "chain"` });
      return;
    }
    const table = rule.table as TableName;
    if (!(table in BUILTIN_CHAINS)) return;
    const builtin = BUILTIN_CHAINS[table].includes(rule.chain);
    const dump = `*${table}\n${builtin ? '' : `:${rule.chain} - [0:0]\n`}-A ${rule.chain} ${text}\nCOMMIT\n`;
    const family = rule.family === 'ipv4' || rule.family === 'ipv6' ? (rule.family as Family) : undefined;
    const ruleLine = builtin ? 2 : 3;
    for (const diagnostic of parseDump(dump, { family }).diagnostics) {
      if (diagnostic.severity === 'error' && diagnostic.line === ruleLine) problems.push({ path, message: `${diagnostic.message} (${diagnostic.code})` });
    }
  });
  return problems;
}

interface Address {
  family: Family;
  value: bigint;
}

interface Subnet {
  family: Family;
  address: bigint;
  prefix: number;
}

const WIDTH: Record<Family, number> = { ipv4: 32, ipv6: 128 };

function parseAddress(text: string): Address | null {
  const ipv4 = parseIPv4(text);
  if (ipv4 !== null) return { family: 'ipv4', value: BigInt(ipv4) };
  const ipv6 = parseIPv6(text);
  if (ipv6 !== null) return { family: 'ipv6', value: ipv6.reduce((sum, group) => (sum << 16n) | BigInt(group), 0n) };
  return null;
}

function parseSubnet(text: string): Subnet | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const address = parseAddress(text.slice(0, slash));
  const prefix = Number(text.slice(slash + 1));
  if (address === null || !Number.isInteger(prefix) || prefix < 0 || prefix > WIDTH[address.family]) return null;
  return { family: address.family, address: address.value, prefix };
}

function hostBits(subnet: Subnet): number {
  return WIDTH[subnet.family] - subnet.prefix;
}

function maskedSubnet(subnet: Subnet): Subnet {
  const shift = BigInt(hostBits(subnet));
  return { ...subnet, address: (subnet.address >> shift) << shift };
}

function contains(subnet: Subnet, address: Address): boolean {
  const shift = BigInt(hostBits(subnet));
  return subnet.family === address.family && subnet.address >> shift === address.value >> shift;
}

function overlaps(a: Subnet, b: Subnet): boolean {
  if (a.family !== b.family) return false;
  const shift = BigInt(WIDTH[a.family] - Math.min(a.prefix, b.prefix));
  return a.address >> shift === b.address >> shift;
}

function formatSubnet(subnet: Subnet): string {
  return `${formatAddress(subnet.family, subnet.address)}/${subnet.prefix}`;
}

function formatAddress(family: Family, value: bigint): string {
  if (family === 'ipv4') return formatIPv4(Number(value));
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  return formatIPv6(groups);
}

/** Two bindings of one port clash when their host addresses can be the same: equal, or either one every address of their family. */
function hostsOverlap(a: Address, b: Address): boolean {
  return a.family === b.family && (a.value === 0n || b.value === 0n || a.value === b.value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function forEachRecord(list: unknown, visit: (record: Record<string, unknown>, index: number) => void): void {
  if (!Array.isArray(list)) return;
  list.forEach((item: unknown, index) => {
    if (isRecord(item)) visit(item, index);
  });
}
