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

// Causal attention works on query blocks: block [t0, t1) only meets keys < t1, which skips most of the masked half.
constexpr int QB = 64;

// One batch row and query head: P = softmax(q·kᵀ·scale) over keys ≤ the query, ctx = P·v.
void attend(const float* q, const float* k, const float* v, float* p, float* ctx, int T, int hd, int qd, int kd,
            float scale) {
  for (int t0 = 0; t0 < T; t0 += QB) {
    const int t1 = std::min(T, t0 + QB);
    gemm_serial(false, true, t1 - t0, t1, hd, q + (size_t)t0 * qd, qd, k, kd, p + (size_t)t0 * T, T, false);
    for (int t = t0; t < t1; t++) {
      float* row = p + (size_t)t * T;
      for (int s = 0; s <= t; s++) row[s] *= scale;
      softmax_prefix(row, t + 1, T);
    }
    gemm_serial(false, false, t1 - t0, hd, t1, p + (size_t)t0 * T, T, v, kd, ctx + (size_t)t0 * qd, qd, false);
  }
}

// Its gradient: dq (written), dk and dv (added).
void attend_backward(const float* q, const float* k, const float* v, const float* p, const float* dctx, float* dp,
                     float* dq, float* dk, float* dv, int T, int hd, int qd, int kd, float scale) {
  for (int t0 = 0; t0 < T; t0 += QB) {
    const int t1 = std::min(T, t0 + QB), m = t1 - t0;
    const float* P = p + (size_t)t0 * T;
    const float* dc = dctx + (size_t)t0 * qd;
    gemm_serial(false, true, m, t1, hd, dc, qd, v, kd, dp, T, false);
    gemm_serial(true, false, t1, hd, m, P, T, dc, qd, dv, kd, true);
    for (int i = 0; i < m; i++) {
      const int t = t0 + i;
      const float* pr = P + (size_t)i * T;
      float* dr = dp + (size_t)i * T;
      float dot = 0;
      for (int j = 0; j <= t; j++) dot += dr[j] * pr[j];
      for (int j = 0; j <= t; j++) dr[j] = pr[j] * (dr[j] - dot) * scale;
      for (int j = t + 1; j < t1; j++) dr[j] = 0;
    }
    gemm_serial(false, false, m, hd, t1, dp, T, k, kd, dq + (size_t)t0 * qd, qd, false);
    gemm_serial(true, false, t1, hd, m, dp, T, q + (size_t)t0 * qd, qd, dk, kd, true);
  }
}

void rope_tables(Activations& a, int T, int hd, double theta) {
  a.cs.resize((size_t)T * hd / 2);
  a.sn.resize((size_t)T * hd / 2);
  for (int t = 0; t < T; t++) rope_angles(t, hd, theta, &a.cs[(size_t)t * hd / 2], &a.sn[(size_t)t * hd / 2]);
}

void zero(float* p, size_t n) { std::memset(p, 0, n * sizeof(float)); }

}  // namespace

