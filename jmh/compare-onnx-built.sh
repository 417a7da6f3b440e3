#!/usr/bin/env bash
# ONNX Runtime on a graph llama4j builds from a GGUF file, side by side with llama4j's Java kernel and
# llama.cpp on the same file, same threads, same prompt ids; plus what building the graph costs against
# what loading the model costs.
#
#   jmh/compare-onnx-built.sh [MODEL.gguf] [ROUNDS]
#       MODEL default /work/bench/models/llama-3.2-1b-shape-Q4_0.gguf, ROUNDS default 3
#
# Steps:
#   1. build, BUILDS times (default 3), each into a fresh cache:
#      java -cp llama4j-cli.jar io.llama4j.onnx.graph.BuildGraphMain MODEL CACHE under /usr/bin/time: build
#      time (JSON build_ms, which includes syncing the data file to disk; open_ms is reading the GGUF) and
#      peak RSS; medians.
#   2. load, LOADS times (default 3), alternating: the CLI with --executor java and --executor onnx (graph
#      reused from CACHE) generating one token: load_ms from its JSON, peak RSS from /usr/bin/time; medians.
#   3. ROUNDS rounds, engine order rotating each round:
#        llama.cpp      node llamacpp-ref.mjs bench --pp PP --tg TG (F16 KV cache, its own prompt ids)
#        llama4j-java   CLI generate --prompt-ids <the same ids> --max-tokens TG --executor java
#        llama4j-onnx   the same with --executor onnx (ORT CPU, onnx.provider=cpu, graph from CACHE)
#      and a table of medians with the ratios to llama.cpp.
# The two llama4j runs print the same greedy ids when the graph computes what the kernel does (the script
# says whether they agree).
#
# Environment: LLAMACPP_FIXTURES (copy of shared/tools/fixtures with node_modules; default
# /work/bench/fixtures), JAVA, NODE, LLAMA4J_CLI_JAR (default examples/target/llama4j-cli.jar; build it with
# bin/with-jdk25 mvn -q -DskipTests package), THREADS PP TG (default 2 / 128 / 64), BUILDS LOADS (default 3 / 3),
# SKIP_SPEED=1 (steps 1 and 2 only), OUT_DIR.
# Linux only. Quote the numbers with the machine's load (printed before each run).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODEL=$(realpath "${1:-/work/bench/models/llama-3.2-1b-shape-Q4_0.gguf}")
ROUNDS=${2:-3}
FIX=${LLAMACPP_FIXTURES:-/work/bench/fixtures}
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
NODE=${NODE:-node}
JAR=${LLAMA4J_CLI_JAR:-$ROOT/examples/target/llama4j-cli.jar}
THREADS=${THREADS:-2}
BUILDS=${BUILDS:-3}
LOADS=${LOADS:-3}
PP=${PP:-128}
TG=${TG:-64}
OUT_DIR=${OUT_DIR:-/tmp/llama4j-bench/onnx-built-$(date +%Y%m%d-%H%M%S)}
CACHE="$OUT_DIR/cache"

[[ -f "$MODEL" ]] || { echo "no such model file: $MODEL" >&2; exit 2; }
[[ -f "$JAR" ]] || { echo "CLI jar not found: $JAR (bin/with-jdk25 mvn -q -DskipTests package)" >&2; exit 2; }
[[ -f "$FIX/llamacpp-ref.mjs" && -d "$FIX/node_modules/node-llama-cpp" ]] || {
    echo "llama.cpp runner not found in $FIX (see jmh/compare-llamacpp.sh for how to make one)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time (GNU time) is needed for peak memory" >&2; exit 2; }
