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

// exp on 16 lanes: 2^n · p(r) with x = n·ln2 + r, |r| ≤ ln2/2, and a degree-6 polynomial (relative error ~2e-7).
// The loops below spend most of their time in exp, which libm computes one lane at a time.
typedef float v16f __attribute__((vector_size(64)));
typedef int32_t v16i __attribute__((vector_size(64)));

inline v16f vexp(v16f x) {
  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  const v16f t = x * 1.44269504088896341f + 0.5f;
  v16f f = __builtin_convertvector(__builtin_convertvector(t, v16i), v16f);
  f = f > t ? f - 1.0f : f;  // floor
  const v16f r = x - f * 0.693359375f + f * 2.12194440e-4f;
  v16f y = v16f{} + 1.9875691500e-4f;
  y = y * r + 1.3981999507e-3f;
  y = y * r + 8.3334519073e-3f;
  y = y * r + 4.1665795894e-2f;
  y = y * r + 1.6666665459e-1f;
  y = y * r + 5.0000001201e-1f;
  y = y * r * r + r + 1.0f;
  const v16i e = (__builtin_convertvector(f, v16i) + 127) << 23;
  v16f scale;
  __builtin_memcpy(&scale, &e, sizeof scale);
  return y * scale;
}

// x[i] = exp(x[i] − shift) for i < n; returns the sum.
inline float exp_shifted(float* x, int n, float shift) {
  int i = 0;
  v16f acc = {};
  for (; i + 16 <= n; i += 16) {
    v16f v;
    __builtin_memcpy(&v, x + i, sizeof v);
    v = vexp(v - shift);
    __builtin_memcpy(x + i, &v, sizeof v);
    acc += v;
  }
  float s = 0;
  for (int j = 0; j < 16; j++) s += acc[j];
  if (i < n) {
    v16f v = {};
    for (int j = 0; i + j < n; j++) v[j] = x[i + j] - shift;
    v = vexp(v);
    for (int j = 0; i + j < n; j++) { x[i + j] = v[j]; s += v[j]; }
  }
  return s;
}

// out[i] = silu(g[i]) · u[i] = g·sigmoid(g)·u, and sg[i] = sigmoid(g[i]) when asked (for the gradient).
inline void swiglu(const float* g, const float* u, float* out, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    v16f gv, uv;
    __builtin_memcpy(&gv, g + i, sizeof gv);
    __builtin_memcpy(&uv, u + i, sizeof uv);
    const v16f o = gv / (1.0f + vexp(-gv)) * uv;
    __builtin_memcpy(out + i, &o, sizeof o);
  }
  for (; i < n; i++) out[i] = g[i] * sigmoid(g[i]) * u[i];
}

// The gradient of out = g·sigmoid(g)·u: dg = d·u·s·(1 + g·(1 − s)), du = d·g·s with s = sigmoid(g).
inline void swiglu_backward(const float* g, const float* u, const float* d, float* dg, float* du, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    v16f gv, uv, dv;
    __builtin_memcpy(&gv, g + i, sizeof gv);
    __builtin_memcpy(&uv, u + i, sizeof uv);
    __builtin_memcpy(&dv, d + i, sizeof dv);
    const v16f sg = 1.0f / (1.0f + vexp(-gv));
    const v16f a = dv * uv * sg * (1.0f + gv * (1.0f - sg)), b = dv * gv * sg;
    __builtin_memcpy(dg + i, &a, sizeof a);
    __builtin_memcpy(du + i, &b, sizeof b);
  }
  for (; i < n; i++) {
    const float sg = sigmoid(g[i]);
    dg[i] = d[i] * u[i] * sg * (1 + g[i] * (1 - sg));
    du[i] = d[i] * g[i] * sg;
  }
}

// Softmax of row[0..n) in place (entries past n are set to 0).
inline void softmax_prefix(float* row, int n, int len) {
  float m = -INFINITY;
  for (int j = 0; j < n; j++) m = row[j] > m ? row[j] : m;
  const float s = exp_shifted(row, n, m);
  const float inv = s > 0 ? 1.0f / s : 0.0f;
  for (int j = 0; j < n; j++) row[j] *= inv;
  for (int j = n; j < len; j++) row[j] = 0;
}

}  // namespace epo
