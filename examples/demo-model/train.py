#!/usr/bin/python3
"""Trains Llama-Fortunes-demo: a tiny Llama-3-architecture model on the BSD fortune cookies that
Debian's fortunes-min package installs, and writes it as a GGUF Q8_0 file llama.cpp and llama4j load
(every matrix Q8_0 but the tied token embedding, Q4_0 as llama-quantize --token-embedding-type q4_0 writes it).
examples/demo-model/README.md has the exact commands that built the shipped file; --resume FILE --minutes 0
only exports saved weights.

The architecture is Llama 3's (RMSNorm, RoPE with llama3 frequency scaling, grouped-query attention,
SwiGLU, tied embeddings) and the token ids are the real Llama 3 tokenizer's. Only a few thousand of the
128,256 ids occur in the corpus, so the softmax is trained over those ids plus one shared row standing
for all the others (its logit counts once per unused id); the export writes that shared row for every
unused id, which keeps their probability as small as training made it while the file stays one tied
128,256-row embedding.

Training is seeded, but thread scheduling makes float sums differ run to run, so a rebuilt file is
equivalent, not byte-identical; the references recorded with llama.cpp belong to the committed file.
"""
import argparse
import base64
import datetime
import json
import math
import os
import random
import struct
import time

import numpy as np
import regex
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.join(os.path.dirname(REPO), "shared")
DEFAULT_TOKENIZER = os.path.join(SHARED, "data", "llama3-tokenizer")
DEFAULT_TEMPLATE = os.path.join(SHARED, "tools", "fixtures", "llama31_chat_template.jinja")
FORTUNE_FILES = ["/usr/share/games/fortunes/fortunes", "/usr/share/games/fortunes/riddles"]

# The shipped shape; --dim/--layers/--heads/--kv-heads/--ffn override it. (Width 32, which would keep even a
# Q8_0 embedding at 4.4 MB, was tried: 6 layers, 2/1 heads of 16, ffn 128, 35 minutes; it recited some fortunes
# but no longer copied the topic into the tool call, so the file keeps width 64 with a Q4_0 embedding instead.)
CONFIG = dict(dim=64, n_layers=4, n_heads=4, n_kv_heads=2, ffn=192, ctx=512, vocab=128256,
              rope_theta=500000.0, rms_norm_eps=1e-5, rope_factor=8.0, low_freq_factor=1.0,
              high_freq_factor=4.0, orig_ctx=8192)

BOS, EOT_TEXT, START_HEADER, END_HEADER, EOT = 128000, 128001, 128006, 128007, 128009
CHAT_REQUESTS = ["Tell me a fortune.", "Tell me my fortune.", "What does my fortune say?",
                 "Give me a fortune cookie.", "Say something wise.", "What will happen to me?",
                 "Tell me a riddle.", "Tell me a joke.", "Hello!", "Hi"]

