import type { Family, Target } from '../ast';
import type { ExtensionSpec, OptionSpec, ValueKind } from './extension-spec';
import { validateValue } from './values';

type Extra = Omit<OptionSpec, 'arity' | 'values'>;

function flag(extra: Extra = {}): OptionSpec {
  return { arity: 0, ...extra };
}

function negatableFlag(extra: Extra = {}): OptionSpec {
  return { arity: 0, negatable: true, ...extra };
}

function arg(kind: ValueKind = 'string', extra: Extra = {}): OptionSpec {
  return kind === 'string' ? { arity: 1, ...extra } : { arity: 1, values: [kind], ...extra };
}

function negatableArg(kind: ValueKind = 'string', extra: Extra = {}): OptionSpec {
  return arg(kind, { negatable: true, ...extra });
}

function oneOf(choices: string[], extra: Extra = {}): OptionSpec {
  return { arity: 1, values: ['choice'], choices, ...extra };
}

/** rateest's rates: iptables takes the next word as the rate unless it starts with `-` or `!`. */
function optionalRate(): OptionSpec {
  return { arity: 1, optionalArgument: true };
}

function sourcePort(): OptionSpec {
  return negatableArg('port-range', { aliases: ['source-port'] });
}

function destinationPort(): OptionSpec {
  return negatableArg('port-range', { aliases: ['destination-port'] });
}

/** The address-set flags of `--match-set NAME src,dst` and SET's `--add-set NAME src,dst`. */
function setWithFlags(extra: Extra = {}): OptionSpec {
  return { arity: 2, values: ['string', 'choice'], choices: ['src', 'dst'], list: true, ...extra };
}

const DSCP_CLASSES = [
  'CS0', 'CS1', 'CS2', 'CS3', 'CS4', 'CS5', 'CS6', 'CS7', 'BE', 'EF',
  'AF11', 'AF12', 'AF13', 'AF21', 'AF22', 'AF23', 'AF31', 'AF32', 'AF33', 'AF41', 'AF42', 'AF43',
];

/** Syslog names LOG accepts (case-sensitive), and the numbers it prints them as. */
const LOG_LEVELS = [
  '0', '1', '2', '3', '4', '5', '6', '7',
  'emerg', 'panic', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug',
];

const IPV4_REJECT_TYPES = [
  'icmp-net-unreachable', 'net-unreach', 'icmp-host-unreachable', 'host-unreach',
  'icmp-proto-unreachable', 'proto-unreach', 'icmp-port-unreachable', 'port-unreach',
  'icmp-net-prohibited', 'net-prohib', 'icmp-host-prohibited', 'host-prohib',
  'tcp-reset', 'tcp-rst', 'icmp-admin-prohibited', 'admin-prohib',
];

const IPV6_REJECT_TYPES = [
  'icmp6-no-route', 'no-route', 'icmp6-adm-prohibited', 'adm-prohibited',
  'icmp6-addr-unreachable', 'addr-unreach', 'icmp6-port-unreachable', 'port-unreach',
  'tcp-reset', 'icmp6-policy-fail', 'policy-fail', 'icmp6-reject-route', 'reject-route',
];

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun', '1', '2', '3', '4', '5', '6', '7'];

const IPV6_HEADERS = [
  'hop', 'hop-by-hop', 'dst', 'ipv6-opts', 'route', 'ipv6-route', 'frag', 'ipv6-frag', 'auth', 'ah',
  'esp', 'none', 'ipv6-nonxt', 'prot', 'protocol', '0', '60', '43', '44', '51', '50', '59', '255',
];

const PORT_PROTOCOLS = ['tcp', 'udp', 'udplite', 'sctp', 'dccp'];

/**
 * The match extensions of iptables 1.8, keyed as iptables-save names them.
 * Option orders and arities were checked against iptables 1.8.9 (restore,
 * then save, in a private network namespace) and the expected outputs of
 * netfilter's extension tests.
 */
