// Scans along one axis: Cumsum and Cumprod (tf.cumsum, tf.cumprod).
//
//   y_i = x_0 (op) ... (op) x_i              (inclusive, forward)
//   y_i = x_0 (op) ... (op) x_{i-1}          (exclusive: y_0 = identity)
//   reverse: the same from the end of the axis (y_i = x_i (op) ... (op) x_{n-1})
//
// Gradients (TF1's _CumsumGrad / _CumprodGrad):
//   cumsum:  dx = cumsum(g, exclusive, !reverse)
//   cumprod: dx = cumsum(cumprod(x, exclusive, reverse) * g, exclusive, !reverse) / x
// (the cumprod gradient divides by x, so it is nan where x == 0, as in TF1).
#include <type_traits>

#include "kernel_util.h"
#include "op_registry.h"
#include "slimcore/ops.h"

namespace slimcore {

namespace {

std::vector<TensorSpec> scan_shape(const InferContext& c) {
  const TensorSpec& x = c.input(0);
  if (x.dtype == DType::Bool) c.fail_type("expected a numeric tensor, got bool");
  const auto rank = static_cast<int64_t>(x.shape.size());
  const int64_t axis = c.attrs().get<int64_t>("axis");
  if (axis < -rank || axis >= rank)
    c.fail("axis " + std::to_string(axis) + " is out of range for a tensor of rank " + std::to_string(rank) +
           (rank ? " (valid axes are " + std::to_string(-rank) + ".." + std::to_string(rank - 1) + ")" : ""));
  return {x};
}

// The type a scan accumulates in: T, or its unsigned twin for integers.
template <typename T, bool = std::is_integral_v<T>> struct Accumulator {
  using type = T;
};
template <typename T> struct Accumulator<T, true> {
  using type = std::make_unsigned_t<T>;
};

// x viewed as [a, m, c] with m the scanned axis: each block p scans its m
// rows of c, row by row (y_k = y_{k-1} op x_k over a whole row, contiguous
// and vectorizable; a line-by-line walk would stride through memory). A (the
// accumulator type) is T, or its unsigned twin for integers so that overflow
// wraps as in TF.
template <typename T, typename Op>
void scan(const T* x, T* y, int64_t a, int64_t m, int64_t c, bool exclusive, bool reverse, T identity, Op op) {
  using A = typename Accumulator<T>::type;
  // Rows of block p in scan order: k = 0 is the first row scanned.
  auto row = [&](auto* base, int64_t p, int64_t k) { return base + (p * m + (reverse ? m - 1 - k : k)) * c; };
  auto block = [&](int64_t p, int64_t j0, int64_t j1) {
    for (int64_t k = 0; k < m; ++k) {
      T* yk = row(y, p, k);
      if (k == 0) {
        const T* first = row(x, p, 0);
        for (int64_t j = j0; j < j1; ++j) yk[j] = exclusive ? identity : first[j];
        continue;
      }
      const T* prev = row(y, p, k - 1);
      const T* xk = row(x, p, exclusive ? k - 1 : k);  // exclusive: y_k = y_{k-1} op x_{k-1}
      for (int64_t j = j0; j < j1; ++j) yk[j] = static_cast<T>(op(static_cast<A>(prev[j]), static_cast<A>(xk[j])));
    }
  };
  if (team_for_work(a * m * c) <= 1) {
    for (int64_t p = 0; p < a; ++p) block(p, 0, c);
  } else if (a >= max_threads() || c == 1) {
    parallel_chunks(a, 1, [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) block(p, 0, c);
    });
  } else {
    for (int64_t p = 0; p < a; ++p) parallel_chunks(c, 64, [&](int64_t j0, int64_t j1) { block(p, j0, j1); });
  }
}

template <bool kProd> void scan_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  Tensor& y = c.output(0);
  if (y.numel() == 0) return;
  const int rank = x.rank();
  const int64_t axis = normalize_axis(c.attrs().get<int64_t>("axis"), rank, kProd ? "cumprod" : "cumsum");
  int64_t a = 1, inner = 1;
  for (int d = 0; d < axis; ++d) a *= x.dim(d);
  for (int d = static_cast<int>(axis) + 1; d < rank; ++d) inner *= x.dim(d);
  const bool exclusive = c.attrs().get_or<bool>("exclusive", false);
  const bool reverse = c.attrs().get_or<bool>("reverse", false);
  dispatch_numeric(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    auto op = [](auto s, auto v) { return static_cast<decltype(s)>(kProd ? s * v : s + v); };
    scan(x.data<T>(), y.data<T>(), a, x.dim(static_cast<int>(axis)), inner, exclusive, reverse, T(kProd ? 1 : 0), op);
  });
}

// The same scan with `reverse` flipped: the adjoint of a scan.
Output reversed_scan(Graph& g, const char* type, Output x, const Attrs& attrs) {
  Attrs flipped = attrs;
  flipped.set("reverse", !attrs.get_or<bool>("reverse", false));
  return g.add(type, {x}, flipped);
}

REGISTER_OP("Cumsum").inputs(1).shape(scan_shape).kernel(scan_kernel<false>).gradient([](const GradContext& c) {
  return std::vector<Output>{reversed_scan(c.graph, "Cumsum", c.grad(), c.attrs())};
});
REGISTER_OP("Cumprod").inputs(1).shape(scan_shape).kernel(scan_kernel<true>).gradient([](const GradContext& c) {
  const Output& x = c.input(0);
  Output summed = reversed_scan(c.graph, "Cumsum", ops::mul(c.output(0), c.grad()), c.attrs());
  return std::vector<Output>{ops::div(summed, x)};
});

}  // namespace
}  // namespace slimcore
