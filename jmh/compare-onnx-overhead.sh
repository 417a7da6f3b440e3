#!/usr/bin/env bash
# Per-token overhead of llama-onnx's executor against a bare ONNX Runtime loop on the same graph
# (OnnxOverheadBenchmark: decode steps, present.* fed back as past_key_values.*, last-position logits).
#
#   jmh/compare-onnx-overhead.sh [ROUNDS]     (default 3; SKIP_BUILD=1 reuses the benchmark jar)
#
# Env: MODEL (ONNX folder, default shared/data/models-onnx/tiny), THREADS (ORT intra-op threads, comma
# list, default 1,2), WARMUP / ITERATIONS (1-second iterations per variant per round, default 3 / 10).
# Method: each round is one JMH fork running both variants in the same JVM, one after the other, many
# short iterations each; the score of a variant is the median of all its measured iterations over all
# rounds (ms per decode token). The script prints the ratio of medians, the per-round ratios (to show the
# spread) and the load average before and after each round: the numbers are only as quiet as the machine.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="${LLAMA4J_SHARED:-$ROOT/../shared}"
MODEL="${MODEL:-$SHARED/data/models-onnx/tiny}"
ROUNDS="${1:-3}"
THREADS="${THREADS:-1,2}"
WARMUP="${WARMUP:-3}"
ITERATIONS="${ITERATIONS:-10}"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
JAR="${JAR:-$ROOT/jmh/target/llama4j-benchmarks.jar}"
OUT="${OUT:-$ROOT/jmh/target/compare-onnx-overhead}"

if [[ "${SKIP_BUILD:-0}" != 1 || ! -f "$JAR" ]]; then
  (cd "$ROOT" && JAVA_HOME="$JAVA_HOME" mvn -q -pl jmh -am -DskipTests install)
fi
rm -rf "$OUT" && mkdir -p "$OUT"

for (( round = 0; round < ROUNDS; round++ )); do
  echo "round $(( round + 1 ))/$ROUNDS   load before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/load.log"
  "$JAVA" -jar "$JAR" 'OnnxOverheadBenchmark' -f 1 -wi "$WARMUP" -i "$ITERATIONS" \
    -p model="$MODEL" -p threads="$THREADS" -rf json -rff "$OUT/round$round.json" > "$OUT/round$round.log" 2>&1 \
    || { echo "benchmark failed, see $OUT/round$round.log"; tail -20 "$OUT/round$round.log"; exit 1; }
  echo "              load after:  $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/load.log"
done

python3 - "$OUT" <<'PY'
import glob, json, statistics, sys
runs = {}   # (threads, variant) -> [ms/token per iteration]
rounds = {} # (threads, round) -> {variant: median}
for path in sorted(glob.glob(sys.argv[1] + "/round*.json")):
    r = path.rsplit("round", 1)[1].split(".")[0]
    for result in json.load(open(path)):
        variant = result["benchmark"].rsplit(".", 1)[1]
        threads = result["params"]["threads"]
        its = [x for fork in result["primaryMetric"]["rawData"] for x in fork]
        runs.setdefault((threads, variant), []).extend(its)
        rounds.setdefault((threads, r), {})[variant] = statistics.median(its)
print()
print(f"{'threads':>7} {'variant':10} {'median ms/token':>16} {'p25':>7} {'p75':>7} {'n':>4}")
for (threads, variant), its in sorted(runs.items()):
    q = statistics.quantiles(its, n=4)
    print(f"{threads:>7} {variant:10} {statistics.median(its):16.3f} {q[0]:7.3f} {q[2]:7.3f} {len(its):4}")
for threads in sorted({t for t, _ in runs}):
    bare = statistics.median(runs[(threads, "bareOrt")])
    ours = statistics.median(runs[(threads, "executor")])
    per_round = [v["executor"] / v["bareOrt"] for (t, _), v in sorted(rounds.items()) if t == threads]
    print(f"threads={threads}: executor / bare ORT = {ours / bare:.3f} (overhead {100 * (ours / bare - 1):+.1f}%, "
          f"{ours - bare:+.3f} ms/token); per round: " + ", ".join(f"{x:.3f}" for x in per_round))
PY
