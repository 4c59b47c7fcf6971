// Elementwise binary ops with numpy broadcasting: Add, Sub, Mul, RealDiv,
// Pow, Atan2, Xlogy, Xdivy, the integer-style divisions (FloorDiv, FloorMod, TruncateDiv,
// TruncateMod), Maximum, Minimum, the comparisons and LogicalAnd/Or (bool
// results), AddN, and the C++ operators. Gradients sum over broadcast
// dimensions (sum_to_shape_of).
#include <algorithm>
#include <cmath>
#include <type_traits>

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
std::vector<TensorSpec> float_binary_shape(const InferContext& c) {
  if (!is_floating(c.input(0).dtype))
    c.fail_type("expected float32 or float64 operands, got " + dtype_name(c.input(0).dtype));
  return {binary_spec(c, c.input(0).dtype)};
}
std::vector<TensorSpec> comparison_shape(const InferContext& c) {
  return {binary_spec(c, DType::Bool)};
}
std::vector<TensorSpec> logical_shape(const InferContext& c) {
  if (c.input(0).dtype != DType::Bool) c.fail_type("expected bool operands, got " + dtype_name(c.input(0).dtype));
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

// The same for integer dtypes only after checking every divisor / exponent
// with `bad` first (kernels cannot fail inside a parallel loop): TF1's
// InvalidArgumentError, naming `what`.
template <typename F, typename Bad>
void checked_arithmetic_kernel(KernelContext& c, F f, Bad bad, const std::string& what) {
  dispatch_numeric(c.input(0).dtype(), [&](auto zero) {
    using T = decltype(zero);
    if constexpr (std::is_integral_v<T>) {
      const Tensor& y = c.input(1);
      const T* py = y.data<T>();
      for (int64_t i = 0; i < y.numel(); ++i)
        if (bad(py[i])) c.fail(what);
    }
    broadcast_apply<T, T>(c.input(0), c.input(1), c.output(0), [&](T x, T y) { return static_cast<T>(f(x, y)); });
  });
}

// x / y rounded toward -inf (Python's //). Integers: the truncated quotient,
// one less when the signs differ and it is inexact; x / -1 is -x wrapping
// around, as two's complement (INT_MIN / -1 would trap).
template <typename T> T floor_div(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::floor(x / y);
  } else {
    if (y == T(-1)) return static_cast<T>(T(0) - static_cast<std::make_unsigned_t<T>>(x));
    const T q = x / y;
    return (x % y != 0 && ((x < 0) != (y < 0))) ? static_cast<T>(q - 1) : q;
  }
}
// x - floor(x / y) * y: the remainder with the sign of y (Python's %).
template <typename T> T floor_mod(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) {
    const T r = std::fmod(x, y);
    return (r != 0 && ((r < 0) != (y < 0))) ? r + y : r;
  } else {
    if (y == T(-1)) return 0;
    const T r = x % y;
    return (r != 0 && ((r < 0) != (y < 0))) ? static_cast<T>(r + y) : r;
  }
}
// x / y rounded toward 0 (C's /), and its remainder with the sign of x (C's %).
template <typename T> T truncate_div(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) return std::trunc(x / y);
  else return y == T(-1) ? static_cast<T>(T(0) - static_cast<std::make_unsigned_t<T>>(x)) : static_cast<T>(x / y);
}
template <typename T> T truncate_mod(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) return std::fmod(x, y);
  else return y == T(-1) ? T(0) : static_cast<T>(x % y);
}
// x^y; integers by repeated squaring (wrapping around on overflow, as TF),
// for y >= 0 only (the caller checks).
template <typename T> T power(T x, T y) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::pow(x, y);
  } else {
    using U = std::make_unsigned_t<T>;
    U result = 1, base = static_cast<U>(x);
    for (T e = y; e > 0; e >>= 1) {
      if (e & 1) result *= base;
      base *= base;
    }
    return static_cast<T>(result);
  }
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
// z = x^y: dx = g y x^(y-1); dy = g z log(x) where x > 0, else 0 (TF1's
// _PowGrad: a negative or zero base has no real logarithm to follow).
std::vector<Output> pow_grad(const GradContext& c) {
  const Output& x = c.input(0);
  const Output& y = c.input(1);
  Graph& g = c.graph;
  Output dx = ops::mul(c.grad(), ops::mul(y, g.add("Pow", {x, y - 1.0})));
  Output dy = ops::mul(c.grad(), ops::mul(c.output(0), g.add("LogOrZero", {x})));
  return {sum_to_shape_of(dx, x), sum_to_shape_of(dy, y)};
}
// z = xlogy(x, y) = x log(y), 0 where x == 0: dx = xlogy([x != 0], y),
// dy = xdivy(x, y) (TF1's _XLogyGrad: no nan from log(0) where x == 0).
std::vector<Output> xlogy_grad(const GradContext& c) {
  const Output& x = c.input(0);
  const Output& y = c.input(1);
  Graph& g = c.graph;
  Output not_zero = ops::cast(g.add("NotEqual", {x, scalar_like(x, 0.0)}), x.dtype());
  return {sum_to_shape_of(ops::mul(c.grad(), g.add("Xlogy", {not_zero, y})), x),
          sum_to_shape_of(ops::mul(c.grad(), g.add("Xdivy", {x, y})), y)};
}
// z = xdivy(x, y) = x / y, 0 where x == 0: dx = xdivy([x != 0], y),
// dy = xdivy(-x, y^2) (TF1's _XDivyGrad).
std::vector<Output> xdivy_grad(const GradContext& c) {
  const Output& x = c.input(0);
  const Output& y = c.input(1);
  Graph& g = c.graph;
  Output not_zero = ops::cast(g.add("NotEqual", {x, scalar_like(x, 0.0)}), x.dtype());
  return {sum_to_shape_of(ops::mul(c.grad(), g.add("Xdivy", {not_zero, y})), x),
          sum_to_shape_of(ops::mul(c.grad(), g.add("Xdivy", {ops::neg(x), ops::square(y)})), y)};
}
// z = atan2(y, x): dy = g x / (x^2 + y^2), dx = -g y / (x^2 + y^2).
std::vector<Output> atan2_grad(const GradContext& c) {
  const Output& y = c.input(0);
  const Output& x = c.input(1);
  Output scale = ops::div(c.grad(), ops::square(x) + ops::square(y));
  return {sum_to_shape_of(ops::mul(scale, x), y), sum_to_shape_of(ops::neg(ops::mul(scale, y)), x)};
}
// z = x - floor(x / y) y: dx = g, dy = -g floor(x / y) (TF1's _FloorModGrad).
std::vector<Output> floor_mod_grad(const GradContext& c) {
  const Output& x = c.input(0);
  const Output& y = c.input(1);
  Output q = c.graph.add("FloorDiv", {x, y});
  return {sum_to_shape_of(c.grad(), x), sum_to_shape_of(ops::neg(ops::mul(c.grad(), q)), y)};
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
    .in_place()
    .kernel([](KernelContext& c) { arithmetic_kernel(c, [](auto x, auto y) { return x + y; }); })
    .gradient(add_grad);
REGISTER_OP("Sub")
    .inputs(2)
    .shape(arithmetic_shape)
    .in_place()
    .kernel([](KernelContext& c) { arithmetic_kernel(c, [](auto x, auto y) { return x - y; }); })
    .gradient(sub_grad);
REGISTER_OP("Mul")
    .inputs(2)
    .shape(arithmetic_shape)
    .in_place()
    .kernel([](KernelContext& c) { arithmetic_kernel(c, [](auto x, auto y) { return x * y; }); })
    .gradient(mul_grad);
REGISTER_OP("RealDiv")
    .inputs(2)
    .shape(arithmetic_shape)
    .in_place()
    .kernel([](KernelContext& c) { arithmetic_kernel(c, [](auto x, auto y) { return x / y; }); })
    .gradient(div_grad);
// x / y, and 0 where y == 0 (tf.div_no_nan: the safe mean of tf.losses).
// d/dx = div_no_nan(g, y); d/dy = div_no_nan(-g x, y^2).
REGISTER_OP("DivNoNan")
    .inputs(2)
    .shape(arithmetic_shape)
    .in_place()
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
REGISTER_OP("Pow")
    .inputs(2)
    .shape(arithmetic_shape)
    .kernel([](KernelContext& c) {
      checked_arithmetic_kernel(
          c, [](auto x, auto y) { return power(x, y); }, [](auto y) { return y < 0; },
          "Integers to negative integer powers are not allowed");
    })
    .gradient(pow_grad);
REGISTER_OP("Atan2")
    .inputs(2)
    .shape(float_binary_shape)
    .kernel([](KernelContext& c) { arithmetic_kernel(c, [](auto y, auto x) { return std::atan2(y, x); }); })
    .gradient(atan2_grad);
REGISTER_OP("Xlogy")
    .inputs(2)
    .shape(float_binary_shape)
    .kernel([](KernelContext& c) {
      arithmetic_kernel(c, [](auto x, auto y) { return x == 0 ? decltype(x)(0) : x * std::log(y); });
    })
    .gradient(xlogy_grad);
REGISTER_OP("Xdivy")
    .inputs(2)
    .shape(float_binary_shape)
    .kernel([](KernelContext& c) {
      arithmetic_kernel(c, [](auto x, auto y) { return x == 0 ? decltype(x)(0) : x / y; });
    })
    .gradient(xdivy_grad);
// log(x) where x > 0, else 0: the safe logarithm of pow_grad.
REGISTER_OP("LogOrZero")
    .inputs(1)
    .shape([](const InferContext& c) {
      if (!is_floating(c.input(0).dtype)) c.fail_type("expected a float tensor, got " + dtype_name(c.input(0).dtype));
      return std::vector<TensorSpec>{c.input(0)};
    })
    .kernel([](KernelContext& c) {
      dispatch_float(c.input(0).dtype(), [&](auto zero) {
        using T = decltype(zero);
        const T* x = c.input(0).data<T>();
        T* y = c.output(0).data<T>();
        parallel_for(c.output(0).numel(), [&](int64_t i) { y[i] = x[i] > 0 ? std::log(x[i]) : T(0); });
      });
    });

// Integer divisions by zero fail, as TF1 ("Integer division by zero");
// float ones give inf / nan as IEEE says.
#define SLIMCORE_DIVISION(NAME, FN)                                                                             \
  REGISTER_OP(NAME).inputs(2).shape(arithmetic_shape).kernel([](KernelContext& c) {                             \
    checked_arithmetic_kernel(                                                                                  \
        c, [](auto x, auto y) { return FN(x, y); }, [](auto y) { return y == 0; }, "Integer division by zero"); \
  })
SLIMCORE_DIVISION("FloorDiv", floor_div).not_differentiable();
SLIMCORE_DIVISION("FloorMod", floor_mod).gradient(floor_mod_grad);
SLIMCORE_DIVISION("TruncateDiv", truncate_div).not_differentiable();
SLIMCORE_DIVISION("TruncateMod", truncate_mod).not_differentiable();
#undef SLIMCORE_DIVISION

REGISTER_OP("Maximum")
    .inputs(2)
    .shape(arithmetic_shape)
    .in_place()
    .kernel([](KernelContext& c) { arithmetic_kernel(c, [](auto x, auto y) { return x >= y ? x : y; }); })
    .gradient(select_grad<true>);
REGISTER_OP("Minimum")
    .inputs(2)
    .shape(arithmetic_shape)
    .in_place()
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

REGISTER_OP("LogicalAnd")
    .inputs(2)
    .shape(logical_shape)
    .kernel([](KernelContext& c) {
      broadcast_apply<bool, bool>(c.input(0), c.input(1), c.output(0), [](bool x, bool y) { return x && y; });
    })
    .not_differentiable();
REGISTER_OP("LogicalOr")
    .inputs(2)
    .shape(logical_shape)
    .kernel([](KernelContext& c) {
      broadcast_apply<bool, bool>(c.input(0), c.input(1), c.output(0), [](bool x, bool y) { return x || y; });
    })
    .not_differentiable();

// ---- AddN: the sum of equally shaped tensors ----------------------------------------
REGISTER_OP("AddN")
    .variadic_inputs()
    .in_place()
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
        // o = ((x0 + x1) + x2) + ..., one input at a time into a block that
        // stays in L1, so that each pass is a vector loop (the loop over the
        // inputs inside the loop over elements was scalar: 8% of the seed
        // MLP's step on one thread); the block is written to o at the end,
        // so o may alias any input.
        parallel_chunks(out.numel(), kParallelThreshold / 2, [&](int64_t begin, int64_t end) {
          constexpr int64_t kBlock = 1024;
          T acc[kBlock];
          for (int64_t b0 = begin; b0 < end; b0 += kBlock) {
            const int64_t len = std::min(kBlock, end - b0);
            const T* x0 = c.input(0).data<T>() + b0;
            std::copy(x0, x0 + len, acc);
            for (int j = 1; j < k; ++j) {
              const T* xj = c.input(j).data<T>() + b0;
#pragma omp simd
              for (int64_t i = 0; i < len; ++i) acc[i] += xj[i];
            }
            std::copy(acc, acc + len, o + b0);
          }
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
