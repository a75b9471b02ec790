#!/usr/bin/env bash
# Regenerates samples/docker-20.10/ from a real Docker daemon (Debian's docker.io 20.10), run in a
# private network namespace exactly as ../shared/docs/real-iptables.md describes. One fresh daemon
# and namespace per scenario; for each scenario it writes
#
#   SCENARIO.v4               iptables-save   in the daemon's namespace
#   SCENARIO.v6               ip6tables-save  in the daemon's namespace (empty unless --ip6tables)
#   SCENARIO.networks.json    docker network inspect (every network)
#   SCENARIO.containers.json  docker inspect (every container)
#
# Usage: scripts/make-docker-samples.sh [SCENARIO...]   (default: all)
# Needs root, dockerd, docker, busybox (static), nsenter. Cleans up after itself, also on failure:
# containers removed, dockerd killed by its pid, namespace and temporary directory deleted.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=samples/docker-20.10
ALL_SCENARIOS="default-usernet no-icc internal no-masquerade bridge-name localhost-publish dual-stack"

if [ "$(id -u)" != 0 ]; then echo "make-docker-samples.sh: needs root" >&2; exit 1; fi
for tool in dockerd docker busybox nsenter ip iptables-save ip6tables-save; do
  command -v "$tool" >/dev/null || { echo "make-docker-samples.sh: $tool not found" >&2; exit 1; }
done
mkdir -p "$OUT"