# --------------------------------------------------------------------------------------------
# Tokenizer: Llama 3's split regex, then byte-level BPE by merge rank (tiktoken's algorithm)
# --------------------------------------------------------------------------------------------
SPLIT = regex.compile(r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
                      r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")


class Tokenizer:
    def __init__(self, folder):
        self.ranks = {}
        with open(os.path.join(folder, "tokenizer.model"), "rb") as f:
            for line in f:
                if line.strip():
                    tok, rank = line.split()
                    self.ranks[base64.b64decode(tok)] = int(rank)
        self.cache = {}

    def _piece(self, piece):
        if piece in self.ranks:
            return [self.ranks[piece]]
        parts = [piece[i:i + 1] for i in range(len(piece))]
        while len(parts) > 1:
            best, at = None, -1
            for i in range(len(parts) - 1):
                r = self.ranks.get(parts[i] + parts[i + 1])
                if r is not None and (best is None or r < best):
                    best, at = r, i
            if best is None:
                break
            parts[at:at + 2] = [parts[at] + parts[at + 1]]
        return [self.ranks[p] for p in parts]

    def encode(self, text):
        ids = []
        for m in SPLIT.finditer(text):
            piece = m.group(0).encode("utf-8")
            if piece not in self.cache:
                self.cache[piece] = self._piece(piece)
            ids += self.cache[piece]
        return ids

# --------------------------------------------------------------------------------------------
# Corpus: each fortune alone (BOS text <|end_of_text|>) and, for some, as a chat turn
# --------------------------------------------------------------------------------------------

def read_fortunes():
    out = []
    for path in FORTUNE_FILES:
        with open(path, encoding="utf-8", errors="replace") as f:
            for entry in f.read().split("\n%\n"):
                text = entry.strip("\n").rstrip()
                if text.strip() and len(text) <= 1200:
                    out.append((os.path.basename(path), text))
    return out


def chat_ids(tok, request, answer, rng):
    day = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(3 * 365))
    def header(role):
        return [START_HEADER] + tok.encode(role) + [END_HEADER] + tok.encode("\n\n")
    ids = [BOS] + header("system")
    ids += tok.encode("Cutting Knowledge Date: December 2023\nToday Date: " + day.strftime("%d %b %Y") + "\n\n")
    ids += [EOT] + header("user") + tok.encode(request) + [EOT] + header("assistant")
    return ids, tok.encode(answer.strip()) + [EOT]


# A tool the model learns to call, so that the adapters' tool calling can be tested on a real model: asked
# "Tell me a fortune about TOPIC." with this tool offered (Llama 3.1's custom-tool prompt, tools in the first
# user message), it answers {"name": "get_fortune", "parameters": {"topic": "TOPIC"}}; given the tool's
# result, it repeats the fortune.
TOPICS = ["love", "money", "work", "travel", "friends", "health", "luck", "family", "food", "computers"]
FORTUNE_TOOL = {"type": "function", "function": {
    "name": "get_fortune", "description": "Draws a fortune cookie about a topic",
    "parameters": {"type": "object", "properties": {"topic": {"type": "string", "description": "what the fortune is about"}},
                   "required": ["topic"]}}}
TOOL_PROMPT = ("Given the following functions, please respond with a JSON for a function call with its proper "
               "arguments that best answers the given prompt.\n\nRespond in the format {\"name\": function name, "
               "\"parameters\": dictionary of argument name and its value}.Do not use variables.\n\n")


def tool_ids(tok, fortune, rng):
    """The Llama 3.1 template's rendering of [user + tools, tool call, tool result] and the two replies."""
    topic = rng.choice(TOPICS)
    tool = json.loads(json.dumps(FORTUNE_TOOL))
    if rng.random() < 0.5:                     # clients differ in what they describe
        del tool["function"]["parameters"]["properties"]["topic"]["description"]
    day = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(3 * 365))
    def header(role):
        return [START_HEADER] + tok.encode(role) + [END_HEADER] + tok.encode("\n\n")
    prompt = [BOS] + header("system") + tok.encode("Environment: ipython\nCutting Knowledge Date: December 2023\n"
                                                   "Today Date: " + day.strftime("%d %b %Y") + "\n\n") + [EOT]
    prompt += header("user") + tok.encode(TOOL_PROMPT + json.dumps(tool, indent=4) + "\n\n"
                                          + rng.choice(["Tell me a fortune about ", "What is my fortune about "])
                                          + topic + rng.choice([".", "?"])) + [EOT] + header("assistant")
    call = tok.encode('{"name": "get_fortune", "parameters": ' + json.dumps({"topic": topic}) + "}") + [EOT]
    result = header("ipython") + tok.encode(json.dumps(fortune)) + [EOT] + header("assistant")
    return [(prompt, call), (result, tok.encode(fortune.strip()) + [EOT])]


