#!/usr/bin/env bash
# Side-by-side speed comparison: llama4j (the CLI) vs llama.cpp (node-llama-cpp 3.21.1, the pinned
# reference runner of shared/tools/fixtures) on one GGUF file, same thread count, same prompt length.
#
#   jmh/compare-llamacpp.sh MODEL.gguf [ROUNDS]        (ROUNDS default 3)
#
# Each round checks that the machine is idle (uptime + /proc/stat over 1 s), then runs both engines,
# alternating which goes first from round to round (A B, B A, A B, ...) so drift on a shared machine
# hits both alike:
#   llama.cpp: node llamacpp-ref.mjs bench --model M --threads 2 --pp 128 --tg 64 --reps 1
#              (its own 128-token prompt: BOS + 1000 + (i*7919 % 120000), F16 KV cache, one batch)
#   llama4j:   java ... -jar examples/target/llama4j-cli.jar generate --model M --prompt-ids <128 ids>
#              --max-tokens 64 --temperature 0 --threads 2 --json
#              (prints one JSON object on stdout with "prefill_tokens_per_s", "decode_tokens_per_s",
#              "load_ms", "ids" (generated), "stop_reason"; the 128 prompt ids are the very ids
#              llama.cpp's bench evaluates, BOS first)
# and ends with a table of medians per engine and the ratios llama4j / llama.cpp.
#
# Environment:
#   LLAMACPP_FIXTURES  writable copy of shared/tools/fixtures with node_modules (default /tmp/llama4j-bench/fixtures)
#   JAVA               java binary (default /usr/lib/jvm/temurin-25-jdk-amd64/bin/java)
#   NODE               node binary (default node)
#   LLAMA4J_CLI_JAR    the CLI jar (default examples/target/llama4j-cli.jar; build: mvn -q -DskipTests package)
#   THREADS PP TG      2 / 128 / 64
#   JAVA_OPTS          extra JVM options (after the defaults), e.g. "-XX:+UseParallelGC"
#   OURS_EXTRA_ARGS    extra CLI arguments (e.g. to ignore EOS, if generation stops early)
#   OUT_DIR            where raw outputs go (default /tmp/llama4j-bench/compare-<time>)
#   IDLE_MAX_BUSY      max % CPU busy (all cores, 1 s sample) to count as idle (default 20)
#   IDLE_MAX_WAIT_S    how long to wait for idleness before running anyway, marked busy (default 300)
# Linux only (/proc/stat). Exit status: 0 ok, 1 a run failed, 2 setup missing.
set -euo pipefail

