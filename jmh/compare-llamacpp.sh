#!/usr/bin/env bash
# Side-by-side speed of llama4j (the CLI's bench command) and llama.cpp (node-llama-cpp 3.21.1, the pinned
# reference runner of shared/tools/fixtures) on the same GGUF files and thread count, with this machine's
# read bandwidth measured in the same run. Ends with a markdown table.
#
#   jmh/compare-llamacpp.sh [MODEL.gguf ...]
#
# With no argument: $MODELS_DIR/llama-3.2-1b-shape-{Q8_0,Q4_0,Q4_K_M,BF16}.gguf (how to make them is printed
# when they are missing).
#
# Per model and round, for each prompt length in PPS, both engines run one after the other, the order
# alternating from round to round (A B, B A, ...) so that drift on a shared machine hits both alike. Before
# each run the script waits until the machine is idle (uptime + /proc/stat over 1 s), and during each run it
# measures the CPU time something else used (flagged when above IDLE_MAX_BUSY). Medians over the rounds.
#   llama.cpp: node llamacpp-ref.mjs bench --model M --threads T --pp PP --tg TG --reps 2
#              (prompt BOS + 1000 + (i*7919 % 120000) in one batch, then TG single-token steps; F16 KV
#              cache; best of its 2 runs)
#   llama4j:   java -jar examples/target/llama4j-cli.jar bench --model M --prompt-tokens PP --gen-tokens TG
#              --threads T --warmup 1 --reps 2 --json
#              (the same prompt ids; one unmeasured warm-up run so the JIT has compiled the kernel, then
#              the best of 2 runs, each in a fresh session)
# Decode (TG tokens) is measured after the first prompt length; the other lengths generate 1 token.
# Bandwidth: jmh/bandwidth/stream-read.c (compiled here, cc -O3 -march=native), THREADS threads each summing
# their own 512 MiB, best of 5; measured before the first and after the last model, the table uses the
# median. Decode effective bandwidth = weight bytes read per token (every 2-D weight tensor but the
# embedding, plus the embedding again as the output matrix when tied; from the GGUF header) x tokens/s.
#
# Environment:
#   ROUNDS (3)  PPS ("128 512")  TG (64)  THREADS (2)
#   MODELS_DIR         where the default models are (default /tmp/llama4j-bench/models)
#   LLAMACPP_FIXTURES  writable copy of shared/tools/fixtures with node_modules (default /tmp/llama4j-bench/fixtures)
#   JAVA               java binary (default /usr/lib/jvm/temurin-25-jdk-amd64/bin/java)
#   NODE  CC           node binary (default node), C compiler (default cc)
#   LLAMA4J_CLI_JAR    the CLI jar (default examples/target/llama4j-cli.jar; build: mvn -q -DskipTests package)
#   JAVA_OPTS          extra JVM options
#   OUT_DIR            where raw outputs go (default /tmp/llama4j-bench/compare-<time>)
#   IDLE_MAX_BUSY      max % CPU busy (all cores, 1 s sample) to count as idle (default 20)
#   IDLE_MAX_WAIT_S    how long to wait for idleness before running anyway, marked busy (default 300)
# Linux only (/proc/stat). Exit status: 0 ok, 1 a run failed, 2 setup missing.
set -euo pipefail

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[[ "${1:-}" == -h || "${1:-}" == --help ]] && usage

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROUNDS=${ROUNDS:-3}
PPS=${PPS:-128 512}
TG=${TG:-64}
THREADS=${THREADS:-2}
MODELS_DIR=${MODELS_DIR:-/tmp/llama4j-bench/models}
FIX=${LLAMACPP_FIXTURES:-/tmp/llama4j-bench/fixtures}
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
NODE=${NODE:-node}
CC=${CC:-cc}
JAR=${LLAMA4J_CLI_JAR:-$ROOT/examples/target/llama4j-cli.jar}
IDLE_MAX_BUSY=${IDLE_MAX_BUSY:-20}
IDLE_MAX_WAIT_S=${IDLE_MAX_WAIT_S:-300}
OUT_DIR=${OUT_DIR:-/tmp/llama4j-bench/compare-$(date +%Y%m%d-%H%M%S)}
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "ROUNDS must be a positive integer: $ROUNDS" >&2; exit 2; }
[[ "$TG" =~ ^[1-9][0-9]*$ ]] || { echo "TG must be a positive integer: $TG" >&2; exit 2; }