export const MATCHES: Record<string, ExtensionSpec> = {
  addrtype: {
    options: {
      'src-type': negatableArg('address-type'),
      'dst-type': negatableArg('address-type'),
      'limit-iface-in': flag(),
      'limit-iface-out': flag(),
    },
  },
  ah: {
    options: {
      ahspi: negatableArg(),
      ahlen: negatableArg('int', { family: 'ipv6' }),
      ahres: flag({ family: 'ipv6' }),
    },
    protocols: ['ah'],
    protocolsFamily: 'ipv4',
  },
  bpf: {
    options: {
      bytecode: arg(),
      'object-pinned': arg(),
    },
  },
  cgroup: {
    options: {
      path: negatableArg(),
      cgroup: negatableArg('int'),
    },
  },
  cluster: {
    // Saved as --cluster-local-nodemask; --cluster-local-node is never printed.
    options: {
      'cluster-local-node': negatableArg('int'),
      'cluster-local-nodemask': negatableArg('int'),
      'cluster-total-nodes': arg('int'),
      'cluster-hash-seed': arg('int'),
    },
  },
  comment: {
    options: {
      comment: arg(),
    },
  },
  connbytes: {
    options: {
      connbytes: negatableArg(),
      'connbytes-mode': oneOf(['packets', 'bytes', 'avgpkt']),
      'connbytes-dir': oneOf(['original', 'reply', 'both']),
    },
  },
  connlabel: {
    options: {
      label: negatableArg(),
      set: flag(),
    },
  },
  connlimit: {
    options: {
      'connlimit-upto': negatableArg('int'),
      'connlimit-above': negatableArg('int'),
      'connlimit-mask': arg('int'),
      'connlimit-saddr': flag(),
      'connlimit-daddr': flag(),
    },
  },
  connmark: {
    options: {
      mark: negatableArg('mark'),
    },
  },
  conntrack: {
    options: {
      ctstate: negatableArg('ct-states'),
      ctproto: negatableArg('protocol'),
      ctorigsrc: negatableArg('address'),
      ctorigdst: negatableArg('address'),
      ctreplsrc: negatableArg('address'),
      ctrepldst: negatableArg('address'),
      ctorigsrcport: negatableArg('port-range'),
      ctorigdstport: negatableArg('port-range'),
      ctreplsrcport: negatableArg('port-range'),
      ctrepldstport: negatableArg('port-range'),
      ctstatus: negatableArg('choice', {
        choices: ['NONE', 'EXPECTED', 'SEEN_REPLY', 'ASSURED', 'CONFIRMED'],
        list: true,
        ignoreCase: true,
        prefixes: true,
      }),
      ctexpire: negatableArg(),
      ctdir: oneOf(['ORIGINAL', 'REPLY'], { ignoreCase: true }),
    },
  },
  cpu: {
    options: {
      cpu: negatableArg('int'),
    },
  },
  dccp: {
    options: {
      sport: sourcePort(),
      dport: destinationPort(),
      'dccp-types': negatableArg('choice', {
        choices: ['REQUEST', 'RESPONSE', 'DATA', 'ACK', 'DATAACK', 'CLOSEREQ', 'CLOSE', 'RESET', 'SYNC', 'SYNCACK', 'INVALID'],
        list: true,
        ignoreCase: true,
      }),
      'dccp-option': negatableArg('int'),
    },
    protocols: ['dccp'],
  },
  devgroup: {
    options: {
      'src-group': negatableArg(),
      'dst-group': negatableArg(),
    },
  },
  dscp: {
    options: {
      dscp: negatableArg('int'),
      'dscp-class': negatableArg('choice', { choices: DSCP_CLASSES, ignoreCase: true }),
    },
  },
  dst: {
    options: {
      'dst-len': negatableArg('int'),
      'dst-opts': arg(),
    },
    family: 'ipv6',
  },
  ecn: {
    // The TCP options need -p tcp; --ecn-ip-ect does not.
    options: {
      'ecn-tcp-ece': negatableFlag(),
      'ecn-tcp-cwr': negatableFlag(),
      'ecn-ip-ect': negatableArg('int'),
    },
  },
  esp: {
    options: {
      espspi: negatableArg(),
    },
    protocols: ['esp'],
  },
  eui64: {
    options: {},
    family: 'ipv6',
  },
  frag: {
    options: {
      fragid: negatableArg(),
      fraglen: negatableArg('int'),
      fragres: flag(),
      fragfirst: flag(),
      fragmore: flag(),
      fraglast: flag(),
    },
    family: 'ipv6',
  },
  hashlimit: {
    options: {
      'hashlimit-upto': negatableArg('rate', { aliases: ['hashlimit'] }),
      'hashlimit-above': negatableArg('rate'),
      'hashlimit-burst': arg(),
      'hashlimit-mode': oneOf(['srcip', 'srcport', 'dstip', 'dstport'], { list: true }),
      'hashlimit-name': arg(),
      'hashlimit-htable-size': arg('int'),
      'hashlimit-htable-max': arg('int'),
      'hashlimit-htable-gcinterval': arg('int'),
      'hashlimit-htable-expire': arg('int'),
      'hashlimit-srcmask': arg('int'),
      'hashlimit-dstmask': arg('int'),
      'hashlimit-rate-match': flag(),
      'hashlimit-rate-interval': arg('int'),
    },
  },
  hbh: {
    options: {
      'hbh-len': negatableArg('int'),
      'hbh-opts': arg(),
    },
    family: 'ipv6',
  },
  helper: {
    options: {
      helper: negatableArg(),
    },
  },
  hl: {
    options: {
      'hl-eq': negatableArg('int'),
      'hl-lt': arg('int'),
      'hl-gt': arg('int'),
    },
    family: 'ipv6',
  },
  icmp: {
    options: {
      'icmp-type': negatableArg('icmp-type'),
    },
    family: 'ipv4',
    protocols: ['icmp'],
  },
  icmp6: {
    options: {
      'icmpv6-type': negatableArg('icmpv6-type'),
    },
    family: 'ipv6',
    protocols: ['ipv6-icmp', 'icmpv6', 'icmp6'],
  },
  ipcomp: {
    options: {
      ipcompspi: negatableArg(),
      compres: flag(),
    },
    protocols: ['ipcomp'],
  },
  iprange: {
    options: {
      'src-range': negatableArg('address-range'),
      'dst-range': negatableArg('address-range'),
    },
  },
  ipv6header: {
    options: {
      header: negatableArg('choice', { choices: IPV6_HEADERS, list: true }),
      soft: flag(),
    },
    family: 'ipv6',
  },
  ipvs: {
    options: {
      ipvs: negatableFlag(),
      vproto: negatableArg('protocol'),
      vaddr: negatableArg('address'),
      vport: negatableArg('port'),
      vdir: oneOf(['ORIGINAL', 'REPLY'], { ignoreCase: true }),
      vmethod: negatableArg('choice', { choices: ['GATE', 'IPIP', 'MASQ'], ignoreCase: true }),
      vportctl: negatableArg('port'),
    },
  },
  length: {
    options: {
      length: negatableArg(),
    },
  },
  limit: {
    options: {
      limit: arg('rate'),
      'limit-burst': arg('int'),
    },
  },
  mac: {
    options: {
      'mac-source': negatableArg('mac'),
    },
  },
  mark: {
    options: {
      mark: negatableArg('mark'),
    },
  },
  mh: {
    options: {
      'mh-type': negatableArg(),
    },
    family: 'ipv6',
    protocols: ['mobility-header', 'ipv6-mh', 'mh'],
  },
  multiport: {
    options: {
      sports: negatableArg('port-list', { aliases: ['source-ports'] }),
      dports: negatableArg('port-list', { aliases: ['destination-ports'] }),
      ports: negatableArg('port-list'),
    },
    protocols: PORT_PROTOCOLS,
  },
  nfacct: {
    options: {
      'nfacct-name': arg(),
    },
  },
  osf: {
    options: {
      genre: negatableArg(),
      ttl: oneOf(['0', '1', '2']),
      log: oneOf(['0', '1', '2']),
    },
    family: 'ipv4',
    protocols: ['tcp'],
  },
  owner: {
    options: {
      'socket-exists': negatableFlag(),
      'uid-owner': negatableArg(),
      'gid-owner': negatableArg(),
      'suppl-groups': flag(),
    },
  },
  physdev: {
    options: {
      'physdev-is-in': negatableFlag(),
      'physdev-in': negatableArg('interface'),
      'physdev-is-out': negatableFlag(),
      'physdev-out': negatableArg('interface'),
      'physdev-is-bridged': negatableFlag(),
    },
  },
  pkttype: {
    options: {
      'pkt-type': negatableArg('choice', {
        choices: ['unicast', 'broadcast', 'multicast', 'otherhost', 'host', 'bcast', 'mcast'],
        ignoreCase: true,
      }),
    },
  },
  policy: {
    // Each --next starts a new policy element, which repeats the element options.
    options: {
      dir: oneOf(['in', 'out']),
      pol: oneOf(['none', 'ipsec']),
      strict: flag(),
      reqid: negatableArg('int', { repeatable: true }),
      spi: negatableArg('int', { repeatable: true }),
      proto: negatableArg('protocol', { repeatable: true }),
      mode: negatableArg('choice', { choices: ['transport', 'tunnel'], repeatable: true }),
      'tunnel-dst': negatableArg('address', { repeatable: true }),
      'tunnel-src': negatableArg('address', { repeatable: true }),
      next: flag({ repeatable: true }),
    },
  },
  quota: {
    options: {
      quota: negatableArg(),
    },
  },
  rateest: {
    // iptables treats --rateest as --rateest1 and --rateest-bps/-pps as
    // --rateest-bps2/-pps2, but prints each spelling in its own mode, so
    // they stay separate options here to print back as saved.
    options: {
      'rateest-delta': flag(),
      rateest: arg(),
      rateest1: arg(),
      'rateest-bps1': optionalRate(),
      'rateest-pps1': optionalRate(),
      'rateest-lt': negatableFlag(),
      'rateest-gt': negatableFlag(),
      'rateest-eq': negatableFlag(),
      'rateest-bps': optionalRate(),
      'rateest-pps': optionalRate(),
      'rateest-bps2': optionalRate(),
      'rateest-pps2': optionalRate(),
      rateest2: arg(),
    },
  },
  realm: {
    options: {
      realm: negatableArg(),
    },
    family: 'ipv4',
  },
  recent: {
    options: {
      set: negatableFlag(),
      rcheck: negatableFlag(),
      update: negatableFlag(),
      remove: negatableFlag(),
      seconds: arg('int'),
      reap: flag(),
      hitcount: arg('int'),
      rttl: flag(),
      name: arg(),
      mask: arg(),
      rsource: flag(),
      rdest: flag(),
    },
  },
  rpfilter: {
    options: {
      loose: flag(),
      validmark: flag(),
      'accept-local': flag(),
      invert: flag(),
    },
  },
  rt: {
    options: {
      'rt-type': negatableArg('int'),
      'rt-segsleft': negatableArg(),
      'rt-len': negatableArg('int'),
      'rt-0-res': flag(),
      'rt-0-addrs': arg(),
      'rt-0-not-strict': flag(),
    },
    family: 'ipv6',
  },
  sctp: {
    options: {
      sport: sourcePort(),
      dport: destinationPort(),
      'chunk-types': {
        arity: 2,
        values: ['choice', 'string'],
        choices: ['all', 'any', 'only'],
        ignoreCase: true,
        negatable: true,
      },
    },
    protocols: ['sctp'],
  },
  set: {
    // `--set NAME FLAGS` is the revision 0 spelling of --match-set.
    options: {
      'match-set': setWithFlags({ negatable: true, aliases: ['set'] }),
      'return-nomatch': flag(),
      'update-counters': negatableFlag(),
      'update-subcounters': negatableFlag(),
      'packets-eq': negatableArg(),
      'packets-lt': arg(),
      'packets-gt': arg(),
      'bytes-eq': negatableArg(),
      'bytes-lt': arg(),
      'bytes-gt': arg(),
    },
  },
  socket: {
    options: {
      transparent: flag(),
      nowildcard: flag(),
      'restore-skmark': flag(),
    },
  },
  srh: {
    options: {
      'srh-next-hdr': negatableArg('int'),
      'srh-hdr-len-eq': negatableArg('int'),
      'srh-hdr-len-gt': negatableArg('int'),
      'srh-hdr-len-lt': negatableArg('int'),
      'srh-segs-left-eq': negatableArg('int'),
      'srh-segs-left-gt': negatableArg('int'),
      'srh-segs-left-lt': negatableArg('int'),
      'srh-last-entry-eq': negatableArg('int'),
      'srh-last-entry-gt': negatableArg('int'),
      'srh-last-entry-lt': negatableArg('int'),
      'srh-tag': negatableArg('int'),
      'srh-psid': negatableArg('address'),
      'srh-nsid': negatableArg('address'),
      'srh-lsid': negatableArg('address'),
    },
    family: 'ipv6',
  },
  state: {
    options: {
      state: negatableArg('ct-states'),
    },
    aliasOf: 'conntrack',
  },
  statistic: {
    options: {
      mode: oneOf(['random', 'nth']),
      probability: negatableArg(),
      every: negatableArg('int'),
      packet: arg('int'),
    },
  },
  string: {
    options: {
      string: negatableArg(),
      'hex-string': negatableArg(),
      algo: oneOf(['bm', 'kmp']),
      from: arg('int'),
      to: arg('int'),
      icase: flag(),
    },
  },
  tcp: {
    options: {
      sport: sourcePort(),
      dport: destinationPort(),
      'tcp-option': negatableArg('int'),
      'tcp-flags': { arity: 2, values: ['tcp-flags', 'tcp-flags'], negatable: true },
      // Saved as --tcp-flags FIN,SYN,RST,ACK SYN.
      syn: negatableFlag(),
    },
    protocols: ['tcp'],
  },
  tcpmss: {
    options: {
      mss: negatableArg(),
    },
    protocols: ['tcp'],
  },
  time: {
    options: {
      timestart: arg(),
      timestop: arg(),
      monthdays: negatableArg(),
      weekdays: negatableArg('choice', { choices: WEEKDAYS, list: true }),
      datestart: arg(),
      datestop: arg(),
      kerneltz: flag({ aliases: ['localtz'] }),
      utc: flag(),
      contiguous: flag(),
    },
  },
  tos: {
    options: {
      tos: negatableArg(),
    },
  },
  ttl: {
    options: {
      'ttl-eq': negatableArg('int'),
      'ttl-lt': arg('int'),
      'ttl-gt': arg('int'),
    },
    family: 'ipv4',
  },
  u32: {
    options: {
      u32: negatableArg(),
    },
  },
  udp: {
    options: {
      sport: sourcePort(),
      dport: destinationPort(),
    },
    protocols: ['udp'],
  },
};

