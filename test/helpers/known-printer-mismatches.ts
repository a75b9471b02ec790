/**
 * The printer's known gaps, found by test/real-iptables.test.ts: each entry is one
 * exact difference between what iptables 1.8.9 prints after restoring a hand-written
 * samples/src/*.rules file and what printDump(parseDump(src)) prints for it.
 *
 * The test requires this list to match reality: a difference not listed fails, and
 * so does a listed one that no longer happens. When the printer learns a
 * normalisation, delete its entries. To rebuild the list, run
 *   IPT_LINT_MISMATCH_REPORT=/tmp/mm.jsonl npx jest test/real-iptables.test.ts -t KNOWN
 * and read the JSON lines it appends.
 *
 * `plain`: restored and saved without --counters, printed with `counters: false`.
 * `counters`: restored and saved with --counters, printed with counters.
 * `table-order` entries apply to the nf_tables backend only: iptables-legacy-save
 * prints tables in the reverse order of their first use in the namespace.
 */

export interface PrinterMismatch {
  /** The samples/src file. */
  file: string;
  variant: 'plain' | 'counters';
  kind: 'table-order' | 'table-missing' | 'chain-order' | 'chain-line' | 'rule-count' | 'rule';
  /** `*`, `table` or `table/chain`. */
  where: string;
  /** The rule as written in the source file (rule mismatches only). */
  input?: string;
  iptables: string;
  printer: string;
}

function m(
  file: string,
  variant: PrinterMismatch['variant'],
  kind: PrinterMismatch['kind'],
  where: string,
  input: string | null,
  iptables: string,
  printer: string,
): PrinterMismatch {
  return input === null ? { file, variant, kind, where, iptables, printer } : { file, variant, kind, where, input, iptables, printer };
}

