#!/usr/bin/env bash
# GPU check for the onnx executor; needs nothing from the network.
#   llama-onnx/gpu-check.sh [MODEL_FOLDER] [TOKENS] [GGUF...]
# Says what is missing (NVIDIA driver, CUDA 12, cuDNN 9, the onnxruntime_gpu jar) or, when all is there,
# runs one greedy generation through the CUDA provider and one through the CPU provider and prints both
# speeds. MODEL_FOLDER defaults to the tiny fixture; pass a real-shape export (e.g. Llama 3.2 1B from
# ../shared/tools/onnx/export_llama_onnx.py) for meaningful figures. ORT_GPU_JAR overrides the jar's path.
# Then, for each GGUF (default: the F16 and Q4_0 fixtures, for fp16 and int4 weights; pass e.g.
# /work/bench/models/llama-3.2-1b-shape-{BF16,Q4_0}.gguf for real figures), the graph llama4j builds from
# it (fp16 activations, cached under GRAPH_CACHE, default a temporary folder) runs on CUDA and on the CPU
# (fp32 graph), each printing its speed and the first ids, which should agree.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODEL="${1:-$ROOT/../shared/data/models-onnx/tiny}"
TOKENS="${2:-64}"
shift $(( $# < 2 ? $# : 2 ))
GGUFS=("$@")
[ ${#GGUFS[@]} -gt 0 ] || GGUFS=("$ROOT/target/fixtures/tiny-F16.gguf" "$ROOT/target/fixtures/small-k-Q4_0.gguf")
GRAPH_CACHE="${GRAPH_CACHE:-$(mktemp -d)}"
VERSION=1.29.0
GPU_JAR="${ORT_GPU_JAR:-$HOME/.m2/repository/com/microsoft/onnxruntime/onnxruntime_gpu/$VERSION/onnxruntime_gpu-$VERSION.jar}"
CLI="$ROOT/examples/target/llama4j-cli.jar"
missing=0

say() { printf 'gpu-check: %s\n' "$*"; }
has_lib() {  # in the linker cache or on LD_LIBRARY_PATH
  ldconfig -p 2>/dev/null | grep -q "$1" && return 0
  local d; IFS=: read -ra dirs <<< "${LD_LIBRARY_PATH:-}"
  for d in "${dirs[@]}"; do ls "$d"/$1* >/dev/null 2>&1 && return 0; done
  return 1
}

if command -v nvidia-smi >/dev/null && nvidia-smi -L >/dev/null 2>&1; then
  say "GPU: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | head -1)"
else
  say "MISSING: an NVIDIA GPU with a working driver (nvidia-smi fails or is absent)"; missing=1
fi
for lib in libcudart.so.12 libcublas.so.12 libcublasLt.so.12 libcufft.so.11 libcurand.so.10; do
  has_lib "$lib" || { say "MISSING: CUDA 12 library $lib (install the CUDA 12 runtime, or add it to LD_LIBRARY_PATH)"; missing=1; }
done
has_lib libcudnn.so.9 || { say "MISSING: cuDNN 9 (libcudnn.so.9)"; missing=1; }
[ -f "$GPU_JAR" ] || { say "MISSING: $GPU_JAR (com.microsoft.onnxruntime:onnxruntime_gpu:$VERSION; set ORT_GPU_JAR)"; missing=1; }
[ -f "$CLI" ] || { say "MISSING: $CLI (build it: bin/with-jdk25 mvn -q -DskipTests package)"; missing=1; }
[ -d "$MODEL" ] || { say "MISSING: model folder $MODEL"; missing=1; }
[ "$missing" = 0 ] || { say "not run"; exit 2; }

run() {  # $1 = provider, $2 = model, $3 = label; the GPU jar goes first so that its classes and CUDA natives win over the CLI jar's CPU ones
  "$ROOT/bin/with-jdk25" java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
    -Dllama4j.onnx.provider="$1" -Dllama4j.cache="$GRAPH_CACHE" -cp "$GPU_JAR:$CLI" io.llama4j.examples.cli.Main generate \
    --model "$2" --executor onnx --prompt "The capital of France is" --max-tokens "$TOKENS" \
    --temperature 0 --json 2>/dev/null |
    python3 -c 'import json,sys; d=json.load(sys.stdin); print("%-28s %-4s prefill %8.1f tok/s  decode %8.1f tok/s  load %6.0f ms  ids %s" % (sys.argv[2], sys.argv[1], d["prefill_tokens_per_s"], d["decode_tokens_per_s"], d["load_ms"], d["ids"][:8]))' "$1" "$3"
}
run cuda "$MODEL" "$(basename "$MODEL") (exported)" || { say "the CUDA provider failed to load; run with provider cuda by hand to see ONNX Runtime's message"; exit 1; }
run cpu "$MODEL" "$(basename "$MODEL") (exported)"
# Graphs built from GGUF weights: fp16 on CUDA (F16 -> fp16 MatMul, Q4_0 -> MatMulNBits int4 with fp16 scales and
# the embedding through GatherBlockQuantized on the same blocks), fp32 on the CPU. Both fp16 graphs were checked
# on the CPU provider (-Dllama4j.onnx.precision=fp16): they run and give the fp32 graph's first 16 ids. The first run of each builds the graph into GRAPH_CACHE (its load_ms includes the build).
status=0
for gguf in "${GGUFS[@]}"; do
  [ -f "$gguf" ] || { say "MISSING: $gguf (skipped)"; status=1; continue; }
  run cuda "$gguf" "$(basename "$gguf") (built)" || { say "built graph of $gguf failed on CUDA"; status=1; }
  run cpu "$gguf" "$(basename "$gguf") (built)" || { say "built graph of $gguf failed on the CPU"; status=1; }
done
say "graphs built under $GRAPH_CACHE"
exit $status