/** The target extensions of iptables 1.8, checked the same way as MATCHES. */
export const TARGETS: Record<string, ExtensionSpec> = {
  AUDIT: {
    options: {
      type: oneOf(['accept', 'drop', 'reject'], { ignoreCase: true }),
    },
  },
  CHECKSUM: {
    options: {
      'checksum-fill': flag(),
    },
  },
  CLASSIFY: {
    options: {
      'set-class': arg(),
    },
  },
  CLUSTERIP: {
    options: {
      new: flag(),
      hashmode: oneOf(['sourceip', 'sourceip-sourceport', 'sourceip-sourceport-destport']),
      clustermac: arg(),
      'total-nodes': arg('int'),
      'local-node': arg('int'),
      'hash-init': arg('int'),
    },
    family: 'ipv4',
  },
  CONNMARK: {
    // --set-mark, --and-mark, --or-mark, --xor-mark and --mask are saved in the --set-xmark/--nfmask/--ctmask forms.
    options: {
      'set-xmark': arg('mark'),
      'save-mark': flag(),
      'restore-mark': flag(),
      nfmask: arg('int'),
      ctmask: arg('int'),
      'left-shift-mark': arg('int'),
      'right-shift-mark': arg('int'),
      'set-mark': arg('mark'),
      'and-mark': arg('int'),
      'or-mark': arg('int'),
      'xor-mark': arg('int'),
      mask: arg('int'),
    },
  },
  CONNSECMARK: {
    options: {
      save: flag(),
      restore: flag(),
    },
  },
  CT: {
    options: {
      notrack: flag(),
      helper: arg(),
      timeout: arg(),
      ctevents: oneOf(
        ['new', 'related', 'destroy', 'reply', 'assured', 'protoinfo', 'helper', 'mark', 'natseqinfo', 'secmark'],
        { list: true },
      ),
      expevents: oneOf(['new'], { list: true }),
      'zone-orig': arg(),
      'zone-reply': arg(),
      zone: arg(),
    },
  },
  DNAT: {
    options: {
      'to-destination': arg('nat-range'),
      random: flag(),
      persistent: flag(),
    },
  },
  DNPT: {
    options: {
      'src-pfx': arg('address'),
      'dst-pfx': arg('address'),
    },
    family: 'ipv6',
  },
  DSCP: {
    options: {
      'set-dscp': arg('int'),
      'set-dscp-class': oneOf(DSCP_CLASSES, { ignoreCase: true }),
    },
  },
  ECN: {
    // The TCP options need -p tcp; --ecn-ip-ect does not.
    options: {
      'ecn-tcp-remove': flag(),
      'ecn-tcp-ece': arg('int'),
      'ecn-tcp-cwr': arg('int'),
      'ecn-ip-ect': arg('int'),
    },
    family: 'ipv4',
  },
  HL: {
    options: {
      'hl-set': arg('int'),
      'hl-dec': arg('int'),
      'hl-inc': arg('int'),
    },
    family: 'ipv6',
  },
  HMARK: {
    options: {
      'hmark-src-prefix': arg('int'),
      'hmark-dst-prefix': arg('int'),
      'hmark-sport-mask': arg('int'),
      'hmark-dport-mask': arg('int'),
      'hmark-spi-mask': arg('int'),
      'hmark-sport': arg('int'),
      'hmark-dport': arg('int'),
      'hmark-spi': arg('int'),
      'hmark-proto-mask': arg('int'),
      'hmark-rnd': arg('int'),
      'hmark-mod': arg('int'),
      'hmark-offset': arg('int'),
      'hmark-tuple': oneOf(['src', 'dst', 'sport', 'dport', 'spi', 'proto', 'ct'], {
        list: true,
        ignoreCase: true,
        prefixes: true,
      }),
    },
  },
  IDLETIMER: {
    options: {
      timeout: arg('int'),
      label: arg(),
      alarm: flag(),
    },
  },
  LED: {
    options: {
      'led-trigger-id': arg(),
      'led-delay': arg(),
      'led-always-blink': flag(),
    },
  },
  LOG: {
    options: {
      'log-prefix': arg(),
      'log-level': oneOf(LOG_LEVELS),
      'log-tcp-sequence': flag(),
      'log-tcp-options': flag(),
      'log-ip-options': flag(),
      'log-uid': flag(),
      'log-macdecode': flag(),
    },
  },
  MARK: {
    // All forms are saved as --set-xmark value/mask.
    options: {
      'set-xmark': arg('mark'),
      'set-mark': arg('mark'),
      'and-mark': arg('int'),
      'or-mark': arg('int'),
      'xor-mark': arg('int'),
    },
  },
  MASQUERADE: {
    options: {
      'to-ports': arg(),
      random: flag(),
      'random-fully': flag(),
    },
  },
  NETMAP: {
    options: {
      to: arg('address'),
    },
  },
  NFLOG: {
    options: {
      'nflog-prefix': arg(),
      'nflog-group': arg('int'),
      'nflog-range': arg('int'),
      'nflog-size': arg('int'),
      'nflog-threshold': arg('int'),
    },
  },
  NFQUEUE: {
    options: {
      'queue-num': arg('int'),
      'queue-balance': arg(),
      'queue-bypass': flag(),
      'queue-cpu-fanout': flag(),
    },
  },
  NOTRACK: {
    options: {},
  },
  RATEEST: {
    options: {
      'rateest-name': arg(),
      'rateest-interval': arg(),
      'rateest-ewmalog': arg(),
    },
  },
  REDIRECT: {
    options: {
      'to-ports': arg(),
      random: flag(),
    },
  },
  REJECT: {
    options: {
      'reject-with': oneOf([...new Set([...IPV4_REJECT_TYPES, ...IPV6_REJECT_TYPES])], {
        choicesByFamily: { ipv4: IPV4_REJECT_TYPES, ipv6: IPV6_REJECT_TYPES },
        ignoreCase: true,
        prefixes: true,
      }),
    },
  },
  SECMARK: {
    options: {
      selctx: arg(),
    },
  },
  SET: {
    options: {
      'add-set': setWithFlags(),
      'del-set': setWithFlags(),
      exist: flag(),
      timeout: arg('int'),
      'map-set': setWithFlags(),
      'map-mark': flag(),
      'map-prio': flag(),
      'map-queue': flag(),
    },
  },
  SNAT: {
    options: {
      'to-source': arg('nat-range'),
      random: flag(),
      'random-fully': flag(),
      persistent: flag(),
    },
  },
  SNPT: {
    options: {
      'src-pfx': arg('address'),
      'dst-pfx': arg('address'),
    },
    family: 'ipv6',
  },
  SYNPROXY: {
    options: {
      'sack-perm': flag(),
      timestamp: flag(),
      wscale: arg('int'),
      mss: arg('int'),
      ecn: flag(),
    },
    protocols: ['tcp'],
  },
  TCPMSS: {
    options: {
      'set-mss': arg('int'),
      'clamp-mss-to-pmtu': flag(),
    },
    protocols: ['tcp'],
  },
  TCPOPTSTRIP: {
    options: {
      'strip-options': arg(),
    },
    protocols: ['tcp'],
  },
  TEE: {
    options: {
      gateway: arg('address'),
      oif: arg('interface'),
    },
  },
  TOS: {
    // All forms are saved as --set-tos value/mask.
    options: {
      'set-tos': arg(),
      'and-tos': arg('int'),
      'or-tos': arg('int'),
      'xor-tos': arg('int'),
    },
  },
  TPROXY: {
    options: {
      'on-port': arg('port'),
      'on-ip': arg('address'),
      'tproxy-mark': arg('mark'),
    },
    protocols: ['tcp', 'udp'],
  },
  TRACE: {
    options: {},
  },
  TTL: {
    options: {
      'ttl-set': arg('int'),
      'ttl-dec': arg('int'),
      'ttl-inc': arg('int'),
    },
    family: 'ipv4',
  },
  ULOG: {
    options: {
      'ulog-prefix': arg(),
      'ulog-nlgroup': arg('int'),
      'ulog-cprange': arg('int'),
      'ulog-qthreshold': arg('int'),
    },
    family: 'ipv4',
  },
};