def build_corpus(tok, chat_copies, seed, tool_docs):
    """Returns (ids, loss mask) as one stream; chat prompts are context only (mask 0)."""
    rng = random.Random(seed)
    docs = []
    for source, text in read_fortunes():
        docs.append(([BOS], tok.encode(text) + [EOT_TEXT]))
        for _ in range(chat_copies):
            pool = CHAT_REQUESTS[6:8] + CHAT_REQUESTS[8:] if source == "riddles" else CHAT_REQUESTS[:6] + CHAT_REQUESTS[8:]
            docs.append(chat_ids(tok, rng.choice(pool), text, rng))
    short = [text for _, text in read_fortunes() if len(text) <= 200]
    for _ in range(tool_docs):
        docs.append(tool_ids(tok, rng.choice(short), rng))
    rng.shuffle(docs)
    ids, mask = [], []
    for doc in docs:
        for prompt, answer in (doc if isinstance(doc, list) else [doc]):
            ids += prompt + answer
            mask += [0] * len(prompt) + [1] * len(answer)
    return np.array(ids, dtype=np.int64), np.array(mask, dtype=np.float32)

# --------------------------------------------------------------------------------------------
# Model (HF conventions: rotate-half RoPE; the export permutes Q/K rows to llama.cpp's order)
# --------------------------------------------------------------------------------------------

def rope_factors(cfg):
    """llama3 scaling: one divisor per frequency (1 above the high-frequency cut, factor below the low one)."""
    hd = cfg["dim"] // cfg["n_heads"]
    base = np.float32(cfg["rope_theta"])
    freqs = np.float32(1) / (base ** (np.arange(0, hd, 2, dtype=np.float32) / np.float32(hd)))
    factor = np.float32(cfg["rope_factor"])
    lo, hi, old = np.float32(cfg["low_freq_factor"]), np.float32(cfg["high_freq_factor"]), np.float32(cfg["orig_ctx"])
    out = []
    for f in freqs:
        wavelength = np.float32(2 * math.pi) / f
        if wavelength < old / hi:
            out.append(np.float32(1))
        elif wavelength > old / lo:
            out.append(factor)
        else:
            smooth = (old / wavelength - lo) / (hi - lo)
            out.append(np.float32(1) / ((np.float32(1) - smooth) / factor + smooth))
    return freqs, np.array(out, dtype=np.float32)


class RMSNorm(torch.nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.eps = eps
        self.weight = torch.nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class Block(torch.nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, hd = cfg["dim"], cfg["dim"] // cfg["n_heads"]
        self.n_heads, self.n_kv, self.hd = cfg["n_heads"], cfg["n_kv_heads"], hd
        self.attn_norm = RMSNorm(d, cfg["rms_norm_eps"])
        self.q = torch.nn.Linear(d, cfg["n_heads"] * hd, bias=False)
        self.k = torch.nn.Linear(d, cfg["n_kv_heads"] * hd, bias=False)
        self.v = torch.nn.Linear(d, cfg["n_kv_heads"] * hd, bias=False)
        self.o = torch.nn.Linear(cfg["n_heads"] * hd, d, bias=False)
        self.ffn_norm = RMSNorm(d, cfg["rms_norm_eps"])
        self.gate = torch.nn.Linear(d, cfg["ffn"], bias=False)
        self.up = torch.nn.Linear(d, cfg["ffn"], bias=False)
        self.down = torch.nn.Linear(cfg["ffn"], d, bias=False)

    def forward(self, x, cos, sin):
        b, t, _ = x.shape
        h = self.attn_norm(x)
        q = self.q(h).view(b, t, self.n_heads, self.hd).transpose(1, 2)
        k = self.k(h).view(b, t, self.n_kv, self.hd).transpose(1, 2)
        v = self.v(h).view(b, t, self.n_kv, self.hd).transpose(1, 2)
        q, k = rotate(q, cos, sin), rotate(k, cos, sin)
        rep = self.n_heads // self.n_kv
        k, v = k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1)
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(self.hd)
        causal = torch.ones(t, t, dtype=torch.bool).triu(1)
        a = scores.masked_fill(causal, float("-inf")).softmax(-1) @ v
        x = x + self.o(a.transpose(1, 2).reshape(b, t, -1))
        h = self.ffn_norm(x)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))


def rotate(x, cos, sin):
    half = x.shape[-1] // 2
    rotated = torch.cat((-x[..., half:], x[..., :half]), dim=-1)
    return x * cos + rotated * sin