mkdir -p "$OUT_DIR"
JVM=("$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dllama4j.cache="$CACHE")
PROMPT_IDS=$(python3 -c "import sys; pp=int(sys.argv[1]); print(','.join(['128000'] + [str(1000 + (i * 7919) % 120000) for i in range(1, pp)]))" "$PP")

field() {  # field FILE KEY: KEY of the last JSON object line in FILE
    python3 - "$1" "$2" <<'PY'
import json, sys
obj = None
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    line = line.strip()
    if line.startswith("{"):
        try:
            obj = json.loads(line)
        except ValueError:
            pass
v = None if obj is None else obj.get(sys.argv[2])
print("" if v is None else len(v) if isinstance(v, list) else v)
PY
}
peak_mb() { sed -n 's/^peak_rss_kb \([0-9]*\)$/\1/p' "$1" | tail -1 | awk '{printf "%.0f", $1 / 1024}'; }
timed() {  # timed OUT ERR cmd...: runs it under GNU time, which appends "peak_rss_kb N" to ERR
    local out=$1 err=$2; shift 2
    /usr/bin/time -f 'peak_rss_kb %M' "$@" > "$out" 2> "$err"
}
load() { echo "load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cpus"; }

echo "== ONNX Runtime (built graph) vs Java kernel vs llama.cpp: $(basename "$MODEL") ($(du -h "$MODEL" | cut -f1)), threads $THREADS, pp $PP, tg $TG"
echo "   host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); llama4j $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'); raw outputs: $OUT_DIR"
cat "$MODEL" > /dev/null

median() { python3 -c "import statistics, sys; print(round(statistics.median(float(x) for x in sys.argv[1:])))" "$@"; }

BUILD_MSS=(); OPEN_MSS=(); BUILD_MBS=()
for ((b = 1; b <= BUILDS; b++)); do
    echo "-- 1. build the graph, run $b/$BUILDS ($(load))"
    rm -rf "$CACHE"
    timed "$OUT_DIR/build-$b.json" "$OUT_DIR/build-$b.err" "${JVM[@]}" -cp "$JAR" io.llama4j.onnx.graph.BuildGraphMain "$MODEL" "$CACHE" \
        || { tail -20 "$OUT_DIR/build-$b.err" >&2; exit 1; }
    BUILD_MSS+=("$(field "$OUT_DIR/build-$b.json" build_ms)"); OPEN_MSS+=("$(field "$OUT_DIR/build-$b.json" open_ms)")
    BUILD_MBS+=("$(peak_mb "$OUT_DIR/build-$b.err")"); GRAPH_MB=$(( $(field "$OUT_DIR/build-$b.json" graph_bytes) / 1048576 ))
    echo "   build ${BUILD_MSS[-1]} ms (+ ${OPEN_MSS[-1]} ms reading the GGUF), peak RSS ${BUILD_MBS[-1]} MB, graph + data ${GRAPH_MB} MB"
done

declare -A LOAD_MSS LOAD_MBS
for ((l = 1; l <= LOADS; l++)); do
    for ex in java onnx; do
        echo "-- 2. load the model with the $ex executor, one token, run $l/$LOADS ($(load))"
        timed "$OUT_DIR/load-$ex-$l.json" "$OUT_DIR/load-$ex-$l.err" "${JVM[@]}" -Dllama4j.onnx.provider=cpu -jar "$JAR" generate \
            --model "$MODEL" --prompt-ids 128000 --max-tokens 1 --temperature 0 --threads "$THREADS" --executor "$ex" --json \
            || { tail -20 "$OUT_DIR/load-$ex-$l.err" >&2; exit 1; }
        LOAD_MSS[$ex]+=" $(field "$OUT_DIR/load-$ex-$l.json" load_ms | cut -d. -f1)"
        LOAD_MBS[$ex]+=" $(peak_mb "$OUT_DIR/load-$ex-$l.err")"
        echo "   load $(echo ${LOAD_MSS[$ex]} | awk '{print $NF}') ms, peak RSS $(echo ${LOAD_MBS[$ex]} | awk '{print $NF}') MB"
    done
done
echo "   medians: build $(median "${BUILD_MSS[@]}") ms + $(median "${OPEN_MSS[@]}") ms reading the GGUF, peak RSS $(median "${BUILD_MBS[@]}") MB, graph + data ${GRAPH_MB} MB"
echo "            load with the java kernel $(median ${LOAD_MSS[java]}) ms, peak RSS $(median ${LOAD_MBS[java]}) MB (whole process, one token)"
echo "            load with onnx (ORT session on the built graph) $(median ${LOAD_MSS[onnx]}) ms, peak RSS $(median ${LOAD_MBS[onnx]}) MB"
[[ ${SKIP_SPEED:-0} == 1 ]] && exit 0

RESULTS="$OUT_DIR/results.tsv"
printf 'round\tengine\tprefill_tps\tdecode_tps\n' > "$RESULTS"
run() {  # run ROUND ENGINE
    local out="$OUT_DIR/r$1-$2.json" err="$OUT_DIR/r$1-$2.err" pp tg
    echo "   $2 ($(load))"
    if [[ $2 == llama.cpp ]]; then
        (cd "$FIX" && "$NODE" llamacpp-ref.mjs bench --model "$MODEL" --threads "$THREADS" --pp "$PP" --tg "$TG" --reps 1) \
            > "$out" 2> "$err" || { tail -20 "$err" >&2; exit 1; }
        pp=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d.get('pp_tokens_per_s') or d['bench']['pp_tokens_per_s'])" "$out" 2>/dev/null \
            || field "$out" pp_tokens_per_s)
        tg=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(d.get('tg_tokens_per_s') or d['bench']['tg_tokens_per_s'])" "$out" 2>/dev/null \
            || field "$out" tg_tokens_per_s)
    else
        "${JVM[@]}" -Dllama4j.onnx.provider=cpu -jar "$JAR" generate --model "$MODEL" --prompt-ids "$PROMPT_IDS" \
            --max-tokens "$TG" --temperature 0 --threads "$THREADS" --executor "${2#llama4j-}" --json \
            > "$out" 2> "$err" || { tail -20 "$err" >&2; exit 1; }
        pp=$(field "$out" prefill_tokens_per_s); tg=$(field "$out" decode_tokens_per_s)
    fi
    printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$pp" "$tg" >> "$RESULTS"
    LC_NUMERIC=C printf '     prefill %8.2f t/s  decode %7.2f t/s\n' "$pp" "$tg"
}
ENGINES=(llama.cpp llama4j-java llama4j-onnx)
for ((r = 1; r <= ROUNDS; r++)); do
    echo "-- 3. round $r/$ROUNDS"
    for ((i = 0; i < 3; i++)); do run "$r" "${ENGINES[$(( (i + r - 1) % 3 ))]}"; done
