// Register-blocked sgemm in the GotoBLAS loop order: B is packed in KC×NR column strips, A is read in place, and a
// micro-kernel keeps an MR×NR tile of C in vector registers. Written with GCC vector extensions so the compiler
// emits AVX-512, AVX2+FMA or NEON for the machine it is built on (the addon is compiled at install time).
#include "gemm.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdint>
#include <cstring>
#include <vector>
#ifdef _OPENMP
#include <omp.h>
#endif

namespace epo {

#if defined(__AVX512F__)
#ifndef EPO_MR
#define EPO_MR 8
#endif
constexpr int VL = 16;
constexpr int MR = EPO_MR;
#else
constexpr int VL = 8;
constexpr int MR = 6;
#endif
constexpr int NR = 2 * VL;
constexpr int KC = 256;
constexpr int MC = MR * 16;
constexpr int NC = NR * 64;
constexpr int FEW_ROWS = 32;
static_assert(MR <= 8, "the kernel is instantiated for up to 8 rows");

typedef float vf __attribute__((vector_size(VL * 4)));

static inline vf load(const float* p) { vf v; std::memcpy(&v, p, sizeof v); return v; }
static inline void store(float* p, vf v) { std::memcpy(p, &v, sizeof v); }
static inline vf splat(float x) { return vf{} + x; }

static int g_threads = 1;
void set_threads(int n) { g_threads = std::max(1, n); }
int threads() { return g_threads; }

// C[0..R, 0..nr] (+)= A (R rows read in place: element (i, k) at a[i·rs + k·ks]) · Bp (kc×NR, packed, rows bs apart).
// Reading A in place instead of packing it saves a pass over the left operand, which costs as much as the product
// itself when the output is only 64-128 columns wide (the small models' projections). Every element of C is summed in
// the same order whatever R and the path that called it, so a row's result does not depend on the rows beside it
// (a sequence decoded alone or in a batch gets the same logits, bit for bit).
template <int R>
static void kernel(int kc, const float* a, size_t rs, size_t ks, const float* __restrict b, size_t bs, float* c, int ldc,
                   int nr, bool acc) {
  const float* row[R];
  for (int i = 0; i < R; i++) row[i] = a + (size_t)i * rs;
  vf c0[R], c1[R];
  for (int i = 0; i < R; i++) { c0[i] = vf{}; c1[i] = vf{}; }
  for (int k = 0; k < kc; k++) {
    const vf b0 = load(b), b1 = load(b + VL);
    const size_t o = (size_t)k * ks;
#pragma GCC unroll 8
    for (int i = 0; i < R; i++) {
      const vf ai = splat(row[i][o]);
      c0[i] += ai * b0;
      c1[i] += ai * b1;
    }
    b += bs;
  }
  if (nr == NR) {
    for (int i = 0; i < R; i++) {
      float* r = c + (size_t)i * ldc;
      if (acc) { store(r, load(r) + c0[i]); store(r + VL, load(r + VL) + c1[i]); }
      else { store(r, c0[i]); store(r + VL, c1[i]); }
    }
    return;
  }
  alignas(64) float tile[R * NR];
  for (int i = 0; i < R; i++) { store(tile + i * NR, c0[i]); store(tile + i * NR + VL, c1[i]); }
  for (int i = 0; i < R; i++) {
    float* r = c + (size_t)i * ldc;
    for (int j = 0; j < nr; j++) r[j] = acc ? r[j] + tile[i * NR + j] : tile[i * NR + j];
  }
}

// The kernel for the mr (≤ MR) rows of a strip.
static void kernel(int kc, const float* a, size_t rs, size_t ks, const float* b, size_t bs, float* c, int ldc, int mr,
                   int nr, bool acc) {
  switch (mr) {
    case 1: return kernel<1>(kc, a, rs, ks, b, bs, c, ldc, nr, acc);
    case 2: return kernel<2>(kc, a, rs, ks, b, bs, c, ldc, nr, acc);
    case 3: return kernel<3>(kc, a, rs, ks, b, bs, c, ldc, nr, acc);
    case 4: return kernel<4>(kc, a, rs, ks, b, bs, c, ldc, nr, acc);
    case 5: return kernel<5>(kc, a, rs, ks, b, bs, c, ldc, nr, acc);
    case 6: return kernel<6>(kc, a, rs, ks, b, bs, c, ldc, nr, acc);
    case 7: return kernel<7>(kc, a, rs, ks, b, bs, c, ldc, nr, acc);
    case 8: return kernel<8>(kc, a, rs, ks, b, bs, c, ldc, nr, acc);
    default: return;
  }
}

// Pack op(B)[k0..k0+kc, j0..j0+nc] into strips of NR columns (zero-padded).
static void packB(bool transB, const float* B, int ldb, int k0, int kc, int j0, int nc, float* out) {
  for (int js = 0; js < nc; js += NR) {
    const int nr = std::min(NR, nc - js);
    for (int k = 0; k < kc; k++) {
      float* dst = out + (size_t)js * kc + (size_t)k * NR;
      if (!transB) {
        const float* src = B + (size_t)(k0 + k) * ldb + j0 + js;
        if (nr == NR) std::memcpy(dst, src, NR * sizeof(float));
        else { for (int j = 0; j < nr; j++) dst[j] = src[j]; for (int j = nr; j < NR; j++) dst[j] = 0; }
      } else {
        const float* src = B + (size_t)(j0 + js) * ldb + k0 + k;
        for (int j = 0; j < nr; j++) dst[j] = src[(size_t)j * ldb];
        for (int j = nr; j < NR; j++) dst[j] = 0;
      }
    }
  }
}

// Pack op(A)[i0..i0+mc, k0..k0+kc] into strips of MR rows (zero-padded): element (i, k) of a strip at k·MR + i.
static void packA(bool transA, const float* A, int lda, int i0, int mc, int k0, int kc, float* out) {
  for (int is = 0; is < mc; is += MR) {
    const int mr = std::min(MR, mc - is);
    float* dst = out + (size_t)is * kc;
    for (int k = 0; k < kc; k++) {
      for (int i = 0; i < MR; i++) {
        const int r = i0 + is + std::min(i, mr - 1);
        dst[k * MR + i] = transA ? A[(size_t)(k0 + k) * lda + r] : A[(size_t)r * lda + k0 + k];
      }
    }
  }
}

static float* scratch(std::vector<float>& v, size_t n) {
  if (v.size() < n + 16) v.resize(n + 16);
  // 64-byte aligned start inside the vector.
  uintptr_t p = reinterpret_cast<uintptr_t>(v.data());
  return reinterpret_cast<float*>((p + 63) & ~uintptr_t(63));
}

// Few rows (decoding one token per sequence): packing B would cost as much as the product, so B is read in place,
// or, when it is transposed, the product is computed as Cᵀ = B·op(A)ᵀ, whose right operand is the small one.
static void gemm_few_rows(bool transA, bool transB, int M, int N, int K, const float* A, int lda, const float* B,
                          int ldb, float* C, int ldc, bool accumulate) {
  if (M == 1 && transB) {  // one row against B's rows: N dot products, summed in the kernel's order
    for (int j = 0; j < N; j++) {
      const float* b = B + (size_t)j * ldb;
      float out = accumulate ? C[j] : 0.0f;
      for (int k0 = 0; k0 < K; k0 += KC) {
        float sum = 0;
        for (int k = k0; k < std::min(K, k0 + KC); k++) sum = std::fma(A[transA ? (size_t)k * lda : k], b[k], sum);
        out = (accumulate || k0 > 0) ? out + sum : sum;
      }
      C[j] = out;
    }
    return;
  }
  if (transB) {
    thread_local std::vector<float> bufT;
    float* Ct = scratch(bufT, (size_t)N * M);
    gemm_serial(false, !transA, N, M, K, B, ldb, A, lda, Ct, M, false);
    for (int i = 0; i < M; i++) {
      float* row = C + (size_t)i * ldc;
      for (int j = 0; j < N; j++) row[j] = accumulate ? row[j] + Ct[(size_t)j * M + i] : Ct[(size_t)j * M + i];
    }
    return;
  }
  thread_local std::vector<float> bufB;
  float* Bp = scratch(bufB, (size_t)KC * NR);
  const size_t rs = transA ? 1 : lda, ks = transA ? lda : 1;
  for (int k0 = 0; k0 < K; k0 += KC) {
    const int kc = std::min(KC, K - k0);
    const bool acc = accumulate || k0 > 0;
    for (int js = 0; js < N; js += NR) {
      const int nr = std::min(NR, N - js);
      const float* b = B + (size_t)k0 * ldb + js;
      size_t bs = ldb;
      if (nr < NR) { packB(false, B, ldb, k0, kc, js, nr, Bp); b = Bp; bs = NR; }  // never read past column N
      for (int is = 0; is < M; is += MR) {
        kernel(kc, A + (size_t)is * rs + (size_t)k0 * ks, rs, ks, b, bs, C + (size_t)is * ldc + js, ldc,
               std::min(MR, M - is), nr, acc);
      }
    }
  }
}

void gemm_serial(bool transA, bool transB, int M, int N, int K, const float* A, int lda, const float* B, int ldb,
                 float* C, int ldc, bool accumulate) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!accumulate) for (int i = 0; i < M; i++) std::memset(C + (size_t)i * ldc, 0, N * sizeof(float));
    return;
  }
  if (M <= FEW_ROWS && N > 4 * M) { gemm_few_rows(transA, transB, M, N, K, A, lda, B, ldb, C, ldc, accumulate); return; }
  thread_local std::vector<float> bufA, bufB;
  float* Bp = scratch(bufB, (size_t)KC * (NC + NR));
  float* Ap = scratch(bufA, (size_t)MC * KC);
  // Pack A only where a strip meets enough strips of B to repay the copy (wide outputs).
  const bool pack = N >= 8 * NR;
  const size_t rs = transA ? 1 : lda, ks = transA ? lda : 1;
  for (int j0 = 0; j0 < N; j0 += NC) {
    const int nc = std::min(NC, N - j0);
    for (int k0 = 0; k0 < K; k0 += KC) {
      const int kc = std::min(KC, K - k0);
      const bool acc = accumulate || k0 > 0;
      packB(transB, B, ldb, k0, kc, j0, nc, Bp);
      for (int i0 = 0; i0 < M; i0 += MC) {
        const int mc = std::min(MC, M - i0);
        if (pack) packA(transA, A, lda, i0, mc, k0, kc, Ap);
        for (int js = 0; js < nc; js += NR) {
          for (int is = 0; is < mc; is += MR) {
            if (pack) {
              kernel(kc, Ap + (size_t)is * kc, 1, MR, Bp + (size_t)js * kc, NR, C + (size_t)(i0 + is) * ldc + j0 + js, ldc,
                     std::min(MR, mc - is), std::min(NR, nc - js), acc);
              continue;
            }
            const float* a = A + (size_t)(i0 + is) * rs + (size_t)k0 * ks;
            kernel(kc, a, rs, ks, Bp + (size_t)js * kc, NR, C + (size_t)(i0 + is) * ldc + j0 + js, ldc,
                   std::min(MR, mc - is), std::min(NR, nc - js), acc);
          }
        }
      }
    }
  }
}