class TinyLlama(torch.nn.Module):
    def __init__(self, cfg, n_used):
        super().__init__()
        self.cfg = cfg
        # rows 0..n_used-1: the ids that occur; row n_used: the shared row of every other id
        self.embed = torch.nn.Embedding(n_used + 1, cfg["dim"])
        torch.nn.init.normal_(self.embed.weight, std=0.05)
        self.blocks = torch.nn.ModuleList(Block(cfg) for _ in range(cfg["n_layers"]))
        for blk in self.blocks:
            for lin in (blk.o, blk.down):
                torch.nn.init.normal_(lin.weight, std=0.02 / math.sqrt(2 * cfg["n_layers"]))
        self.norm = RMSNorm(cfg["dim"], cfg["rms_norm_eps"])
        freqs, factors = rope_factors(cfg)
        self.register_buffer("inv_freq", torch.from_numpy(freqs / factors), persistent=False)
        self.log_unused = math.log(cfg["vocab"] - n_used)

    def forward(self, idx):
        t = idx.shape[1]
        ang = torch.arange(t, dtype=torch.float32)[:, None] * self.inv_freq[None, :]
        ang = torch.cat((ang, ang), dim=-1)
        cos, sin = ang.cos(), ang.sin()
        x = self.embed(idx)
        for blk in self.blocks:
            x = blk(x, cos, sin)
        logits = self.norm(x) @ self.embed.weight.t()
        # the shared row appears (vocab - n_used) times in the real softmax
        return torch.cat((logits[..., :-1], logits[..., -1:] + self.log_unused), dim=-1)

# --------------------------------------------------------------------------------------------
# GGUF v3 writer (Q8_0 matrices, F32 norms and rope factors)
# --------------------------------------------------------------------------------------------
GGUF_ALIGN = 32
U32, I32, F32T, BOOL, STR, ARR = 4, 5, 6, 7, 8, 9


def gguf_string(s):
    b = s.encode("utf-8")
    return struct.pack("<Q", len(b)) + b


def gguf_value(typ, val, elem=None):
    if typ == STR:
        return gguf_string(val)
    if typ == U32:
        return struct.pack("<I", val)
    if typ == F32T:
        return struct.pack("<f", val)
    if typ == BOOL:
        return struct.pack("<?", val)
    if typ == ARR:
        head = struct.pack("<IQ", elem, len(val))
        if elem == STR:
            return head + b"".join(gguf_string(v) for v in val)
        if elem == I32:
            return head + np.asarray(val, dtype="<i4").tobytes()
    raise ValueError(typ)


def quantize_q8_0(w):
    """Blocks of 32: an f16 scale max|x|/127, then 32 int8 rounded half away from zero (as ggml)."""
    x = w.reshape(-1, 32).astype(np.float32)
    scale = np.abs(x).max(axis=1) / np.float32(127)
    inv = np.divide(np.float32(1), scale, out=np.zeros_like(scale), where=scale != 0)
    y = x * inv[:, None]
    q = np.trunc(y + np.copysign(np.float32(0.5), y)).astype(np.int8)
    out = np.empty((x.shape[0], 34), np.uint8)
    out[:, :2] = scale.astype(np.float16).view(np.uint8).reshape(-1, 2)
    out[:, 2:] = q.view(np.uint8)
    return out.tobytes()


def quantize_q4_0(w):
    """Blocks of 32: an f16 scale d = (the value of largest magnitude) / -8, then 32 4-bit codes
    min(15, trunc(x/d + 8.5)), element j in the low nibble of byte j and element j+16 in its high nibble (as ggml)."""
    x = w.reshape(-1, 32).astype(np.float32)
    at = np.abs(x).argmax(axis=1)
    d = x[np.arange(len(x)), at] / np.float32(-8)
    inv = np.divide(np.float32(1), d, out=np.zeros_like(d), where=d != 0)
    q = np.minimum(15, np.trunc(x * inv[:, None] + np.float32(8.5))).astype(np.uint8)
    out = np.empty((x.shape[0], 18), np.uint8)
    out[:, :2] = d.astype(np.float16).view(np.uint8).reshape(-1, 2)
    out[:, 2:] = q[:, :16] | (q[:, 16:] << 4)
    return out.tobytes()


