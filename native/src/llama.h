// The Llama decoder on plain float buffers: the training forward pass with its saved activations, the backward pass,
// and incremental decoding with a key/value cache. Weights use epo's [in, out] layout in the order of paramShapes()
// (src/model/llama.ts): embedding; per layer input norm, q, k, v, o, post-attention norm, gate, up, down; final norm;
// the head when untied.
#pragma once
#include <cstdint>
#include <vector>

namespace epo {

struct Config {
  int V, H, L, nH, nKV, hd, I;
  bool tie;
  float eps;
  double theta;
  int QD() const { return nH * hd; }
  int KD() const { return nKV * hd; }
  int weightCount() const { return 2 + 9 * L + (tie ? 0 : 1); }
};

struct Weights {
  std::vector<const float*> w;
  const float* emb() const { return w[0]; }
  const float* layer(int l, int j) const { return w[1 + 9 * l + j]; }
  const float* norm(int L) const { return w[1 + 9 * L]; }
  const float* head(int L) const { return w[2 + 9 * L]; }
};

enum LayerWeight { LN1 = 0, WQ, WK, WV, WO, LN2, WG, WU, WD };

// What the backward pass needs from the forward pass of one batch.
struct Activations {
  Config c;
  int B = 0, T = 0;
  std::vector<int32_t> inputs, targets;
  // Per layer; the normalised inputs and the SwiGLU output are recomputed by the backward pass (cheap, and a fifth
  // of the memory).
  struct Layer { std::vector<float> xin, r1, q, k, v, p, ctx, xmid, r2, gate, up; };
  std::vector<Layer> layers;
  std::vector<float> xf, hf, rf, probs;
  // Scratch of both passes, kept with the activations so a reused Activations allocates nothing (fresh pages
  // cost a tenth of a small model's step).
  std::vector<float> x, h, act, cs, sn, dh, dx, dact, dgate, dup, dh2, dctx, dq, dk, dv;
};

// log p(targets[n] | inputs[..n]) for every position n of the B×T batch (positions 0..T-1, causal attention).
// With `saved`, keeps what backward needs.
void train_forward(const Config& c, const Weights& w, const int32_t* inputs, const int32_t* targets, int B, int T,
                   float* logp, Activations* saved);

// Gradients of Σ dlogp[n]·logp[n] for every weight, written (not added) into grads (same order and shapes).
void train_backward(Activations& a, const Weights& w, const float* dlogp, const std::vector<float*>& grads);

// Incremental decoding: rows keep their keys and values; each step appends T positions per row.
struct Decoder {
  Config c;
  int B, Smax, S = 0;
  std::vector<std::vector<float>> k, v;  // per layer [B, nKV, Smax, hd]
  std::vector<uint8_t> mask;             // [B, Smax]: 1 where the key may be attended
  Decoder(const Config& cfg, int rows, int smax);
  // ids, positions, keyMask: B×T. Writes the logits of each row's last position, [B, V].
  void step(const Weights& w, const int32_t* ids, int T, const int32_t* positions, const uint8_t* keyMask,
            float* logits);
  // Keep only these rows (in this order).
  void keep(const std::vector<int>& rows);
};

}  // namespace epo