MODELS=()
if (( $# > 0 )); then
    for m in "$@"; do
        [[ -f "$m" ]] || { echo "no such model file: $m" >&2; exit 2; }
        MODELS+=("$(realpath "$m")")
    done
else
    for q in Q8_0 Q4_0 Q4_K_M BF16; do
        m="$MODELS_DIR/llama-3.2-1b-shape-$q.gguf"
        if [[ ! -f "$m" ]]; then
            SHARED=$(realpath -m "$ROOT/../shared")
            cat >&2 <<EOF
missing $m. Make the four models (random weights in Llama-3.2-1B shapes, ~1-2.5 GB each), or pass model files:
  mkdir -p "$MODELS_DIR"
  python3 "$SHARED/tools/fixtures/make_model.py" --preset llama-3.2-1b-shape \\
      --tokenizer "$SHARED/data/llama3-tokenizer/tokenizer.json" --out-dir "$MODELS_DIR" --gguf Q8_0,Q4_0,Q4_K_M,BF16
EOF
            exit 2
        fi
        MODELS+=("$m")
    done
fi

if [[ ! -f "$FIX/llamacpp-ref.mjs" || ! -d "$FIX/node_modules/node-llama-cpp" ]]; then
    SHARED_FIX=$(realpath -m "$ROOT/../shared/tools/fixtures")
    cat >&2 <<EOF
llama.cpp runner not found at $FIX (llamacpp-ref.mjs + node_modules/node-llama-cpp).
Create it (node >= 20; ~730 MB, about 20 s), or point LLAMACPP_FIXTURES at an existing copy:

  mkdir -p "$(dirname "$FIX")"
  cp -r "$SHARED_FIX" "$FIX"
  chmod -R u+w "$FIX"
  (cd "$FIX" && npm ci --ignore-scripts)
  $NODE "$FIX/llamacpp-ref.mjs" info
EOF
    exit 2
fi
if [[ ! -f "$JAR" ]]; then
    echo "CLI jar not found: $JAR  (build it: (cd \"$ROOT\" && mvn -q -DskipTests package))" >&2
    exit 2
fi
command -v python3 >/dev/null || { echo "python3 is needed (JSON, GGUF header, medians)" >&2; exit 2; }
command -v "$NODE" >/dev/null || { echo "node not found: $NODE" >&2; exit 2; }
command -v "$CC" >/dev/null || { echo "a C compiler is needed for the bandwidth benchmark: $CC (set CC=...)" >&2; exit 2; }
[[ -x "$JAVA" ]] || command -v "$JAVA" >/dev/null || { echo "java not found: $JAVA (set JAVA=...)" >&2; exit 2; }

mkdir -p "$OUT_DIR"
RESULTS="$OUT_DIR/results.tsv"
BANDWIDTH="$OUT_DIR/bandwidth.tsv"
WEIGHTS="$OUT_DIR/weights.tsv"
printf 'model\tround\tpp\ttg\tengine\tprefill_tps\tdecode_tps\tload_ms\twall_s\tbusy_before_pct\tother_during_pct\n' > "$RESULTS"
printf 'when\tread_gb_per_s\tbusy_before_pct\n' > "$BANDWIDTH"
printf 'model\tweight_bytes_per_token\n' > "$WEIGHTS"
STREAM="$OUT_DIR/stream-read"
"$CC" -O3 -march=native -pthread -o "$STREAM" "$ROOT/jmh/bandwidth/stream-read.c"

# CPU busy % over all cores, sampled over 1 s from /proc/stat (steal counts as busy).
cpu_busy_pct() {
    local _ u n s i w q sq st t1 i1 t2 i2
    read -r _ u n s i w q sq st _ < /proc/stat; t1=$((u + n + s + i + w + q + sq + st)); i1=$((i + w))
    sleep 1
    read -r _ u n s i w q sq st _ < /proc/stat; t2=$((u + n + s + i + w + q + sq + st)); i2=$((i + w))
    echo $(( (100 * ((t2 - t1) - (i2 - i1))) / (t2 - t1 > 0 ? t2 - t1 : 1) ))
}

# Waits (up to IDLE_MAX_WAIT_S) for the machine to be idle; prints uptime + busy %; sets BUSY.
wait_idle() {
    local waited=0
    while :; do
        BUSY=$(cpu_busy_pct)
        echo "  $(uptime | sed 's/^ *//')  | cpu busy over 1 s: ${BUSY}%"
        (( BUSY <= IDLE_MAX_BUSY )) && return 0
        if (( waited >= IDLE_MAX_WAIT_S )); then
            echo "  WARNING: still ${BUSY}% busy after ${waited} s; running anyway (marked in results)" >&2
            return 0
        fi
        sleep 15; waited=$((waited + 16))
    done
}

# json_get FILE KEY: the value of KEY anywhere in the last JSON object of FILE (empty if absent;
# the length if it is a list).
json_get() {
    python3 - "$1" "$2" <<'PY'
import json, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
def parse(t):
    try:
        v = json.loads(t)
        return v if isinstance(v, dict) else None
    except ValueError:
        return None
obj = parse(text)
if obj is None:  # tolerate log lines around the object: take the last line / tail that parses
    lines = text.splitlines()
    for k in range(len(lines) - 1, -1, -1):
        if lines[k].lstrip().startswith("{"):
            obj = parse("\n".join(lines[k:])) or parse(lines[k])
            if obj is not None:
                break
if obj is None:
    sys.exit(3)
def find(o, key):
    if isinstance(o, dict):
        if key in o:
            return o[key]
        for v in o.values():
            r = find(v, key)
            if r is not None:
                return r
    elif isinstance(o, list):
        for v in o:
            r = find(v, key)
            if r is not None:
                return r
    return None
v = find(obj, sys.argv[2])
print("" if v is None or isinstance(v, dict) else len(v) if isinstance(v, list) else v)
PY
}

now_ns() { date +%s%N; }

# Contention during a run: CPU time the whole machine spent busy (/proc/stat) minus the CPU time of
# the benchmarked process tree (bash `times`, children), as % of all cores over the run's wall time.
# A run alone on the machine shows ~0-5 %; another job sharing the cores shows much more.
CLK_TCK=$(getconf CLK_TCK)
NCPU=$(nproc)
sys_busy_ticks() {
    local _ u n s i w q sq st
    read -r _ u n s i w q sq st _ < /proc/stat; echo $((u + n + s + q + sq + st))
}
children_cpu_s() {  # user+sys of all waited-for children of this shell, seconds -> $1
    # `times` must run in this shell (not in $(...)): a subshell has its own, empty, children times.
    times > "$OUT_DIR/.times"
    printf -v "$1" '%s' "$(python3 -c "import re,sys; print(sum(float(m)*60+float(s) for m,s in re.findall(r'(\d+)m([\d.]+)s', sys.argv[1])))" "$(sed -n 2p "$OUT_DIR/.times")")"
}
begin_probe() { children_cpu_s P_C0; P_B0=$(sys_busy_ticks); P_T0=$(now_ns); }
end_probe() {  # sets WALL (s) and OTHER (% of all cores used by something else)
    local t1 b1 c1
    t1=$(now_ns); b1=$(sys_busy_ticks); children_cpu_s c1
    read -r WALL OTHER < <(python3 -c "
wall = ($t1 - $P_T0) / 1e9
other = ($b1 - $P_B0) / $CLK_TCK - ($c1 - $P_C0)
print(f'{wall:.2f}', max(0, round(100 * other / ($NCPU * wall))))")
}

record() {  # model round pp tg engine prefill decode load_ms  (+ WALL OTHER BUSY)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$WALL" "$BUSY" "$OTHER" >> "$RESULTS"
    LC_NUMERIC=C printf '  %-10s pp%-4s %8.2f t/s  tg%-3s %7.2f t/s  load %6s ms  wall %6s s  other load %3s%%\n' \
        "$5:" "$3" "$6" "$4" "$7" "$(if [[ -n "$8" ]]; then LC_NUMERIC=C printf '%.0f' "$8"; else echo n/a; fi)" "$WALL" "$OTHER"
    if (( OTHER > IDLE_MAX_BUSY )); then
        echo "  WARNING: something else used ${OTHER}% of the CPUs during this run; its numbers are suspect" >&2
    fi
}

# Bytes a decode step reads: every 2-D weight tensor except the embedding (of which one row is read), plus
# the embedding again as the output matrix when the file has no output.weight (tied). From the GGUF header.
weight_bytes_per_token() {
    python3 - "$1" <<'PY'
import struct, sys
f = open(sys.argv[1], "rb")
if f.read(4) != b"GGUF":
    sys.exit("not a GGUF file: " + sys.argv[1])
f.read(4)  # version
n_tensors, n_kv = struct.unpack("<QQ", f.read(16))
def string():
    n, = struct.unpack("<Q", f.read(8))
    return f.read(n).decode("utf-8", "replace")
scalar = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
def skip(t):
    if t == 8:
        string()
    elif t == 9:
        et, n = struct.unpack("<IQ", f.read(12))
        if et == 8:
            for _ in range(n):
                string()
        else:
            f.seek(scalar[et] * n, 1)
    else:
        f.seek(scalar[t], 1)
for _ in range(n_kv):
    string()
    skip(struct.unpack("<I", f.read(4))[0])
# ggml type -> (elements, bytes) per block
blocks = {0: (1, 4), 1: (1, 2), 2: (32, 18), 3: (32, 20), 6: (32, 22), 7: (32, 24), 8: (32, 34), 9: (32, 36),
          10: (256, 84), 11: (256, 110), 12: (256, 144), 13: (256, 176), 14: (256, 210), 15: (256, 292), 30: (1, 2)}
total, embedding, output = 0, 0, False
for _ in range(n_tensors):
    name = string()
    nd, = struct.unpack("<I", f.read(4))
    n = 1
    for d in struct.unpack("<%dQ" % nd, f.read(8 * nd)):
        n *= d
    t, _ = struct.unpack("<IQ", f.read(12))
    per, size = blocks[t]
    if name == "token_embd.weight":
        embedding = n // per * size
    elif nd == 2:
        total += n // per * size
        output |= name == "output.weight"
print(total + (0 if output else embedding))
PY
}

measure_bandwidth() {  # $1 = label
    wait_idle
    local json gb
    json=$("$STREAM" "$THREADS" 512 5)
    gb=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['read_gb_per_s'])" "$json")
    printf '%s\t%s\t%s\n' "$1" "$gb" "$BUSY" >> "$BANDWIDTH"
    echo "  read bandwidth, $THREADS threads ($1): $gb GB/s"
}

run_llamacpp() {  # model round pp tg
    local tag; tag="$(basename "$1" .gguf)-r$2-pp$3"
    local out="$OUT_DIR/$tag-llamacpp.json" err="$OUT_DIR/$tag-llamacpp.err" rc=0
    begin_probe
    (cd "$FIX" && "$NODE" llamacpp-ref.mjs bench --model "$1" --threads "$THREADS" \
        --pp "$3" --tg "$4" --reps 2) > "$out" 2> "$err" || rc=$?
    end_probe
    local pp tg load
    pp=$(json_get "$out" pp_tokens_per_s 2>/dev/null || true)
    tg=$(json_get "$out" tg_tokens_per_s 2>/dev/null || true)
    if (( rc != 0 )) || [[ -z "$pp" || -z "$tg" ]]; then
        echo "llama.cpp run failed (exit $rc, or no bench numbers); stderr tail ($err):" >&2; tail -20 "$err" >&2; exit 1
    fi
    load=$(json_get "$out" load_ms || true)
    record "$(basename "$1")" "$2" "$3" "$4" llama.cpp "$pp" "$tg" "$load"
}

run_llama4j() {  # model round pp tg
    local tag; tag="$(basename "$1" .gguf)-r$2-pp$3"
    local out="$OUT_DIR/$tag-llama4j.json" err="$OUT_DIR/$tag-llama4j.err" rc=0
    # shellcheck disable=SC2086  # JAVA_OPTS is word-split on purpose
    local cmd=("$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED ${JAVA_OPTS:-}
        -jar "$JAR" bench --model "$1" --prompt-tokens "$3" --gen-tokens "$4" --threads "$THREADS"
        --warmup 1 --reps 2 --json)
    begin_probe
    (cd "$ROOT" && "${cmd[@]}") > "$out" 2> "$err" || rc=$?
    end_probe
    local pp tg load
    pp=$(json_get "$out" prefill_tokens_per_s 2>/dev/null || true)
    tg=$(json_get "$out" decode_tokens_per_s 2>/dev/null || true)
    if (( rc != 0 )) || [[ -z "$pp" || -z "$tg" ]]; then
        echo "llama4j run failed (exit $rc, or no prefill_tokens_per_s / decode_tokens_per_s in its JSON)." >&2
        echo "command: ${cmd[*]}" >&2
        echo "stdout tail ($out):" >&2; tail -c 2000 "$out" >&2 || true
        echo "stderr tail ($err):" >&2; tail -20 "$err" >&2 || true
        exit 1
    fi
    load=$(json_get "$out" load_ms || true)
    record "$(basename "$1")" "$2" "$3" "$4" llama4j "$pp" "$tg" "$load"
}

echo "== llama4j vs llama.cpp: ${#MODELS[@]} model(s), threads $THREADS, prompts $PPS, tg $TG, $ROUNDS round(s)"
echo "   host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cpus;" \
     "avx512f: $(grep -qw avx512f /proc/cpuinfo && echo yes || echo no)"
echo "   llama4j: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' (dirty)'), $("$JAVA" -version 2>&1 | head -1)"
echo "   llama.cpp: node-llama-cpp $(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['version'])" "$FIX/node_modules/node-llama-cpp/package.json"), F16 KV cache"
echo "   raw outputs: $OUT_DIR"
measure_bandwidth before
FIRST_PP=${PPS%% *}
for model in "${MODELS[@]}"; do
    printf '%s\t%s\n' "$(basename "$model")" "$(weight_bytes_per_token "$model")" >> "$WEIGHTS"
    t0=$(now_ns); cat "$model" > /dev/null
    echo "== $(basename "$model") ($(du -h "$model" | cut -f1)); page cache warmed in $(python3 -c "print(f'{($(now_ns) - $t0) / 1e9:.1f}')") s"
    for ((r = 1; r <= ROUNDS; r++)); do
        echo "-- round $r/$ROUNDS"
        if (( r % 2 == 1 )); then order=(llamacpp llama4j); else order=(llama4j llamacpp); fi
        for pp in $PPS; do
            tg=1; [[ "$pp" == "$FIRST_PP" ]] && tg=$TG
            for e in "${order[@]}"; do
                wait_idle
                "run_$e" "$model" "$r" "$pp" "$tg"
            done
        done
    done
done
measure_bandwidth after

python3 - "$RESULTS" "$BANDWIDTH" "$WEIGHTS" "$IDLE_MAX_BUSY" "$FIRST_PP" "$TG" "$PPS" "$THREADS" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
bw = [float(r["read_gb_per_s"]) for r in csv.DictReader(open(sys.argv[2]), delimiter="\t")]
weights = {r["model"]: int(r["weight_bytes_per_token"]) for r in csv.DictReader(open(sys.argv[3]), delimiter="\t")}
max_busy, first_pp, tg, pps, threads = int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7].split(), sys.argv[8]
bandwidth = statistics.median(bw)
def med(model, engine, pp, key):
    v = [float(r[key]) for r in rows if r["model"] == model and r["engine"] == engine and r["pp"] == pp and r[key]]
    return statistics.median(v) if v else None
