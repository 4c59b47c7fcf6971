// The matrix product of the convolution kernels, on row-major data with the
// shapes convolutions have (one small dimension: output channels, or a
// filter slice):
//
//   C[m, n] = sum_k A[m, k] * B[k, n]      (or C += ..., `accumulate`)
//
// B is row-major [K, N] with row stride ldb, C row-major with row stride ldc,
// and A is read through an access policy, so that a convolution reads its
// patches where they lie instead of copying them into a patch matrix:
//   Strided        A[m, k] = a[m * row + k * inner]  (a matrix, or its transpose)
//   RowPointers    A[m, k] = rows[m][offset + k]      (patch m starts at rows[m])
//   ColumnPointers A[m, k] = cols[k][offset + m]      (the transpose of the above)
//
// Register tiles of R rows of C by up to four vectors of columns: each step
// over k loads the B vectors once and broadcasts one A value per row, so A
// is never packed (copied) as a general BLAS does, and C is written once per
// kDepth slice of k, with no zero fill first. k is sliced so that a
// [kDepth x 4 vectors] panel of B stays in L1 while the tiles of a block of
// rows pass over it. Measured against Eigen 3.4's general product on this
// 2-core AVX-512 machine, single thread, on the products of
// bench/bench_conv.py: [196 x 800] x [800 x 64] 140 vs 100 GF/s, its
// transpose-A form (filter gradient) [800 x 327]^T-read 118 vs 90,
// [50176 x 25] x [25 x 32] 96 vs 60, [4096 x 16] x [16 x 96] 128 vs 64.
//
// Vectors are GCC / Clang vector extensions of the widest size the compiler
// targets (64 bytes with AVX-512, 32 with AVX, 16 otherwise); columns past
// the last whole vector use half and quarter vectors, then scalars.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>

