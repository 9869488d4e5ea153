#!/usr/bin/env python3
"""Independent check that a checkpoint means what Hugging Face's LlamaForCausalLM would compute from it.

Reads config.json and model.safetensors with numpy only (no torch/transformers needed), runs the Llama forward pass
as transformers defines it (F.linear = x @ W.T, RMSNorm, rotate-half RoPE, repeat_kv GQA, SiLU-gated MLP, tied head),
and compares per-token log-probabilities with the JSON of `epo model score`.

  npm run -s epo -- model score --model local:DIR --text "..." > score.json
  python3 scripts/check-hf-llama.py DIR score.json
"""
import json, struct, sys
import numpy as np

def load_safetensors(path):
    raw = open(path, 'rb').read()
    n = struct.unpack('<Q', raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    header.pop('__metadata__', None)
    out = {}
    for name, info in header.items():
        a, b = info['data_offsets']
        assert info['dtype'] == 'F32', info['dtype']
        out[name] = np.frombuffer(raw[8 + n + a:8 + n + b], dtype='<f4').reshape(info['shape']).astype(np.float64)
    return out

def rms_norm(x, w, eps):
    return w * (x / np.sqrt((x * x).mean(-1, keepdims=True) + eps))

def rotate_half(x):
    h = x.shape[-1] // 2
    return np.concatenate([-x[..., h:], x[..., :h]], -1)

def forward(cfg, W, ids):
    T, H = len(ids), cfg['hidden_size']
    nh, nkv, hd = cfg['num_attention_heads'], cfg['num_key_value_heads'], cfg.get('head_dim') or H // cfg['num_attention_heads']
    inv = 1.0 / cfg['rope_theta'] ** (np.arange(0, hd, 2) / hd)
    freqs = np.outer(np.arange(T), inv)
    emb = np.concatenate([freqs, freqs], -1)
    cos, sin = np.cos(emb), np.sin(emb)
    x = W['model.embed_tokens.weight'][ids]
    mask = np.triu(np.full((T, T), -np.inf), 1)
    for i in range(cfg['num_hidden_layers']):
        p = f'model.layers.{i}.'
        h = rms_norm(x, W[p + 'input_layernorm.weight'], cfg['rms_norm_eps'])
        q = (h @ W[p + 'self_attn.q_proj.weight'].T).reshape(T, nh, hd).transpose(1, 0, 2)
        k = (h @ W[p + 'self_attn.k_proj.weight'].T).reshape(T, nkv, hd).transpose(1, 0, 2)
        v = (h @ W[p + 'self_attn.v_proj.weight'].T).reshape(T, nkv, hd).transpose(1, 0, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        k, v = np.repeat(k, nh // nkv, 0), np.repeat(v, nh // nkv, 0)
        s = q @ k.transpose(0, 2, 1) / np.sqrt(hd) + mask
        s = np.exp(s - s.max(-1, keepdims=True)); s /= s.sum(-1, keepdims=True)
        o = (s @ v).transpose(1, 0, 2).reshape(T, nh * hd)
        x = x + o @ W[p + 'self_attn.o_proj.weight'].T
        h = rms_norm(x, W[p + 'post_attention_layernorm.weight'], cfg['rms_norm_eps'])
        g, u = h @ W[p + 'mlp.gate_proj.weight'].T, h @ W[p + 'mlp.up_proj.weight'].T
        x = x + (g / (1 + np.exp(-g)) * u) @ W[p + 'mlp.down_proj.weight'].T
    x = rms_norm(x, W['model.norm.weight'], cfg['rms_norm_eps'])
    head = W['model.embed_tokens.weight'] if cfg.get('tie_word_embeddings') else W['lm_head.weight']
    logits = x @ head.T
    m = logits.max(-1, keepdims=True)
    return logits - m - np.log(np.exp(logits - m).sum(-1, keepdims=True))

def main():
    d, score = sys.argv[1], json.load(open(sys.argv[2]))
    cfg = json.load(open(f'{d}/config.json'))
    W = load_safetensors(f'{d}/model.safetensors')
    ids = [cfg['bos_token_id']] + [t['id'] for t in score['tokens']]
    logp = forward(cfg, W, np.array(ids))
    ours = np.array([t['logprob'] for t in score['tokens']])
    ref = np.array([logp[t, ids[t + 1]] for t in range(len(ids) - 1)])
    diff = np.abs(ours - ref).max()
    print(f'{len(ours)} tokens, max |difference| {diff:.2e} (ours {ours.sum():.4f}, numpy HF-Llama {ref.sum():.4f})')
    sys.exit(0 if diff < 1e-3 else 1)

if __name__ == '__main__':
    main()
