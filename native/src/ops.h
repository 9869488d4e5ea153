// The element-wise parts of the decoder, each with its gradient: RMSNorm, rotary embeddings, SwiGLU, softmax.
#pragma once
#include <cmath>
#include <cstdint>

namespace epo {

// y = x · r · w with r = 1/sqrt(mean(x²) + eps), for n rows of h; r is saved for the gradient.
inline void rmsnorm(const float* x, const float* w, float* y, float* r, int n, int h, float eps) {
  for (int i = 0; i < n; i++) {
    const float* xi = x + (size_t)i * h;
    float* yi = y + (size_t)i * h;
    float ss = 0;
    for (int j = 0; j < h; j++) ss += xi[j] * xi[j];
    const float ri = 1.0f / std::sqrt(ss / h + eps);
    if (r) r[i] = ri;
    for (int j = 0; j < h; j++) yi[j] = xi[j] * ri * w[j];
  }
}

// dx += r·g − x·r³·(g·x)/h with g = dy·w; dw += Σ dy·x·r.
inline void rmsnorm_backward(const float* x, const float* w, const float* r, const float* dy, float* dx, float* dw,
                             int n, int h) {
  for (int i = 0; i < n; i++) {
    const float* xi = x + (size_t)i * h;
    const float* dyi = dy + (size_t)i * h;
    float* dxi = dx + (size_t)i * h;
    const float ri = r[i];
    float gx = 0;
    for (int j = 0; j < h; j++) {
      gx += dyi[j] * w[j] * xi[j];
      dw[j] += dyi[j] * xi[j] * ri;
    }
    const float k = ri * ri * ri * gx / h;
    for (int j = 0; j < h; j++) dxi[j] += ri * dyi[j] * w[j] - xi[j] * k;
  }
}

// The angles' cos and sin for one position: the Hugging Face "rotate half" convention, computed in double as
// src/model/rope.ts does.
inline void rope_angles(int pos, int hd, double theta, float* cs, float* sn) {
  const int half = hd / 2;
  for (int i = 0; i < half; i++) {
    const double a = pos * (1.0 / std::pow(theta, (2.0 * i) / hd));
    cs[i] = (float)std::cos(a);
    sn[i] = (float)std::sin(a);
  }
}

// Rotate each head of one token in place: [x1, x2] → [x1·c − x2·s, x2·c + x1·s]; inverse=true rotates back (the
// gradient of the rotation is its inverse).
inline void rope_apply(float* x, int heads, int hd, const float* cs, const float* sn, bool inverse) {
  const int half = hd / 2;
  for (int h = 0; h < heads; h++) {
    float* a = x + h * hd;
    float* b = a + half;
    for (int i = 0; i < half; i++) {
      const float c = cs[i], s = inverse ? -sn[i] : sn[i];
      const float x1 = a[i], x2 = b[i];
      a[i] = x1 * c - x2 * s;
      b[i] = x2 * c + x1 * s;
    }
  }
}

inline float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

// Softmax of row[0..n) in place (entries past n are set to 0).
inline void softmax_prefix(float* row, int n, int len) {
  float m = -INFINITY;
  for (int j = 0; j < n; j++) m = row[j] > m ? row[j] : m;
  float s = 0;
  for (int j = 0; j < n; j++) { row[j] = std::exp(row[j] - m); s += row[j]; }
  const float inv = s > 0 ? 1.0f / s : 0.0f;
  for (int j = 0; j < n; j++) row[j] *= inv;
  for (int j = n; j < len; j++) row[j] = 0;
}

}  // namespace epo