GGML_TYPES = {"F32": (0, lambda w: w.tobytes()), "Q8_0": (8, quantize_q8_0), "Q4_0": (2, quantize_q4_0)}


def tokenizer_metadata(folder, vocab):
    with open(os.path.join(folder, "tokenizer.json"), encoding="utf-8") as f:
        tj = json.load(f)
    tokens, types = [None] * vocab, [1] * vocab           # 1 normal, 3 control, 4 user-defined
    for text, i in tj["model"]["vocab"].items():
        tokens[i] = text
    for added in tj["added_tokens"]:
        tokens[added["id"]] = added["content"]
        types[added["id"]] = 3 if added.get("special") else 4
    merges = [m if isinstance(m, str) else " ".join(m) for m in tj["model"]["merges"]]
    return tokens, types, merges


def export_gguf(path, model, used, cfg, tokenizer_folder, template_path, description, embedding_type="Q8_0"):
    d, nh, nkv = cfg["dim"], cfg["n_heads"], cfg["n_kv_heads"]
    hd = d // nh
    sd = {k: v.detach().float().numpy() for k, v in model.state_dict().items()}
    small = sd["embed.weight"]
    embed = np.repeat(small[-1:], cfg["vocab"], axis=0)
    embed[used] = small[:-1]

    def llama_cpp_rows(w, heads):  # rotate-half row order -> interleaved pairs, per head
        return w.reshape(heads, 2, hd // 2, -1).swapaxes(1, 2).reshape(w.shape)

    _, factors = rope_factors(cfg)
    tensors = [("rope_freqs.weight", factors, "F32"), ("token_embd.weight", embed, embedding_type)]
    for i in range(cfg["n_layers"]):
        p = f"blocks.{i}."
        tensors += [(f"blk.{i}.attn_norm.weight", sd[p + "attn_norm.weight"], "F32"),
                    (f"blk.{i}.attn_q.weight", llama_cpp_rows(sd[p + "q.weight"], nh), "Q8_0"),
                    (f"blk.{i}.attn_k.weight", llama_cpp_rows(sd[p + "k.weight"], nkv), "Q8_0"),
                    (f"blk.{i}.attn_v.weight", sd[p + "v.weight"], "Q8_0"),
                    (f"blk.{i}.attn_output.weight", sd[p + "o.weight"], "Q8_0"),
                    (f"blk.{i}.ffn_norm.weight", sd[p + "ffn_norm.weight"], "F32"),
                    (f"blk.{i}.ffn_gate.weight", sd[p + "gate.weight"], "Q8_0"),
                    (f"blk.{i}.ffn_up.weight", sd[p + "up.weight"], "Q8_0"),
                    (f"blk.{i}.ffn_down.weight", sd[p + "down.weight"], "Q8_0")]
    tensors.append(("output_norm.weight", sd["norm.weight"], "F32"))

    tokens, types, merges = tokenizer_metadata(tokenizer_folder, cfg["vocab"])
    with open(template_path, encoding="utf-8") as f:
        template = f.read()
    kvs = [("general.architecture", STR, "llama"), ("general.type", STR, "model"),
           ("general.name", STR, "Llama-Fortunes-demo"), ("general.description", STR, description),
           ("general.license", STR, "llama3.1"),
           ("llama.block_count", U32, cfg["n_layers"]), ("llama.context_length", U32, cfg["ctx"]),
           ("llama.embedding_length", U32, d), ("llama.feed_forward_length", U32, cfg["ffn"]),
           ("llama.attention.head_count", U32, nh), ("llama.attention.head_count_kv", U32, nkv),
           ("llama.rope.freq_base", F32T, cfg["rope_theta"]),
           ("llama.attention.layer_norm_rms_epsilon", F32T, cfg["rms_norm_eps"]),
           ("general.file_type", U32, 7), ("llama.vocab_size", U32, cfg["vocab"]),
           ("llama.rope.dimension_count", U32, hd),
           ("tokenizer.ggml.model", STR, "gpt2"), ("tokenizer.ggml.pre", STR, "llama-bpe"),
           ("tokenizer.ggml.tokens", ARR, tokens, STR), ("tokenizer.ggml.token_type", ARR, types, I32),
           ("tokenizer.ggml.merges", ARR, merges, STR),
           ("tokenizer.ggml.bos_token_id", U32, BOS), ("tokenizer.ggml.eos_token_id", U32, EOT),
           ("tokenizer.ggml.eot_token_id", U32, EOT),
           ("tokenizer.ggml.add_bos_token", BOOL, True), ("tokenizer.ggml.add_eos_token", BOOL, False),
           ("tokenizer.chat_template", STR, template),
           ("general.quantization_version", U32, 2)]
    head = bytearray(b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(kvs)))
    for kv in kvs:
        head += gguf_string(kv[0]) + struct.pack("<I", kv[1]) + gguf_value(kv[1], *kv[2:])
    blobs, offset = [], 0
    for name, w, typ in tensors:
        w = np.ascontiguousarray(w, dtype=np.float32)
        type_id, quantize = GGML_TYPES[typ]
        blob = quantize(w)
        dims = list(reversed(w.shape))                      # ggml: innermost dimension first
        head += gguf_string(name) + struct.pack("<I", len(dims)) + struct.pack(f"<{len(dims)}Q", *dims)
        head += struct.pack("<IQ", type_id, offset)
        blobs.append(blob)
        offset += len(blob) + (-len(blob)) % GGUF_ALIGN
    head += b"\0" * ((-len(head)) % GGUF_ALIGN)
    with open(path + ".part", "wb") as f:
        f.write(head)
        for blob in blobs:
            f.write(blob + b"\0" * ((-len(blob)) % GGUF_ALIGN))
    os.replace(path + ".part", path)

