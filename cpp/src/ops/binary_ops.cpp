// Elementwise binary ops with numpy broadcasting: Add, Sub, Mul, RealDiv,
// Maximum, Minimum, the comparisons (bool results), AddN, and the C++
// operators. Gradients sum over broadcast dimensions (sum_to_shape_of).
#include <algorithm>

#include "grad_util.h"
#include "kernel_util.h"
#include "op_registry.h"
#include "slimcore/ops.h"

namespace slimcore {

namespace {

// numpy's rule: align trailing dimensions; each pair must be equal or one of
// them 1. Unknown dimensions (-1) are taken as compatible.
Shape broadcast_shape(const InferContext& c, const Shape& a, const Shape& b) {
  const std::size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da == db || db == 1) out[i] = da;
    else if (da == 1) out[i] = db;
    else if (da < 0 || db < 0) out[i] = std::max(da, db);
    else c.fail("shapes " + shape_string(a) + " and " + shape_string(b) + " cannot be broadcast together");
  }
  return out;
}

TensorSpec binary_spec(const InferContext& c, DType out_dtype) {
  const TensorSpec& a = c.input(0);
  const TensorSpec& b = c.input(1);
  if (a.dtype != b.dtype)
    c.fail_type("both operands must have the same dtype, got " + dtype_name(a.dtype) + " and " + dtype_name(b.dtype));
  return {out_dtype, broadcast_shape(c, a.shape, b.shape)};
}

std::vector<TensorSpec> arithmetic_shape(const InferContext& c) {
  if (c.input(0).dtype == DType::Bool) c.fail_type("arithmetic on bool tensors is not supported");
  return {binary_spec(c, c.input(0).dtype)};
}
std::vector<TensorSpec> comparison_shape(const InferContext& c) {
  return {binary_spec(c, DType::Bool)};
}

// out[i] = f(a[ia], b[ib]) with ia, ib following the broadcast.
template <typename T, typename R, typename F>
void broadcast_apply(const Tensor& a, const Tensor& b, Tensor& out, F f) {
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  R* po = out.data<R>();
  const int64_t n = out.numel();
  if (a.numel() == n && b.numel() == n) {
    parallel_for(n, [&](int64_t i) { po[i] = f(pa[i], pb[i]); });
    return;
  }
  if (b.numel() == 1 && a.numel() == n) {
    const T s = pb[0];
    parallel_for(n, [&](int64_t i) { po[i] = f(pa[i], s); });
    return;
  }
  if (a.numel() == 1 && b.numel() == n) {
    const T s = pa[0];
    parallel_for(n, [&](int64_t i) { po[i] = f(s, pb[i]); });
    return;
  }
  // General case: strides of 0 along broadcast dimensions; rows of the last
  // dimension are independent, so they are split over threads.
  const int rank = out.rank();
  auto strides_for = [&](const Tensor& t) {
    Shape s(static_cast<std::size_t>(rank), 0);
    const Shape dense = strides_of(t.shape());
    const int off = rank - t.rank();
    for (int d = off; d < rank; ++d) s[d] = t.dim(d - off) == 1 ? 0 : dense[d - off];
    return s;
  };
  const Shape sa = strides_for(a), sb = strides_for(b);
  const int64_t inner = out.dim(rank - 1);
  const int64_t rows = inner ? n / inner : 0;
  const int64_t ia = sa[rank - 1], ib = sb[rank - 1];
  parallel_chunks(rows, 64, [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      int64_t offa = 0, offb = 0, rest = row;
      for (int d = rank - 2; d >= 0; --d) {
        const int64_t idx = rest % out.dim(d);
        rest /= out.dim(d);
        offa += idx * sa[d];
        offb += idx * sb[d];
      }
      R* o = po + row * inner;
      for (int64_t k = 0; k < inner; ++k) o[k] = f(pa[offa + k * ia], pb[offb + k * ib]);
    }
  });
}

template <typename F> void arithmetic_kernel(KernelContext& c, F f) {
  dispatch_numeric(c.input(0).dtype(), [&](auto zero) {
    using T = decltype(zero);
    broadcast_apply<T, T>(c.input(0), c.input(1), c.output(0), [&](T x, T y) { return static_cast<T>(f(x, y)); });
  });
}

template <typename F> void comparison_kernel(KernelContext& c, F f) {
  dispatch_any(c.input(0).dtype(), [&](auto zero) {
    using T = decltype(zero);
    broadcast_apply<T, bool>(c.input(0), c.input(1), c.output(0), f);
  });
}

