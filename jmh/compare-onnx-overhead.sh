#!/usr/bin/env bash
# Per-token overhead of llama-onnx's executor against a bare ONNX Runtime loop on the same graph
# (OnnxOverheadBenchmark: decode steps, present.* fed back as past_key_values.*, last-position logits).
#
#   jmh/compare-onnx-overhead.sh [ROUNDS]     (default 3; SKIP_BUILD=1 reuses the benchmark jar)
#
# Env: MODEL (ONNX folder, default shared/data/models-onnx/tiny), THREADS (ORT intra-op threads, comma
# list, default 1,2), WARMUP / ITERATIONS (1-second JMH iterations per round, default 3 / 10), JVM_ARGS
# (more JVM flags for the fork, e.g. -Dllama4j.bareSessionFirst=true: a control that opens the bare loop's
# ORT session before the executor's).
# Method: OnnxOverheadBenchmark.paired, one JMH fork per round: every invocation runs 32 decode steps of
# each variant back to back in the same JVM (order alternating), each block timed on its own, so that load
# drift on a shared machine hits both alike. The score of a variant is the median over all measured
# invocations of all rounds (ms per decode token); the script prints the ratio of those medians, the median
# of the per-invocation ratios, the quartiles, and the load average before and after each round: the
# numbers are only as quiet as the machine.
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
  "$JAVA" -jar "$JAR" 'OnnxOverheadBenchmark\.paired$' -f 1 -wi "$WARMUP" -i "$ITERATIONS" \
    -p model="$MODEL" -p threads="$THREADS" -jvmArgsAppend "-Dllama4j.pairs=$OUT/pairs.txt ${JVM_ARGS:-}" \
    > "$OUT/round$round.log" 2>&1 \
    || { echo "benchmark failed, see $OUT/round$round.log"; tail -20 "$OUT/round$round.log"; exit 1; }
  echo "              load after:  $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/load.log"
done

python3 - "$OUT/pairs.txt" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    rows.setdefault(int(f[0]), []).append([float(x) for x in f[1:]])
def report(label, bare, ours):
    ratios = [o / b for b, o in zip(bare, ours)]
    qb, qo, qr = (statistics.quantiles(x, n=4) for x in (bare, ours, ratios))
    mb, mo = statistics.median(bare), statistics.median(ours)
    print(f"  {label}")
    print(f"    bare ORT loop : median {mb:.3f} ms/token (p25 {qb[0]:.3f}, p75 {qb[2]:.3f})")
    print(f"    llama4j onnx  : median {mo:.3f} ms/token (p25 {qo[0]:.3f}, p75 {qo[2]:.3f})")
    print(f"    ratio of medians executor/bare = {mo / mb:.3f} (overhead {100 * (mo / mb - 1):+.1f}%, {mo - mb:+.3f} ms/token);"
          f" median of per-invocation ratios {statistics.median(ratios):.3f} (p25 {qr[0]:.3f}, p75 {qr[2]:.3f})")
print()
for threads, rs in sorted(rows.items()):
    print(f"threads={threads}, {len(rs)} paired invocations of 32 decode steps each")
    report("wall time", [r[0] for r in rs], [r[1] for r in rs])
    if threads == 1 and all(len(r) >= 4 for r in rs):
        report("CPU time of the calling thread (ORT runs on it with 1 thread: all the work, no waiting)",
               [r[2] for r in rs], [r[3] for r in rs])
PY