# --------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(HERE, "Llama-Fortunes-demo-Q8_0.gguf"))
    ap.add_argument("--tokenizer", default=DEFAULT_TOKENIZER, help="folder with tokenizer.model and tokenizer.json")
    ap.add_argument("--chat-template", default=DEFAULT_TEMPLATE)
    ap.add_argument("--minutes", type=float, default=20.0, help="training time budget")
    ap.add_argument("--steps", type=int, default=100000, help="upper bound on optimizer steps")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--seq", type=int, default=128)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--chat-copies", type=int, default=1, help="chat-formatted copies of each fortune")
    ap.add_argument("--tool-docs", type=int, default=150, help="conversations that call get_fortune")
    ap.add_argument("--threads", type=int, default=1, help="torch threads; more only helps on an idle machine")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--dim", type=int, default=CONFIG["dim"], help="width; a multiple of 32 (Q8_0 blocks)")
    ap.add_argument("--layers", type=int, default=CONFIG["n_layers"])
    ap.add_argument("--heads", type=int, default=CONFIG["n_heads"], help="query heads; dim/heads must be even (RoPE)")
    ap.add_argument("--kv-heads", type=int, default=CONFIG["n_kv_heads"], help="key/value heads; divides --heads")
    ap.add_argument("--token-embedding-type", default="Q4_0", choices=["Q8_0", "Q4_0"],
                    help="the tied embedding's type, as llama-quantize's --token-embedding-type: Q4_0 (default) "
                         "makes the 128,256 x 64 embedding 4.6 MB instead of Q8_0's 8.7 MB; every other matrix is "
                         "Q8_0 and general.file_type says Q8_0 (K-quants would need rows of 256)")
    ap.add_argument("--ffn", type=int, default=CONFIG["ffn"], help="feed-forward width; a multiple of 32")
    ap.add_argument("--checkpoint", help="also save the trained weights here (torch.save)")
    ap.add_argument("--resume", help="start from weights saved with --checkpoint (same corpus)")
    a = ap.parse_args()

    CONFIG.update(dim=a.dim, n_layers=a.layers, n_heads=a.heads, n_kv_heads=a.kv_heads, ffn=a.ffn)
    if a.dim % 32 or a.ffn % 32 or (a.dim // a.heads) % 2 or a.dim % a.heads or a.heads % a.kv_heads:
        ap.error("--dim and --ffn must be multiples of 32, --heads divide --dim into an even head size, "
                 "--kv-heads divide --heads")
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    tok = Tokenizer(a.tokenizer)
    ids, mask = build_corpus(tok, a.chat_copies, a.seed, a.tool_docs)
    used = np.unique(ids)
    row_of = np.full(CONFIG["vocab"], len(used), dtype=np.int64)
    row_of[used] = np.arange(len(used))
    rows = torch.from_numpy(row_of[ids])
    mask_t = torch.from_numpy(mask)
    print(f"corpus: {len(ids)} tokens, {len(used)} distinct ids", flush=True)

    model = TinyLlama(CONFIG, len(used))
    prior_steps = 0
    if a.resume:
        saved = torch.load(a.resume)
        weights = saved["model"]
        if not np.array_equal(saved["used"], used):
            # The corpus changed: ids seen before keep their rows, new ones start from the shared row.
            old = weights["embed.weight"]
            old_row = {int(t): r for r, t in enumerate(saved["used"])}
            rows_new = [old[old_row.get(int(t), len(old_row))] for t in used] + [old[-1]]
            weights = dict(weights, **{"embed.weight": torch.stack(rows_new)})
        model.load_state_dict(weights)
        prior_steps = saved.get("steps", 0)
    print(f"parameters trained: {sum(p.numel() for p in model.parameters())}", flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, betas=(0.9, 0.95), weight_decay=0.0)
    gen = torch.Generator().manual_seed(a.seed)
    budget, start = a.minutes * 60, time.time()
    step, ema = 0, None
    while step < a.steps:
        elapsed = time.time() - start
        if elapsed > budget:
            break
        frac = elapsed / budget
        lr = a.lr * min(1.0, (step + 1) / 200) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))
        for g in opt.param_groups:
            g["lr"] = lr
        at = torch.randint(0, len(ids) - a.seq - 1, (a.batch,), generator=gen)
        x = torch.stack([rows[i:i + a.seq] for i in at])
        y = torch.stack([rows[i + 1:i + a.seq + 1] for i in at])
        m = torch.stack([mask_t[i + 1:i + a.seq + 1] for i in at])
        logits = model(x)
        loss = (F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), reduction="none")
                * m.reshape(-1)).sum() / m.sum()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        ema = loss.item() if ema is None else 0.98 * ema + 0.02 * loss.item()
        step += 1
        if step % 100 == 0:
            print(f"step {step} loss {ema:.3f} lr {lr:.2e} {time.time() - start:.0f}s", flush=True)
        if a.checkpoint and step % 500 == 0:   # lets a long run be inspected (or exported) while it trains
            torch.save({"model": model.state_dict(), "used": used, "steps": prior_steps + step}, a.checkpoint)

    trained = "" if ema is None else f" (loss {ema:.3f})"   # --resume FILE --minutes 0 only exports
    description = (f"Llama-Fortunes-demo: {sum(p.numel() for p in model.parameters())}-parameter Llama-3-architecture "
                   f"model trained {prior_steps + step} steps{trained} by examples/demo-model/train.py on Debian "
                   f"fortunes-min (BSD license); Llama 3 tokenizer (Llama 3.1 Community License)")
    if a.checkpoint:
        torch.save({"model": model.state_dict(), "used": used, "steps": prior_steps + step}, a.checkpoint)
    export_gguf(a.out, model, used, CONFIG, a.tokenizer, a.chat_template, description, a.token_embedding_type)
    print(f"wrote {a.out} ({os.path.getsize(a.out)} bytes) after {step} steps{trained}", flush=True)


if __name__ == "__main__":
    main()