def f(x, nd=1):
    return "n/a" if x is None else f"{x:.{nd}f}"
def ratio(a, b):
    return "n/a" if a is None or not b else f"**{a / b:.2f}x**"
def pct(gb):
    return "n/a" if gb is None else f"{100 * gb / bandwidth:.0f}%"
header = ["model"]
for pp in pps:
    header += [f"pp{pp} llama.cpp", f"pp{pp} llama4j", "ratio"]
header += [f"tg{tg} llama.cpp", f"tg{tg} llama4j", "ratio", "MB read/token",
           "llama4j decode GB/s", "llama4j % of bandwidth", "llama.cpp % of bandwidth"]
print()
print(f"== medians in tokens/s, {threads} threads; read bandwidth {bandwidth:.1f} GB/s"
      f" (median of {', '.join(f'{x:.1f}' for x in bw)})")
print()
print("| " + " | ".join(header) + " |")
print("|" + "---|" * len(header))
for model in weights:
    cells = [model.replace(".gguf", "")]
    for pp in pps:
        a, b = med(model, "llama.cpp", pp, "prefill_tps"), med(model, "llama4j", pp, "prefill_tps")
        cells += [f(a), f(b), ratio(b, a)]
    a, b = med(model, "llama.cpp", first_pp, "decode_tps"), med(model, "llama4j", first_pp, "decode_tps")
    ours = None if b is None else weights[model] * b / 1e9
    theirs = None if a is None else weights[model] * a / 1e9
    cells += [f(a, 2), f(b, 2), ratio(b, a), f(weights[model] / 1e6, 0), f(ours, 1), pct(ours), pct(theirs)]
    print("| " + " | ".join(cells) + " |")
busy = [r for r in rows if int(r["busy_before_pct"] or 0) > max_busy or int(r["other_during_pct"] or 0) > max_busy]
print()
print("ratio = llama4j / llama.cpp, higher is better. Each invocation reports its best of 2 runs (llama4j after"
      " one unmeasured warm-up run); the table shows the median over the rounds.")
if busy:
    print(f"WARNING: {len(busy)} run(s) had other CPU load (>{max_busy}% before or during), see results.tsv;"
          " rerun when the machine is quiet")
PY
echo "results: $RESULTS"
