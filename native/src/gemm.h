// Single-precision matrix products for the built-in model: C (+)= op(A) · op(B), row-major, with leading dimensions.
#pragma once
#include <cstddef>

namespace epo {

// op(A) is M×K (A is K×M when transA), op(B) is K×N (B is N×K when transB); C is M×N. accumulate: C += … else C = ….
void gemm(bool transA, bool transB, int M, int N, int K, const float* A, int lda, const float* B, int ldb, float* C,
          int ldc, bool accumulate);

// The same on one thread (callers that already run in parallel, e.g. per attention head).
void gemm_serial(bool transA, bool transB, int M, int N, int K, const float* A, int lda, const float* B, int ldb,
                 float* C, int ldc, bool accumulate);

// Threads used by gemm and the parallel loops of the model (1 = serial).
void set_threads(int n);
int threads();

}  // namespace epo