namespace slimcore {
namespace conv_gemm {

// Accumulator registers of a tile: 24 of the 32 vector registers of
// AVX-512 (6 rows x 4 vectors, ..., 24 rows x 1 vector), 12 of 16 with FMA,
// 8 of 16 without (a separate multiply needs a register of its own).
#if defined(__AVX512F__)
constexpr int kVectorBytes = 64;
constexpr int kAccumulators = 24;
#elif defined(__AVX__)
constexpr int kVectorBytes = 32;
#else
constexpr int kVectorBytes = 16;
#endif
#if !defined(__AVX512F__) && defined(__FMA__)
constexpr int kAccumulators = 12;
#elif !defined(__AVX512F__)
constexpr int kAccumulators = 8;
#endif
constexpr int64_t kDepth = 128;  // k per slice: a 128 x 64 float B panel is 32 KB

// ---- how A is read ------------------------------------------------------------------------

template <typename T> struct Strided {
  const T* a;
  int64_t row, inner;
  T at(int64_t r, int64_t k) const { return a[r * row + k * inner]; }
  Strided rows_from(int64_t r) const { return {a + r * row, row, inner}; }
  Strided depth_from(int64_t k) const { return {a + k * inner, row, inner}; }
};

template <typename T> struct RowPointers {
  const T* const* rows;
  int64_t offset;
  T at(int64_t r, int64_t k) const { return rows[r][offset + k]; }
  RowPointers rows_from(int64_t r) const { return {rows + r, offset}; }
  RowPointers depth_from(int64_t k) const { return {rows, offset + k}; }
};

template <typename T> struct ColumnPointers {
  const T* const* cols;
  int64_t offset;
  T at(int64_t r, int64_t k) const { return cols[k][offset + r]; }
  ColumnPointers rows_from(int64_t r) const { return {cols, offset + r}; }
  ColumnPointers depth_from(int64_t k) const { return {cols + k, offset}; }
};

// ---- kernels ------------------------------------------------------------------------------

template <typename T, int Bytes> struct VectorOf {
  typedef T type __attribute__((vector_size(Bytes)));
};
// A "vector" of one lane is the scalar itself.
template <typename T> struct VectorOf<T, static_cast<int>(sizeof(T))> {
  typedef T type;
};

template <typename V> inline V load(const void* p) {
  V v;
  std::memcpy(&v, p, sizeof(V));
  return v;
}
template <typename V> inline void store(void* p, const V& v) {
  std::memcpy(p, &v, sizeof(V));
}

// C[R rows, NV vectors V] (+)= A[R, kd] B[kd, NV vectors].
template <typename T, typename V, int R, int NV, typename A>
inline void tile(int64_t kd, const A& a, const T* b, int64_t ldb, T* c, int64_t ldc, bool accumulate) {
  constexpr int64_t L = sizeof(V) / sizeof(T);
  V acc[R][NV];
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < NV; ++v) acc[r][v] = accumulate ? load<V>(c + r * ldc + v * L) : V{};
  for (int64_t k = 0; k < kd; ++k) {
    V bv[NV];
    for (int v = 0; v < NV; ++v) bv[v] = load<V>(b + k * ldb + v * L);
    for (int r = 0; r < R; ++r) {
      const T av = a.at(r, k);
      for (int v = 0; v < NV; ++v) acc[r][v] += av * bv[v];
    }
  }
  for (int r = 0; r < R; ++r)
    for (int v = 0; v < NV; ++v) store(c + r * ldc + v * L, acc[r][v]);
}

// Rows [0, left) of a panel in tiles of R, R/2, ..., 1 rows (R a power of two).
template <typename T, typename V, int NV, int R, typename A>
inline void last_rows(int64_t left, int64_t kd, A a, const T* b, int64_t ldb, T* c, int64_t ldc, bool accumulate) {
  if constexpr (R >= 1) {
    if (left >= R) {
      tile<T, V, R, NV>(kd, a, b, ldb, c, ldc, accumulate);
      a = a.rows_from(R);
      c += R * ldc;
      left -= R;
    }
    last_rows<T, V, NV, R / 2>(left, kd, a, b, ldb, c, ldc, accumulate);
  }
}

constexpr int floor_pow2(int x) {
  return x < 2 ? 1 : 2 * floor_pow2(x / 2);
}

// All rows of one column panel of NV vectors V over one k slice: tiles of
// kAccumulators / NV rows, then smaller ones.
template <typename T, typename V, int NV, typename A>
inline void panel(int64_t m, int64_t kd, const A& a, const T* b, int64_t ldb, T* c, int64_t ldc, bool accumulate) {
  constexpr int R = kAccumulators / NV;
  int64_t r = 0;
  for (; r + R <= m; r += R) tile<T, V, R, NV>(kd, a.rows_from(r), b, ldb, c + r * ldc, ldc, accumulate);
  last_rows<T, V, NV, floor_pow2(R - 1)>(m - r, kd, a.rows_from(r), b, ldb, c + r * ldc, ldc, accumulate);
}

// One slice of k (kd <= kDepth for B to stay in L1): every column panel over
// all m rows.
template <typename T, typename A>
void slice(int64_t m, int64_t n, int64_t kd, const A& a, const T* b, int64_t ldb, T* c, int64_t ldc, bool accumulate) {
  using V1 = typename VectorOf<T, kVectorBytes>::type;
  using V2 = typename VectorOf<T, kVectorBytes / 2>::type;
  using V4 = typename VectorOf<T, std::max<int>(kVectorBytes / 4, sizeof(T))>::type;
  constexpr int64_t L = kVectorBytes / sizeof(T);
  int64_t j = 0;
  for (; j + 4 * L <= n; j += 4 * L) panel<T, V1, 4>(m, kd, a, b + j, ldb, c + j, ldc, accumulate);
  const int64_t rest = n - j;
  if (rest >= 3 * L) {
    panel<T, V1, 3>(m, kd, a, b + j, ldb, c + j, ldc, accumulate);
    j += 3 * L;
  } else if (rest >= 2 * L) {
    panel<T, V1, 2>(m, kd, a, b + j, ldb, c + j, ldc, accumulate);
    j += 2 * L;
  } else if (rest >= L) {
    panel<T, V1, 1>(m, kd, a, b + j, ldb, c + j, ldc, accumulate);
    j += L;
  }
  if (sizeof(V2) > sizeof(T) && n - j >= L / 2) {
    panel<T, V2, 1>(m, kd, a, b + j, ldb, c + j, ldc, accumulate);
    j += L / 2;
  }
  if (sizeof(V4) > sizeof(T) && n - j >= L / 4) {
    panel<T, V4, 1>(m, kd, a, b + j, ldb, c + j, ldc, accumulate);
    j += L / 4;
  }
  for (; j < n; ++j) panel<T, T, 1>(m, kd, a, b + j, ldb, c + j, ldc, accumulate);
}

// C = A B (or C += A B): blocks of rows whose [rows x kDepth] slice of A
// (128 KB) stays in L2 for every column panel, k in slices of kDepth.
template <typename T, typename A>
void gemm(int64_t m, int64_t n, int64_t k, A a, const T* b, int64_t ldb, T* c, int64_t ldc, bool accumulate) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate)
      for (int64_t r = 0; r < m; ++r) std::fill(c + r * ldc, c + r * ldc + n, T(0));
    return;
  }
  constexpr int64_t kBlockRows = (int64_t{1} << 17) / (kDepth * static_cast<int64_t>(sizeof(T)));
  for (int64_t m0 = 0; m0 < m; m0 += kBlockRows) {
    const A am = a.rows_from(m0);
    for (int64_t k0 = 0; k0 < k; k0 += kDepth)
      slice(std::min(kBlockRows, m - m0), n, std::min(kDepth, k - k0), am.depth_from(k0), b + k0 * ldb, ldb,
            c + m0 * ldc, ldc, accumulate || k0 > 0);
  }
}

}  // namespace conv_gemm
}  // namespace slimcore
