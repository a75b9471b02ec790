import type { Family } from '../src/ast';
import type { ValueKind } from '../src/parser/extension-spec';
import { bracketCounters, chainNameProblem } from '../src/parser/build-rule';
import {
  canonicalAddress,
  canonicalPortRange,
  canonicalProtocol,
  formatIPv4,
  formatIPv6,
  isHostname,
  parseIPv4,
  parseIPv6,
  parseUnsigned,
  protocolNumber,
  validateValue,
} from '../src/parser/values';

// Canonical forms below are what iptables-save / ip6tables-save 1.8.9 printed
// for the given input, restored in a private network namespace.

describe('canonicalAddress', () => {
  test.each([
    ['127.0.0.1', '127.0.0.1/32'],
    ['0.0.0.0', '0.0.0.0/32'],
    ['0.0.0.0/8', '0.0.0.0/8'],
    ['0.0.0.0/24', '0.0.0.0/24'],
    ['10.11.12.13/8', '10.0.0.0/8'],
    ['10.11.12.13/9', '10.0.0.0/9'],
    ['10.11.12.13/12', '10.0.0.0/12'],
    ['10.11.12.13/30', '10.11.12.12/30'],
    ['10.11.12.13/31', '10.11.12.12/31'],
    ['10.11.12.13/32', '10.11.12.13/32'],
    ['10.11.12.13/255.0.0.0', '10.0.0.0/8'],
    ['10.11.12.13/255.128.0.0', '10.0.0.0/9'],
    ['10.11.12.13/255.255.255.255', '10.11.12.13/32'],
    ['10.1.2.3/255.255.255.254', '10.1.2.2/31'],
    ['10.1.2.3/0.0.0.0', '0.0.0.0/0'],
    ['10.11.12.13/255.0.255.0', '10.0.12.0/255.0.255.0'],
    ['10.11.12.13/255.0.12.0', '10.0.12.0/255.0.12.0'],
    ['1.2.3.4/255.0.255.0', '1.0.3.0/255.0.255.0'],
    ['10.1.2.3/0.255.255.255', '0.1.2.3/0.255.255.255'],
    ['0/0', '0.0.0.0/0'],
    // iptables reads -s parts as C numbers and fills in missing trailing parts.
    ['10', '10.0.0.0/32'],
    ['10.1', '10.1.0.0/32'],
    ['10.1/16', '10.1.0.0/16'],
    ['0x0a.1.2.3', '10.1.2.3/32'],
    ['010.1.2.3', '8.1.2.3/32'],
    ['01.2.3.4/24', '1.2.3.0/24'],
    ['10.1.2.3/0x10', '10.1.0.0/16'],
    ['1.2.3.4,5.6.7.8/8', '1.2.3.4/32,5.0.0.0/8'],
  ])('IPv4 %s → %s', (input, expected) => {
    expect(canonicalAddress(input, 'ipv4')).toBe(expected);
  });

  test.each([
    ['::', '::/128'],
    ['::/64', '::/64'],
    ['::/0', '::/0'],
    ['c0::fe', 'c0::fe/128'],
    ['dead::beef', 'dead::beef/128'],
    ['2001:DB8:0:0:1:0:0:1/64', '2001:db8::/64'],
    ['2001:db8::1/64', '2001:db8::/64'],
    ['2001:db8::/ffff:ffff::', '2001:db8::/32'],
    ['2001:db8::/ffff:0:ffff::', '2001::/ffff:0:ffff::'],
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4/128'],
    ['::ffff:0:1', '::ffff:0.0.0.1/128'],
    ['::ffff:0.0.0.0', '::ffff:0.0.0.0/128'],
    ['::1.2.3.4', '::1.2.3.4/128'],
    ['::1:0', '::0.1.0.0/128'],
    ['::0.0.1.2', '::102/128'],
    ['::0.0.0.1', '::1/128'],
    ['1:0:0:1:0:0:0:1', '1:0:0:1::1/128'],
    ['1:0:0:1:1:0:0:1', '1::1:1:0:0:1/128'],
    ['0:0:1:0:0:0:0:0', '0:0:1::/128'],
    ['::1:0:0', '::1:0:0/128'],
    ['0:0:0:0:0:1:0:0', '::1:0:0/128'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8/128'],
    ['2001:db8::1,2001:db8::/32', '2001:db8::1/128,2001:db8::/32'],
  ])('IPv6 %s → %s', (input, expected) => {
    expect(canonicalAddress(input, 'ipv6')).toBe(expected);
  });

  test.each([
    ['localhost', 'ipv4'],
    ['gw.example.com/24', 'ipv4'],
    ['10.1.2.300', 'ipv4'],
    ['1.2.3.4/33', 'ipv4'],
    ['localhost', 'ipv6'],
    ['2001:db8::g', 'ipv6'],
  ] as [string, Family][])('leaves %s (%s) as written', (input, family) => {
    expect(canonicalAddress(input, family)).toBe(input);
  });
});

describe('canonicalProtocol', () => {
  test.each([
    ['6', 'ipv4', 'tcp'],
    ['TCP', 'ipv4', 'tcp'],
    ['0x11', 'ipv4', 'udp'],
    ['17', 'ipv6', 'udp'],
    ['1', 'ipv4', 'icmp'],
    ['47', 'ipv4', 'gre'],
    ['gre', 'ipv4', 'gre'],
    ['132', 'ipv4', 'sctp'],
    ['136', 'ipv4', 'udplite'],
    ['58', 'ipv6', 'ipv6-icmp'],
    ['icmpv6', 'ipv6', 'ipv6-icmp'],
    ['ipv6-icmp', 'ipv6', 'ipv6-icmp'],
    ['51', 'ipv6', 'ah'],
    ['135', 'ipv6', 'mobility-header'],
    ['mh', 'ipv6', 'mobility-header'],
    ['ipv6-mh', 'ipv6', 'mobility-header'],
    ['IPv6-Frag', 'ipv6', 'ipv6-frag'],
    ['200', 'ipv4', '200'],
    ['255', 'ipv4', '255'],
    ['all', 'ipv4', 'all'],
    ['0', 'ipv4', 'all'],
    ['ip', 'ipv4', 'all'],
    ['hopopt', 'ipv6', 'all'],
  ] as [string, Family, string][])('-p %s (%s) → %s', (input, family, expected) => {
    expect(canonicalProtocol(input, family)).toBe(expected);
  });

  test('unknown names come back lowercased', () => {
    expect(canonicalProtocol('Foo', 'ipv4')).toBe('foo');
  });

  test('protocolNumber', () => {
    expect(protocolNumber('tcp')).toBe(6);
    expect(protocolNumber('ICMPv6')).toBe(58);
    expect(protocolNumber('256')).toBeNull();
    expect(protocolNumber('icmp6')).toBeNull();
  });
});

describe('canonicalPortRange', () => {
  test.each([
    ['22', '22'],
    ['1:1023', '1:1023'],
    ['1024:65535', '1024:65535'],
    ['1024:', '1024:65535'],
    [':4', '0:4'],
    ['4:', '4:65535'],
    ['4:4', '4'],
    ['0:0', '0'],
    [':', '0:65535'],
    ['0x10', '16'],
    ['010', '8'],
    ['ssh', 'ssh'],
    ['ssh:http', 'ssh:http'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalPortRange(input)).toBe(expected);
  });
});

describe('number and address parsing', () => {
  test.each([
    ['0', 0],
    ['65535', 65535],
    ['0x10', 16],
    ['0XfF', 255],
    ['010', 8],
    ['08', null],
    ['', null],
    ['-1', null],
    ['0x', null],
    ['65536', null],
  ])('parseUnsigned(%p, 65535) = %p', (input, expected) => {
    expect(parseUnsigned(input, 65535)).toBe(expected);
  });

  test('parseIPv4 strict is inet_pton', () => {
    expect(parseIPv4('192.168.1.254')).toBe(0xc0a801fe);
    expect(parseIPv4('255.255.255.255')).toBe(0xffffffff);
    for (const bad of ['010.2.3.4', '10.2.3', '1.2.3.4.5', '1..3.4', '256.1.1.1', '1.2.3.4 ', '']) {
      expect(parseIPv4(bad)).toBeNull();
    }
  });

  test('parseIPv4 loose is how iptables reads -s', () => {
    expect(parseIPv4('010.2.3.4', true)).toBe(0x08020304);
    expect(parseIPv4('10.2', true)).toBe(0x0a020000);
    expect(parseIPv4('1.2.3.4.5', true)).toBeNull();
    expect(parseIPv4('1..3.4', true)).toBeNull();
  });

  test('formatIPv4', () => {
    expect(formatIPv4(0)).toBe('0.0.0.0');
    expect(formatIPv4(0xffffffff)).toBe('255.255.255.255');
  });

  test.each([
    '::', '::1', '1::', 'fe80::1:2', '2001:db8:0:0:0:0:2:1', '::ffff:192.0.2.1', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:1.2.3.4',
  ])('parseIPv6 accepts %s', (input) => {
    expect(parseIPv6(input)).toHaveLength(8);
  });

  test.each([
    '', ':', ':::', '1:::2', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', 'g::', '::1.2.3', '::010.1.2.3',
    'fe80::1%eth0', '1:2:3:4:5:6:7::8:9', '::1.2.3.4:5',
  ])('parseIPv6 rejects %p', (input) => {
    expect(parseIPv6(input)).toBeNull();
  });

  test('formatIPv6 follows glibc inet_ntop', () => {
    expect(formatIPv6([0, 0, 0, 0, 0, 0, 0, 0])).toBe('::');
    expect(formatIPv6([0, 0, 0, 0, 0, 0, 0, 1])).toBe('::1');
    expect(formatIPv6([1, 0, 0, 0, 0, 0, 0, 0])).toBe('1::');
    expect(formatIPv6([1, 0, 2, 0, 3, 0, 4, 0])).toBe('1:0:2:0:3:0:4:0');
    expect(formatIPv6([0xabcd, 0, 0, 1, 0, 0, 0, 0])).toBe('abcd:0:0:1::');
    expect(formatIPv6([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304])).toBe('::ffff:1.2.3.4');
    expect(formatIPv6([0, 0, 0, 0, 0, 0, 0x0102, 0x0304])).toBe('::1.2.3.4');
    expect(formatIPv6([0, 0, 0, 0, 0, 0xfffe, 0x0102, 0x0304])).toBe('::fffe:102:304');
  });

  test.each([
    ['localhost', true],
    ['gw.example.com', true],
    ['gw.example.com.', true],
    ['host_1', true],
    ['10.0.0.300', false],
    ['1.2.3.4.5', false],
    ['-bad', false],
    ['bad-', false],
    ['a..b', false],
    ['a b', false],
    ['', false],
  ])('isHostname(%p) = %p', (input, expected) => {
    expect(isHostname(input)).toBe(expected);
  });
});

describe('validateValue accepts what iptables accepts', () => {
  test.each([
    ['int', '0'], ['int', '4294967295'], ['int', '0xffffffff'], ['int', '010'],
    ['port', '0'], ['port', '65535'], ['port', 'ssh'], ['port', 'ftp-data'], ['port', 'http-alt'], ['port', '0x10'],
    ['port-range', '1:1023'], ['port-range', '1024:'], ['port-range', ':4'], ['port-range', ':'], ['port-range', '4:4'],
    ['port-range', 'ssh:http'], ['port-range', '22'],
    ['port-list', '53,1024:65535'], ['port-list', '1,2,3,4,6,7,8,9,10,11,12,13,14,15'],
    ['port-list', '1,2,3,4,5,6,7,8,9,10,11,12,13,14:15'], ['port-list', 'ssh,http:https'], ['port-list', '1,1'],
    ['port-list', '2,1'], ['port-list', '0'],
    ['address', '1.2.3.4'], ['address', '10.0.0.0/8'], ['address', '10.1.2.3/255.0.255.0'], ['address', '0/0'],
    ['address', '10'], ['address', 'localhost'], ['address', 'gw.example.com/24'], ['address', '1.2.3.4,5.6.7.8/8'],
    ['address', '1.2.3.4/0'], ['address', '1.2.3.4/32'], ['address', '1.2.3.4/07'], ['address', '1.2.3.4/00'], ['address', '01.2.3.4/24'],
    ['address-range', '1.1.1.1-1.1.1.10'], ['address-range', '1.1.1.10-1.1.1.1'], ['address-range', '1.1.1.10'],
    ['mark', '0xfeedcafe/0xfeedcafe'], ['mark', '0x0'], ['mark', '4294967295'], ['mark', '0/0xffffffff'], ['mark', '010'],
    ['ct-states', 'NEW'], ['ct-states', 'NEW,RELATED,ESTABLISHED'], ['ct-states', 'SNAT,DNAT'], ['ct-states', 'new,Untracked'],
    ['ct-states', 'INVALID'],
    ['interface', 'eth0'], ['interface', 'eth+'], ['interface', '+'], ['interface', 'alongifacename0'],
    ['protocol', 'tcp'], ['protocol', 'TCP'], ['protocol', '6'], ['protocol', '255'], ['protocol', 'all'], ['protocol', 'gre'],
    ['protocol', 'icmpv6'], ['protocol', 'mh'], ['protocol', '0x11'],
    ['icmp-type', 'any'], ['icmp-type', 'echo-reply'], ['icmp-type', 'Echo-Request'], ['icmp-type', 'echo-req'],
    ['icmp-type', 'TOS-host-redirect'], ['icmp-type', '8'], ['icmp-type', '3/3'], ['icmp-type', '255/0:255'],
    ['icmp-type', '3/2:1'], ['icmp-type', '0x3/0x1'], ['icmp-type', 'pong'],
    ['tcp-flags', 'FIN,SYN,RST,ACK'], ['tcp-flags', 'SYN'], ['tcp-flags', 'ALL'], ['tcp-flags', 'NONE'], ['tcp-flags', 'syn,ack'],
    ['tcp-flags', 'SYN,'],
    ['rate', '1/sec'], ['rate', '1/min'], ['rate', '1000/hour'], ['rate', '1000/day'], ['rate', '3/s'], ['rate', '3/m'],
    ['rate', '3/hou'], ['rate', '3/MINUTE'], ['rate', '3'], ['rate', '1000000/sec'], ['rate', '4kb/s'], ['rate', '10mb/s'],
    ['rate', '123456b/s'], ['rate', '3kb/sec'],
    ['address-type', 'UNSPEC'], ['address-type', 'LOCAL'], ['address-type', 'local,Unicast'], ['address-type', 'loc'],
    ['address-type', 'UNSPEC,UNICAST,LOCAL,BROADCAST,ANYCAST,MULTICAST,BLACKHOLE,UNREACHABLE,PROHIBIT,THROW,NAT,XRESOLVE'],
    ['nat-range', '1.1.1.1'], ['nat-range', '1.1.1.1-1.1.1.10'], ['nat-range', '1.1.1.1:1025-65535'],
    ['nat-range', '1.1.1.1-1.1.1.10:1025-65535'], ['nat-range', '1.1.1.1:1000-2000/1000'], ['nat-range', '1.1.1.1:1000-2000/65535'],
    ['nat-range', '1.1.1.1:ssh'], ['nat-range', '1.1.1.1:ftp-data'], ['nat-range', '1.1.1.1:10-20/ftp'], ['nat-range', ':80'],
    ['nat-range', '1.2.3.5-1.2.3.4'], ['nat-range', '1.2.3.4:80-80'],
    ['string', ''], ['string', 'anything at all'],
  ] as [ValueKind, string][])('%s %p (IPv4)', (kind, value) => {
    expect(validateValue(kind, value, 'ipv4')).toBeNull();
  });

  test.each([
    ['address', '::'], ['address', '::/128'], ['address', '2001:db8::/64'], ['address', '2001:db8::/ffff:0:ffff::'],
    ['address', '::ffff:1.2.3.4'], ['address', 'localhost'], ['address', 'c0::fe'],
    ['address-range', '2001:db8::1-2001:db8::10'],
    ['icmpv6-type', '1/0'], ['icmpv6-type', '2'], ['icmpv6-type', 'no-route'], ['icmpv6-type', 'packet-too-big'],
    ['icmpv6-type', 'neighbor-s'], ['icmpv6-type', 'mld-listener-query'], ['icmpv6-type', '255/255'], ['icmpv6-type', '1/0:3'],
    ['nat-range', 'dead::beef'], ['nat-range', 'dead::beef-dead::fee7'], ['nat-range', '[dead::beef]:1025-65535'],
    ['nat-range', '[dead::beef-dead::fee7]:1025-65535'], ['nat-range', '[dead::beef-dead::fee7]:1000-2000/65535'],
    ['nat-range', '[dead::beef]:ssh'], ['nat-range', '[dead::beef]:10-20/ftp'], ['nat-range', '[2001:DB8::1]:80'],
    ['nat-range', '2001:DB8::1-2001:db8:0::2'], ['nat-range', '[]:80'],
    ['protocol', 'ipv6-icmp'], ['protocol', '58'],
  ] as [ValueKind, string][])('%s %p (IPv6)', (kind, value) => {
    expect(validateValue(kind, value, 'ipv6')).toBeNull();
  });

  test('choice words, by the rules given', () => {
    expect(validateValue('choice', 'random', 'ipv4', ['random', 'nth'], {})).toBeNull();
    expect(validateValue('choice', 'Random', 'ipv4', ['random', 'nth'], {})).toMatch(/not one of random, nth/);
    expect(validateValue('choice', 'Drop', 'ipv4', ['accept', 'drop'], { ignoreCase: true })).toBeNull();
    expect(validateValue('choice', 'srcip,dstport', 'ipv4', ['srcip', 'dstport'], { list: true })).toBeNull();
    expect(validateValue('choice', 'srcip,dstport', 'ipv4', ['srcip', 'dstport'], {})).not.toBeNull();
    expect(validateValue('choice', 'srcip,', 'ipv4', ['srcip'], { list: true })).toMatch(/empty/);
    expect(validateValue('choice', 'none', 'ipv4', ['srcip'], { list: true })).toMatch(/`none` is not one of srcip/);
    expect(validateValue('choice', 'icmp-host-u', 'ipv4', ['icmp-host-unreachable'], { prefixes: true })).toBeNull();
    expect(validateValue('choice', '', 'ipv4', ['icmp-host-unreachable'], { prefixes: true })).not.toBeNull();
  });

  test('choice words without rules: lenient about case and lists, still strict about the words', () => {
    expect(validateValue('choice', 'Random', 'ipv4', ['random', 'nth'])).toBeNull();
    expect(validateValue('choice', 'SRCIP,dstport', 'ipv4', ['srcip', 'dstport'])).toBeNull();
    expect(validateValue('choice', 'sometimes', 'ipv4', ['random', 'nth'])).toMatch(/`sometimes` is not one of random, nth/);
  });
});

describe('validateValue rejects what iptables rejects, in the user\'s terms', () => {
  test.each([
    ['port', '65536', 'ipv4', 'port 65536 is out of range 0-65535'],
    ['port', '-1', 'ipv4', '`-1` is not a port number or service name'],
    ['port', '08', 'ipv4', '`08` is not a number'],
    ['port', '', 'ipv4', 'a port is missing'],
    ['port-range', '4:3', 'ipv4', 'port range 4:3 is inverted: 4 is above 3'],
    ['port-range', '65535:1000', 'ipv4', 'port range 65535:1000 is inverted: 65535 is above 1000'],
    ['port-range', '1024:65536', 'ipv4', 'port 65536 is out of range 0-65535'],
    ['port-range', '-1', 'ipv4', '`-1` is not a port number or service name'],
    ['port-range', '::', 'ipv4', '`::` is not a port range (first:last)'],
    ['port-range', '1:2:3', 'ipv4', '`1:2:3` is not a port range (first:last)'],
    ['port-list', '1024:65536', 'ipv4', 'port 65536 is out of range 0-65535'],
    ['port-list', '6:5', 'ipv4', 'port range 6:5 must rise: 6 is not below 5'],
    ['port-list', '5:5', 'ipv4', 'port range 5:5 must rise: 5 is not below 5'],
    ['port-list', '1:', 'ipv4', 'a port is missing'],
    ['port-list', ':5', 'ipv4', 'a port is missing'],
    ['port-list', '1,', 'ipv4', '`1,` has an empty element'],
    ['port-list', '1,,2', 'ipv4', '`1,,2` has an empty element'],
    ['port-list', '1,2,3,4,5,6,7,8,9,10,11,12,13,14,15:16', 'ipv4', 'too many ports: multiport takes 15, a range counting as two'],
    ['port-list', '1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16', 'ipv4', 'too many ports: multiport takes 15, a range counting as two'],
    ['address', '10.0.0.300', 'ipv4', '`10.0.0.300` is not an IPv4 address'],
    ['address', '10.1.2.300', 'ipv4', '`10.1.2.300` is not an IPv4 address'],
    ['address', '1.2.3.4.5', 'ipv4', '`1.2.3.4.5` is not an IPv4 address'],
    ['address', '1..3.4', 'ipv4', '`1..3.4` is not an IPv4 address'],
    ['address', '2001:db8::1', 'ipv4', '`2001:db8::1` is not an IPv4 address'],
    ['address', '-bad-host', 'ipv4', '`-bad-host` is not an IPv4 address'],
    ['address', '1.2.3.4/33', 'ipv4', 'mask /33 is out of range 0-32'],
    ['address', '1.2.3.4/08', 'ipv4', '`/08` is not a netmask'],
    ['address', '1.2.3.4/3x', 'ipv4', '`/3x` is not a netmask'],
    ['address', '1.2.3.4/123', 'ipv4', 'mask /123 is out of range 0-32'],
    ['address', '1.2.3.4/255.255', 'ipv4', '`/255.255` is not a netmask'],
    ['address', '1.2.3.4/', 'ipv4', '`/` is not a netmask'],
    ['address', '1.2.3.4,', 'ipv4', '`1.2.3.4,` has an empty element'],
    ['address', '2001:db8::g', 'ipv6', '`2001:db8::g` is not an IPv6 address'],
    ['address', '1.2.3.4', 'ipv6', '`1.2.3.4` is not an IPv6 address'],
    ['address', 'fe80::1%eth0', 'ipv6', '`fe80::1%eth0` is not an IPv6 address'],
    ['address', '1:2:3:4:5:6:7:8/129', 'ipv6', 'mask /129 is out of range 0-128'],
    ['address-range', '1.1.1.1-', 'ipv4', '`` is not an IPv4 address'],
    ['address-range', 'host-a', 'ipv4', '`host` is not an IPv4 address'],
    ['address-range', '1.1.1.1-2001::1', 'ipv4', '`2001::1` is not an IPv4 address'],
    ['mark', '0xfffffffff', 'ipv4', 'mark 0xfffffffff is out of range 0-4294967295'],
    ['mark', '4294967296', 'ipv4', 'mark 4294967296 is out of range 0-4294967295'],
    ['mark', '-1', 'ipv4', '`-1` is not a number'],
    ['mark', '0x', 'ipv4', '`0x` is not a number'],
    ['mark', '5/', 'ipv4', '`` is not a number'],
    ['mark', '0xffffffff/0x1ffffffff', 'ipv4', 'mark 0x1ffffffff is out of range 0-4294967295'],
    ['mark', '1/2/3', 'ipv4', '`2/3` is not a number'],
    ['int', '4294967296', 'ipv4', 'value 4294967296 is out of range 0-4294967295'],
    ['int', '-1', 'ipv4', '`-1` is not a number'],
    ['int', 'abc', 'ipv4', '`abc` is not a number'],
    ['ct-states', 'wrong', 'ipv4', 'unknown connection state `wrong` (INVALID, NEW, ESTABLISHED, RELATED, UNTRACKED, SNAT, DNAT)'],
    ['ct-states', 'NEW,', 'ipv4', '`NEW,` has an empty state'],
    ['ct-states', '', 'ipv4', '`` has an empty state'],
    ['address-type', 'wrong', 'ipv4', expect.stringContaining('unknown address type `wrong`')],
    ['address-type', 'local,', 'ipv4', '`local,` has an empty type'],
    ['tcp-flags', 'SYN,FOO', 'ipv4', 'unknown TCP flag `FOO` (SYN ACK FIN RST URG PSH ALL NONE)'],
    ['rate', '0/sec', 'ipv4', 'rate 0/sec is zero'],
    ['rate', '5/', 'ipv4', expect.stringContaining('unknown time unit')],
    ['rate', '/sec', 'ipv4', expect.stringContaining('is not a rate')],
    ['rate', '5/sec/', 'ipv4', expect.stringContaining('unknown time unit')],
    ['rate', '-5/sec', 'ipv4', expect.stringContaining('is not a rate')],
    ['rate', '5/fortnight', 'ipv4', '`5/fortnight`: unknown time unit `fortnight` (second, minute, hour, day or a prefix)'],
    ['protocol', '256', 'ipv4', 'protocol 256 is out of range 0-255'],
    ['protocol', 'tpc', 'ipv4', 'unknown protocol `tpc`'],
    ['protocol', 'icmp6', 'ipv6', 'unknown protocol `icmp6`'],
    ['interface', 'thisinterfaceistoolong0', 'ipv4', 'interface name `thisinterfaceistoolong0` is 23 characters; the kernel allows 15'],
    ['interface', 'eth0.12345678901', 'ipv4', expect.stringContaining('the kernel allows 15')],
    ['interface', '', 'ipv4', 'the interface name is empty'],
    ['icmp-type', '256', 'ipv4', '`256` is not an ICMP type: numbers go up to 255'],
    ['icmp-type', '3/256', 'ipv4', '`3/256` is not an ICMP type: numbers go up to 255'],
    ['icmp-type', '3/', 'ipv4', 'unknown ICMP type `3/`'],
    ['icmp-type', 'any/1', 'ipv4', 'unknown ICMP type `any/1`'],
    ['icmp-type', 'ech', 'ipv4', '`ech` is ambiguous: echo-reply, echo-request'],
    ['icmp-type', 'mld-listener-query', 'ipv4', 'unknown ICMP type `mld-listener-query`'],
    ['icmpv6-type', 'any', 'ipv6', 'unknown ICMPv6 type `any`'],
    ['icmpv6-type', 'neighb', 'ipv6', expect.stringContaining('is ambiguous')],
    ['nat-range', '1.1.1.1:1025-65536', 'ipv4', 'port 65536 is out of range 0-65535'],
    ['nat-range', '1.1.1.1:1000-2000/0', 'ipv4', 'base port 0 is out of range 1-65535'],
    ['nat-range', '1.1.1.1:1000-2000/65536', 'ipv4', 'port 65536 is out of range 0-65535'],
    ['nat-range', '1.1.1.1:10-ssh', 'ipv4', '`ssh` is not a number'],
    ['nat-range', '1.1.1.1:10x', 'ipv4', '`10x` is not a port or port range (port-port)'],
    ['nat-range', '1.1.1.1:6-5', 'ipv4', 'port range 6-5 is inverted: 6 is above 5'],
    ['nat-range', '1.1.1.1:5/6', 'ipv4', '`5/6` is not a port or port range (port-port)'],
    ['nat-range', '010.2.3.4', 'ipv4', '`010.2.3.4` is not an IPv4 address'],
    ['nat-range', '10.2.3', 'ipv4', '`10.2.3` is not an IPv4 address'],
    ['nat-range', '[1.2.3.4]:80', 'ipv4', '`[1.2.3.4]:80`: brackets are only for IPv6 addresses'],
    ['nat-range', '', 'ipv4', 'the address is missing'],
    ['nat-range', '[dead::beef-dead::fee7]:1025-65536', 'ipv6', 'port 65536 is out of range 0-65535'],
    ['nat-range', '[dead::beef]:10-ssh', 'ipv6', '`ssh` is not a number'],
    ['nat-range', '[dead::beef', 'ipv6', '`[dead::beef` lacks the closing `]`'],
    ['nat-range', '[dead::beef]80', 'ipv6', '`[dead::beef]80` has text after `]` that is not `:ports`'],
    ['nat-range', 'dead::beef-1.2.3.4', 'ipv6', '`1.2.3.4` is not an IPv6 address'],
  ] as [ValueKind, string, Family, string][])('%s %p (%s)', (kind, value, family, message) => {
    expect(validateValue(kind, value, family)).toEqual(message);
  });
});

describe('address sweeps', () => {
  // How fast this runs is the benchmark's business (npm run bench); here only what comes out.
  test('every network of a sweep is canonicalised to its network address and every host is valid', () => {
    for (let i = 0; i < 65_536; i += 97) {
      const [a, b] = [i & 255, (i >> 8) & 255];
      expect(canonicalAddress(`10.${a}.${b}.1/24`, 'ipv4')).toBe(`10.${a}.${b}.0/24`);
      expect(validateValue('address', `192.168.${a}.${b}`, 'ipv4')).toBeNull();
    }
    for (let i = 1; i < 20_000; i += 31) expect(canonicalAddress(`2001:db8:${i.toString(16)}::1/64`, 'ipv6')).toBe(`2001:db8:${i.toString(16)}::/64`);
  });
});

describe('chain names and counters', () => {
  test.each(['DOCKER-USER', 'KUBE-SEP-WHT54YFRQFQLBMK5', 'é-chain', 'a!b'])('%p is a chain name', (name) => {
    expect(chainNameProblem(name)).toBeNull();
  });

  test.each([
    ['', 'a chain name cannot be empty'],
    ['a b', '`a b` is not a valid chain name: it contains blanks or quotes'],
    ['a\tb', '`a\tb` is not a valid chain name: it contains blanks or quotes'],
    ['a"b', '`a"b` is not a valid chain name: it contains blanks or quotes'],
    ['é\u00a0x', '`é\u00a0x` is not a valid chain name: it contains blanks or quotes'],
    ['-x', '`-x` is not a valid chain name: it cannot start with `-`'],
    ['!x', '`!x` is not a valid chain name: it cannot start with `!`'],
  ])('%p is refused', (name, message) => {
    expect(chainNameProblem(name)).toBe(message);
  });

  test('counter pairs are read, the usual [0:0] among them', () => {
    expect(bracketCounters('[0:0]')).toEqual({ packets: '0', bytes: '0' });
    expect(bracketCounters('[12:3456]')).toEqual({ packets: '12', bytes: '3456' });
  });
});

describe('a DNAT target in its plainest spelling', () => {
  // Octets and ports in and out of range, spelled without leading zeros: valid exactly when every number is in range.
  test('is valid exactly when its address and port are', () => {
    const octets = [0, 7, 10, 99, 199, 249, 255, 256, 299, 999];
    const ports = [null, 0, 1, 80, 8080, 59999, 65535, 65536, 99999];
    for (const [a, b] of [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9], [1, 5]]) {
      for (const port of ports) {
        const value = `10.${octets[a]}.${octets[b]}.${octets[(a + b) % octets.length]}${port === null ? '' : `:${port}`}`;
        const inRange = [octets[a], octets[b], octets[(a + b) % octets.length]].every((octet) => octet <= 255) && (port === null || port <= 65535);
        expect({ value, valid: validateValue('nat-range', value, 'ipv4') === null }).toEqual({ value, valid: inRange });
      }
    }
  });
});
