// Training forward and backward passes of the Llama decoder with explicit gradients (no autograd graph): the
// activations each gradient needs are kept per layer, everything else is scratch.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "gemm.h"
#include "llama.h"
#include "ops.h"

namespace epo {

namespace {

// y[N, out] = x[N, in] · W[in, out]
void linear(const float* x, const float* W, float* y, int N, int in, int out, bool acc = false) {
  gemm(false, false, N, out, in, x, in, W, out, y, out, acc);
}

// Causal attention of one batch row and query head: P = softmax(q·kᵀ·scale) over keys ≤ the query, ctx = P·v.
void attend(const float* q, const float* k, const float* v, float* p, float* ctx, int T, int hd, int qd, int kd,
            float scale) {
  gemm_serial(false, true, T, T, hd, q, qd, k, kd, p, T, false);
  for (int t = 0; t < T; t++) {
    float* row = p + (size_t)t * T;
    for (int s = 0; s <= t; s++) row[s] *= scale;
    softmax_prefix(row, t + 1, T);
  }
  gemm_serial(false, false, T, hd, T, p, T, v, kd, ctx, qd, false);
}

}  // namespace

void train_forward(const Config& c, const Weights& w, const int32_t* inputs, const int32_t* targets, int B, int T,
                   float* logp, Activations* saved) {
  const int N = B * T, H = c.H, QD = c.QD(), KD = c.KD(), I = c.I, V = c.V, hd = c.hd, rep = c.nH / c.nKV;
  const float scale = 1.0f / std::sqrt((float)hd);
  std::vector<float> cs((size_t)T * hd / 2), sn((size_t)T * hd / 2);
  for (int t = 0; t < T; t++) rope_angles(t, hd, c.theta, &cs[(size_t)t * hd / 2], &sn[(size_t)t * hd / 2]);

  Activations scratch;
  Activations& a = saved ? *saved : scratch;
  a.c = c; a.B = B; a.T = T;
  a.inputs.assign(inputs, inputs + N);
  a.targets.assign(targets, targets + N);
  a.layers.resize(saved ? c.L : 1);

  std::vector<float> x((size_t)N * H), tmp((size_t)N * H);
  for (int n = 0; n < N; n++) std::memcpy(&x[(size_t)n * H], w.emb() + (size_t)inputs[n] * H, H * sizeof(float));

  for (int l = 0; l < c.L; l++) {
    auto& s = a.layers[saved ? l : 0];
    s.xin = x;
    s.h1.resize((size_t)N * H); s.r1.resize(N);
    rmsnorm(x.data(), w.layer(l, LN1), s.h1.data(), s.r1.data(), N, H, c.eps);
    s.q.resize((size_t)N * QD); s.k.resize((size_t)N * KD); s.v.resize((size_t)N * KD);
    linear(s.h1.data(), w.layer(l, WQ), s.q.data(), N, H, QD);
    linear(s.h1.data(), w.layer(l, WK), s.k.data(), N, H, KD);
    linear(s.h1.data(), w.layer(l, WV), s.v.data(), N, H, KD);
    for (int n = 0; n < N; n++) {
      const int t = n % T;
      rope_apply(&s.q[(size_t)n * QD], c.nH, hd, &cs[(size_t)t * hd / 2], &sn[(size_t)t * hd / 2], false);
      rope_apply(&s.k[(size_t)n * KD], c.nKV, hd, &cs[(size_t)t * hd / 2], &sn[(size_t)t * hd / 2], false);
    }
    s.p.resize((size_t)B * c.nH * T * T); s.ctx.resize((size_t)N * QD);
    for (int b = 0; b < B; b++) {
      for (int h = 0; h < c.nH; h++) {
        const int g = h / rep;
        attend(&s.q[(size_t)b * T * QD + h * hd], &s.k[(size_t)b * T * KD + g * hd], &s.v[(size_t)b * T * KD + g * hd],
               &s.p[((size_t)b * c.nH + h) * T * T], &s.ctx[(size_t)b * T * QD + h * hd], T, hd, QD, KD, scale);
      }
    }
    linear(s.ctx.data(), w.layer(l, WO), x.data(), N, QD, H, true);  // residual: x += ctx·Wo
    s.xmid = x;
    s.h2.resize((size_t)N * H); s.r2.resize(N);
    rmsnorm(x.data(), w.layer(l, LN2), s.h2.data(), s.r2.data(), N, H, c.eps);
    s.gate.resize((size_t)N * I); s.up.resize((size_t)N * I); s.act.resize((size_t)N * I);
    linear(s.h2.data(), w.layer(l, WG), s.gate.data(), N, H, I);
    linear(s.h2.data(), w.layer(l, WU), s.up.data(), N, H, I);
    for (size_t i = 0; i < (size_t)N * I; i++) s.act[i] = s.gate[i] * sigmoid(s.gate[i]) * s.up[i];
    linear(s.act.data(), w.layer(l, WD), x.data(), N, I, H, true);  // residual: x += act·Wd
  }
  a.xf = x;
  a.hf.resize((size_t)N * H); a.rf.resize(N);
  rmsnorm(x.data(), w.norm(c.L), a.hf.data(), a.rf.data(), N, H, c.eps);
  // Logits in row blocks, so scoring without gradients never holds N×V floats.
  const int block = saved ? N : std::max(1, std::min(N, (1 << 22) / V));
  a.probs.resize((size_t)block * V);
  for (int n0 = 0; n0 < N; n0 += block) {
    const int nb = std::min(block, N - n0);
    float* lg = saved ? &a.probs[(size_t)n0 * V] : a.probs.data();
    if (c.tie) gemm(false, true, nb, V, H, &a.hf[(size_t)n0 * H], H, w.emb(), H, lg, V, false);
    else gemm(false, false, nb, V, H, &a.hf[(size_t)n0 * H], H, w.head(c.L), V, lg, V, false);
    for (int i = 0; i < nb; i++) {
      float* row = lg + (size_t)i * V;
      float m = -INFINITY;
      for (int j = 0; j < V; j++) m = std::max(m, row[j]);
      double sum = 0;
      for (int j = 0; j < V; j++) sum += std::exp(row[j] - m);
      const float lse = m + (float)std::log(sum);
      logp[n0 + i] = row[targets[n0 + i]] - lse;
      if (saved) for (int j = 0; j < V; j++) row[j] = std::exp(row[j] - lse);
    }
  }
  if (!saved) scratch = Activations();
}

void train_backward(Activations& a, const Weights& w, const float* dlogp, const std::vector<float*>& grads) {
  const Config& c = a.c;
  const int B = a.B, T = a.T, N = B * T, H = c.H, QD = c.QD(), KD = c.KD(), I = c.I, V = c.V, hd = c.hd;
  const int rep = c.nH / c.nKV;
  const float scale = 1.0f / std::sqrt((float)hd);
  auto G = [&](int l, int j) { return grads[1 + 9 * l + j]; };
  std::vector<float> cs((size_t)T * hd / 2), sn((size_t)T * hd / 2);
  for (int t = 0; t < T; t++) rope_angles(t, hd, c.theta, &cs[(size_t)t * hd / 2], &sn[(size_t)t * hd / 2]);

  // d logp[n] / d logits[n, j] = 1[j = target] − p[j]
  float* dl = a.probs.data();
  for (int n = 0; n < N; n++) {
    float* row = dl + (size_t)n * V;
    const float g = dlogp[n];
    for (int j = 0; j < V; j++) row[j] *= -g;
    row[a.targets[n]] += g;
  }
  std::vector<float> dh((size_t)N * H), dx((size_t)N * H, 0.0f);
  if (c.tie) {
    gemm(false, false, N, H, V, dl, V, w.emb(), H, dh.data(), H, false);
    gemm(true, false, V, H, N, dl, V, a.hf.data(), H, grads[0], H, false);
  } else {
    gemm(false, true, N, H, V, dl, V, w.head(c.L), V, dh.data(), H, false);
    gemm(true, false, H, V, N, a.hf.data(), H, dl, V, grads[2 + 9 * c.L], V, false);
    std::memset(grads[0], 0, sizeof(float) * (size_t)V * H);
  }
  a.probs = std::vector<float>();
  float* dnorm = grads[1 + 9 * c.L];
  std::memset(dnorm, 0, sizeof(float) * H);
  rmsnorm_backward(a.xf.data(), w.norm(c.L), a.rf.data(), dh.data(), dx.data(), dnorm, N, H);

  std::vector<float> dact((size_t)N * I), dgate((size_t)N * I), dup((size_t)N * I), dh2((size_t)N * H);
  std::vector<float> dctx((size_t)N * QD), dq((size_t)N * QD), dk((size_t)N * KD), dv((size_t)N * KD);
  std::vector<float> dp((size_t)T * T);
  for (int l = c.L - 1; l >= 0; l--) {
    auto& s = a.layers[l];
    // MLP: x = xmid + act·Wd, act = silu(gate)·up
    gemm(true, false, I, H, N, s.act.data(), I, dx.data(), H, G(l, WD), H, false);
    gemm(false, true, N, I, H, dx.data(), H, w.layer(l, WD), H, dact.data(), I, false);
    for (size_t i = 0; i < (size_t)N * I; i++) {
      const float g = s.gate[i], sg = sigmoid(g);
      dup[i] = dact[i] * g * sg;
      dgate[i] = dact[i] * s.up[i] * sg * (1 + g * (1 - sg));
    }
    gemm(true, false, H, I, N, s.h2.data(), H, dgate.data(), I, G(l, WG), I, false);
    gemm(true, false, H, I, N, s.h2.data(), H, dup.data(), I, G(l, WU), I, false);
    gemm(false, true, N, H, I, dgate.data(), I, w.layer(l, WG), I, dh2.data(), H, false);
    gemm(false, true, N, H, I, dup.data(), I, w.layer(l, WU), I, dh2.data(), H, true);
    std::memset(G(l, LN2), 0, sizeof(float) * H);
    rmsnorm_backward(s.xmid.data(), w.layer(l, LN2), s.r2.data(), dh2.data(), dx.data(), G(l, LN2), N, H);
    // Attention: xmid = xin + ctx·Wo
    gemm(true, false, QD, H, N, s.ctx.data(), QD, dx.data(), H, G(l, WO), H, false);
    gemm(false, true, N, QD, H, dx.data(), H, w.layer(l, WO), H, dctx.data(), QD, false);
    for (int b = 0; b < B; b++) {
      for (int h = 0; h < c.nH; h++) {
        const int g = h / rep;
        const float* P = &s.p[((size_t)b * c.nH + h) * T * T];
        const float* q = &s.q[(size_t)b * T * QD + h * hd];
        const float* k = &s.k[(size_t)b * T * KD + g * hd];
        const float* v = &s.v[(size_t)b * T * KD + g * hd];
        const float* dc = &dctx[(size_t)b * T * QD + h * hd];
        float* dqh = &dq[(size_t)b * T * QD + h * hd];
        float* dkg = &dk[(size_t)b * T * KD + g * hd];
        float* dvg = &dv[(size_t)b * T * KD + g * hd];
        const bool acc = h % rep != 0;  // query heads sharing a kv head add their gradients
        gemm_serial(false, true, T, T, hd, dc, QD, v, KD, dp.data(), T, false);
        gemm_serial(true, false, T, hd, T, P, T, dc, QD, dvg, KD, acc);
        for (int t = 0; t < T; t++) {
          const float* pr = P + (size_t)t * T;
          float* dr = &dp[(size_t)t * T];
          float dot = 0;
          for (int j = 0; j <= t; j++) dot += dr[j] * pr[j];
          for (int j = 0; j <= t; j++) dr[j] = pr[j] * (dr[j] - dot) * scale;
          for (int j = t + 1; j < T; j++) dr[j] = 0;
        }
        gemm_serial(false, false, T, hd, T, dp.data(), T, k, KD, dqh, QD, false);
        gemm_serial(true, false, T, hd, T, dp.data(), T, q, QD, dkg, KD, acc);
      }
    }
    for (int n = 0; n < N; n++) {
      const int t = n % T;
      rope_apply(&dq[(size_t)n * QD], c.nH, hd, &cs[(size_t)t * hd / 2], &sn[(size_t)t * hd / 2], true);
      rope_apply(&dk[(size_t)n * KD], c.nKV, hd, &cs[(size_t)t * hd / 2], &sn[(size_t)t * hd / 2], true);
    }
    gemm(true, false, H, QD, N, s.h1.data(), H, dq.data(), QD, G(l, WQ), QD, false);
    gemm(true, false, H, KD, N, s.h1.data(), H, dk.data(), KD, G(l, WK), KD, false);
    gemm(true, false, H, KD, N, s.h1.data(), H, dv.data(), KD, G(l, WV), KD, false);
    gemm(false, true, N, H, QD, dq.data(), QD, w.layer(l, WQ), QD, dh2.data(), H, false);
    gemm(false, true, N, H, KD, dk.data(), KD, w.layer(l, WK), KD, dh2.data(), H, true);
    gemm(false, true, N, H, KD, dv.data(), KD, w.layer(l, WV), KD, dh2.data(), H, true);
    std::memset(G(l, LN1), 0, sizeof(float) * H);
    rmsnorm_backward(s.xin.data(), w.layer(l, LN1), s.r1.data(), dh2.data(), dx.data(), G(l, LN1), N, H);
    s = Activations::Layer();  // free as we go
  }
  for (int n = 0; n < N; n++) {
    float* row = grads[0] + (size_t)a.inputs[n] * H;
    const float* d = &dx[(size_t)n * H];
    for (int j = 0; j < H; j++) row[j] += d[j];
  }
}

}  // namespace epo