void train_forward(const Config& c, const Weights& w, const int32_t* inputs, const int32_t* targets, int B, int T,
                   float* logp, Activations* saved) {
  const int N = B * T, H = c.H, QD = c.QD(), KD = c.KD(), I = c.I, V = c.V, hd = c.hd, rep = c.nH / c.nKV;
  const float scale = 1.0f / std::sqrt((float)hd);
  thread_local Activations scratch;  // scoring without gradients reuses one set of buffers
  Activations& a = saved ? *saved : scratch;
  a.c = c; a.B = B; a.T = T;
  a.inputs.assign(inputs, inputs + N);
  a.targets.assign(targets, targets + N);
  a.layers.resize(saved ? c.L : 1);
  rope_tables(a, T, hd, c.theta);
  const float* cs = a.cs.data();
  const float* sn = a.sn.data();

  std::vector<float>& x = a.x;
  x.resize((size_t)N * H);
  a.h.resize((size_t)N * H);
  a.act.resize((size_t)N * I);
  float* hn = a.h.data();
  float* act = a.act.data();
  for (int n = 0; n < N; n++) std::memcpy(&x[(size_t)n * H], w.emb() + (size_t)inputs[n] * H, H * sizeof(float));

  for (int l = 0; l < c.L; l++) {
    auto& s = a.layers[saved ? l : 0];
    s.xin.assign(x.begin(), x.end());
    s.r1.resize(N);
    rmsnorm(x.data(), w.layer(l, LN1), hn, s.r1.data(), N, H, c.eps);
    s.q.resize((size_t)N * QD); s.k.resize((size_t)N * KD); s.v.resize((size_t)N * KD);
    linear(hn, w.layer(l, WQ), s.q.data(), N, H, QD);
    linear(hn, w.layer(l, WK), s.k.data(), N, H, KD);
    linear(hn, w.layer(l, WV), s.v.data(), N, H, KD);
#pragma omp parallel for num_threads(threads()) schedule(static) if (threads() > 1)
    for (int n = 0; n < N; n++) {
      const size_t t = n % T;
      rope_apply(&s.q[(size_t)n * QD], c.nH, hd, cs + t * hd / 2, sn + t * hd / 2, false);
      rope_apply(&s.k[(size_t)n * KD], c.nKV, hd, cs + t * hd / 2, sn + t * hd / 2, false);
    }
    s.p.resize((size_t)B * c.nH * T * T); s.ctx.resize((size_t)N * QD);
#pragma omp parallel for collapse(2) num_threads(threads()) schedule(static) if (threads() > 1)
    for (int b = 0; b < B; b++) {
      for (int h = 0; h < c.nH; h++) {
        const int g = h / rep;
        attend(&s.q[(size_t)b * T * QD + h * hd], &s.k[(size_t)b * T * KD + g * hd], &s.v[(size_t)b * T * KD + g * hd],
               &s.p[((size_t)b * c.nH + h) * T * T], &s.ctx[(size_t)b * T * QD + h * hd], T, hd, QD, KD, scale);
      }
    }
    linear(s.ctx.data(), w.layer(l, WO), x.data(), N, QD, H, true);  // residual: x += ctx·Wo
    s.xmid.assign(x.begin(), x.end());
    s.r2.resize(N);
    rmsnorm(x.data(), w.layer(l, LN2), hn, s.r2.data(), N, H, c.eps);
    s.gate.resize((size_t)N * I); s.up.resize((size_t)N * I);
    linear(hn, w.layer(l, WG), s.gate.data(), N, H, I);
    linear(hn, w.layer(l, WU), s.up.data(), N, H, I);
    swiglu(s.gate.data(), s.up.data(), act, (size_t)N * I);
    linear(act, w.layer(l, WD), x.data(), N, I, H, true);  // residual: x += act·Wd
  }
  a.xf.assign(x.begin(), x.end());
  a.hf.resize((size_t)N * H); a.rf.resize(N);
  rmsnorm(x.data(), w.norm(c.L), a.hf.data(), a.rf.data(), N, H, c.eps);
  // Logits in row blocks, so scoring without gradients never holds N×V floats; with gradients they become the
  // probabilities the backward pass needs.
  const int block = saved ? N : std::max(1, std::min(N, (1 << 22) / V));
  a.probs.resize((size_t)block * V);
  for (int n0 = 0; n0 < N; n0 += block) {
    const int nb = std::min(block, N - n0);
    float* lg = saved ? &a.probs[(size_t)n0 * V] : a.probs.data();
    if (c.tie) gemm(false, true, nb, V, H, &a.hf[(size_t)n0 * H], H, w.emb(), H, lg, V, false);
    else gemm(false, false, nb, V, H, &a.hf[(size_t)n0 * H], H, w.head(c.L), V, lg, V, false);
#pragma omp parallel for num_threads(threads()) schedule(static) if (threads() > 1)
    for (int i = 0; i < nb; i++) {
      float* row = lg + (size_t)i * V;
      float m = -INFINITY;
      for (int j = 0; j < V; j++) m = std::max(m, row[j]);
      const float picked = row[targets[n0 + i]];
      const float sum = exp_shifted(row, V, m);  // row = exp(logit − max)
      logp[n0 + i] = picked - m - std::log(sum);
      if (saved) { const float inv = 1.0f / sum; for (int j = 0; j < V; j++) row[j] *= inv; }
    }
  }
}