const TARGET_NAMES = new Set(Object.keys(TARGETS));

/** Whether `-j NAME` names a target extension ipt-lint knows (not a chain; `toString` is a chain). */
export function isTargetExtension(name: string): boolean {
  return TARGET_NAMES.has(name);
}

export const STANDARD_TARGETS = new Set(['ACCEPT', 'DROP', 'RETURN', 'QUEUE']);

/** Each verdict and target extension name, mapped to itself: one string per name for the whole run. */
const KNOWN_TARGET_NAMES = new Map([...STANDARD_TARGETS, ...TARGET_NAMES].map((name) => [name, name]));

/**
 * The run's own copy of a verdict's or target extension's name, or undefined for any other
 * name. A rule that keeps this copy rather than a slice of its line costs nothing to look up
 * by name later: the copy is hashed once, not once per rule.
 */
export function knownTargetName(name: string): string | undefined {
  return KNOWN_TARGET_NAMES.get(name);
}

/** The type of a target written after `-j` or `-g`, from `knownTargetName` of its name: a goto, and any name not known, lead to a chain. */
export function targetTypeFor(kind: Target['kind'], known: string | undefined): Target['type'] {
  return kind === 'goto' || known === undefined ? 'chain' : STANDARD_TARGETS.has(known) ? 'standard' : 'extension';
}