# Host paths dockerd 20.10 creates outside --data-root/--exec-root (no flag moves them). Those that
# did not exist before we started are removed afterwards when empty (rmdir never removes one in use).
leftover_candidates() {
  echo /etc/docker/key.json /etc/docker /run/docker/plugins /run/docker /run/containerd/s /run/containerd
  local d
  for d in /sys/fs/cgroup/*/; do echo "${d}docker"; done
  echo /sys/fs/cgroup/docker
}
PREEXISTING=" "
for p in $(leftover_candidates); do [ -e "$p" ] && PREEXISTING+="$p "; done

ns="" st="" sock="" pid=""
dk() { docker -H "$sock" "$@"; }

stop_daemon() {
  if [ -n "$sock" ] && [ -S "${sock#unix://}" ]; then
    local ids
    ids=$(dk ps -aq 2>/dev/null || true)
    [ -z "$ids" ] || dk rm -f $ids >/dev/null 2>&1 || true
  fi
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid"; sleep 0.5; fi
  fi
  if [ -n "$st" ]; then
    # Anything dockerd left mounted under our directory (normally nothing after a clean stop).
    awk -v d="$st/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" || true; done
  fi
  [ -z "$ns" ] || ip netns del "$ns" 2>/dev/null || true
  [ -z "$st" ] || rm -rf "$st"
  ns="" st="" sock="" pid=""
}

remove_host_leftovers() {
  local p
  # Another dockerd (anyone's) may still use these paths.
  if pgrep -x dockerd >/dev/null 2>&1; then return; fi
  for p in $(leftover_candidates); do
    case "$PREEXISTING" in *" $p "*) continue ;; esac
    [ -e "$p" ] || continue
    if [ -d "$p" ]; then rmdir "$p" 2>/dev/null || true; else rm -f "$p"; fi
  done
}

cleanup() { stop_daemon; remove_host_leftovers; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# start_daemon [extra dockerd flags...]   (follows real-iptables.md)
start_daemon() {
  ns=ipl-docker-$$-$RANDOM
  st=$(mktemp -d /tmp/ipl-docker.XXXXXX)
  sock=unix://$st/docker.sock
  mkdir -p "$st/root" "$st/exec" "$st/cli"
  export DOCKER_CONFIG=$st/cli
  ip netns add "$ns" && ip netns exec "$ns" ip link set lo up
  nsenter --net=/var/run/netns/"$ns" dockerd --data-root "$st/root" --exec-root "$st/exec" \
    --pidfile "$st/docker.pid" -H "$sock" "$@" >"$st/log" 2>&1 &
  pid=$!
  local i
  for i in $(seq 1 80); do
    if dk info >/dev/null 2>&1; then break; fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "dockerd exited:" >&2; tail -20 "$st/log" >&2; exit 1; fi
    sleep 0.5
  done
  dk info >/dev/null 2>&1 || { echo "dockerd did not answer within 40 s:" >&2; tail -20 "$st/log" >&2; exit 1; }
  [ "$(cat "$st/docker.pid")" = "$pid" ] || { echo "pid file does not name our dockerd" >&2; exit 1; }
  # The tiny image: Debian's static busybox, sh and sleep.
  mkdir -p "$st/rootfs/bin" && cp "$(command -v busybox)" "$st/rootfs/bin/"
  ln -s busybox "$st/rootfs/bin/sh"; ln -s busybox "$st/rootfs/bin/sleep"
  tar -C "$st/rootfs" -c . | dk import - mini:1 >/dev/null
}

run_c() { dk run -d --name "$1" "${@:2}" mini:1 /bin/sleep 100000 >/dev/null; }

save_outputs() {
  local scenario=$1
  ip netns exec "$ns" iptables-save > "$OUT/$scenario.v4"
  ip netns exec "$ns" ip6tables-save > "$OUT/$scenario.v6"
  dk network inspect $(dk network ls -q) > "$OUT/$scenario.networks.json"
  local ids
  ids=$(dk ps -aq)
  if [ -n "$ids" ]; then dk inspect $ids > "$OUT/$scenario.containers.json"; else echo '[]' > "$OUT/$scenario.containers.json"; fi
  echo "wrote $OUT/$scenario.{v4,v6,networks.json,containers.json}"
}

scenario_default-usernet() {
  start_daemon
  dk network create --subnet 172.30.0.0/24 web >/dev/null
  run_c web1 --network web -p 8080:80
  run_c dns1 -p 5353:53/udp
}
scenario_no-icc() {
  start_daemon
  dk network create --subnet 192.168.200.0/24 -o com.docker.network.bridge.enable_icc=false no-icc >/dev/null
  run_c noicc1 --network no-icc -p 8081:80
  run_c noicc2 --network no-icc
}
scenario_internal() {
  start_daemon
  dk network create --internal --subnet 10.50.0.0/24 backend >/dev/null
  dk network create --internal --subnet 10.51.0.0/24 -o com.docker.network.bridge.enable_icc=false backend-noicc >/dev/null
  run_c db1 --network backend
  run_c db2 --network backend-noicc
}
scenario_no-masquerade() {
  start_daemon
  dk network create --subnet 10.60.0.0/24 -o com.docker.network.bridge.enable_ip_masquerade=false nomasq >/dev/null
  run_c nomasq1 --network nomasq -p 8082:80
}
scenario_bridge-name() {
  start_daemon
  dk network create --subnet 10.61.0.0/24 -o com.docker.network.bridge.name=mybr0 named >/dev/null
  run_c named1 --network named -p 7000:7000 -p 7001:7001/udp
}
scenario_localhost-publish() {
  start_daemon
  dk network create --subnet 10.62.0.0/24 -o com.docker.network.bridge.host_binding_ipv4=127.0.0.1 local-only >/dev/null
  run_c pg1 -p 127.0.0.1:5432:5432
  run_c api1 --network local-only -p 9000:9000
}
scenario_dual-stack() {
  start_daemon --experimental --ip6tables
  dk network create --ipv6 --subnet 192.168.210.0/24 --subnet fd00:dead:beef::/64 dual >/dev/null
  run_c dual1 --network dual -p 8080:80 -p 8053:53/udp
  run_c v4only1 -p 8090:80
}

scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || read -r -a scenarios <<<"$ALL_SCENARIOS"
for s in "${scenarios[@]}"; do
  case " $ALL_SCENARIOS " in *" $s "*) ;; *) echo "unknown scenario $s (have: $ALL_SCENARIOS)" >&2; exit 2 ;; esac
  "scenario_$s"
  save_outputs "$s"
  stop_daemon
done
