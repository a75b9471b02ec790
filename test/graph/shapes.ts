/** A filter table with every shape the graph draws: two jumps to one chain, a goto, a loop, a self-loop, a missing and an unused chain, and markup in a chain name. */
export const SHAPES = `*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:WEB - [0:0]
:LOGDROP - [0:0]
:LOOP-A - [0:0]
:LOOP-B - [0:0]
:SPARE - [0:0]
:A&<B> - [0:0]
-A INPUT -p tcp -m tcp --dport 80 -j WEB
-A INPUT -p tcp -m tcp --dport 443 -j WEB
-A INPUT -g LOGDROP
-A FORWARD -j A&<B>
-A WEB -s 10.0.0.0/8 -j ACCEPT
-A WEB -j LOOP-A
-A LOGDROP -j NOWHERE
-A LOGDROP -j DROP
-A LOOP-A -j LOOP-B
-A LOOP-B -m limit --limit 1/sec -j LOOP-A
-A LOOP-B -j LOOP-B
COMMIT
`;