// ---- gradients ----------------------------------------------------------------
std::vector<Output> add_grad(const GradContext& c) {
  return {sum_to_shape_of(c.grad(), c.input(0)), sum_to_shape_of(c.grad(), c.input(1))};
}
std::vector<Output> sub_grad(const GradContext& c) {
  return {sum_to_shape_of(c.grad(), c.input(0)), sum_to_shape_of(ops::neg(c.grad()), c.input(1))};
}
std::vector<Output> mul_grad(const GradContext& c) {
  return {sum_to_shape_of(ops::mul(c.grad(), c.input(1)), c.input(0)),
          sum_to_shape_of(ops::mul(c.grad(), c.input(0)), c.input(1))};
}
// d(a/b) = g/b, -g*a/b^2
std::vector<Output> div_grad(const GradContext& c) {
  const Output& a = c.input(0);
  const Output& b = c.input(1);
  return {sum_to_shape_of(ops::div(c.grad(), b), a),
          sum_to_shape_of(ops::neg(ops::div(ops::mul(c.grad(), a), ops::square(b))), b)};
}
// The gradient goes to the larger (Maximum) or smaller (Minimum) operand;
// ties go to the first, as in TensorFlow.
template <bool kMax> std::vector<Output> select_grad(const GradContext& c) {
  const Output& a = c.input(0);
  const Output& b = c.input(1);
  Graph& g = c.graph;
  Output first_wins = g.add(kMax ? "GreaterEqual" : "LessEqual", {a, b});
  Output mask = ops::cast(first_wins, c.grad().dtype());
  Output ga = ops::mul(c.grad(), mask);
  Output gb = ops::sub(c.grad(), ga);
  return {sum_to_shape_of(ga, a), sum_to_shape_of(gb, b)};
}

REGISTER_OP("Add")
    .inputs(2)
    .shape(arithmetic_shape)
    .kernel([](KernelContext& c) { arithmetic_kernel(c, [](auto x, auto y) { return x + y; }); })
    .gradient(add_grad);
REGISTER_OP("Sub")
    .inputs(2)
    .shape(arithmetic_shape)
    .kernel([](KernelContext& c) { arithmetic_kernel(c, [](auto x, auto y) { return x - y; }); })
    .gradient(sub_grad);
REGISTER_OP("Mul")
    .inputs(2)
    .shape(arithmetic_shape)
    .kernel([](KernelContext& c) { arithmetic_kernel(c, [](auto x, auto y) { return x * y; }); })
    .gradient(mul_grad);
REGISTER_OP("RealDiv")
    .inputs(2)
    .shape(arithmetic_shape)
    .kernel([](KernelContext& c) { arithmetic_kernel(c, [](auto x, auto y) { return x / y; }); })
    .gradient(div_grad);
// x / y, and 0 where y == 0 (tf.div_no_nan: the safe mean of tf.losses).
// d/dx = div_no_nan(g, y); d/dy = div_no_nan(-g x, y^2).
REGISTER_OP("DivNoNan")
    .inputs(2)
    .shape(arithmetic_shape)
    .kernel([](KernelContext& c) {
      arithmetic_kernel(c, [](auto x, auto y) { return y == decltype(y)(0) ? decltype(y)(0) : x / y; });
    })
    .gradient([](const GradContext& c) {
      const Output& a = c.input(0);
      const Output& b = c.input(1);
      Graph& g = c.graph;
      Output ga = g.add("DivNoNan", {c.grad(), b});
      Output gb = g.add("DivNoNan", {ops::neg(ops::mul(c.grad(), a)), ops::square(b)});
      return std::vector<Output>{sum_to_shape_of(ga, a), sum_to_shape_of(gb, b)};
    });
REGISTER_OP("Maximum")
    .inputs(2)
    .shape(arithmetic_shape)
    .kernel([](KernelContext& c) { arithmetic_kernel(c, [](auto x, auto y) { return x >= y ? x : y; }); })
    .gradient(select_grad<true>);
REGISTER_OP("Minimum")
    .inputs(2)
    .shape(arithmetic_shape)
    .kernel([](KernelContext& c) { arithmetic_kernel(c, [](auto x, auto y) { return x <= y ? x : y; }); })
    .gradient(select_grad<false>);