done
python3 - "$OUT_DIR" <<'PY'
import json, sys, os
d = sys.argv[1]
def ids(engine):
    out = set()
    for f in sorted(os.listdir(d)):
        if f.endswith(f"-{engine}.json") and f.startswith("r"):
            for line in open(os.path.join(d, f)):
                if line.startswith("{"):
                    out.add(tuple(json.loads(line)["ids"]))
    return out
j, o = ids("llama4j-java"), ids("llama4j-onnx")
print("   greedy ids java kernel vs onnx graph:", "identical" if j == o else f"differ ({len(j)} vs {len(o)} distinct runs)")
PY
python3 - "$RESULTS" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
med = {}
for e in ("llama.cpp", "llama4j-java", "llama4j-onnx"):
    r = [x for x in rows if x["engine"] == e]
    med[e] = (statistics.median(float(x["prefill_tps"]) for x in r), statistics.median(float(x["decode_tps"]) for x in r))
print("| engine | prefill t/s | decode t/s | prefill / llama.cpp | decode / llama.cpp |")
print("|---|---|---|---|---|")
for e, (p, t) in med.items():
    print(f"| {e} | {p:.2f} | {t:.2f} | {p / med['llama.cpp'][0]:.2f} | {t / med['llama.cpp'][1]:.2f} |")
PY