void train_backward(Activations& a, const Weights& w, const float* dlogp, const std::vector<float*>& grads) {
  const Config& c = a.c;
  const int B = a.B, T = a.T, N = B * T, H = c.H, QD = c.QD(), KD = c.KD(), I = c.I, V = c.V, hd = c.hd;
  const int rep = c.nH / c.nKV;
  const float scale = 1.0f / std::sqrt((float)hd);
  auto G = [&](int l, int j) { return grads[1 + 9 * l + j]; };
  const float* cs = a.cs.data();
  const float* sn = a.sn.data();

  // d logp[n] / d logits[n, j] = 1[j = target] − p[j]
  float* dl = a.probs.data();
#pragma omp parallel for num_threads(threads()) schedule(static) if (threads() > 1)
  for (int n = 0; n < N; n++) {
    float* row = dl + (size_t)n * V;
    const float g = dlogp[n];
    for (int j = 0; j < V; j++) row[j] *= -g;
    row[a.targets[n]] += g;
  }
  a.dh.resize((size_t)N * H); a.dx.assign((size_t)N * H, 0.0f);
  float* dh = a.dh.data();
  float* dx = a.dx.data();
  if (c.tie) {
    gemm(false, false, N, H, V, dl, V, w.emb(), H, dh, H, false);
    gemm(true, false, V, H, N, dl, V, a.hf.data(), H, grads[0], H, false);
  } else {
    gemm(false, true, N, H, V, dl, V, w.head(c.L), V, dh, H, false);
    gemm(true, false, H, V, N, a.hf.data(), H, dl, V, grads[2 + 9 * c.L], V, false);
    zero(grads[0], (size_t)V * H);
  }
  float* dnorm = grads[1 + 9 * c.L];
  zero(dnorm, H);
  rmsnorm_backward(a.xf.data(), w.norm(c.L), a.rf.data(), dh, dx, dnorm, N, H);

  a.dact.resize((size_t)N * I); a.dgate.resize((size_t)N * I); a.dup.resize((size_t)N * I); a.dh2.resize((size_t)N * H);
  a.dctx.resize((size_t)N * QD); a.dq.resize((size_t)N * QD); a.dk.resize((size_t)N * KD); a.dv.resize((size_t)N * KD);
  float *dact = a.dact.data(), *dgate = a.dgate.data(), *dup = a.dup.data(), *dh2 = a.dh2.data();
  float *dctx = a.dctx.data(), *dq = a.dq.data(), *dk = a.dk.data(), *dv = a.dv.data();
  float* hn = a.h.data();
  float* act = a.act.data();
  // x·r·w again from the saved x and r (the forward pass kept only those).
  auto renorm = [&](const float* x, const float* r, const float* wn) {
    for (int n = 0; n < N; n++)
      for (int j = 0; j < H; j++) hn[(size_t)n * H + j] = x[(size_t)n * H + j] * r[n] * wn[j];
  };
  for (int l = c.L - 1; l >= 0; l--) {
    auto& s = a.layers[l];
    // MLP: x = xmid + act·Wd, act = silu(gate)·up
    swiglu(s.gate.data(), s.up.data(), act, (size_t)N * I);
    renorm(s.xmid.data(), s.r2.data(), w.layer(l, LN2));
    gemm(true, false, I, H, N, act, I, dx, H, G(l, WD), H, false);
    gemm(false, true, N, I, H, dx, H, w.layer(l, WD), H, dact, I, false);
    swiglu_backward(s.gate.data(), s.up.data(), dact, dgate, dup, (size_t)N * I);
    gemm(true, false, H, I, N, hn, H, dgate, I, G(l, WG), I, false);
    gemm(true, false, H, I, N, hn, H, dup, I, G(l, WU), I, false);
    gemm(false, true, N, H, I, dgate, I, w.layer(l, WG), I, dh2, H, false);
    gemm(false, true, N, H, I, dup, I, w.layer(l, WU), I, dh2, H, true);
    zero(G(l, LN2), H);
    rmsnorm_backward(s.xmid.data(), w.layer(l, LN2), s.r2.data(), dh2, dx, G(l, LN2), N, H);
    // Attention: xmid = xin + ctx·Wo
    gemm(true, false, QD, H, N, s.ctx.data(), QD, dx, H, G(l, WO), H, false);
    gemm(false, true, N, QD, H, dx, H, w.layer(l, WO), H, dctx, QD, false);
    zero(dk, (size_t)N * KD);
    zero(dv, (size_t)N * KD);
    // By (row, kv head): the query heads of one kv head add into the same dk and dv, so they stay on one thread.
#pragma omp parallel for collapse(2) num_threads(threads()) schedule(static) if (threads() > 1)
    for (int b = 0; b < B; b++) {
      for (int g = 0; g < c.nKV; g++) {
        thread_local std::vector<float> dp;
        dp.resize((size_t)QB * T);
        for (int h = g * rep; h < (g + 1) * rep; h++) {
          attend_backward(&s.q[(size_t)b * T * QD + h * hd], &s.k[(size_t)b * T * KD + g * hd],
                          &s.v[(size_t)b * T * KD + g * hd], &s.p[((size_t)b * c.nH + h) * T * T],
                          &dctx[(size_t)b * T * QD + h * hd], dp.data(), &dq[(size_t)b * T * QD + h * hd],
                          &dk[(size_t)b * T * KD + g * hd], &dv[(size_t)b * T * KD + g * hd], T, hd, QD, KD, scale);
        }
      }
    }
#pragma omp parallel for num_threads(threads()) schedule(static) if (threads() > 1)
    for (int n = 0; n < N; n++) {
      const size_t t = n % T;
      rope_apply(&dq[(size_t)n * QD], c.nH, hd, cs + t * hd / 2, sn + t * hd / 2, true);
      rope_apply(&dk[(size_t)n * KD], c.nKV, hd, cs + t * hd / 2, sn + t * hd / 2, true);
    }
    renorm(s.xin.data(), s.r1.data(), w.layer(l, LN1));
    gemm(true, false, H, QD, N, hn, H, dq, QD, G(l, WQ), QD, false);
    gemm(true, false, H, KD, N, hn, H, dk, KD, G(l, WK), KD, false);
    gemm(true, false, H, KD, N, hn, H, dv, KD, G(l, WV), KD, false);
    gemm(false, true, N, H, QD, dq, QD, w.layer(l, WQ), QD, dh2, H, false);
    gemm(false, true, N, H, KD, dk, KD, w.layer(l, WK), KD, dh2, H, true);
    gemm(false, true, N, H, KD, dv, KD, w.layer(l, WV), KD, dh2, H, true);
    zero(G(l, LN1), H);
    rmsnorm_backward(s.xin.data(), w.layer(l, LN1), s.r1.data(), dh2, dx, G(l, LN1), N, H);
  }
  for (int n = 0; n < N; n++) {
    float* row = grads[0] + (size_t)a.inputs[n] * H;
    const float* d = &dx[(size_t)n * H];
    for (int j = 0; j < H; j++) row[j] += d[j];
  }
}

}  // namespace epo
