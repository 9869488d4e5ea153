// Incremental decoding: each step runs T new positions per row against the cached keys and values of the earlier
// ones (left-padded prompts: padding keys are masked, every row has its own positions) and returns the logits of
// each row's last position.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "gemm.h"
#include "llama.h"
#include "ops.h"

namespace epo {

Decoder::Decoder(const Config& cfg, int rows, int smax) : c(cfg), B(rows), Smax(smax) {
  k.resize(c.L);
  v.resize(c.L);
  for (int l = 0; l < c.L; l++) {
    k[l].assign((size_t)B * c.nKV * Smax * c.hd, 0.0f);
    v[l].assign((size_t)B * c.nKV * Smax * c.hd, 0.0f);
  }
  mask.assign((size_t)B * Smax, 0);
}

void Decoder::step(const Weights& w, const int32_t* ids, int T, const int32_t* positions, const uint8_t* keyMask,
                   float* logits) {
  const int N = B * T, H = c.H, QD = c.QD(), KD = c.KD(), I = c.I, hd = c.hd, rep = c.nH / c.nKV;
  const int S1 = S + T;  // keys after this step
  const float scale = 1.0f / std::sqrt((float)hd);
  for (int b = 0; b < B; b++) std::memcpy(&mask[(size_t)b * Smax + S], keyMask + (size_t)b * T, T);
  std::vector<float> cs((size_t)N * hd / 2), sn((size_t)N * hd / 2);
  for (int n = 0; n < N; n++) rope_angles(positions[n], hd, c.theta, &cs[(size_t)n * hd / 2], &sn[(size_t)n * hd / 2]);

  std::vector<float> x((size_t)N * H), h((size_t)N * H), q((size_t)N * QD), kn((size_t)N * KD), vn((size_t)N * KD);
  std::vector<float> ctx((size_t)N * QD), gate((size_t)N * I), up((size_t)N * I);
  for (int n = 0; n < N; n++) std::memcpy(&x[(size_t)n * H], w.emb() + (size_t)ids[n] * H, H * sizeof(float));
  for (int l = 0; l < c.L; l++) {
    rmsnorm(x.data(), w.layer(l, LN1), h.data(), nullptr, N, H, c.eps);
    gemm(false, false, N, QD, H, h.data(), H, w.layer(l, WQ), QD, q.data(), QD, false);
    gemm(false, false, N, KD, H, h.data(), H, w.layer(l, WK), KD, kn.data(), KD, false);
    gemm(false, false, N, KD, H, h.data(), H, w.layer(l, WV), KD, vn.data(), KD, false);
    for (int n = 0; n < N; n++) {
      rope_apply(&q[(size_t)n * QD], c.nH, hd, &cs[(size_t)n * hd / 2], &sn[(size_t)n * hd / 2], false);
      rope_apply(&kn[(size_t)n * KD], c.nKV, hd, &cs[(size_t)n * hd / 2], &sn[(size_t)n * hd / 2], false);
    }
    // Append the new keys and values: cache layout [B, nKV, Smax, hd].
    for (int b = 0; b < B; b++)
      for (int g = 0; g < c.nKV; g++)
        for (int t = 0; t < T; t++) {
          const size_t dst = (((size_t)b * c.nKV + g) * Smax + S + t) * hd, src = ((size_t)b * T + t) * KD + g * hd;
          std::memcpy(&k[l][dst], &kn[src], hd * sizeof(float));
          std::memcpy(&v[l][dst], &vn[src], hd * sizeof(float));
        }
#pragma omp parallel for num_threads(threads()) schedule(static) if (threads() > 1 && B > 1)
    for (int b = 0; b < B; b++) {
      thread_local std::vector<float> p;
      p.resize((size_t)T * S1);
      const uint8_t* m = &mask[(size_t)b * Smax];
      for (int hh = 0; hh < c.nH; hh++) {
        const int g = hh / rep;
        const float* K = &k[l][((size_t)b * c.nKV + g) * Smax * hd];
        const float* Vv = &v[l][((size_t)b * c.nKV + g) * Smax * hd];
        const float* Q = &q[(size_t)b * T * QD + hh * hd];
        gemm_serial(false, true, T, S1, hd, Q, QD, K, hd, p.data(), S1, false);
        for (int t = 0; t < T; t++) {
          float* row = &p[(size_t)t * S1];
          float mx = -INFINITY;
          const int last = S + t;  // causal: keys up to this position
          for (int s = 0; s <= last; s++) if (m[s]) { row[s] *= scale; mx = std::max(mx, row[s]); }
          float sum = 0;
          for (int s = 0; s < S1; s++) {
            if (s <= last && m[s]) { row[s] = std::exp(row[s] - mx); sum += row[s]; }
            else row[s] = 0;
          }
          const float inv = sum > 0 ? 1.0f / sum : 0.0f;
          for (int s = 0; s <= last; s++) row[s] *= inv;
        }
        gemm_serial(false, false, T, hd, S1, p.data(), S1, Vv, hd, &ctx[(size_t)b * T * QD + hh * hd], QD, false);
      }
    }
    gemm(false, false, N, H, QD, ctx.data(), QD, w.layer(l, WO), H, x.data(), H, true);
    rmsnorm(x.data(), w.layer(l, LN2), h.data(), nullptr, N, H, c.eps);
    gemm(false, false, N, I, H, h.data(), H, w.layer(l, WG), I, gate.data(), I, false);
    gemm(false, false, N, I, H, h.data(), H, w.layer(l, WU), I, up.data(), I, false);
    for (size_t i = 0; i < (size_t)N * I; i++) gate[i] = gate[i] * sigmoid(gate[i]) * up[i];
    gemm(false, false, N, H, I, gate.data(), I, w.layer(l, WD), H, x.data(), H, true);
  }
  S = S1;
  // The head on each row's last position only.
  std::vector<float> last((size_t)B * H);
  for (int b = 0; b < B; b++) std::memcpy(&last[(size_t)b * H], &x[((size_t)b * T + T - 1) * H], H * sizeof(float));
  rmsnorm(last.data(), w.norm(c.L), h.data(), nullptr, B, H, c.eps);
  if (c.tie) gemm(false, true, B, c.V, H, h.data(), H, w.emb(), H, logits, c.V, false);
  else gemm(false, false, B, c.V, H, h.data(), H, w.head(c.L), c.V, logits, c.V, false);
}

void Decoder::keep(const std::vector<int>& rows) {
  const size_t rowFloats = (size_t)c.nKV * Smax * c.hd;
  for (int l = 0; l < c.L; l++) {
    for (size_t i = 0; i < rows.size(); i++) {
      if ((int)i == rows[i]) continue;
      std::memmove(&k[l][i * rowFloats], &k[l][(size_t)rows[i] * rowFloats], rowFloats * sizeof(float));
      std::memmove(&v[l][i * rowFloats], &v[l][(size_t)rows[i] * rowFloats], rowFloats * sizeof(float));
    }
    k[l].resize(rows.size() * rowFloats);
    v[l].resize(rows.size() * rowFloats);
  }
  for (size_t i = 0; i < rows.size(); i++)
    if ((int)i != rows[i]) std::memmove(&mask[i * Smax], &mask[(size_t)rows[i] * Smax], Smax);
  mask.resize(rows.size() * Smax);
  B = (int)rows.size();
}

}  // namespace epo
