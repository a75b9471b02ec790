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
  | 'choice'
  | 'mac';

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
  /**
   * The single argument may be left out: iptables takes the next word only
   * when it does not start with `-` or `!` (rateest's `--rateest-bps [rate]`).
   */
  optionalArgument?: boolean;
  /** The option exists only in this family (`--ahlen` of IPv6's ah). */
  family?: Family;
  /** For kind 'choice': the words per family, replacing `choices` (REJECT's `--reject-with`). */
  choicesByFamily?: Partial<Record<Family, string[]>>;
  /** For kind 'choice': the argument is a comma-separated list of words (`--hashlimit-mode srcip,dstport`). */
  list?: boolean;
  /** For kind 'choice': iptables compares words case-insensitively (`--ctdir reply`). */
  ignoreCase?: boolean;
  /** For kind 'choice': iptables also takes any prefix of a word (`--reject-with icmp-host-u`). */
  prefixes?: boolean;
  /** The option may appear more than once (policy's element options, repeated after `--next`). */
  repeatable?: boolean;
}

export interface ExtensionSpec {
  /** Options by canonical name, in the order iptables-save prints them. */
  options: Record<string, OptionSpec>;
  /** Only valid for this family (icmp is IPv4, icmp6 is IPv6). */
  family?: Family;
  /** Protocols this extension needs with `-p` (tcp needs `-p tcp`): the spellings `-p` accepts, canonicalProtocol's first. */
  protocols?: string[];
  /** `protocols` applies only in this family: IPv4's ah needs `-p ah`, IPv6's is an extension-header match. */
  protocolsFamily?: Family;
  /** Another name for the same extension (`state` saves as itself, but means conntrack). */
  aliasOf?: string;
}
