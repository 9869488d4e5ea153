"""The PyTorch side of `npm run -s bench -- model-vs-torch`: a plain Llama (RMSNorm, rotate-half rotary embeddings,
grouped-query causal attention, SwiGLU MLP, tied LM head) in fp32, measured on the same workload as epo's built-in
model. The TypeScript bench passes the shapes and workload as one JSON argument, so both sides use the same numbers:

    python3 torch_llama.py '{"size": "tiny", "threads": 1, "vocab_size": 2048, "hidden_size": 128, ...}'

Prints one JSON line: training and generation tokens/s, peak RSS of this process, torch version, BLAS, threads.
"""
import json
import os
import resource
import sys
import time

SPEC = json.loads(sys.argv[1])
THREADS = int(SPEC["threads"])
# OpenBLAS and OpenMP read their thread counts when loaded, and torch.set_num_threads does not reach OpenBLAS.
os.environ["OPENBLAS_NUM_THREADS"] = str(THREADS)
os.environ["OMP_NUM_THREADS"] = str(THREADS)
# Idle OpenMP threads spin by default and then steal the core OpenBLAS's threads need: on 2 shared cores that made
# 2 threads ~10x slower than 1 (measured). Passive waiting is PyTorch's best setting here; the caller may override it.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

torch.set_num_threads(THREADS)
torch.manual_seed(1)


def max_rss_mib():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # KiB on Linux


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def rotary(positions, head_dim, theta):
    """cos and sin [T, head_dim] for the given positions (HF layout: the frequencies repeated for both halves)."""
    inv = 1.0 / (theta ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))
    ang = positions.float()[:, None] * inv[None, :]
    emb = torch.cat((ang, ang), dim=-1)
    return emb.cos(), emb.sin()


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        h, self.nh, self.nkv = c["hidden_size"], c["num_attention_heads"], c["num_key_value_heads"]
        self.hd = h // self.nh
        self.q_proj = nn.Linear(h, self.nh * self.hd, bias=False)
        self.k_proj = nn.Linear(h, self.nkv * self.hd, bias=False)
        self.v_proj = nn.Linear(h, self.nkv * self.hd, bias=False)
        self.o_proj = nn.Linear(self.nh * self.hd, h, bias=False)

    def forward(self, x, cos, sin, cache):
        B, T, _ = x.shape
        q = self.q_proj(x).view(B, T, self.nh, self.hd).transpose(1, 2)
        k = self.k_proj(x).view(B, T, self.nkv, self.hd).transpose(1, 2)
        v = self.v_proj(x).view(B, T, self.nkv, self.hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if cache is not None:
            if cache[0] is not None:
                k = torch.cat((cache[0], k), dim=2)
                v = torch.cat((cache[1], v), dim=2)
            cache[0], cache[1] = k, v
        rep = self.nh // self.nkv
        k = k.repeat_interleave(rep, dim=1)
        v = v.repeat_interleave(rep, dim=1)
        S = k.shape[2]
        scores = (q @ k.transpose(-1, -2)) / (self.hd ** 0.5)
        if T > 1:  # causal: query t (at position S - T + t) sees keys up to its own position
            mask = torch.ones(T, S, dtype=torch.bool).tril(diagonal=S - T)
            scores = scores.masked_fill(~mask, float("-inf"))
        out = scores.softmax(dim=-1) @ v
        return self.o_proj(out.transpose(1, 2).reshape(B, T, self.nh * self.hd))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        h, m, eps = c["hidden_size"], c["intermediate_size"], c["rms_norm_eps"]
        self.input_layernorm = RMSNorm(h, eps)
        self.self_attn = Attention(c)
        self.post_attention_layernorm = RMSNorm(h, eps)
        self.gate_proj = nn.Linear(h, m, bias=False)
        self.up_proj = nn.Linear(h, m, bias=False)
        self.down_proj = nn.Linear(m, h, bias=False)

    def forward(self, x, cos, sin, cache):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, cache)
        y = self.post_attention_layernorm(x)
        return x + self.down_proj(F.silu(self.gate_proj(y)) * self.up_proj(y))


class Llama(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed_tokens = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.layers = nn.ModuleList(Block(c) for _ in range(c["num_hidden_layers"]))
        self.norm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=c["initializer_range"])

    def forward(self, ids, start=0, caches=None, last_only=False):
        T = ids.shape[1]
        cos, sin = rotary(torch.arange(start, start + T), self.c["hidden_size"] // self.c["num_attention_heads"], self.c["rope_theta"])
        x = self.embed_tokens(ids)
        for i, layer in enumerate(self.layers):
            x = layer(x, cos, sin, caches[i] if caches is not None else None)
        x = self.norm(x)
        if last_only:
            x = x[:, -1]
        return x @ self.embed_tokens.weight.t()  # tied LM head


def train_speed(model, batch, seq_len, steps):
    V = model.c["vocab_size"]
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)

    def run(step):
        ids = torch.tensor([[(b * 7919 + t * 104729 + step) % V for t in range(seq_len + 1)] for b in range(batch)])
        logits = model(ids[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, V), ids[:, 1:].reshape(-1))
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)

    run(0)  # warm-up
    t0 = time.perf_counter()
    for s in range(1, steps + 1):
        run(s)
    return batch * seq_len * steps / (time.perf_counter() - t0)


@torch.inference_mode()
def generate(model, prompts, new_tokens):
    caches = [[None, None] for _ in model.layers]
    logits = model(prompts, 0, caches, last_only=True)
    pos = prompts.shape[1]
    for i in range(new_tokens):
        nxt = torch.multinomial(logits.softmax(dim=-1), 1)  # temperature 1
        if i == new_tokens - 1:
            break
        logits = model(nxt, pos, caches, last_only=True)
        pos += 1


def gen_speed(model, batch, new_tokens):
    V = model.c["vocab_size"]
    prompts = torch.tensor([[(b * 31 + t * 17) % (V - 8) for t in range(32)] for b in range(batch)])
    generate(model, prompts, 2)  # warm-up
    t0 = time.perf_counter()
    generate(model, prompts, new_tokens)
    return batch * new_tokens / (time.perf_counter() - t0)


def blas_in_use():
    """The BLAS libraries mapped into this process, and a 1024x1024 matmul's GFLOP/s at this thread count."""
    a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
    a @ b
    n, t0 = 5, time.perf_counter()
    for _ in range(n):
        a @ b
    gflops = 2 * 1024 ** 3 * n / (time.perf_counter() - t0) / 1e9
    with open("/proc/self/maps") as f:
        libs = sorted({os.path.basename(line.split()[-1]) for line in f if "blas" in line.lower() or "mkl" in line.lower()})
    return ", ".join(libs) or "unknown", gflops


def main():
    blas, gflops = blas_in_use()
    model = Llama(SPEC)
    train = train_speed(model, SPEC["batch"], SPEC["seq_len"], SPEC["steps"])
    train_rss = max_rss_mib()
    gen1 = gen_speed(model, 1, SPEC["gen_b1_tokens"])
    gen32 = gen_speed(model, 32, SPEC["gen_b32_tokens"])
    print(json.dumps({
        "side": "torch", "size": SPEC["size"], "threads": torch.get_num_threads(), "torch": torch.__version__, "omp_wait_policy": os.environ["OMP_WAIT_POLICY"],
        "blas": blas, "matmul_gflops": round(gflops, 1), "train_tokens_per_s": train, "gen_b1_tokens_per_s": gen1,
        "gen_b32_tokens_per_s": gen32, "train_rss_MiB": train_rss, "peak_rss_MiB": max_rss_mib(),
    }))


main()
