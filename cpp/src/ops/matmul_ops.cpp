// MatMul: C = op(A) op(B) for rank-2 tensors, op = transpose when flagged,
//
//   C[m, n] = sum_k op(A)[m, k] op(B)[k, n]
//
// on the product kernel of the convolutions (conv_gemm.h): op(A) is read in
// place through a strided access (A^T costs nothing), op(B) must be row-major
// [K, N], so B^T is first transposed into the calling thread's scratch (K*N
// copies against 2*M*N*K flops, reused from run to run). Threads take
// contiguous blocks of rows of C, or of columns when there are fewer rows
// than threads (a batch of one). C is written once, with no zero fill and no
// packing allocation (Eigen's GEMM, used before, allocated its packed blocks
// on every call and zero-filled C first). A fused bias and activation
// (fusion_pass.h) are applied to each thread's block of C as it completes.
#include <algorithm>

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

// Columns of C per thread block when threads split the columns: a whole
// number of the kernel's widest column panel (four 64-byte vectors).
constexpr int64_t kColumnBlock = 64;

// c[M, N] = op(a) op(b), a and b row-major as stored ([M, K] or [K, M]; [K, N]
// or [N, K]), then the fused epilogue (if any) on each thread's block.
template <typename T>
void matmul(const T* a, const T* b, T* c, int64_t M, int64_t N, int64_t K, bool ta, bool tb, const Epilogue* epilogue) {
  if (M == 0 || N == 0) return;
  if (tb && K > 0) {  // b [N, K] -> bt [K, N]
    T* bt = window::scratch<T>(window::Scratch::kFilter, static_cast<std::size_t>(K * N));
    for (int64_t n = 0; n < N; ++n)
      for (int64_t k = 0; k < K; ++k) bt[k * N + n] = b[n * K + k];
    b = bt;
  }
  const conv_gemm::Strided<T> op_a = ta ? conv_gemm::Strided<T>{a, 1, M} : conv_gemm::Strided<T>{a, K, 1};
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
