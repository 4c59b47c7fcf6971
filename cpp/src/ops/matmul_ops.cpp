// MatMul: C = op(A) op(B) for rank-2 tensors, op = transpose when flagged,
// on Eigen's GEMM (multi-threaded through OpenMP).
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

template <typename T> void matmul(const Tensor& a, const Tensor& b, Tensor& out, bool ta, bool tb) {
  using Map = Eigen::Map<const RowMajor<T>>;
  Map A(a.data<T>(), a.dim(0), a.dim(1));
  Map B(b.data<T>(), b.dim(0), b.dim(1));
  Eigen::Map<RowMajor<T>> C(out.data<T>(), out.dim(0), out.dim(1));
  if (!ta && !tb) C.noalias() = A * B;
  else if (ta && !tb) C.noalias() = A.transpose() * B;
  else if (!ta && tb) C.noalias() = A * B.transpose();
  else C.noalias() = A.transpose() * B.transpose();
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
