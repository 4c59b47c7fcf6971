// MatMul: C = op(A) op(B) for rank-2 tensors, op = transpose when flagged,
//
//   C[m, n] = sum_k op(A)[m, k] op(B)[k, n]
//
// on the product kernel of the convolutions (conv_gemm.h): op(A) is read in
// place through a strided access (A^T costs nothing), op(B) must be row-major
// [K, N], so B^T costs a transposition into the calling thread's scratch
// (see matmul() below; scratch reused from run to run). Threads take
// contiguous blocks of rows of C, or of columns when there are fewer rows
// than threads (a batch of one). C is written once, with no zero fill and no
// packing allocation (Eigen's GEMM, used before, allocated its packed blocks
// on every call and zero-filled C first). A fused bias and activation
// (fusion_pass.h) are applied to each thread's block of C as it completes.
#include <algorithm>
#include <type_traits>
#if defined(__AVX__)
#include <immintrin.h>
#endif

#include "conv_gemm.h"
#include "fusion_pass.h"
#include "kernel_util.h"
#include "op_registry.h"
#include "parallel.h"
#include "slimcore/ops.h"
#include "window_util.h"

namespace slimcore {

namespace {

std::vector<TensorSpec> matmul_shape(const InferContext& c) {
  const TensorSpec& a = c.input(0);
  const TensorSpec& b = c.input(1);
  if (a.shape.size() != 2 || b.shape.size() != 2)
    c.fail("both operands must be rank 2, got shapes " + shape_string(a.shape) + " and " + shape_string(b.shape));
  if (a.dtype != b.dtype)
    c.fail_type("operands must have the same dtype, got " + dtype_name(a.dtype) + " and " + dtype_name(b.dtype));
  if (!is_floating(a.dtype)) c.fail_type("operands must be float32 or float64, got " + dtype_name(a.dtype));
  const bool ta = c.attrs().get_or<bool>("transpose_a", false);
  const bool tb = c.attrs().get_or<bool>("transpose_b", false);
  const int64_t m = a.shape[ta ? 1 : 0], ka = a.shape[ta ? 0 : 1];
  const int64_t kb = b.shape[tb ? 1 : 0], n = b.shape[tb ? 0 : 1];
  if (ka >= 0 && kb >= 0 && ka != kb)
    c.fail("inner dimensions do not match: " + shape_string(a.shape) + (ta ? "^T" : "") + " x " +
           shape_string(b.shape) + (tb ? "^T" : "") + " (" + std::to_string(ka) + " vs " + std::to_string(kb) + ")");
  return {{a.dtype, {m, n}}};
}

#if defined(__AVX__)
// dst[j * ldd + i] = src[i * lds + j], i, j < 8.
inline void transpose8x8(const float* src, int64_t lds, float* dst, int64_t ldd) {
  __m256 r[8], t[8];
  for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(src + i * lds);
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 8; i += 4) {
    r[i] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
    r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
    r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
    r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int i = 0; i < 4; ++i) {
    _mm256_storeu_ps(dst + i * ldd, _mm256_permute2f128_ps(r[i], r[i + 4], 0x20));
    _mm256_storeu_ps(dst + (i + 4) * ldd, _mm256_permute2f128_ps(r[i], r[i + 4], 0x31));
  }
}
#endif

// out[c * ldo + r] = in[r * ldi + c] for r < rows, c < cols: float in 8 x 8
// blocks through AVX registers, two row blocks at a time so that each
// written line of out is whole; the edges (and other types) element by
// element. Measured on [3136 x 128] (bench_conv's CNN dense layer): 0.13 ms,
// 0.18 ms element by element.
template <typename T> void transpose(const T* in, int64_t rows, int64_t cols, int64_t ldi, T* out, int64_t ldo) {
  int64_t c0 = 0;
#if defined(__AVX__)
  if constexpr (std::is_same_v<T, float>) {
    const int64_t r8 = rows / 8 * 8;
    c0 = cols / 8 * 8;
    for (int64_t r = 0; r < r8; r += 16)
      for (int64_t c = 0; c < c0; c += 8)
        for (int64_t h = r; h < std::min(r + 16, r8); h += 8)
          transpose8x8(in + h * ldi + c, ldi, out + c * ldo + h, ldo);
    for (int64_t r = r8; r < rows; ++r)  // the last rows, whole blocks of columns
      for (int64_t c = 0; c < c0; ++c) out[c * ldo + r] = in[r * ldi + c];
  }
#endif
  for (int64_t r = 0; r < rows; ++r)  // the remaining columns
    for (int64_t c = c0; c < cols; ++c) out[c * ldo + r] = in[r * ldi + c];
}

// Columns of C per thread block when threads split the columns: a whole
// number of the kernel's widest column panel (four 64-byte vectors).
constexpr int64_t kColumnBlock = 64;

// c[M, N] = op(a) b with b row-major [K, N] (ldb = N), then the epilogue (if
// any) on each thread's block of c.
template <typename T>
void product(conv_gemm::Strided<T> op_a, const T* b, T* c, int64_t M, int64_t N, int64_t K, const Epilogue* epilogue) {
  const double flops = 2.0 * static_cast<double>(M) * static_cast<double>(N) * static_cast<double>(K);
  const int64_t column_blocks = (N + kColumnBlock - 1) / kColumnBlock;
  const bool by_rows = M >= std::min<int64_t>(max_threads(), column_blocks);
  run_team(team_for_flops(flops, by_rows ? M : column_blocks), [&](int t, int nt) {
    if (by_rows) {
      const int64_t m0 = slice_begin(M, t, nt), m1 = slice_begin(M, t + 1, nt);
      conv_gemm::gemm(m1 - m0, N, K, op_a.rows_from(m0), b, N, c + m0 * N, N, false);
      if (epilogue) epilogue->apply(c, m0 * N, m1 * N);
    } else {
      const int64_t n0 = std::min(N, slice_begin(column_blocks, t, nt) * kColumnBlock);
      const int64_t n1 = std::min(N, slice_begin(column_blocks, t + 1, nt) * kColumnBlock);
      conv_gemm::gemm(M, n1 - n0, K, op_a, b + n0, N, c + n0, N, false);
      if (epilogue)
        for (int64_t m = 0; m < M; ++m) epilogue->apply(c, m * N + n0, m * N + n1);
    }
  });
}

// c[M, N] = op(a) op(b), a and b row-major as stored ([M, K] or [K, M]; [K, N]
// or [N, K]), then the fused epilogue (if any). The product kernel reads
// op(a) in place but needs a row-major right operand, so for op(b) = b^T it
// either transposes b (N*K copies) or, when fewer, computes
// c^T = b op(a)^T (b read in place; op(a)^T is a itself when transposed,
// else M*K copies) and transposes c^T into c (M*N copies): the gradient
// dx = dy w^T of a wide dense layer copies dy and dx instead of w.
template <typename T>
void matmul(const T* a, const T* b, T* c, int64_t M, int64_t N, int64_t K, bool ta, bool tb, const Epilogue* epilogue) {
  if (M == 0 || N == 0) return;
  const conv_gemm::Strided<T> op_a = ta ? conv_gemm::Strided<T>{a, 1, M} : conv_gemm::Strided<T>{a, K, 1};
  if (!tb || K == 0) return product(op_a, b, c, M, N, K, epilogue);
  if (N * K <= M * N + (ta ? 0 : M * K)) {  // b [N, K] -> bt [K, N]
    T* bt = window::scratch<T>(window::Scratch::kFilter, static_cast<std::size_t>(K * N));
    transpose(b, N, K, K, bt, N);
    return product(op_a, bt, c, M, N, K, epilogue);
  }
  const T* at = a;  // op(a)^T [K, M]
  if (!ta) {
    T* scratch = window::scratch<T>(window::Scratch::kFilter, static_cast<std::size_t>(K * M));
    transpose(a, M, K, K, scratch, M);
    at = scratch;
  }
  T* ct = window::scratch<T>(window::Scratch::kRows, static_cast<std::size_t>(N * M));  // c^T [N, M]
  product(conv_gemm::Strided<T>{b, K, 1}, at, ct, N, M, K, nullptr);
  transpose(ct, N, M, M, c, N);
  if (epilogue) epilogue->apply(c, 0, M * N);
}

// TensorFlow's _MatMulGrad: for C = op(A) op(B) with upstream gradient G,
//   no transposes:  dA = G B^T,   dB = A^T G
//   transpose_a:    dA = B G^T,   dB = A G
//   transpose_b:    dA = G B,     dB = G^T A
//   both:           dA = B^T G^T, dB = G^T A^T
std::vector<Output> matmul_grad(const GradContext& c) {
  const bool ta = c.attrs().get_or<bool>("transpose_a", false);
  const bool tb = c.attrs().get_or<bool>("transpose_b", false);
  const Output& a = c.input(0);
  const Output& b = c.input(1);
  const Output& g = c.grad();
  if (!ta && !tb) return {ops::matmul(g, b, false, true), ops::matmul(a, g, true, false)};
  if (ta && !tb) return {ops::matmul(b, g, false, true), ops::matmul(a, g, false, false)};
  if (!ta && tb) return {ops::matmul(g, b, false, false), ops::matmul(g, a, true, false)};
  return {ops::matmul(b, g, true, true), ops::matmul(g, a, true, true)};
}

REGISTER_OP("MatMul")
    .inputs(2)
    .shape(matmul_shape)
    .kernel([](KernelContext& c) {
      const bool ta = c.attrs().get_or<bool>("transpose_a", false);
      const bool tb = c.attrs().get_or<bool>("transpose_b", false);
      const Tensor& a = c.input(0);
      const Tensor& b = c.input(1);
      Tensor& out = c.output(0);
      const int64_t K = a.dim(ta ? 0 : 1);
      const Epilogue* epilogue = c.take_epilogue();
      dispatch_float(a.dtype(), [&](auto zero) {
        using T = decltype(zero);
        matmul(a.data<T>(), b.data<T>(), out.data<T>(), out.dim(0), out.dim(1), K, ta, tb, epilogue);
      });
    })
    .gradient(matmul_grad);

}  // namespace

namespace ops {
Output matmul(Output a, Output b, bool transpose_a, bool transpose_b, const std::string& name) {
  return a.graph().add("MatMul", {a, b}, {{"transpose_a", transpose_a}, {"transpose_b", transpose_b}}, name);
}
}  // namespace ops
}  // namespace slimcore
