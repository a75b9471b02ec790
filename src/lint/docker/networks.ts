import type { RuleContext } from '../types';
import type { Family, Ruleset, Table, TableName } from '../../ast';
import type { DockerNetwork, DockerPolicy, PublishedPort } from '../../policy/types';
import { familyOfAddress, parsePrefix, type Prefix } from './addresses';
import type { AddressSet } from './forward-path';

/** A policy network as the checks of one address family see it, defaults applied. */
export interface NetworkInFamily {
  name: string;
  bridge: string;
  /** The network's subnets of this family; empty when the policy gives none (addresses then stay unknown). */
  subnets: Prefix[];
  icc: boolean;
  masquerade: boolean;
  internal: boolean;
}

/**
 * The networks that carry traffic of this family. An IPv4 network is one with IPv4 subnets, or with
 * no subnets written at all (Docker gives every bridge network one); an IPv6 network needs IPv6
 * subnets, since Docker adds no ip6tables rules for a bridge without them and the host routes no
 * IPv6 there.
 */
export function networksInFamily(docker: DockerPolicy, family: Family): NetworkInFamily[] {
  const result: NetworkInFamily[] = [];
  for (const network of docker.networks) {
    const written = family === 'ipv4' ? network.ipv4 : network.ipv6;
    const carries = family === 'ipv4' ? (written?.length ?? 0) > 0 || (network.ipv6?.length ?? 0) === 0 : (written?.length ?? 0) > 0;
    if (!carries) continue;
    result.push(inFamily(network, family));
  }
  return result;
}

function inFamily(network: DockerNetwork, family: Family): NetworkInFamily {
  const written = (family === 'ipv4' ? network.ipv4 : network.ipv6) ?? [];
  return {
    name: network.name,
    bridge: network.bridge,
    subnets: written.map((text) => parsePrefix(text, family)).filter((prefix): prefix is Prefix => prefix !== null),
    icc: network.icc ?? true,
    masquerade: network.masquerade ?? true,
    internal: network.internal ?? false,
  };
}

/** Inside the subnets, or unknown when the policy gives none. */
export function withinSubnets(network: NetworkInFamily): AddressSet | undefined {
  return network.subnets.length === 0 ? undefined : { within: network.subnets };
}

/** Outside every subnet, or unknown when the policy gives none. */
export function outsideSubnets(network: NetworkInFamily): AddressSet | undefined {
  return network.subnets.length === 0 ? undefined : { outside: network.subnets };
}

export function tableOf(ruleset: Ruleset, name: TableName): Table | undefined {
  return ruleset.tables.find((table) => table.name === name);
}

/** Every bridge of the policy: "from outside" means from none of them. */
export function allBridges(docker: DockerPolicy): string[] {
  return [...new Set(docker.networks.map((network) => network.bridge))];
}

export function familyOfPort(port: PublishedPort): Family {
  return familyOfAddress(port.container);
}

/** `network web (br-1a2b3c)`, the way every Docker finding names a network. */
export function networkLabel(network: { name: string; bridge: string }): string {
  return `network ${network.name} (${network.bridge})`;
}

export function familyLabel(family: Family): string {
  return family === 'ipv4' ? 'IPv4' : 'IPv6';
}

/**
 * The filter table when it has a FORWARD chain, which every Docker check walks. Otherwise the
 * check cannot judge `networks`: it reports its `noForward` message once and gets null.
 */
export function forwardFilterOrReport(context: RuleContext, code: string, ruleset: Ruleset, networks: readonly { name: string; bridge: string }[], era: string): Table | null {
  const filter = tableOf(ruleset, 'filter');
  if (filter !== undefined && filter.chains.some((chain) => chain.name === 'FORWARD')) return filter;
  context.report({
    at: filter ?? ruleset,
    ruleset,
    table: filter,
    messageId: 'noForward',
    data: { family: familyLabel(ruleset.family), networks: networks.map(networkLabel).join(', '), era },
    fingerprint: `${code}|${ruleset.family}|noForward`,
  });
  return null;
}
