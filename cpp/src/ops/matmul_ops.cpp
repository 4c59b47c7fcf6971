// MatMul: C = op(A) op(B) for rank-2 tensors, op = transpose when flagged,
// on Eigen's GEMM, one block of rows (or of columns, when C is wider than
// tall) of C per thread of parallel.h's pool.
#include <Eigen/Core>

#include "kernel_util.h"
#include "op_registry.h"
#include "slimcore/ops.h"

namespace slimcore {

namespace {

template <typename T>
using RowMajor = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

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

// C = opA opB, each thread of the team computing one slice of the rows of C
// (C[r0:r1] = opA[r0:r1] opB) or, when C has more columns than rows, of its
// columns (C[:, c0:c1] = opA opB[:, c0:c1]); Eigen's GEMM itself runs on one
// thread (EIGEN_DONT_PARALLELIZE). The slices depend only on the shapes and
// the thread count, so the result is repeatable for a given thread count.
template <typename C, typename OpA, typename OpB> void split_product(C& c, const OpA& opa, const OpB& opb) {
  const int64_t m = c.rows(), n = c.cols(), k = opa.cols();
  const bool by_rows = m >= n;
  const int team = team_for_flops(2.0 * m * n * k, (by_rows ? m : n) / 8);
  run_team(team, [&](int t, int nt) {
    if (by_rows) {
      const int64_t r0 = slice_begin(m, t, nt), r1 = slice_begin(m, t + 1, nt);
      c.middleRows(r0, r1 - r0).noalias() = opa.middleRows(r0, r1 - r0) * opb;
    } else {
      const int64_t c0 = slice_begin(n, t, nt), c1 = slice_begin(n, t + 1, nt);
      c.middleCols(c0, c1 - c0).noalias() = opa * opb.middleCols(c0, c1 - c0);
    }
  });
}

template <typename T> void matmul(const Tensor& a, const Tensor& b, Tensor& out, bool ta, bool tb) {
  using Map = Eigen::Map<const RowMajor<T>>;
  Map A(a.data<T>(), a.dim(0), a.dim(1));
  Map B(b.data<T>(), b.dim(0), b.dim(1));
  Eigen::Map<RowMajor<T>> C(out.data<T>(), out.dim(0), out.dim(1));
  if (!ta && !tb) split_product(C, A, B);
  else if (ta && !tb) split_product(C, A.transpose(), B);
  else if (!ta && tb) split_product(C, A, B.transpose());
  else split_product(C, A.transpose(), B.transpose());
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
      dispatch_float(a.dtype(), [&](auto zero) { matmul<decltype(zero)>(a, b, c.output(0), ta, tb); });
    })
    .gradient(matmul_grad);

}  // namespace

namespace ops {
Output matmul(Output a, Output b, bool transpose_a, bool transpose_b, const std::string& name) {
  return a.graph().add("MatMul", {a, b}, {{"transpose_a", transpose_a}, {"transpose_b", transpose_b}}, name);
}
}  // namespace ops
}  // namespace slimcore
