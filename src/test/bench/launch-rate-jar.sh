#!/usr/bin/env bash
# Launch rate through one real `iris worker` process started from target/iris.jar, as in production:
# a controller and a worker as separate JVMs over gRPC, one job of N /bin/true tasks (cpu 1 each, so
# the worker runs SLOTS of them at once), timed from the job's start (its submission) to its end, by the
# controller's clock, so the client JVMs' start-up is not counted. Reports CPU per task of the worker JVM, of its reaped children
# (setsid + /bin/true) and of the controller JVM, read from /proc/<pid>/stat, and the load average.
# usage: [IRIS_JAR=path] [IRIS_JAVA_OPTS=...] src/test/bench/launch-rate-jar.sh [TASKS=3000] [ROUNDS=3] [SLOTS=64]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
jar="${IRIS_JAR:-$root/target/iris.jar}"  # IRIS_JAR=... measures another build
n=${1:-3000}; rounds=${2:-3}; slots=${3:-64}
[ -f "$jar" ] || (cd "$root" && mvn -B -ntp -q package -DskipTests)
work=$(mktemp -d /tmp/iris-launch-jar.XXXXXX)
port=$((20000 + RANDOM % 20000))
iris() { java ${IRIS_JAVA_OPTS:-} -jar "$jar" "$@"; }
cleanup() { kill "${wpid:-}" "${cpid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
[ -n "${KEEP_LOGS:-}" ] && trap 'cp "$work"/*.log "$KEEP_LOGS"/ 2>/dev/null; cleanup' EXIT
java ${IRIS_JAVA_OPTS:-} -jar "$jar" controller --host 127.0.0.1 --port "$port" --state-dir none >"$work/controller.log" 2>&1 & cpid=$!
for _ in $(seq 100); do (echo >/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done
java ${IRIS_JAVA_OPTS:-} -jar "$jar" worker --controller "127.0.0.1:$port" --host 127.0.0.1 --port $((port + 1)) --cpu "$slots" --memory 64G \
  --work-dir "$work/worker" >"$work/worker.log" 2>&1 & wpid=$!
export IRIS_CONTROLLER_ADDRESS="127.0.0.1:$port"
until iris worker list 2>/dev/null | grep -q "$((port + 1))"; do sleep 0.3; done
# ticks of a pid: utime+stime (own threads), cutime+cstime (reaped children)
ticks() { awk '{print $14 + $15, $16 + $17}' "/proc/$1/stat"; }
# --no-wait and polling: following the logs of a 3000-task job trips a controller NPE (see BENCHMARKS.md)
run() {
  iris job run --no-wait --name "$1" --replicas "$2" --cpu 1 --memory 16M -- /bin/true >/dev/null
  until iris job status "$1" --json | grep -q '^  "state": "JOB_STATE_\(SUCCEEDED\|FAILED\|KILLED\)'; do sleep 0.5; done
}
run warm 500
for r in $(seq "$rounds"); do
  read -r w0 wc0 < <(ticks $wpid); read -r c0 _ < <(ticks $cpid)
  run "round-$r" "$n"
  read -r w1 wc1 < <(ticks $wpid); read -r c1 _ < <(ticks $cpid)
  iris job status "round-$r" --json > "$work/status.json" # not --tasks: see BENCHMARKS.md
  python3 - "$work/status.json" "$n" "$((w1 - w0))" "$((wc1 - wc0))" "$((c1 - c0))" <<'PY'
import json, sys, os
status = json.load(open(sys.argv[1])); n = int(sys.argv[2])
secs = (int(status["finishedAtMs"]) - int(status["startedAtMs"])) / 1000
w, wc, c = (int(x) * 10 / n for x in sys.argv[3:6])  # 10 ms per tick
print(f"{n} tasks in {secs:.2f} s: {n / secs:.0f} tasks/s; CPU ms/task: worker {w:.2f}, its children {wc:.2f}, "
      f"controller {c:.2f}; load {os.getloadavg()[0]:.1f}")
PY
done
