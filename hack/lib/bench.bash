# Shared by the benchmark scripts (hack/bench-pull, hack/bench-lifecycle); sourced, never run.
# The caller sets PROG (its name in messages), runs from the repository root, and owns the
# globals named below; its EXIT trap calls stop_registry and unmount_under as needed.
#
# Globals: BENCH (this invocation's temp directory), DAEMON_PID (the current daemon),
# REGISTRY_JVM / REGISTRY_PID / REGISTRY_FD_OPEN (set by start_registry), RESULTS (result lines).

say() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }

JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
CORTADO_BIN=runtime-service/target/cortado/bin/cortado
REGISTRY_JVM=""
REGISTRY_PID=""
REGISTRY_FD_OPEN=""

unmount_under() {     # unmount_under DIR: deepest first; lazily, so a busy mount cannot hang us
    local dir=$1 target
    [ -n "$dir" ] || return 0
    findmnt -rn -o TARGET | awk -v d="$dir/" 'index($0 "/", d) == 1' | sort -r | while read -r target; do
        umount "$target" 2>/dev/null || umount -l "$target" 2>/dev/null || say "cannot unmount $target"
    done
}

stop_pid() {          # stop_pid PID NAME: SIGTERM, 30 s grace, then SIGKILL; only our own children
    local pid=$1 name=$2 i
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 300); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        say "$name (pid $pid) ignored SIGTERM for 30 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

# ---------------------------------------------------------------- packages and builds
installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]; }