usage() { sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[[ $# -ge 1 && $# -le 2 ]] || usage
[[ "$1" == -h || "$1" == --help ]] && usage

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODEL=$(realpath "$1")
ROUNDS=${2:-3}
[[ -f "$MODEL" ]] || { echo "no such model file: $1" >&2; exit 2; }
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "ROUNDS must be a positive integer: $ROUNDS" >&2; exit 2; }

FIX=${LLAMACPP_FIXTURES:-/tmp/llama4j-bench/fixtures}
JAVA=${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
NODE=${NODE:-node}
JAR=${LLAMA4J_CLI_JAR:-$ROOT/examples/target/llama4j-cli.jar}
THREADS=${THREADS:-2}
PP=${PP:-128}
TG=${TG:-64}
IDLE_MAX_BUSY=${IDLE_MAX_BUSY:-20}
IDLE_MAX_WAIT_S=${IDLE_MAX_WAIT_S:-300}
OUT_DIR=${OUT_DIR:-/tmp/llama4j-bench/compare-$(date +%Y%m%d-%H%M%S)}

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
command -v python3 >/dev/null || { echo "python3 is needed (JSON parsing, medians)" >&2; exit 2; }
command -v "$NODE" >/dev/null || { echo "node not found: $NODE" >&2; exit 2; }
[[ -x "$JAVA" ]] || command -v "$JAVA" >/dev/null || { echo "java not found: $JAVA (set JAVA=...)" >&2; exit 2; }

mkdir -p "$OUT_DIR"
RESULTS="$OUT_DIR/results.tsv"
printf 'round\tengine\tprefill_tps\tdecode_tps\tload_ms\twall_s\tbusy_before_pct\tother_during_pct\tdecode_tokens\n' > "$RESULTS"

# The prompt: exactly the ids llama.cpp's bench evaluates (llamacpp-ref.mjs, bench()): BOS, then
# 1000 + (i * 7919 % 120000) for i = 1 .. PP-1 (ordinary tokens, all < 128000).
PROMPT_IDS=$(python3 -c "import sys; pp=int(sys.argv[1]); print(','.join(['128000'] + [str(1000 + (i * 7919) % 120000) for i in range(1, pp)]))" "$PP")

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

record() {  # round engine prefill decode load_ms decode_tokens  (+ WALL OTHER BUSY)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$WALL" "$BUSY" "$OTHER" "$6" >> "$RESULTS"
    LC_NUMERIC=C printf '  %-10s prefill %8.2f t/s  decode %7.2f t/s  load %8s ms  wall %6s s  other load %3s%%%s\n' \
        "$2:" "$3" "$4" "$(if [[ -n "$5" ]]; then LC_NUMERIC=C printf '%.0f' "$5"; else echo n/a; fi)" "$WALL" "$OTHER" \
        "${6:+  ($6 tokens generated)}"
    if (( OTHER > IDLE_MAX_BUSY )); then
        echo "  WARNING: something else used ${OTHER}% of the CPUs during this run; its numbers are suspect" >&2
    fi
}

run_llamacpp() {  # $1 = round
    local out="$OUT_DIR/r$1-llamacpp.json" err="$OUT_DIR/r$1-llamacpp.err" rc=0
    begin_probe
    (cd "$FIX" && "$NODE" llamacpp-ref.mjs bench --model "$MODEL" --threads "$THREADS" \
        --pp "$PP" --tg "$TG" --reps 1) > "$out" 2> "$err" || rc=$?
    end_probe
    local pp tg load
    pp=$(json_get "$out" pp_tokens_per_s 2>/dev/null || true)
    tg=$(json_get "$out" tg_tokens_per_s 2>/dev/null || true)
    if (( rc != 0 )) || [[ -z "$pp" || -z "$tg" ]]; then
        echo "llama.cpp run failed (exit $rc, or no bench numbers); stderr tail ($err):" >&2; tail -20 "$err" >&2; exit 1
    fi
    load=$(json_get "$out" load_ms)
    record "$1" llama.cpp "$pp" "$tg" "$load" "$TG"
}

run_llama4j() {  # $1 = round
    local out="$OUT_DIR/r$1-llama4j.json" err="$OUT_DIR/r$1-llama4j.err" rc=0
    # shellcheck disable=SC2086  # JAVA_OPTS / OURS_EXTRA_ARGS are word-split on purpose
    local cmd=("$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx256m
        ${JAVA_OPTS:-} -jar "$JAR" generate --model "$MODEL" --prompt-ids "$PROMPT_IDS"
        --max-tokens "$TG" --temperature 0 --threads "$THREADS" --json ${OURS_EXTRA_ARGS:-})
    begin_probe
    (cd "$ROOT" && "${cmd[@]}") > "$out" 2> "$err" || rc=$?
    end_probe
    local pp tg
    pp=$(json_get "$out" prefill_tokens_per_s 2>/dev/null || true)
    tg=$(json_get "$out" decode_tokens_per_s 2>/dev/null || true)
    if (( rc != 0 )) || [[ -z "$pp" || -z "$tg" ]]; then
        echo "llama4j run failed (exit $rc, or no prefill_tokens_per_s / decode_tokens_per_s in its JSON)." >&2
        echo "command: ${cmd[*]:0:9} ... (prompt ids elided)" >&2
        echo "stdout tail ($out):" >&2; tail -c 2000 "$out" >&2 || true
        echo "stderr tail ($err):" >&2; tail -20 "$err" >&2 || true
        exit 1
    fi
    local load ntok
    load=$(json_get "$out" load_ms || true)
    ntok=$(json_get "$out" ids || true)   # the generated ids (the CLI's JSON: prompt_ids, ids, ..., stop_reason)
    [[ -n "$ntok" ]] || ntok=$(json_get "$out" generated_tokens || true)
    record "$1" llama4j "$pp" "$tg" "$load" "$ntok"
    if [[ -n "$ntok" && "$ntok" =~ ^[0-9]+$ ]] && (( ntok < TG )); then
        echo "  NOTE: llama4j generated $ntok < $TG tokens (stop_reason: $(json_get "$out" stop_reason || true));" \
            "llama.cpp always runs $TG" >&2
    fi
}

echo "== llama4j vs llama.cpp: $(basename "$MODEL") ($(du -h "$MODEL" | cut -f1)), threads $THREADS, pp $PP, tg $TG, $ROUNDS round(s)"
echo "   host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cpus;" \
     "avx512f: $(grep -qw avx512f /proc/cpuinfo && echo yes || echo no)"
echo "   llama4j: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' (dirty)'), $("$JAVA" -version 2>&1 | head -1)"
echo "   llama.cpp: node-llama-cpp $(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['version'])" "$FIX/node_modules/node-llama-cpp/package.json"), F16 KV cache"
echo "   raw outputs: $OUT_DIR"
t0=$(now_ns); cat "$MODEL" > /dev/null
echo "   page cache warmed: read the model in $(python3 -c "print(f'{($(now_ns) - $t0) / 1e9:.1f}')") s"

for ((r = 1; r <= ROUNDS; r++)); do
    echo "-- round $r/$ROUNDS"
    if (( r % 2 == 1 )); then order=(llamacpp llama4j); else order=(llama4j llamacpp); fi
    for e in "${order[@]}"; do
        wait_idle
        "run_$e" "$r"
    done
done

python3 - "$RESULTS" "$IDLE_MAX_BUSY" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
def col(engine, key):
    out = []
    for r in rows:
        if r["engine"] == engine and r[key] not in ("", None):
            try:
                out.append(float(r[key]))
            except ValueError:
                pass
    return out
def med(engine, key):
    v = col(engine, key)
    return statistics.median(v) if v else None
def fmt(x, nd=1):
    return "n/a" if x is None else f"{x:.{nd}f}"
def rng(engine, key):
    v = col(engine, key)
    return f"{min(v):.1f}-{max(v):.1f}" if v else "n/a"
keys = [("prefill_tps", "prefill t/s"), ("decode_tps", "decode t/s"), ("load_ms", "load ms"), ("wall_s", "wall s")]
max_busy = int(sys.argv[2])
busy = [r for r in rows if int(r["busy_before_pct"] or 0) > max_busy or int(r["other_during_pct"] or 0) > max_busy]
print()
print(f"== medians over {len(col('llama.cpp', 'prefill_tps'))} runs per engine (min-max in brackets)")
print(f"{'':14}" + "".join(f"{h:>24}" for _, h in keys))
for e in ("llama.cpp", "llama4j"):
    print(f"{e:14}" + "".join(f"{fmt(med(e, k)) + ' [' + rng(e, k) + ']':>24}" for k, _ in keys))
ratios = []
for k, _ in keys:
    a, b = med("llama4j", k), med("llama.cpp", k)
    ratios.append("n/a" if a is None or not b else f"{a / b:.2f}x")
print(f"{'llama4j/l.cpp':14}" + "".join(f"{x:>24}" for x in ratios))
print("(t/s: higher is better; load ms / wall s: lower is better. llama.cpp load_ms = its loadModel with mmap;"
      " llama4j load ms only if its JSON has load_ms. wall s = whole process, JVM/node start included.)")
if busy:
    print(f"WARNING: {len(busy)} run(s) had other CPU load (>{max_busy}% before or during), see results.tsv;"
          " rerun when the machine is quiet")
PY
echo "results: $RESULTS"