// Split the larger output dimension across threads; each thread runs the serial product on its slice.
void gemm(bool transA, bool transB, int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C,
          int ldc, bool accumulate) {
  const int nt = g_threads;
  const double flops = 2.0 * M * N * K;
  if (nt <= 1 || flops < 2e6) { gemm_serial(transA, transB, M, N, K, A, lda, B, ldb, C, ldc, accumulate); return; }
#ifdef _OPENMP
  const bool splitM = M >= N || N < nt * NR;
  const int unit = splitM ? MR : NR;
  const int total = splitM ? M : N;
  const int chunk = ((total + nt - 1) / nt + unit - 1) / unit * unit;
#pragma omp parallel for num_threads(nt) schedule(static, 1)
  for (int t = 0; t < nt; t++) {
    const int s = t * chunk, n = std::min(chunk, total - s);
    if (n <= 0) continue;
    if (splitM) {
      const float* a = transA ? A + s : A + (size_t)s * lda;
      gemm_serial(transA, transB, n, N, K, a, lda, B, ldb, C + (size_t)s * ldc, ldc, accumulate);
    } else {
      const float* b = transB ? B + (size_t)s * ldb : B + s;
      gemm_serial(transA, transB, M, n, K, A, lda, b, ldb, C + s, ldc, accumulate);
    }
  }
#else
  gemm_serial(transA, transB, M, N, K, A, lda, B, ldb, C, ldc, accumulate);
#endif
}

}  // namespace epo