export interface FoundOption {
  /** Canonical name, without dashes. */
  name: string;
  spec: OptionSpec;
}

const spellingIndex = new WeakMap<ExtensionSpec, Map<string, FoundOption>>();

function spellingsOf(extension: ExtensionSpec): Map<string, FoundOption> {
  let index = spellingIndex.get(extension);
  if (index === undefined) {
    index = new Map();
    for (const [name, spec] of Object.entries(extension.options)) {
      const found = { name, spec };
      index.set(name, found);
      for (const alias of spec.aliases ?? []) index.set(alias, found);
    }
    spellingIndex.set(extension, index);
  }
  return index;
}

/** The option an exact spelling (without dashes) names, aliases resolved. */
export function findOption(spec: ExtensionSpec, name: string): FoundOption | null {
  return spellingsOf(spec).get(name) ?? null;
}

/**
 * Options a spelling could abbreviate: iptables reads options with
 * `getopt_long`, which accepts any unambiguous prefix (`--to` for
 * `--to-destination`). Whether a prefix is ambiguous depends on every option
 * loaded at that point, so callers combine the candidates of all extensions.
 */
export function findOptionsByPrefix(spec: ExtensionSpec, prefix: string): FoundOption[] {
  const found: FoundOption[] = [];
  for (const [spelling, option] of spellingsOf(spec)) {
    if (spelling.startsWith(prefix) && !found.includes(option)) found.push(option);
  }
  return found;
}

/** The words a 'choice' argument accepts in this family. */
export function choicesFor(option: OptionSpec, family: Family): string[] | undefined {
  return option.choicesByFamily?.[family] ?? option.choices;
}

/** Checks argument `index` of an option, with the option's family choices, list and case rules. */
export function validateOptionValue(option: OptionSpec, index: number, value: string, family: Family): string | null {
  const kind = option.values?.[index] ?? 'string';
  return validateValue(kind, value, family, choicesFor(option, family), {
    list: option.list ?? false,
    ignoreCase: option.ignoreCase ?? false,
    prefixes: option.prefixes ?? false,
  });
}