install_runtime_packages() {  # containerd and runc, only if missing; their service kept from running
    local need=() package policy apt_ok pid
    for package in containerd runc; do installed "$package" || need+=("$package"); done
    if [ ${#need[@]} -gt 0 ]; then
        say "installing ${need[*]} (their services are kept from starting)"
        policy=""
        if [ ! -e /usr/sbin/policy-rc.d ]; then
            printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
            chmod 755 /usr/sbin/policy-rc.d
            policy=1
        fi
        export DEBIAN_FRONTEND=noninteractive
        apt_ok=1
        apt-get install -y -q --no-install-recommends "${need[@]}" >&2 \
            || { apt-get update -q >&2 && apt-get install -y -q --no-install-recommends "${need[@]}" >&2; } \
            || apt_ok=""
        [ -n "$policy" ] && rm -f /usr/sbin/policy-rc.d
        [ -n "$apt_ok" ] || die "apt-get install ${need[*]} failed (see the apt output above)"
        # The packaged service must not run beside the benchmark's own containerd.
        if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
            systemctl stop containerd 2>/dev/null || true
            systemctl disable --quiet containerd 2>/dev/null || true
        else
            for pid in $(pgrep -x containerd || true); do
                # the packaged unit runs plain "/usr/bin/containerd"; ours always pass --config
                if [ "$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)" = "/usr/bin/containerd " ]; then
                    say "stopping the packaged containerd (pid $pid) that the install started"
                    kill -TERM "$pid" || true
                fi
            done
        fi
    fi
    command -v containerd >/dev/null || die "containerd is not on PATH although its package is installed"
    command -v runc >/dev/null || die "runc is not on PATH although its package is installed"
}

build_cortado_if_missing() {  # sets CORTADO_ERROR when the daemon cannot be built
    CORTADO_ERROR=""
    [ -x "$CORTADO_BIN" ] && return 0
    say "building the project (mvn -q -DskipTests package) for $CORTADO_BIN"
    # shellcheck disable=SC2086
    if ! mvn -B -q ${BENCH_MAVEN_ARGS:-} -DskipTests package >&2 || [ ! -x "$CORTADO_BIN" ]; then
        CORTADO_ERROR="the project build failed, so $CORTADO_BIN is missing (see the mvn output above)"
        say "cortado will be skipped: $CORTADO_ERROR"
    fi
}

build_bench() {       # builds module hack; defines CLASSPATH_BENCH for java_main
    say "building the benchmark (module hack)"
    # shellcheck disable=SC2086
    mvn -B -q ${BENCH_MAVEN_ARGS:-} -DskipTests -pl hack -am package dependency:build-classpath \
        -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=runtime >&2 \
        || die "building module hack failed (see the mvn output above)"
    CLASSPATH_BENCH="$(pwd)/hack/target/classes:$(cat hack/target/bench.classpath)"
}
java_main() { "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$CLASSPATH_BENCH" "$@"; }

# ---------------------------------------------------------------- the registry
start_registry() {    # start_registry [BenchRegistry flags]: waits for READY; see registry_value
    mkfifo "$BENCH/registry.in"
    java_main dev.cortado.hack.bench.BenchRegistry "$@" \
        < "$BENCH/registry.in" > "$BENCH/registry.out" 2> "$BENCH/registry.err" &
    REGISTRY_JVM=$!
    exec 3> "$BENCH/registry.in"
    REGISTRY_FD_OPEN=1
    say "starting a registry and pushing the benchmark images (pid $REGISTRY_JVM)"
    local i
    for i in $(seq 3000); do
        grep -qx READY "$BENCH/registry.out" 2>/dev/null && break
        kill -0 "$REGISTRY_JVM" 2>/dev/null || die "BenchRegistry exited: $(cat "$BENCH/registry.err")"
        sleep 0.1
    done
    grep -qx READY "$BENCH/registry.out" || die "BenchRegistry not ready after 300 s: $(tail -5 "$BENCH/registry.err")"
    REGISTRY_PID=$(registry_value REGISTRY_PID)
    sed "s/^/$PROG: /" "$BENCH/registry.err" >&2
}
registry_value() { awk -v k="$1" '$1 == k { print $2 }' "$BENCH/registry.out"; }

stop_registry() {
    if [ -n "$REGISTRY_FD_OPEN" ]; then
        exec 3>&-     # end of input: BenchRegistry closes the registry and removes its files
        REGISTRY_FD_OPEN=""
        local i
        for i in $(seq 100); do
            kill -0 "$REGISTRY_JVM" 2>/dev/null || break
            sleep 0.1
        done
    fi
    stop_pid "$REGISTRY_JVM" "BenchRegistry"
    REGISTRY_JVM=""
    if [ -n "$REGISTRY_PID" ] && [ -r "/proc/$REGISTRY_PID/cmdline" ] \
        && tr '\0' ' ' < "/proc/$REGISTRY_PID/cmdline" | grep -q 'docker-registry serve'; then
        kill -KILL "$REGISTRY_PID" 2>/dev/null || true
    fi
    REGISTRY_PID=""
}

# ---------------------------------------------------------------- daemons
wait_for_socket() {   # wait_for_socket PATH NAME LOG
    local i
    for i in $(seq 600); do
        [ -S "$1" ] && return 0
        kill -0 "$DAEMON_PID" 2>/dev/null || { say "$2 exited before listening; log tail:"; tail -20 "$3" >&2; return 1; }
        sleep 0.1
    done
    say "$2 did not create $1 within 60 s; log tail:"; tail -20 "$3" >&2
    return 1
}

containerd_config() { # containerd_config DIR HOSTPORT [CRI_TOML]: a private containerd's config on stdout
    # (CNI from $BENCH_CNI_CONF and $BENCH_CNI_BIN when set, else an empty $DIR/cni)
    local d=$1 hostport=$2 cri=${3:-}
    # Snapshotters this host cannot use are disabled (they only probe and log at start-up).
    cat <<EOT
version = 2
root = "$d/root"
state = "$d/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]

[grpc]
  address = "$d/containerd.sock"

[plugins."io.containerd.internal.v1.opt"]
  path = "$d/opt"
$cri
[plugins."io.containerd.grpc.v1.cri".cni]
  conf_dir = "${BENCH_CNI_CONF:-$d/cni}"
  bin_dir = "${BENCH_CNI_BIN:-/opt/cni/bin}"

[plugins."io.containerd.grpc.v1.cri".registry.mirrors."$hostport"]
  endpoint = ["http://$hostport"]
EOT
}

# ---------------------------------------------------------------- the table
median() {            # median LABEL KEY FORMAT: median of KEY over the lines of LABEL in $RESULTS, or "-"
    awk -v label="$1" -v key="$2" -v format="$3" '
        { delete f; for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } }
        f["label"] == label && (key in f) && f[key] != "-" { v[n++] = f[key] }
        END {
            if (n == 0) { print "-"; exit }
            for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
            m = n % 2 ? v[int(n / 2)] : (v[n / 2 - 1] + v[n / 2]) / 2
            printf format "\n", m
        }' "$RESULTS"
}
ratio() { if [ "$1" = - ] || [ "$2" = - ]; then echo -; else awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "-"; else printf "%.2f\n", a / b }'; fi; }
count() { grep -c " label=$1 " "$RESULTS" || true; }