export const KNOWN_PRINTER_MISMATCHES: readonly PrinterMismatch[] = [
  // home-server.rules (plain)
  m('home-server.rules', 'plain', 'chain-order', 'filter', null, 'INPUT FORWARD OUTPUT ICMP-IN LOG-DROP SSH-IN WEB-IN', 'INPUT FORWARD OUTPUT LOG-DROP SSH-IN WEB-IN ICMP-IN'),
  m('home-server.rules', 'plain', 'rule', 'filter/INPUT', '-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT', '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', '-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT'),
  m('home-server.rules', 'plain', 'rule', 'filter/INPUT', '-A INPUT -p tcp --tcp-flags ALL NONE -m comment --comment "null scan" -j DROP', '-A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,PSH,ACK,URG NONE -m comment --comment "null scan" -j DROP', '-A INPUT -p tcp -m tcp --tcp-flags ALL NONE -m comment --comment "null scan" -j DROP'),
  m('home-server.rules', 'plain', 'rule', 'filter/INPUT', '-A INPUT -p tcp ! --syn -m conntrack --ctstate NEW -m comment --comment "new but not SYN" -j DROP', '-A INPUT -p tcp -m tcp ! --tcp-flags FIN,SYN,RST,ACK SYN -m conntrack --ctstate NEW -m comment --comment "new but not SYN" -j DROP', '-A INPUT -p tcp -m tcp ! --syn -m conntrack --ctstate NEW -m comment --comment "new but not SYN" -j DROP'),
  m('home-server.rules', 'plain', 'rule', 'filter/FORWARD', '-A FORWARD -j LOG --log-prefix "FWD DROP " --log-level warning --log-tcp-options --log-ip-options', '-A FORWARD -j LOG --log-prefix "FWD DROP " --log-tcp-options --log-ip-options', '-A FORWARD -j LOG --log-prefix "FWD DROP " --log-level warning --log-tcp-options --log-ip-options'),
  m('home-server.rules', 'plain', 'rule', 'filter/ICMP-IN', '-A ICMP-IN -p icmp --icmp-type echo-request -m limit --limit 5/second --limit-burst 10 -j ACCEPT', '-A ICMP-IN -p icmp -m icmp --icmp-type 8 -m limit --limit 5/sec --limit-burst 10 -j ACCEPT', '-A ICMP-IN -p icmp -m icmp --icmp-type echo-request -m limit --limit 5/second --limit-burst 10 -j ACCEPT'),
  m('home-server.rules', 'plain', 'rule', 'filter/ICMP-IN', '-A ICMP-IN -p icmp --icmp-type destination-unreachable -j ACCEPT', '-A ICMP-IN -p icmp -m icmp --icmp-type 3 -j ACCEPT', '-A ICMP-IN -p icmp -m icmp --icmp-type destination-unreachable -j ACCEPT'),
  m('home-server.rules', 'plain', 'rule', 'filter/ICMP-IN', '-A ICMP-IN -p icmp --icmp-type time-exceeded -j ACCEPT', '-A ICMP-IN -p icmp -m icmp --icmp-type 11 -j ACCEPT', '-A ICMP-IN -p icmp -m icmp --icmp-type time-exceeded -j ACCEPT'),
  m('home-server.rules', 'plain', 'rule', 'filter/LOG-DROP', '-A LOG-DROP -m limit --limit 3/min -j LOG --log-prefix "IN DROP: " --log-level 4', '-A LOG-DROP -m limit --limit 3/min -j LOG --log-prefix "IN DROP: "', '-A LOG-DROP -m limit --limit 3/min -j LOG --log-prefix "IN DROP: " --log-level 4'),
  m('home-server.rules', 'plain', 'rule', 'filter/SSH-IN', '-A SSH-IN -m recent --name ssh --update --seconds 60 --hitcount 4 -j LOG-DROP', '-A SSH-IN -m recent --update --seconds 60 --hitcount 4 --name ssh --mask 255.255.255.255 --rsource -j LOG-DROP', '-A SSH-IN -m recent --name ssh --update --seconds 60 --hitcount 4 -j LOG-DROP'),
  m('home-server.rules', 'plain', 'rule', 'filter/SSH-IN', '-A SSH-IN -m recent --name ssh --set', '-A SSH-IN -m recent --set --name ssh --mask 255.255.255.255 --rsource', '-A SSH-IN -m recent --name ssh --set'),
  m('home-server.rules', 'plain', 'rule', 'filter/WEB-IN', '-A WEB-IN -p tcp -m connlimit --connlimit-above 50 -j REJECT --reject-with tcp-reset', '-A WEB-IN -p tcp -m connlimit --connlimit-above 50 --connlimit-mask 32 --connlimit-saddr -j REJECT --reject-with tcp-reset', '-A WEB-IN -p tcp -m connlimit --connlimit-above 50 -j REJECT --reject-with tcp-reset'),
  // ipv6-firewall.v6.rules (plain)
  m('ipv6-firewall.v6.rules', 'plain', 'rule', 'filter/INPUT', '-A INPUT -m ipv6header --header frag --soft -m frag --fragmore -j DROP', '-A INPUT -m ipv6header --header ipv6-frag --soft -m frag --fragmore -j DROP', '-A INPUT -m ipv6header --header frag --soft -m frag --fragmore -j DROP'),
  m('ipv6-firewall.v6.rules', 'plain', 'rule', 'filter/FORWARD', '-A FORWARD -p icmpv6 --icmpv6-type echo-request -j REJECT --reject-with icmp6-adm-prohibited', '-A FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type 128 -j REJECT --reject-with icmp6-adm-prohibited', '-A FORWARD -p ipv6-icmp -m icmp6 --icmpv6-type echo-request -j REJECT --reject-with icmp6-adm-prohibited'),
  m('ipv6-firewall.v6.rules', 'plain', 'rule', 'filter/ICMPV6-IN', '-A ICMPV6-IN -p ipv6-icmp --icmpv6-type destination-unreachable -j ACCEPT', '-A ICMPV6-IN -p ipv6-icmp -m icmp6 --icmpv6-type 1 -j ACCEPT', '-A ICMPV6-IN -p ipv6-icmp -m icmp6 --icmpv6-type destination-unreachable -j ACCEPT'),
  m('ipv6-firewall.v6.rules', 'plain', 'rule', 'filter/ICMPV6-IN', '-A ICMPV6-IN -p ipv6-icmp --icmpv6-type packet-too-big -j ACCEPT', '-A ICMPV6-IN -p ipv6-icmp -m icmp6 --icmpv6-type 2 -j ACCEPT', '-A ICMPV6-IN -p ipv6-icmp -m icmp6 --icmpv6-type packet-too-big -j ACCEPT'),
  m('ipv6-firewall.v6.rules', 'plain', 'rule', 'filter/ICMPV6-IN', '-A ICMPV6-IN -p ipv6-icmp --icmpv6-type time-exceeded -j ACCEPT', '-A ICMPV6-IN -p ipv6-icmp -m icmp6 --icmpv6-type 3 -j ACCEPT', '-A ICMPV6-IN -p ipv6-icmp -m icmp6 --icmpv6-type time-exceeded -j ACCEPT'),
  m('ipv6-firewall.v6.rules', 'plain', 'rule', 'filter/ICMPV6-IN', '-A ICMPV6-IN -p ipv6-icmp --icmpv6-type parameter-problem -j ACCEPT', '-A ICMPV6-IN -p ipv6-icmp -m icmp6 --icmpv6-type 4 -j ACCEPT', '-A ICMPV6-IN -p ipv6-icmp -m icmp6 --icmpv6-type parameter-problem -j ACCEPT'),
  m('ipv6-firewall.v6.rules', 'plain', 'rule', 'filter/ICMPV6-IN', '-A ICMPV6-IN -p icmpv6 --icmpv6-type echo-request -m limit --limit 10/s -j ACCEPT', '-A ICMPV6-IN -p ipv6-icmp -m icmp6 --icmpv6-type 128 -m limit --limit 10/sec -j ACCEPT', '-A ICMPV6-IN -p ipv6-icmp -m icmp6 --icmpv6-type echo-request -m limit --limit 10/s -j ACCEPT'),
  m('ipv6-firewall.v6.rules', 'plain', 'rule', 'filter/ICMPV6-IN', '-A ICMPV6-IN -p icmpv6 --icmpv6-type echo-reply -j ACCEPT', '-A ICMPV6-IN -p ipv6-icmp -m icmp6 --icmpv6-type 129 -j ACCEPT', '-A ICMPV6-IN -p ipv6-icmp -m icmp6 --icmpv6-type echo-reply -j ACCEPT'),
  m('ipv6-firewall.v6.rules', 'plain', 'rule', 'filter/ICMPV6-IN', '-A ICMPV6-IN -p icmpv6 --icmpv6-type router-advertisement -s fe80::/10 -m hl --hl-eq 255 -j ACCEPT', '-A ICMPV6-IN -s fe80::/10 -p ipv6-icmp -m icmp6 --icmpv6-type 134 -m hl --hl-eq 255 -j ACCEPT', '-A ICMPV6-IN -s fe80::/10 -p ipv6-icmp -m icmp6 --icmpv6-type router-advertisement -m hl --hl-eq 255 -j ACCEPT'),
  m('ipv6-firewall.v6.rules', 'plain', 'rule', 'filter/ICMPV6-IN', '-A ICMPV6-IN -p icmpv6 --icmpv6-type neighbour-solicitation -m hl --hl-eq 255 -j ACCEPT', '-A ICMPV6-IN -p ipv6-icmp -m icmp6 --icmpv6-type 135 -m hl --hl-eq 255 -j ACCEPT', '-A ICMPV6-IN -p ipv6-icmp -m icmp6 --icmpv6-type neighbour-solicitation -m hl --hl-eq 255 -j ACCEPT'),
  m('ipv6-firewall.v6.rules', 'plain', 'rule', 'filter/ICMPV6-IN', '-A ICMPV6-IN -p icmpv6 --icmpv6-type neighbour-advertisement -m hl --hl-eq 255 -j ACCEPT', '-A ICMPV6-IN -p ipv6-icmp -m icmp6 --icmpv6-type 136 -m hl --hl-eq 255 -j ACCEPT', '-A ICMPV6-IN -p ipv6-icmp -m icmp6 --icmpv6-type neighbour-advertisement -m hl --hl-eq 255 -j ACCEPT'),
  // kube-proxy.rules (plain)
  m('kube-proxy.rules', 'plain', 'chain-order', 'filter', null, 'INPUT FORWARD OUTPUT KUBE-EXTERNAL-SERVICES KUBE-FIREWALL KUBE-FORWARD KUBE-SERVICES', 'INPUT FORWARD OUTPUT KUBE-FIREWALL KUBE-FORWARD KUBE-SERVICES KUBE-EXTERNAL-SERVICES'),
  m('kube-proxy.rules', 'plain', 'chain-order', 'nat', null, 'PREROUTING INPUT OUTPUT POSTROUTING KUBE-EXT-M2K7W4PJ5QZ3T6YD KUBE-MARK-MASQ KUBE-NODEPORTS KUBE-POSTROUTING KUBE-SEP-AAQ4C2MZ5TNX7W3E KUBE-SEP-BR6Y7QKD2PLV4HJA KUBE-SEP-C3XW2N5VJ7E6RM4T KUBE-SEP-D8T4LZ2QX6WM3K5R KUBE-SERVICES KUBE-SVC-M2K7W4PJ5QZ3T6YD KUBE-SVC-Q7VZ3ZJ4KXH2L5MB', 'PREROUTING INPUT OUTPUT POSTROUTING KUBE-MARK-MASQ KUBE-NODEPORTS KUBE-POSTROUTING KUBE-SERVICES KUBE-SVC-Q7VZ3ZJ4KXH2L5MB KUBE-SEP-AAQ4C2MZ5TNX7W3E KUBE-SEP-BR6Y7QKD2PLV4HJA KUBE-SEP-C3XW2N5VJ7E6RM4T KUBE-SVC-M2K7W4PJ5QZ3T6YD KUBE-SEP-D8T4LZ2QX6WM3K5R KUBE-EXT-M2K7W4PJ5QZ3T6YD'),
  m('kube-proxy.rules', 'plain', 'rule', 'nat/KUBE-MARK-MASQ', '-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000', '-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000', '-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000'),
  m('kube-proxy.rules', 'plain', 'rule', 'nat/KUBE-POSTROUTING', '-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000', '-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0', '-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000'),
  m('kube-proxy.rules', 'plain', 'rule', 'nat/KUBE-SVC-Q7VZ3ZJ4KXH2L5MB', '-A KUBE-SVC-Q7VZ3ZJ4KXH2L5MB -m comment --comment "shop/cart:http -> 10.244.1.5:8080" -m statistic --mode random --probability 0.333 -j KUBE-SEP-AAQ4C2MZ5TNX7W3E', '-A KUBE-SVC-Q7VZ3ZJ4KXH2L5MB -m comment --comment "shop/cart:http -> 10.244.1.5:8080" -m statistic --mode random --probability 0.33300000010 -j KUBE-SEP-AAQ4C2MZ5TNX7W3E', '-A KUBE-SVC-Q7VZ3ZJ4KXH2L5MB -m comment --comment "shop/cart:http -> 10.244.1.5:8080" -m statistic --mode random --probability 0.333 -j KUBE-SEP-AAQ4C2MZ5TNX7W3E'),
  m('kube-proxy.rules', 'plain', 'rule', 'nat/KUBE-SVC-Q7VZ3ZJ4KXH2L5MB', '-A KUBE-SVC-Q7VZ3ZJ4KXH2L5MB -m comment --comment "shop/cart:http -> 10.244.2.9:8080" -m statistic --mode random --probability 0.5 -j KUBE-SEP-BR6Y7QKD2PLV4HJA', '-A KUBE-SVC-Q7VZ3ZJ4KXH2L5MB -m comment --comment "shop/cart:http -> 10.244.2.9:8080" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-BR6Y7QKD2PLV4HJA', '-A KUBE-SVC-Q7VZ3ZJ4KXH2L5MB -m comment --comment "shop/cart:http -> 10.244.2.9:8080" -m statistic --mode random --probability 0.5 -j KUBE-SEP-BR6Y7QKD2PLV4HJA'),
  // nat-gateway.rules (plain)
  m('nat-gateway.rules', 'plain', 'table-order', '*', null, 'mangle raw filter nat', 'raw mangle nat filter'),
  m('nat-gateway.rules', 'plain', 'rule', 'mangle/PREROUTING', '-A PREROUTING -m connmark ! --mark 0 -j CONNMARK --restore-mark', '-A PREROUTING -m connmark ! --mark 0x0 -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff', '-A PREROUTING -m connmark ! --mark 0 -j CONNMARK --restore-mark'),
  m('nat-gateway.rules', 'plain', 'rule', 'mangle/OUTPUT', '-A OUTPUT -p udp --dport 53 -j MARK --set-mark 7/0xff', '-A OUTPUT -p udp -m udp --dport 53 -j MARK --set-xmark 0x7/0xff', '-A OUTPUT -p udp -m udp --dport 53 -j MARK --set-mark 7/0xff'),
  m('nat-gateway.rules', 'plain', 'rule', 'mangle/POSTROUTING', '-A POSTROUTING -o eth0 -p udp --dport 5060 -j DSCP --set-dscp-class EF', '-A POSTROUTING -o eth0 -p udp -m udp --dport 5060 -j DSCP --set-dscp 0x2e', '-A POSTROUTING -o eth0 -p udp -m udp --dport 5060 -j DSCP --set-dscp-class EF'),
  m('nat-gateway.rules', 'plain', 'rule', 'mangle/POSTROUTING', '-A POSTROUTING -o eth0 -p tcp --sport 22 -j TOS --set-tos Minimize-Delay', '-A POSTROUTING -o eth0 -p tcp -m tcp --sport 22 -j TOS --set-tos 0x10/0x3f', '-A POSTROUTING -o eth0 -p tcp -m tcp --sport 22 -j TOS --set-tos Minimize-Delay'),
  m('nat-gateway.rules', 'plain', 'rule', 'mangle/MARK-LAN', '-A MARK-LAN -s 192.168.10.128/25 -j MARK --set-mark 0x10', '-A MARK-LAN -s 192.168.10.128/25 -j MARK --set-xmark 0x10/0xffffffff', '-A MARK-LAN -s 192.168.10.128/25 -j MARK --set-mark 0x10'),
  m('nat-gateway.rules', 'plain', 'rule', 'mangle/MARK-LAN', '-A MARK-LAN -m mark --mark 0x10/0xff -j CONNMARK --save-mark', '-A MARK-LAN -m mark --mark 0x10/0xff -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff', '-A MARK-LAN -m mark --mark 0x10/0xff -j CONNMARK --save-mark'),
  m('nat-gateway.rules', 'plain', 'rule', 'mangle/MARK-LAN', '-A MARK-LAN -j MARK --and-mark 0xffff00ff', '-A MARK-LAN -j MARK --set-xmark 0x0/0xff00', '-A MARK-LAN -j MARK --and-mark 0xffff00ff'),
  m('nat-gateway.rules', 'plain', 'chain-line', 'raw/PREROUTING', null, ':PREROUTING ACCEPT [0:0]', ':PREROUTING ACCEPT [120:9600]'),
  m('nat-gateway.rules', 'plain', 'chain-line', 'raw/OUTPUT', null, ':OUTPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [80:6400]'),
  m('nat-gateway.rules', 'plain', 'chain-line', 'filter/FORWARD', null, ':FORWARD DROP [0:0]', ':FORWARD DROP [1000:64000]'),
  m('nat-gateway.rules', 'plain', 'chain-line', 'nat/PREROUTING', null, ':PREROUTING ACCEPT [0:0]', ':PREROUTING ACCEPT [42:2520]'),
  m('nat-gateway.rules', 'plain', 'chain-line', 'nat/OUTPUT', null, ':OUTPUT ACCEPT [0:0]', ':OUTPUT ACCEPT [7:420]'),
  // nat-gateway.rules (counters)
  m('nat-gateway.rules', 'counters', 'table-order', '*', null, 'mangle raw filter nat', 'raw mangle nat filter'),
  m('nat-gateway.rules', 'counters', 'rule', 'mangle/PREROUTING', '-A PREROUTING -i eth1 -s 192.168.10.0/24 -j MARK-LAN', '[0:0] -A PREROUTING -s 192.168.10.0/24 -i eth1 -j MARK-LAN', '-A PREROUTING -s 192.168.10.0/24 -i eth1 -j MARK-LAN'),
  m('nat-gateway.rules', 'counters', 'rule', 'mangle/PREROUTING', '-A PREROUTING -m connmark ! --mark 0 -j CONNMARK --restore-mark', '[0:0] -A PREROUTING -m connmark ! --mark 0x0 -j CONNMARK --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff', '-A PREROUTING -m connmark ! --mark 0 -j CONNMARK --restore-mark'),
  m('nat-gateway.rules', 'counters', 'rule', 'mangle/FORWARD', '-A FORWARD -o ppp0 -p tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu', '[0:0] -A FORWARD -o ppp0 -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu', '-A FORWARD -o ppp0 -p tcp -m tcp --tcp-flags SYN,RST SYN -j TCPMSS --clamp-mss-to-pmtu'),
  m('nat-gateway.rules', 'counters', 'rule', 'mangle/OUTPUT', '-A OUTPUT -p udp --dport 53 -j MARK --set-mark 7/0xff', '[0:0] -A OUTPUT -p udp -m udp --dport 53 -j MARK --set-xmark 0x7/0xff', '-A OUTPUT -p udp -m udp --dport 53 -j MARK --set-mark 7/0xff'),
  m('nat-gateway.rules', 'counters', 'rule', 'mangle/POSTROUTING', '-A POSTROUTING -o eth0 -p udp --dport 5060 -j DSCP --set-dscp-class EF', '[0:0] -A POSTROUTING -o eth0 -p udp -m udp --dport 5060 -j DSCP --set-dscp 0x2e', '-A POSTROUTING -o eth0 -p udp -m udp --dport 5060 -j DSCP --set-dscp-class EF'),
  m('nat-gateway.rules', 'counters', 'rule', 'mangle/POSTROUTING', '-A POSTROUTING -o eth0 -p tcp --sport 22 -j TOS --set-tos Minimize-Delay', '[0:0] -A POSTROUTING -o eth0 -p tcp -m tcp --sport 22 -j TOS --set-tos 0x10/0x3f', '-A POSTROUTING -o eth0 -p tcp -m tcp --sport 22 -j TOS --set-tos Minimize-Delay'),
  m('nat-gateway.rules', 'counters', 'rule', 'mangle/MARK-LAN', '-A MARK-LAN -p tcp --dport 80 -j MARK --set-xmark 0x1/0xff', '[0:0] -A MARK-LAN -p tcp -m tcp --dport 80 -j MARK --set-xmark 0x1/0xff', '-A MARK-LAN -p tcp -m tcp --dport 80 -j MARK --set-xmark 0x1/0xff'),
  m('nat-gateway.rules', 'counters', 'rule', 'mangle/MARK-LAN', '-A MARK-LAN -s 192.168.10.128/25 -j MARK --set-mark 0x10', '[0:0] -A MARK-LAN -s 192.168.10.128/25 -j MARK --set-xmark 0x10/0xffffffff', '-A MARK-LAN -s 192.168.10.128/25 -j MARK --set-mark 0x10'),
  m('nat-gateway.rules', 'counters', 'rule', 'mangle/MARK-LAN', '-A MARK-LAN -m mark --mark 0x10/0xff -j CONNMARK --save-mark', '[0:0] -A MARK-LAN -m mark --mark 0x10/0xff -j CONNMARK --save-mark --nfmask 0xffffffff --ctmask 0xffffffff', '-A MARK-LAN -m mark --mark 0x10/0xff -j CONNMARK --save-mark'),
  m('nat-gateway.rules', 'counters', 'rule', 'mangle/MARK-LAN', '-A MARK-LAN -j MARK --and-mark 0xffff00ff', '[0:0] -A MARK-LAN -j MARK --set-xmark 0x0/0xff00', '-A MARK-LAN -j MARK --and-mark 0xffff00ff'),
  m('nat-gateway.rules', 'counters', 'rule', 'raw/PREROUTING', '-A PREROUTING -i lo -j CT --notrack', '[0:0] -A PREROUTING -i lo -j CT --notrack', '-A PREROUTING -i lo -j CT --notrack'),
  m('nat-gateway.rules', 'counters', 'rule', 'raw/PREROUTING', '-A PREROUTING -p udp --dport 123 -j CT --notrack', '[0:0] -A PREROUTING -p udp -m udp --dport 123 -j CT --notrack', '-A PREROUTING -p udp -m udp --dport 123 -j CT --notrack'),
  m('nat-gateway.rules', 'counters', 'rule', 'raw/PREROUTING', '-A PREROUTING -i eth1 -p tcp --dport 21 -j CT --helper ftp', '[0:0] -A PREROUTING -i eth1 -p tcp -m tcp --dport 21 -j CT --helper ftp', '-A PREROUTING -i eth1 -p tcp -m tcp --dport 21 -j CT --helper ftp'),
  m('nat-gateway.rules', 'counters', 'rule', 'raw/OUTPUT', '-A OUTPUT -o lo -j NOTRACK', '[0:0] -A OUTPUT -o lo -j NOTRACK', '-A OUTPUT -o lo -j NOTRACK'),
  m('nat-gateway.rules', 'counters', 'rule', 'filter/FORWARD', '-A FORWARD -m conntrack --ctstate DNAT -d 192.168.20.0/24 -o eth2 -j ACCEPT', '[0:0] -A FORWARD -d 192.168.20.0/24 -o eth2 -m conntrack --ctstate DNAT -j ACCEPT', '-A FORWARD -d 192.168.20.0/24 -o eth2 -m conntrack --ctstate DNAT -j ACCEPT'),
  m('nat-gateway.rules', 'counters', 'rule', 'filter/FORWARD', '-A FORWARD -i eth1 -o ppp0 -j ACCEPT', '[0:0] -A FORWARD -i eth1 -o ppp0 -j ACCEPT', '-A FORWARD -i eth1 -o ppp0 -j ACCEPT'),
  m('nat-gateway.rules', 'counters', 'rule', 'filter/FORWARD', '-A FORWARD -i eth2 -o eth0 -p tcp -m multiport --dports 25,465,587 -j ACCEPT', '[0:0] -A FORWARD -i eth2 -o eth0 -p tcp -m multiport --dports 25,465,587 -j ACCEPT', '-A FORWARD -i eth2 -o eth0 -p tcp -m multiport --dports 25,465,587 -j ACCEPT'),
  m('nat-gateway.rules', 'counters', 'rule', 'filter/FORWARD', '-A FORWARD -i eth2 -o eth1 -j REJECT --reject-with icmp-admin-prohibited', '[0:0] -A FORWARD -i eth2 -o eth1 -j REJECT --reject-with icmp-admin-prohibited', '-A FORWARD -i eth2 -o eth1 -j REJECT --reject-with icmp-admin-prohibited'),
  m('nat-gateway.rules', 'counters', 'rule', 'filter/FORWARD', '-A FORWARD -m physdev --physdev-is-bridged -j ACCEPT', '[0:0] -A FORWARD -m physdev --physdev-is-bridged -j ACCEPT', '-A FORWARD -m physdev --physdev-is-bridged -j ACCEPT'),
  m('nat-gateway.rules', 'counters', 'rule', 'nat/PREROUTING', '-A PREROUTING -i eth1 -p tcp --dport 80 ! -d 192.168.10.1 -j REDIRECT --to-ports 3128', '[0:0] -A PREROUTING ! -d 192.168.10.1/32 -i eth1 -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 3128', '-A PREROUTING ! -d 192.168.10.1/32 -i eth1 -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 3128'),
  m('nat-gateway.rules', 'counters', 'rule', 'nat/PREROUTING', '-A PREROUTING -i eth1 -p udp --dport 53 -j DNAT --to-destination 192.168.10.1', '[0:0] -A PREROUTING -i eth1 -p udp -m udp --dport 53 -j DNAT --to-destination 192.168.10.1', '-A PREROUTING -i eth1 -p udp -m udp --dport 53 -j DNAT --to-destination 192.168.10.1'),
  m('nat-gateway.rules', 'counters', 'rule', 'nat/OUTPUT', '-A OUTPUT -d 203.0.113.5 -p tcp --dport 2222 -j DNAT --to-destination 192.168.20.5:22', '[0:0] -A OUTPUT -d 203.0.113.5/32 -p tcp -m tcp --dport 2222 -j DNAT --to-destination 192.168.20.5:22', '-A OUTPUT -d 203.0.113.5/32 -p tcp -m tcp --dport 2222 -j DNAT --to-destination 192.168.20.5:22'),
  m('nat-gateway.rules', 'counters', 'rule', 'nat/POSTROUTING', '-A POSTROUTING -o eth0 -s 192.168.20.0/24 -j SNAT --to-source 203.0.113.5', '[0:0] -A POSTROUTING -s 192.168.20.0/24 -o eth0 -j SNAT --to-source 203.0.113.5', '-A POSTROUTING -s 192.168.20.0/24 -o eth0 -j SNAT --to-source 203.0.113.5'),
  m('nat-gateway.rules', 'counters', 'rule', 'nat/POSTROUTING', '-A POSTROUTING -o eth3 -j SNAT --to-source 203.0.113.10-203.0.113.20 --random', '[0:0] -A POSTROUTING -o eth3 -j SNAT --to-source 203.0.113.10-203.0.113.20 --random', '-A POSTROUTING -o eth3 -j SNAT --to-source 203.0.113.10-203.0.113.20 --random'),
  m('nat-gateway.rules', 'counters', 'rule', 'nat/POSTROUTING', '-A POSTROUTING -o ppp0 -p udp -j MASQUERADE --to-ports 1024-65535', '[0:0] -A POSTROUTING -o ppp0 -p udp -j MASQUERADE --to-ports 1024-65535', '-A POSTROUTING -o ppp0 -p udp -j MASQUERADE --to-ports 1024-65535'),
  m('nat-gateway.rules', 'counters', 'rule', 'nat/POSTROUTING', '-A POSTROUTING -o ppp0 -j MASQUERADE --random-fully', '[0:0] -A POSTROUTING -o ppp0 -j MASQUERADE --random-fully', '-A POSTROUTING -o ppp0 -j MASQUERADE --random-fully'),
  m('nat-gateway.rules', 'counters', 'rule', 'nat/PORT-FWD', '-A PORT-FWD -p tcp -m multiport --dports 80,443 -j DNAT --to-destination 192.168.20.6', '[0:0] -A PORT-FWD -p tcp -m multiport --dports 80,443 -j DNAT --to-destination 192.168.20.6', '-A PORT-FWD -p tcp -m multiport --dports 80,443 -j DNAT --to-destination 192.168.20.6'),
  m('nat-gateway.rules', 'counters', 'rule', 'nat/PORT-FWD', '-A PORT-FWD -p udp --dport 5000:5100 -j DNAT --to-destination 192.168.20.7:6000-6100', '[0:0] -A PORT-FWD -p udp -m udp --dport 5000:5100 -j DNAT --to-destination 192.168.20.7:6000-6100', '-A PORT-FWD -p udp -m udp --dport 5000:5100 -j DNAT --to-destination 192.168.20.7:6000-6100'),
  m('nat-gateway.rules', 'counters', 'rule', 'nat/PORT-FWD', '-A PORT-FWD -d 203.0.113.5/32 -p tcp --dport 8443 -j DNAT --to-destination 192.168.20.8:443 --persistent', '[0:0] -A PORT-FWD -d 203.0.113.5/32 -p tcp -m tcp --dport 8443 -j DNAT --to-destination 192.168.20.8:443 --persistent', '-A PORT-FWD -d 203.0.113.5/32 -p tcp -m tcp --dport 8443 -j DNAT --to-destination 192.168.20.8:443 --persistent'),
  // odd-matches.rules (plain)
  m('odd-matches.rules', 'plain', 'table-order', '*', null, 'mangle raw filter', 'filter mangle raw'),
  m('odd-matches.rules', 'plain', 'chain-order', 'mangle', null, 'PREROUTING INPUT FORWARD OUTPUT POSTROUTING', 'PREROUTING POSTROUTING'),
  m('odd-matches.rules', 'plain', 'chain-line', 'mangle/INPUT', null, ':INPUT ACCEPT [0:0]', '(no such chain)'),
  m('odd-matches.rules', 'plain', 'chain-line', 'mangle/FORWARD', null, ':FORWARD ACCEPT [0:0]', '(no such chain)'),
  m('odd-matches.rules', 'plain', 'chain-line', 'mangle/OUTPUT', null, ':OUTPUT ACCEPT [0:0]', '(no such chain)'),
  m('odd-matches.rules', 'plain', 'rule', 'mangle/POSTROUTING', '-A POSTROUTING -o eth0 -j CLASSIFY --set-class 1:10', '-A POSTROUTING -o eth0 -j CLASSIFY --set-class 0001:0010', '-A POSTROUTING -o eth0 -j CLASSIFY --set-class 1:10'),
  m('odd-matches.rules', 'plain', 'rule', 'mangle/POSTROUTING', '-A POSTROUTING -o eth1 -p tcp --sport 80 -j CLASSIFY --set-class 0001:0a', '-A POSTROUTING -o eth1 -p tcp -m tcp --sport 80 -j CLASSIFY --set-class 0001:000a', '-A POSTROUTING -o eth1 -p tcp -m tcp --sport 80 -j CLASSIFY --set-class 0001:0a'),
  m('odd-matches.rules', 'plain', 'chain-order', 'raw', null, 'PREROUTING OUTPUT', 'PREROUTING'),
  m('odd-matches.rules', 'plain', 'chain-line', 'raw/OUTPUT', null, ':OUTPUT ACCEPT [0:0]', '(no such chain)'),
  m('odd-matches.rules', 'plain', 'chain-order', 'filter', null, 'INPUT FORWARD OUTPUT 0-numeric ODD ranges', 'INPUT FORWARD OUTPUT ODD ranges 0-numeric'),
  m('odd-matches.rules', 'plain', 'rule', 'filter/INPUT', '-A INPUT -s 0.0.0.0/0 -d 0/0 -p all -j ODD', '-A INPUT -j ODD', '-A INPUT -s 0.0.0.0/0 -d 0.0.0.0/0 -p all -j ODD'),
  m('odd-matches.rules', 'plain', 'rule', 'filter/INPUT', '-A INPUT -s 1.2.3.4/0 -j ranges', '-A INPUT -j ranges', '-A INPUT -s 0.0.0.0/0 -j ranges'),
  m('odd-matches.rules', 'plain', 'rule', 'filter/0-numeric', '-A 0-numeric -j CONNMARK --set-mark 0x1/0xff', '-A 0-numeric -j CONNMARK --set-xmark 0x1/0xff', '-A 0-numeric -j CONNMARK --set-mark 0x1/0xff'),
  m('odd-matches.rules', 'plain', 'rule', 'filter/0-numeric', '-A 0-numeric -j NFLOG --nflog-group 5 --nflog-prefix "nf log" --nflog-threshold 2', '-A 0-numeric -j NFLOG --nflog-prefix "nf log" --nflog-group 5 --nflog-threshold 2', '-A 0-numeric -j NFLOG --nflog-group 5 --nflog-prefix "nf log" --nflog-threshold 2'),
  m('odd-matches.rules', 'plain', 'rule', 'filter/ODD', '-A ODD -m mac --mac-source 00:11:22:aa:BB:cc -j ACCEPT', '-A ODD -m mac --mac-source 00:11:22:aa:bb:cc -j ACCEPT', '-A ODD -m mac --mac-source 00:11:22:aa:BB:cc -j ACCEPT'),
  m('odd-matches.rules', 'plain', 'rule', 'filter/ODD', '-A ODD -m string --hex-string "|00 01|abc|7c|" --algo kmp --from 40 --to 200 -j DROP', '-A ODD -m string --hex-string "|00016162637c|" --algo kmp --from 40 --to 200 -j DROP', '-A ODD -m string --hex-string "|00 01|abc|7c|" --algo kmp --from 40 --to 200 -j DROP'),
  m('odd-matches.rules', 'plain', 'rule', 'filter/ODD', '-A ODD -m limit --limit 100/minute -j ACCEPT', '-A ODD -m limit --limit 100/min -j ACCEPT', '-A ODD -m limit --limit 100/minute -j ACCEPT'),
  m('odd-matches.rules', 'plain', 'rule', 'filter/ODD', '-A ODD -m tos --tos 0x10 -j ACCEPT', '-A ODD -m tos --tos 0x10/0xff -j ACCEPT', '-A ODD -m tos --tos 0x10 -j ACCEPT'),
  m('odd-matches.rules', 'plain', 'rule', 'filter/ODD', '-A ODD -m dscp --dscp-class AF41 -j ACCEPT', '-A ODD -m dscp --dscp 0x22 -j ACCEPT', '-A ODD -m dscp --dscp-class AF41 -j ACCEPT'),
  m('odd-matches.rules', 'plain', 'rule', 'filter/ODD', '-A ODD -m connmark --mark 5 -j ACCEPT', '-A ODD -m connmark --mark 0x5 -j ACCEPT', '-A ODD -m connmark --mark 5 -j ACCEPT'),
  m('odd-matches.rules', 'plain', 'rule', 'filter/ODD', '-A ODD -m connbytes --connbytes 10000:20000 --connbytes-dir both --connbytes-mode bytes -j ACCEPT', '-A ODD -m connbytes --connbytes 10000:20000 --connbytes-mode bytes --connbytes-dir both -j ACCEPT', '-A ODD -m connbytes --connbytes 10000:20000 --connbytes-dir both --connbytes-mode bytes -j ACCEPT'),
  m('odd-matches.rules', 'plain', 'rule', 'filter/ODD', '-A ODD -m time --timestart 09:00 --timestop 17:30 --weekdays Mon,Tue,Wed -j ACCEPT', '-A ODD -m time --timestart 09:00:00 --timestop 17:30:00 --weekdays Mon,Tue,Wed --datestop 2038-01-19T03:14:07 -j ACCEPT', '-A ODD -m time --timestart 09:00 --timestop 17:30 --weekdays Mon,Tue,Wed -j ACCEPT'),
  m('odd-matches.rules', 'plain', 'rule', 'filter/ODD', '-A ODD -m devgroup --src-group 2 -j ACCEPT', '-A ODD -m devgroup --src-group 0x2 -j ACCEPT', '-A ODD -m devgroup --src-group 2 -j ACCEPT'),
  m('odd-matches.rules', 'plain', 'rule', 'filter/ODD', '-A ODD -m conntrack --ctstate NEW --ctproto tcp --ctorigdst 10.0.0.1 --ctorigdstport 80 -j ACCEPT', '-A ODD -m conntrack --ctstate NEW --ctproto 6 --ctorigdst 10.0.0.1 --ctorigdstport 80 -j ACCEPT', '-A ODD -m conntrack --ctstate NEW --ctproto tcp --ctorigdst 10.0.0.1 --ctorigdstport 80 -j ACCEPT'),
  m('odd-matches.rules', 'plain', 'rule', 'filter/ODD', '-A ODD -m conntrack --ctstatus ASSURED,SEEN_REPLY --ctdir REPLY -j ACCEPT', '-A ODD -m conntrack --ctstatus SEEN_REPLY,ASSURED --ctdir REPLY -j ACCEPT', '-A ODD -m conntrack --ctstatus ASSURED,SEEN_REPLY --ctdir REPLY -j ACCEPT'),
  m('odd-matches.rules', 'plain', 'rule', 'filter/ODD', '-A ODD -p tcp --tcp-flags SYN,ACK,FIN SYN,ACK -j ACCEPT', '-A ODD -p tcp -m tcp --tcp-flags FIN,SYN,ACK SYN,ACK -j ACCEPT', '-A ODD -p tcp -m tcp --tcp-flags SYN,ACK,FIN SYN,ACK -j ACCEPT'),
  m('odd-matches.rules', 'plain', 'rule', 'filter/ODD', '-A ODD -p icmp ! --icmp-type echo-reply -j ACCEPT', '-A ODD -p icmp -m icmp ! --icmp-type 0 -j ACCEPT', '-A ODD -p icmp -m icmp ! --icmp-type echo-reply -j ACCEPT'),
  m('odd-matches.rules', 'plain', 'rule', 'filter/ODD', '-A ODD -p 6 --dport ssh -j ACCEPT', '-A ODD -p tcp -m tcp --dport 22 -j ACCEPT', '-A ODD -p tcp -m tcp --dport ssh -j ACCEPT'),
  m('odd-matches.rules', 'plain', 'rule', 'filter/ODD', '-A ODD -p udp --dport domain -j ACCEPT', '-A ODD -p udp -m udp --dport 53 -j ACCEPT', '-A ODD -p udp -m udp --dport domain -j ACCEPT'),
  m('odd-matches.rules', 'plain', 'rule', 'filter/ODD', '-A ODD -m u32 --u32 "0>>22&0x3C@12>>26&0x3F=0x10" -j DROP', '-A ODD -m u32 --u32 "0x0>>0x16&0x3c@0xc>>0x1a&0x3f=0x10" -j DROP', '-A ODD -m u32 --u32 "0>>22&0x3C@12>>26&0x3F=0x10" -j DROP'),
  m('odd-matches.rules', 'plain', 'rule', 'filter/ODD', '-A ODD -m recent --name portscan --rcheck --seconds 86400 --reap --rdest -j DROP', '-A ODD -m recent --rcheck --seconds 86400 --reap --name portscan --mask 255.255.255.255 --rdest -j DROP', '-A ODD -m recent --name portscan --rcheck --seconds 86400 --reap --rdest -j DROP'),
  m('odd-matches.rules', 'plain', 'rule', 'filter/ODD', '-A ODD -m hashlimit --hashlimit-above 10/minute --hashlimit-mode srcip,dstport --hashlimit-srcmask 24 --hashlimit-name scan -j DROP', '-A ODD -m hashlimit --hashlimit-above 10/min --hashlimit-burst 5 --hashlimit-mode srcip,dstport --hashlimit-name scan --hashlimit-srcmask 24 -j DROP', '-A ODD -m hashlimit --hashlimit-above 10/minute --hashlimit-mode srcip,dstport --hashlimit-srcmask 24 --hashlimit-name scan -j DROP'),
  m('odd-matches.rules', 'plain', 'rule', 'filter/ranges', '-A ranges -p udp --sport 0:65535 -j ACCEPT', '-A ranges -p udp -m udp -j ACCEPT', '-A ranges -p udp -m udp --sport 0:65535 -j ACCEPT'),
  // restore-commands.rules (plain)
  m('restore-commands.rules', 'plain', 'chain-order', 'filter', null, 'INPUT FORWARD OUTPUT AUDIT-LOG SERVICES', 'INPUT FORWARD AUDIT-LOG SERVICES OUTPUT'),
  m('restore-commands.rules', 'plain', 'rule', 'filter/INPUT', '-I INPUT -p icmp --icmp-type echo-request -j ACCEPT', '-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT', '-A INPUT -p icmp -m icmp --icmp-type echo-request -j ACCEPT'),
  m('restore-commands.rules', 'plain', 'rule', 'filter/INPUT', '-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT', '-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', '-A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT'),
  m('restore-commands.rules', 'plain', 'chain-order', 'nat', null, 'PREROUTING INPUT OUTPUT POSTROUTING HAIRPIN', 'POSTROUTING HAIRPIN'),
  m('restore-commands.rules', 'plain', 'chain-line', 'nat/PREROUTING', null, ':PREROUTING ACCEPT [0:0]', '(no such chain)'),
  m('restore-commands.rules', 'plain', 'chain-line', 'nat/INPUT', null, ':INPUT ACCEPT [0:0]', '(no such chain)'),
  m('restore-commands.rules', 'plain', 'chain-line', 'nat/OUTPUT', null, ':OUTPUT ACCEPT [0:0]', '(no such chain)'),
];