#define SLIMCORE_COMPARISON(NAME, EXPR)                                                                    \
  REGISTER_OP(#NAME)                                                                                       \
      .inputs(2)                                                                                           \
      .shape(comparison_shape)                                                                             \
      .kernel([](KernelContext& c) { comparison_kernel(c, [](auto x, auto y) -> bool { return EXPR; }); }) \
      .not_differentiable();
SLIMCORE_COMPARISON(Equal, x == y)
SLIMCORE_COMPARISON(NotEqual, x != y)
SLIMCORE_COMPARISON(Greater, x > y)
SLIMCORE_COMPARISON(GreaterEqual, x >= y)
SLIMCORE_COMPARISON(Less, x < y)
SLIMCORE_COMPARISON(LessEqual, x <= y)
#undef SLIMCORE_COMPARISON

// ---- AddN: the sum of equally shaped tensors ----------------------------------------
REGISTER_OP("AddN")
    .variadic_inputs()
    .shape([](const InferContext& c) {
      if (c.num_inputs() == 0) c.fail("needs at least one input");
      TensorSpec out = c.input(0);
      if (out.dtype == DType::Bool) c.fail_type("arithmetic on bool tensors is not supported");
      for (int i = 1; i < c.num_inputs(); ++i) {
        const TensorSpec& s = c.input(i);
        if (s.dtype != out.dtype)
          c.fail_type("all inputs must have dtype " + dtype_name(out.dtype) + ", input " + std::to_string(i) + " has " +
                      dtype_name(s.dtype));
        if (!shape_compatible(out.shape, s.shape))
          c.fail("all inputs must have the same shape: input 0 has " + shape_string(out.shape) + ", input " +
                 std::to_string(i) + " has " + shape_string(s.shape));
        for (std::size_t d = 0; d < out.shape.size(); ++d)
          if (out.shape[d] < 0) out.shape[d] = s.shape[d];
      }
      return std::vector<TensorSpec>{out};
    })
    .kernel([](KernelContext& c) {
      Tensor& out = c.output(0);
      dispatch_numeric(out.dtype(), [&](auto zero) {
        using T = decltype(zero);
        T* o = out.data<T>();
        const int k = c.num_inputs();
        std::vector<const T*> in(static_cast<std::size_t>(k));
        for (int j = 0; j < k; ++j) in[j] = c.input(j).data<T>();
        parallel_for(out.numel(), [&](int64_t i) {
          T acc = in[0][i];
          for (int j = 1; j < k; ++j) acc += in[j][i];
          o[i] = acc;
        });
      });
    })
    .gradient([](const GradContext& c) { return std::vector<Output>(c.inputs.size(), c.grad()); });

Output scalar_for(Output t, double v) {
  return ops::scalar(t.graph(), v, t.dtype());
}

}  // namespace

namespace ops {
Output add(Output a, Output b, const std::string& name) {
  return a.graph().add("Add", {a, b}, {}, name);
}
Output sub(Output a, Output b, const std::string& name) {
  return a.graph().add("Sub", {a, b}, {}, name);
}
Output mul(Output a, Output b, const std::string& name) {
  return a.graph().add("Mul", {a, b}, {}, name);
}
Output div(Output a, Output b, const std::string& name) {
  return a.graph().add("RealDiv", {a, b}, {}, name);
}
Output maximum(Output a, Output b, const std::string& name) {
  return a.graph().add("Maximum", {a, b}, {}, name);
}
Output minimum(Output a, Output b, const std::string& name) {
  return a.graph().add("Minimum", {a, b}, {}, name);
}
Output equal(Output a, Output b, const std::string& name) {
  return a.graph().add("Equal", {a, b}, {}, name);
}
Output add_n(const std::vector<Output>& xs, const std::string& name) {
  if (xs.empty()) throw InvalidArgument("add_n: inputs must be a non-empty list of tensors");
  return xs[0].graph().add("AddN", xs, {}, name);
}
}  // namespace ops

Output operator+(Output a, Output b) {
  return ops::add(a, b, "add");
}
Output operator-(Output a, Output b) {
  return ops::sub(a, b, "sub");
}
Output operator*(Output a, Output b) {
  return ops::mul(a, b, "mul");
}
Output operator/(Output a, Output b) {
  return ops::div(a, b, "truediv");
}
Output operator-(Output a) {
  return ops::neg(a);
}
Output operator+(Output a, double b) {
  return a + scalar_for(a, b);
}
Output operator+(double a, Output b) {
  return scalar_for(b, a) + b;
}
Output operator-(Output a, double b) {
  return a - scalar_for(a, b);
}
Output operator-(double a, Output b) {
  return scalar_for(b, a) - b;
}
Output operator*(Output a, double b) {
  return a * scalar_for(a, b);
}
Output operator*(double a, Output b) {
  return scalar_for(b, a) * b;
}
Output operator/(Output a, double b) {
  return a / scalar_for(a, b);
}
Output operator/(double a, Output b) {
  return scalar_for(b, a) / b;
}

}  // namespace slimcore
