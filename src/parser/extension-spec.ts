import type { Family } from '../ast';

/** What an option's arguments look like, for validation and canonical printing. */
export type ValueKind =
  | 'string'
  | 'int'
  | 'port'
  | 'port-range'
  | 'port-list'
  | 'address'
  | 'address-range'
  | 'mark'
  | 'ct-states'
  | 'interface'
  | 'protocol'
  | 'icmp-type'
  | 'icmpv6-type'
  | 'tcp-flags'
  | 'rate'
  | 'address-type'
  | 'nat-range'
  | 'choice';

export interface OptionSpec {
  /** How many arguments follow the option. Arguments may look like options (`--comment -A`). */
  arity: number;
  /** Other spellings, without dashes (`destination-port` for `dport`). */
  aliases?: string[];
  /** One kind per argument; missing kinds mean 'string'. */
  values?: ValueKind[];
  /** For kind 'choice': the accepted words. */
  choices?: string[];
  /** True when `! --option` is accepted. */
  negatable?: boolean;
}

export interface ExtensionSpec {
  /** Options by canonical name, in the order iptables-save prints them. */
  options: Record<string, OptionSpec>;
  /** Only valid for this family (icmp is IPv4, icmp6 is IPv6). */
  family?: Family;
  /** Protocols this match needs with `-p` (tcp needs `-p tcp`). */
  protocols?: string[];
  /** Another name for the same extension (`state` saves as itself, but means conntrack). */
  aliasOf?: string;
}
