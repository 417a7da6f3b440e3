#!/usr/bin/env bash
# Side-by-side encode throughput of llama4j's tokenizer, JTokkit 1.1.0 and HF tokenizers (Rust, via DJL).
#
#   jmh/compare-tokenizers.sh [ROUNDS]        (default 3 rounds; SKIP_BUILD=1 reuses the benchmark jar)
#
# Workload (EncodeParagraphs): the 33,490 paragraphs of shared/data/llama3-tokenizer/bench-corpus.txt,
# one encode call each, ids only, 1,742,014 tokens; each engine must produce exactly that count first.
# Method: one JMH fork per engine per round, single-shot iterations (one = the whole corpus), the engine
# order rotating every round so that drift in machine load spreads over all engines; the score is the
# median of all measured iterations of an engine. Every JVM is pinned to one CPU (CPU=, default 0) and
# the Rust side runs one thread (RAYON_NUM_THREADS=1). Machine load is printed before each fork (uptime
# and the busy share of all CPUs over one second from /proc/stat); a busy machine makes the numbers noisy,
# so the script waits up to IDLE_WAIT seconds (default 60) for the busy share to fall below IDLE_MAX_BUSY
# percent (default 25) and says so when it does not.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SHARED="${LLAMA4J_SHARED:-$ROOT/../shared}"
ROUNDS="${1:-3}"
CPU="${CPU:-0}"
WARMUP="${WARMUP:-3}"
ITERATIONS="${ITERATIONS:-5}"
IDLE_WAIT="${IDLE_WAIT:-60}"
IDLE_MAX_BUSY="${IDLE_MAX_BUSY:-25}"
JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
JAR="$ROOT/jmh/target/llama4j-benchmarks.jar"
OUT="$ROOT/jmh/target/compare-tokenizers"

if [[ "${SKIP_BUILD:-0}" != 1 || ! -f "$JAR" ]]; then
  (cd "$ROOT" && JAVA_HOME="$JAVA_HOME" mvn -q -pl jmh -am -DskipTests package)
fi
rm -rf "$OUT" && mkdir -p "$OUT"

# Busy percentage of all CPUs over one second, from the aggregate "cpu" line of /proc/stat.
busy_percent() {
  local a b
  read -r -a a < <(grep '^cpu ' /proc/stat)
  sleep 1
  read -r -a b < <(grep '^cpu ' /proc/stat)
  local total=0 idle i
  for i in 1 2 3 4 5 6 7 8; do total=$(( total + b[i] - a[i] )); done
  idle=$(( (b[4] - a[4]) + (b[5] - a[5]) ))
  echo $(( total > 0 ? 100 * (total - idle) / total : 0 ))
}

wait_for_idle() {
  local waited=0 busy
  busy=$(busy_percent)
  while (( busy > IDLE_MAX_BUSY && waited < IDLE_WAIT )); do
    sleep 4; waited=$(( waited + 5 )); busy=$(busy_percent)
  done
  echo "  load: $(uptime | sed 's/.*load average/load average/'); CPUs busy ${busy}%$( (( busy > IDLE_MAX_BUSY )) && echo " (NOT IDLE: numbers are noisy)")" | tee -a "$OUT/load.log"
}

ENGINES=(llama4j jtokkit hfDjl)
for (( round = 0; round < ROUNDS; round++ )); do
  for (( k = 0; k < ${#ENGINES[@]}; k++ )); do
    engine="${ENGINES[$(( (round + k) % ${#ENGINES[@]} ))]}"
    echo "round $(( round + 1 ))/$ROUNDS: $engine"
    wait_for_idle
    RAYON_NUM_THREADS=1 taskset -c "$CPU" "$JAVA" -jar "$JAR" "EncodeParagraphs\.$engine\$" \
      -f 1 -wi "$WARMUP" -i "$ITERATIONS" -rf json -rff "$OUT/round$round-$engine.json" \
      -jvmArgsAppend "-Dllama4j.shared=$SHARED -Doffline=true" > "$OUT/round$round-$engine.log" 2>&1 \
      || { echo "benchmark $engine failed, see $OUT/round$round-$engine.log"; tail -20 "$OUT/round$round-$engine.log"; exit 1; }
    grep -E '^EncodeParagraphs' "$OUT/round$round-$engine.log" | sed 's/^/  /'
  done
done

python3 - "$OUT" <<'PY'
import glob, json, statistics, sys
TOKENS = 1_742_014
times = {}
for path in sorted(glob.glob(sys.argv[1] + "/round*.json")):
    for result in json.load(open(path)):
        engine = result["benchmark"].rsplit(".", 1)[1]
        for fork in result["primaryMetric"]["rawData"]:
            times.setdefault(engine, []).extend(fork)   # milliseconds per pass over the corpus
names = {"llama4j": "llama4j LlamaTokenizer", "jtokkit": "JTokkit 1.1.0", "hfDjl": "HF tokenizers via DJL 0.38.0 (raw JNI, ids only)"}
print()
print(f"{'engine':52} {'median ms':>10} {'M tokens/s':>11} {'n':>4}")
rate = {}
for engine in ["llama4j", "jtokkit", "hfDjl"]:
    if engine in times:
        median = statistics.median(times[engine])
        rate[engine] = TOKENS / (median / 1000)
        print(f"{names[engine]:52} {median:10.1f} {rate[engine] / 1e6:11.3f} {len(times[engine]):4}")
if "llama4j" in rate:
    for other in ["jtokkit", "hfDjl"]:
        if other in rate:
            print(f"llama4j / {names[other]}: {rate['llama4j'] / rate[other]:.2f}x")
PY
