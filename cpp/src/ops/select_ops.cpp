// Selection by a condition: Select (tf.where(cond, x, y), TF1's rules),
// SelectV2 (tf.where_v2, numpy broadcasting) and Where (tf.where(cond): the
// coordinates of the true elements, a shape that depends on the values).
#include <cstring>

#include "grad_util.h"
#include "kernel_util.h"
#include "op_registry.h"
#include "slimcore/ops.h"

namespace slimcore {

namespace {

// ---- Select ----------------------------------------------------------------------------------

// out[i] = cond[i / inner] ? x[i] : y[i]. TF1 (not broadcasting): x and y
// have one shape and dtype; cond is bool and has x's shape (inner = 1), or
// is a vector of x's first dimension (inner = the size of one x[k]), or a
// scalar (inner = all of x).
REGISTER_OP("Select")
    .inputs(3)
    .shape([](const InferContext& c) {
      const TensorSpec& cond = c.input(0);
      const TensorSpec& x = c.input(1);
      const TensorSpec& y = c.input(2);
      if (cond.dtype != DType::Bool) c.fail_type("condition must be a bool tensor, got " + dtype_name(cond.dtype));
      if (x.dtype != y.dtype)
        c.fail_type("x and y must have one dtype, got " + dtype_name(x.dtype) + " and " + dtype_name(y.dtype));
      if (!shape_compatible(x.shape, y.shape))
        c.fail("'then' and 'else' must have the same size.  but received: " + shape_string(x.shape) + " vs. " +
               shape_string(y.shape));
      TensorSpec out = x;
      for (std::size_t d = 0; d < out.shape.size(); ++d)
        if (out.shape[d] < 0) out.shape[d] = y.shape[d];
      const bool same = shape_compatible(cond.shape, out.shape);
      const bool vector = cond.shape.size() == 1 && !out.shape.empty() &&
                          (cond.shape[0] < 0 || out.shape[0] < 0 || cond.shape[0] == out.shape[0]);
      if (!same && !vector && !cond.shape.empty())
        c.fail("condition of shape " + shape_string(cond.shape) +
               " must be a scalar, a vector of the size of the first dimension of x, or of x's shape " +
               shape_string(out.shape) + " (TF1's where does not broadcast; tf.where_v2 does)");
      if (same)
        for (std::size_t d = 0; d < out.shape.size(); ++d)
          if (out.shape[d] < 0) out.shape[d] = cond.shape[d];
      if (!same && vector && out.shape[0] < 0) out.shape[0] = cond.shape[0];
      return std::vector<TensorSpec>{out};
    })
    .kernel([](KernelContext& c) {
      const Tensor& cond = c.input(0);
      const Tensor& x = c.input(1);
      const Tensor& y = c.input(2);
      Tensor& out = c.output(0);
      const bool* k = cond.data<bool>();
      const int64_t n = out.numel();
      const int64_t inner = cond.numel() == 0 ? 1 : n / cond.numel();
      const std::size_t bytes = dtype_size(out.dtype());
      const char* a = static_cast<const char*>(x.raw());
      const char* b = static_cast<const char*>(y.raw());
      char* o = static_cast<char*>(out.raw());
      if (inner > 1) {  // whole rows: one choice per row
        const std::size_t row = static_cast<std::size_t>(inner) * bytes;
        auto rows = [&](int64_t first, int64_t last) {
          for (int64_t r = first; r < last; ++r) {
            const std::size_t at = static_cast<std::size_t>(r) * row;
            std::memcpy(o + at, (k[r] ? a : b) + at, row);
          }
        };
        if (n >= kParallelThreshold) parallel_chunks(cond.numel(), 1, rows);
        else rows(0, cond.numel());
        return;
      }
      dispatch_any(out.dtype(), [&](auto zero) {
        using T = decltype(zero);
        const T* xa = x.data<T>();
        const T* yb = y.data<T>();
        T* oo = out.data<T>();
        parallel_for(n, [&](int64_t i) { oo[i] = k[i] ? xa[i] : yb[i]; });
      });
    })
    // dx = where(cond, dy, 0), dy = where(cond, 0, dy); none for cond.
    .gradient([](const GradContext& c) {
      const Output zeros = zeros_like(c.grad());
      return std::vector<Output>{Output(), c.graph.add("Select", {c.input(0), c.grad(), zeros}),
                                 c.graph.add("Select", {c.input(0), zeros, c.grad()})};
    });

// ---- SelectV2 --------------------------------------------------------------------------------

// numpy's broadcast of `a` into `out` (trailing dimensions aligned; equal,
// or 1 on one side; unknown taken as compatible).
void broadcast_into(const InferContext& c, Shape& out, const Shape& a) {
  if (a.size() > out.size()) out.insert(out.begin(), a.size() - out.size(), 1);
  for (std::size_t i = 0; i < a.size(); ++i) {
    int64_t& d = out[out.size() - a.size() + i];
    const int64_t e = a[i];
    if (d == e || e == 1) continue;
    if (d == 1) d = e;
    else if (d < 0 || e < 0) d = std::max(d, e);
    else
      c.fail("condition, x and y of shapes " + shape_string(c.input(0).shape) + ", " + shape_string(c.input(1).shape) +
             " and " + shape_string(c.input(2).shape) + " cannot be broadcast together");
  }
}

// Element strides of `t` read as a tensor of `rank` dimensions broadcast to
// `out`: 0 along the dimensions it is broadcast over.
Shape broadcast_strides(const Tensor& t, const Shape& out) {
  const std::size_t rank = out.size();
  Shape s(rank, 0);
  const Shape dense = strides_of(t.shape());
  const std::size_t off = rank - t.shape().size();
  for (std::size_t d = off; d < rank; ++d) s[d] = t.dim(static_cast<int>(d - off)) == 1 ? 0 : dense[d - off];
  return s;
}

// out[i] = cond[ic] ? x[ix] : y[iy], the three broadcast together (tf.where_v2).
REGISTER_OP("SelectV2")
    .inputs(3)
    .shape([](const InferContext& c) {
      const TensorSpec& cond = c.input(0);
      const TensorSpec& x = c.input(1);
      const TensorSpec& y = c.input(2);
      if (cond.dtype != DType::Bool) c.fail_type("condition must be a bool tensor, got " + dtype_name(cond.dtype));
      if (x.dtype != y.dtype)
        c.fail_type("x and y must have one dtype, got " + dtype_name(x.dtype) + " and " + dtype_name(y.dtype));
      Shape out = cond.shape;
      broadcast_into(c, out, x.shape);
      broadcast_into(c, out, y.shape);
      return std::vector<TensorSpec>{{x.dtype, out}};
    })
    .kernel([](KernelContext& c) {
      Tensor& out = c.output(0);
      const Shape& shape = out.shape();
      const int64_t n = out.numel();
      if (n == 0) return;
      const int rank = out.rank();
      const Shape sc = broadcast_strides(c.input(0), shape), sx = broadcast_strides(c.input(1), shape),
                  sy = broadcast_strides(c.input(2), shape);
      const int64_t inner = rank ? shape[static_cast<std::size_t>(rank - 1)] : 1;
      const int64_t ic = rank ? sc.back() : 0, ix = rank ? sx.back() : 0, iy = rank ? sy.back() : 0;
      const bool* k = c.input(0).data<bool>();
      dispatch_any(out.dtype(), [&](auto zero) {
        using T = decltype(zero);
        const T* a = c.input(1).data<T>();
        const T* b = c.input(2).data<T>();
        T* o = out.data<T>();
        auto rows = [&](int64_t first, int64_t last) {
          for (int64_t row = first; row < last; ++row) {
            int64_t oc = 0, ox = 0, oy = 0, rest = row;
            for (int d = rank - 2; d >= 0; --d) {
              const int64_t idx = rest % shape[static_cast<std::size_t>(d)];
              rest /= shape[static_cast<std::size_t>(d)];
              oc += idx * sc[static_cast<std::size_t>(d)];
              ox += idx * sx[static_cast<std::size_t>(d)];
              oy += idx * sy[static_cast<std::size_t>(d)];
            }
            T* dst = o + row * inner;
            for (int64_t j = 0; j < inner; ++j) dst[j] = k[oc + j * ic] ? a[ox + j * ix] : b[oy + j * iy];
          }
        };
        if (n >= kParallelThreshold) parallel_chunks(n / inner, 64, rows);
        else rows(0, n / inner);
      });
    })
    // dx = where_v2(cond, dy, 0) summed over x's broadcast dimensions; dy alike.
    .gradient([](const GradContext& c) {
      const Output zero = scalar_like(c.grad(), 0.0);
      return std::vector<Output>{Output(),
                                 sum_to_shape_of(c.graph.add("SelectV2", {c.input(0), c.grad(), zero}), c.input(1)),
                                 sum_to_shape_of(c.graph.add("SelectV2", {c.input(0), zero, c.grad()}), c.input(2))};
    });

// ---- Where ------------------------------------------------------------------------------------

// Number of true (nonzero) elements of t.
int64_t count_true(const Tensor& t) {
  int64_t count = 0;
  dispatch_any(t.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T* p = t.data<T>();
    for (int64_t i = 0; i < t.numel(); ++i) count += p[i] != T(0);
  });
  return count;
}

// out[j] = the coordinates (row-major order) of the j-th true element of
// cond: int64 [num_true, rank(cond)]; numbers count as true when nonzero.
REGISTER_OP("Where")
    .inputs(1)
    .shape([](const InferContext& c) {
      const TensorSpec& cond = c.input(0);
      if (cond.dtype != DType::Bool && !is_floating(cond.dtype) && !is_integer(cond.dtype))
        c.fail_type("condition must be bool or numeric, got " + dtype_name(cond.dtype));
      const Tensor* value = c.value(0);
      const int64_t rows = value ? count_true(*value) : -1;
      return std::vector<TensorSpec>{{DType::Int64, {rows, static_cast<int64_t>(cond.shape.size())}}};
    })
    .kernel([](KernelContext& c) {
      const Tensor& cond = c.input(0);
      int64_t* out = c.output(0).data<int64_t>();
      const Shape& shape = cond.shape();
      const std::size_t rank = shape.size();
      dispatch_any(cond.dtype(), [&](auto zero) {
        using T = decltype(zero);
        const T* p = cond.data<T>();
        for (int64_t i = 0; i < cond.numel(); ++i) {
          if (p[i] == T(0)) continue;
          int64_t rest = i;
          for (std::size_t d = rank; d-- > 0;) {
            out[d] = rest % shape[d];
            rest /= shape[d];
          }
          out += rank;
        }
      });
    })
    .not_differentiable()
    .value_dependent_shape();

}  // namespace

namespace ops {

Output select(Output cond, Output x, Output y, const std::string& name) {
  return x.graph().add("Select", {cond, x, y}, {}, name);
}

Output where(Output cond, const std::string& name) {
  return cond.graph().add("Where", {cond}, {}, name);
}

}  // namespace ops
}  // namespace slimcore
