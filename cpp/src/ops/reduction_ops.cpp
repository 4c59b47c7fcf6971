// Reductions: Sum and Mean over a list of axes (or all of them), SumToShapeOf
// (the gradient rule of broadcasting), ArgMax / ArgMin, and
// the gradient kernels SumGrad / MeanGrad that broadcast a gradient back to
// the input's run-time shape. Max, Min, Prod, All, Any and LogSumExp share
// one general fold (at the end of the file).
//
// A reduction is first rewritten as a plan: the input's dimensions with the
// size-1 ones dropped and neighbours that are both reduced (or both kept)
// merged. Summing axis 1 of [32, 10, 1] and axes (1, 2) of [32, 5, 2] are
// then the same [K=32, R=10] problem, and the common plans get fast paths:
//   [R]        everything          parallel partial sums, added in thread order
//   [K, R]     rows (last axes)    one contiguous SIMD sum per output
//   [R, K]     columns (batch)     input rows added into the output row
//   [K, R, K]  the middle          both of the above
// Any other plan ([R, K, R], ...) goes through a general loop over output rows.

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "kernel_util.h"
#include "op_registry.h"
#include "slimcore/ops.h"

namespace slimcore {

namespace {

// ---- which axes ------------------------------------------------------------------

std::string rank_text(int rank) {
  return rank == 0 ? "a scalar (rank 0, which has no axes)"
                   : "a tensor of rank " + std::to_string(rank) + " (valid axes are " + std::to_string(-rank) + ".." +
                         std::to_string(rank - 1) + ")";
}

// reduced[d] != 0 for each dimension d that the node's "axes" attribute
// (a list of axes, or "all") reduces. Negative axes count from the end, as
// numpy; an empty list reduces nothing, as TensorFlow. An axis out of range
// or given twice fails, naming it and the rank.
template <typename Ctx> std::vector<char> reduced_dims(const Ctx& c, int rank) {
  std::vector<char> reduced(static_cast<std::size_t>(rank), 0);
  if (!c.attrs().has("axes")) c.fail("missing attribute 'axes' (a list of ints, or \"all\")");
  const AttrValue& axes = c.attrs().all().at("axes");
  if (const auto* all = std::get_if<std::string>(&axes)) {
    if (*all != "all") c.fail("axes must be a list of ints or \"all\", got \"" + *all + "\"");
    std::fill(reduced.begin(), reduced.end(), 1);
    return reduced;
  }
  const auto* list = std::get_if<std::vector<int64_t>>(&axes);
  if (!list) c.fail("axes must be a list of ints or \"all\"");
  for (int64_t axis : *list) {
    if (axis < -rank || axis >= rank)
      c.fail("axis " + std::to_string(axis) + " is out of range for " + rank_text(rank));
    const int64_t d = axis < 0 ? axis + rank : axis;
    if (reduced[static_cast<std::size_t>(d)])
      c.fail("axis " + std::to_string(axis) + " is given twice (both name dimension " + std::to_string(d) +
             " of a tensor of rank " + std::to_string(rank) + ")");
    reduced[static_cast<std::size_t>(d)] = 1;
  }
  return reduced;
}

Shape reduced_shape(const Shape& in, const std::vector<char>& reduced, bool keepdims) {
  Shape out;
  for (std::size_t d = 0; d < in.size(); ++d) {
    if (!reduced[d]) out.push_back(in[d]);
    else if (keepdims) out.push_back(1);
  }
  return out;
}

bool keepdims_of(const Attrs& attrs) {
  return attrs.get_or<bool>("keepdims", false);
}

// Shape rule of Sum and Mean: numeric input, output without (or with size 1
// for, under keepdims) the reduced dimensions.
std::vector<TensorSpec> reduction_shape(const InferContext& c) {
  const TensorSpec& x = c.input(0);
  if (x.dtype == DType::Bool) c.fail_type("cannot reduce a bool tensor: cast it to a number first");
  const auto reduced = reduced_dims(c, static_cast<int>(x.shape.size()));
  return {{x.dtype, reduced_shape(x.shape, reduced, keepdims_of(c.attrs()))}};
}

// ---- the plan --------------------------------------------------------------------

struct ReducePlan {
  Shape sizes;                // merged dimensions, none of size 1
  std::vector<char> reduced;  // whether each merged dimension is reduced
  int64_t count = 1;          // input elements that make one output element

  int groups() const { return static_cast<int>(sizes.size()); }
  bool any_reduced() const { return std::find(reduced.begin(), reduced.end(), 1) != reduced.end(); }
  // [K, R]: a rows of m (last axes reduced).
  bool is_rows() const { return groups() == 2 && reduced[1]; }
  // [R, K] or [K, R, K]: a blocks of m rows of c (middle axes reduced).
  bool is_middle() const { return (groups() == 2 && reduced[0]) || (groups() == 3 && reduced[1]); }
};

ReducePlan make_plan(const Shape& shape, const std::vector<char>& reduced) {
  ReducePlan p;
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (reduced[d]) p.count *= shape[d];
    if (shape[d] == 1) continue;
    if (!p.sizes.empty() && p.reduced.back() == reduced[d]) {
      p.sizes.back() *= shape[d];
    } else {
      p.sizes.push_back(shape[d]);
      p.reduced.push_back(reduced[d]);
    }
  }
  return p;
}

bool worth_parallel(int64_t work) {
  return team_for_work(work) > 1;
}

// ---- Sum kernels -------------------------------------------------------------------
// T is float, double, or the unsigned twin of an integer type: integer sums
// wrap around as in TensorFlow, and in unsigned arithmetic that is defined.

// s = x[0] + ... + x[n-1]: SIMD sums of blocks of 1024 (lanes accumulate
// separately), then the block sums added, so rounding error grows with
// n / 1024 + 1024 / lanes instead of with n.
template <typename T> T sum_contiguous(const T* x, int64_t n) {
  constexpr int64_t kBlock = 1024;
  T total = 0;
  for (int64_t begin = 0; begin < n; begin += kBlock) {
    const int64_t end = std::min(n, begin + kBlock);
    T s = 0;
#pragma omp simd reduction(+ : s)
    for (int64_t i = begin; i < end; ++i) s += x[i];
    total += s;
  }
  return total;
}

// Sum of x[0..n) with one contiguous share per thread; the partial sums are
// added in thread order, so a given thread count always gives the same bits.
template <typename T> T sum_parallel(const T* x, int64_t n) {
  if (!worth_parallel(n)) return sum_contiguous(x, n);
  return sum_over_slices<T>(n, [x](int64_t begin, int64_t end) { return sum_contiguous(x + begin, end - begin); });
}

// [K, R]: out[p] = sum_i x[p*m + i].
template <typename T> void sum_rows(const T* x, int64_t a, int64_t m, T* out) {
  if (!worth_parallel(a * m)) {
    for (int64_t p = 0; p < a; ++p) out[p] = sum_contiguous(x + p * m, m);
  } else if (a >= max_threads()) {
    parallel_chunks(a, 1, [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) out[p] = sum_contiguous(x + p * m, m);
    });
  } else {  // a few long rows: split each row instead
    for (int64_t p = 0; p < a; ++p) out[p] = sum_parallel(x + p * m, m);
  }
}

// o[j] = sum_{i in [i0, i1)} x[i*c + j] for j in [j0, j1), with i0 < i1.
template <typename T>
void sum_row_block(const T* x, int64_t c, int64_t i0, int64_t i1, int64_t j0, int64_t j1, T* o) {
  const T* first = x + i0 * c;
#pragma omp simd
  for (int64_t j = j0; j < j1; ++j) o[j] = first[j];
  for (int64_t i = i0 + 1; i < i1; ++i) {
    const T* row = x + i * c;
#pragma omp simd
    for (int64_t j = j0; j < j1; ++j) o[j] += row[j];
  }
}

// Output rows at least this wide are split by columns over threads; narrower
// ones by input rows, each thread summing into a private row on its stack.
constexpr int64_t kWideRow = 1024;

// [a, m, c] -> [a, c]: out[p*c + j] = sum_i x[(p*m + i)*c + j].
template <typename T> void sum_middle(const T* x, int64_t a, int64_t m, int64_t c, T* out) {
  const int threads = max_threads();
  if (!worth_parallel(a * m * c)) {
    for (int64_t p = 0; p < a; ++p) sum_row_block(x + p * m * c, c, 0, m, 0, c, out + p * c);
  } else if (a >= threads) {
    parallel_chunks(a, 1, [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) sum_row_block(x + p * m * c, c, 0, m, 0, c, out + p * c);
    });
  } else if (c >= kWideRow) {
    for (int64_t p = 0; p < a; ++p)
      parallel_chunks(c, 64,
                      [&](int64_t j0, int64_t j1) { sum_row_block(x + p * m * c, c, 0, m, j0, j1, out + p * c); });
  } else {
    for (int64_t p = 0; p < a; ++p) {
      const T* xp = x + p * m * c;
      T* op = out + p * c;
      std::fill(op, op + c, T(0));
      run_team(threads, [&](int t, int nt) {
        const int64_t i0 = slice_begin(m, t, nt), i1 = slice_begin(m, t + 1, nt);
        T local[kWideRow];
        if (i0 < i1) sum_row_block(xp, c, i0, i1, 0, c, local);
        in_thread_order(t, nt, [&] {  // the rows are added in thread order
          if (i0 < i1)
            for (int64_t j = 0; j < c; ++j) op[j] += local[j];
        });
      });
    }
  }
}

// Any other plan. Each output row (the run of the last dimension when it is
// kept, else one element) depends on its own inputs only: rows are split over
// threads, and each walks the reduced dimensions with an odometer.
template <typename T> void sum_general(const T* x, const ReducePlan& plan, T* out) {
  const int g_count = plan.groups();
  const Shape strides = strides_of(plan.sizes);
  const bool last_kept = !plan.reduced[g_count - 1];
  const int64_t last = plan.sizes[g_count - 1];
  std::vector<int> kept, summed;  // outer dimensions (all but the last)
  int64_t out_rows = 1, sum_rows_count = 1;
  for (int g = 0; g < g_count - 1; ++g) {
    if (plan.reduced[g]) {
      summed.push_back(g);
      sum_rows_count *= plan.sizes[g];
    } else {
      kept.push_back(g);
      out_rows *= plan.sizes[g];
    }
  }
  const int64_t row_len = last_kept ? last : 1;
  auto body = [&](int64_t begin, int64_t end) {
    Shape index(summed.size(), 0);
    for (int64_t q = begin; q < end; ++q) {
      int64_t base = 0, rest = q;
      for (int k = static_cast<int>(kept.size()) - 1; k >= 0; --k) {
        const int g = kept[static_cast<std::size_t>(k)];
        base += rest % plan.sizes[g] * strides[g];
        rest /= plan.sizes[g];
      }
      T* o = out + q * row_len;
      T acc = 0;
      std::fill(index.begin(), index.end(), 0);
      int64_t offset = base;
      for (int64_t r = 0; r < sum_rows_count; ++r) {
        if (last_kept) {
          const T* row = x + offset;
          if (r == 0) {
#pragma omp simd
            for (int64_t k = 0; k < last; ++k) o[k] = row[k];
          } else {
#pragma omp simd
            for (int64_t k = 0; k < last; ++k) o[k] += row[k];
          }
        } else {
          acc += sum_contiguous(x + offset, last);
        }
        for (int k = static_cast<int>(summed.size()) - 1; k >= 0; --k) {
          const int g = summed[static_cast<std::size_t>(k)];
          offset += strides[g];
          if (++index[static_cast<std::size_t>(k)] < plan.sizes[g]) break;
          offset -= plan.sizes[g] * strides[g];
          index[static_cast<std::size_t>(k)] = 0;
        }
      }
      if (!last_kept) o[0] = acc;
    }
  };
  if (worth_parallel(out_rows * plan.count * row_len)) parallel_chunks(out_rows, 1, body);
  else body(0, out_rows);
}

// out = sum of x over the plan's reduced dimensions (numel(x) > 0).
template <typename T> void sum_planned(const T* x, int64_t n, const ReducePlan& plan, T* out) {
  if (!plan.any_reduced()) {
    std::memcpy(out, x, static_cast<std::size_t>(n) * sizeof(T));
  } else if (plan.groups() == 1) {
    out[0] = sum_parallel(x, n);
  } else if (plan.is_rows()) {
    sum_rows(x, plan.sizes[0], plan.sizes[1], out);
  } else if (plan.is_middle()) {
    const bool lead = plan.groups() == 3;
    sum_middle(x, lead ? plan.sizes[0] : 1, plan.sizes[lead ? 1 : 0], plan.sizes[lead ? 2 : 1], out);
  } else {
    sum_general(x, plan, out);
  }
}

// Calls fn(T{}) with the type sums are computed in: float, double, or the
// unsigned twin of an integer type.
template <typename Fn> void dispatch_sum_type(DType dtype, Fn&& fn) {
  switch (dtype) {
    case DType::Float32: fn(float{}); return;
    case DType::Float64: fn(double{}); return;
    case DType::Int32: fn(uint32_t{}); return;
    case DType::Int64: fn(uint64_t{}); return;
    default: throw TypeMismatch("cannot reduce a tensor of dtype " + dtype_name(dtype));
  }
}

// Sum over the node's axes into the preallocated output; returns the plan.
ReducePlan sum_into(KernelContext& c) {
  const Tensor& x = c.input(0);
  Tensor& out = c.output(0);
  const ReducePlan plan = make_plan(x.shape(), reduced_dims(c, x.rank()));
  if (x.numel() == 0) {
    out.fill_zero();  // a sum over nothing is 0
    return plan;
  }
  dispatch_sum_type(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    sum_planned(static_cast<const T*>(x.raw()), x.numel(), plan, static_cast<T*>(out.raw()));
  });
  return plan;
}

// Mean = Sum / count, with count the number of elements reduced into each
// output, known at run time. Integer means divide as C++ and TensorFlow do
// (truncating toward zero).
void mean_kernel(KernelContext& c) {
  const ReducePlan plan = sum_into(c);
  Tensor& out = c.output(0);
  if (out.numel() == 0) return;
  if (plan.count == 0 && is_integer(out.dtype()))
    c.fail("the mean of an integer tensor over zero elements is undefined (input shape " +
           shape_string(c.input(0).shape()) + ")");
  dispatch_numeric(out.dtype(), [&](auto zero) {
    using T = decltype(zero);
    T* o = out.data<T>();
    const int64_t count = plan.count;
    if constexpr (std::is_integral_v<T>) {
      parallel_for(out.numel(), [&](int64_t i) { o[i] = static_cast<T>(static_cast<int64_t>(o[i]) / count); });
    } else {
      const T divisor = static_cast<T>(count);  // 0 gives 0/0 = nan, as numpy
      parallel_for(out.numel(), [&](int64_t i) { o[i] = o[i] / divisor; });
    }
  });
}

// ---- gradients: broadcast back ------------------------------------------------------

// out (shaped as the reduction's input) = g broadcast along the reduced
// dimensions, each element divided by `divisor` when kDivide (MeanGrad).
template <typename T, bool kDivide>
void broadcast_back(const T* g, const ReducePlan& plan, int64_t n, T divisor, T* out) {
  auto scale = [&](T v) { return kDivide ? static_cast<T>(v / divisor) : v; };
  if (!plan.any_reduced()) {
    parallel_for(n, [&](int64_t i) { out[i] = scale(g[i]); });
    return;
  }
  if (plan.groups() == 1) {
    const T v = scale(g[0]);
    parallel_for(n, [&](int64_t i) { out[i] = v; });
    return;
  }
  const int g_count = plan.groups();
  // Strides of each dimension in g (0 along reduced dimensions).
  Shape g_strides(static_cast<std::size_t>(g_count), 0);
  int64_t stride = 1;
  for (int d = g_count - 1; d >= 0; --d)
    if (!plan.reduced[d]) {
      g_strides[d] = stride;
      stride *= plan.sizes[d];
    }
  const int64_t last = plan.sizes[g_count - 1];
  const bool last_reduced = plan.reduced[g_count - 1];
  const int64_t rows = n / last;
  auto body = [&](int64_t begin, int64_t end) {
    // The odometer over the dimensions before the last, started at row `begin`.
    Shape index(static_cast<std::size_t>(g_count - 1), 0);
    int64_t g_offset = 0, rest = begin;
    for (int d = g_count - 2; d >= 0; --d) {
      index[d] = rest % plan.sizes[d];
      rest /= plan.sizes[d];
      g_offset += index[d] * g_strides[d];
    }
    for (int64_t q = begin; q < end; ++q) {
      T* o = out + q * last;
      if (last_reduced) {
        const T v = scale(g[g_offset]);
#pragma omp simd
        for (int64_t k = 0; k < last; ++k) o[k] = v;
      } else {
        const T* src = g + g_offset;
#pragma omp simd
        for (int64_t k = 0; k < last; ++k) o[k] = scale(src[k]);
      }
      for (int d = g_count - 2; d >= 0; --d) {
        g_offset += g_strides[d];
        if (++index[d] < plan.sizes[d]) break;
        g_offset -= plan.sizes[d] * g_strides[d];
        index[d] = 0;
      }
    }
  };
  if (worth_parallel(n)) parallel_chunks(rows, 1, body);
  else body(0, rows);
}

// Shape rule of SumGrad / MeanGrad (grad, x): the gradient must have the
// shape the forward reduction gave; the result has x's shape.
std::vector<TensorSpec> reduction_grad_shape(const InferContext& c) {
  const TensorSpec& grad = c.input(0);
  const TensorSpec& x = c.input(1);
  if (grad.dtype != x.dtype)
    c.fail_type("the gradient has dtype " + dtype_name(grad.dtype) + ", the input " + dtype_name(x.dtype));
  const auto reduced = reduced_dims(c, static_cast<int>(x.shape.size()));
  const bool keepdims = keepdims_of(c.attrs());
  const Shape expected = reduced_shape(x.shape, reduced, keepdims);
  if (!shape_compatible(expected, grad.shape))
    c.fail("the gradient has shape " + shape_string(grad.shape) + ", expected " + shape_string(expected) +
           " for input shape " + shape_string(x.shape));
  // Dimensions unknown in x but known in the gradient are known in the result.
  Shape out = x.shape;
  for (std::size_t d = 0, k = 0; d < out.size(); ++d) {
    if (reduced[d] && !keepdims) continue;
    if (!reduced[d] && out[d] < 0) out[d] = grad.shape[k];
    ++k;
  }
  return {{x.dtype, out}};
}

template <bool kMean> void reduction_grad_kernel(KernelContext& c) {
  const Tensor& grad = c.input(0);
  const Tensor& x = c.input(1);
  Tensor& out = c.output(0);
  if (out.numel() == 0) return;
  const ReducePlan plan = make_plan(x.shape(), reduced_dims(c, x.rank()));
  auto run = [&](auto zero) {
    using T = decltype(zero);
    broadcast_back<T, kMean>(grad.data<T>(), plan, out.numel(), static_cast<T>(plan.count), out.data<T>());
  };
  if (kMean) dispatch_float(out.dtype(), run);
  else dispatch_numeric(out.dtype(), run);
}

// d sum(x)/dx: the gradient broadcast back to x's run-time shape.
std::vector<Output> sum_grad(const GradContext& c) {
  return {c.graph.add("SumGrad", {c.grad(), c.input(0)}, c.attrs())};
}
// d mean(x)/dx: the same divided by the number of elements reduced.
std::vector<Output> mean_grad(const GradContext& c) {
  return {c.graph.add("MeanGrad", {c.grad(), c.input(0)}, c.attrs())};
}

REGISTER_OP("Sum").inputs(1).shape(reduction_shape).kernel([](KernelContext& c) { sum_into(c); }).gradient(sum_grad);
REGISTER_OP("Mean").inputs(1).shape(reduction_shape).kernel(mean_kernel).gradient(mean_grad);

// SumGrad is linear in the gradient: its own gradient is the Sum again (and
// MeanGrad's the Mean); x only gives the shape.
REGISTER_OP("SumGrad")
    .inputs(2)
    .shape(reduction_grad_shape)
    .kernel(reduction_grad_kernel<false>)
    .gradient([](const GradContext& c) {
      return std::vector<Output>{c.graph.add("Sum", {c.grad()}, c.attrs()), Output()};
    });
REGISTER_OP("MeanGrad")
    .inputs(2)
    .shape(reduction_grad_shape)
    .kernel(reduction_grad_kernel<true>)
    .gradient([](const GradContext& c) {
      return std::vector<Output>{c.graph.add("Mean", {c.grad()}, c.attrs()), Output()};
    });

// ---- SumToShapeOf(grad, like): the gradient rule of broadcasting -----------------
// out[j] = sum of grad[i] over all i that broadcast to j: the reduced axes are
// grad's leading extra axes and those where `like` has size 1.
REGISTER_OP("SumToShapeOf")
    .inputs(2)
    .shape([](const InferContext& c) { return std::vector<TensorSpec>{{c.input(0).dtype, c.input(1).shape}}; })
    .kernel([](KernelContext& c) {
      const Tensor& grad = c.input(0);
      Tensor& out = c.output(0);
      const int offset = grad.rank() - out.rank();
      if (offset < 0) c.fail("cannot sum shape " + shape_string(grad.shape()) + " to " + shape_string(out.shape()));
      std::vector<char> reduced(static_cast<std::size_t>(grad.rank()), 0);
      for (int d = 0; d < grad.rank(); ++d) {
        const bool broadcast = d < offset || (out.dim(d - offset) == 1 && grad.dim(d) != 1);
        if (!broadcast && out.dim(d - offset) != grad.dim(d))
          c.fail("cannot sum shape " + shape_string(grad.shape()) + " to " + shape_string(out.shape()));
        reduced[d] = broadcast;
      }
      if (grad.numel() == 0) {
        out.fill_zero();
        return;
      }
      dispatch_sum_type(grad.dtype(), [&](auto zero) {
        using T = decltype(zero);
        sum_planned(static_cast<const T*>(grad.raw()), grad.numel(), make_plan(grad.shape(), reduced),
                    static_cast<T*>(out.raw()));
      });
    })
    .not_differentiable();

// ---- ArgMax --------------------------------------------------------------------------

// Shape rule of ArgMax and ArgMin.
std::vector<TensorSpec> argmax_shape(const InferContext& c) {
  const TensorSpec& x = c.input(0);
  const std::string what = c.node.type == "ArgMin" ? "argmin" : "argmax";
  if (x.dtype == DType::Bool) c.fail_type(what + " needs a numeric tensor, got bool");
  const DType out_type = c.attrs().get<DType>("output_type");
  if (out_type != DType::Int32 && out_type != DType::Int64)
    c.fail_type("output_type must be int32 or int64, got " + dtype_name(out_type));
  const int rank = static_cast<int>(x.shape.size());
  const int64_t axis = c.attrs().get<int64_t>("axis");
  if (axis < -rank || axis >= rank) c.fail("axis " + std::to_string(axis) + " is out of range for " + rank_text(rank));
  const std::size_t d = static_cast<std::size_t>(axis < 0 ? axis + rank : axis);
  if (x.shape[d] == 0)
    c.fail("cannot take the " + what + " over axis " + std::to_string(axis) + " of shape " + shape_string(x.shape) +
           ": it has no elements");
  if (out_type == DType::Int32 && x.shape[d] > std::numeric_limits<int32_t>::max())
    c.fail("axis " + std::to_string(axis) + " has " + std::to_string(x.shape[d]) +
           " elements, too many for an int32 index: use output_type=int64");
  Shape out = x.shape;
  out.erase(out.begin() + static_cast<std::ptrdiff_t>(d));
  return {{out_type, out}};
}

// True when v should replace the current best b: larger (smaller for kMin),
// or the first nan (numpy's rule: nan is both the maximum and the minimum,
// and ties go to the first index).
template <bool kMin, typename T> bool beats(T v, T b) {
  const bool better = kMin ? v < b : v > b;
  if constexpr (std::is_floating_point_v<T>) return better || (std::isnan(v) && !std::isnan(b));
  else return better;
}

// out[p*c + j] = the first i maximizing (kMin: minimizing) x[(p*m + i)*c + j].
template <bool kMin, typename T, typename I>
void argmax_kernel(const T* x, int64_t a, int64_t m, int64_t c, I* out) {
  const bool parallel = worth_parallel(a * m * c);
  if (c == 1) {
    auto rows = [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) {
        const T* row = x + p * m;
        int64_t best = 0;
        T best_value = row[0];
        for (int64_t i = 1; i < m; ++i) {  // selects, not branches: new maxima come at random
          const bool better = beats<kMin>(row[i], best_value);
          best_value = better ? row[i] : best_value;
          best = better ? i : best;
        }
        out[p] = static_cast<I>(best);
      }
    };
    if (parallel) parallel_chunks(a, 1, rows);
    else rows(0, a);
    return;
  }
  // Columns: the running best of each column lives in `out` (its index) and
  // is read back from x, so no scratch buffer is needed.
  auto columns = [&](int64_t p, int64_t j0, int64_t j1) {
    const T* xp = x + p * m * c;
    I* op = out + p * c;
    std::fill(op + j0, op + j1, I(0));
    for (int64_t i = 1; i < m; ++i) {
      const T* row = xp + i * c;
      for (int64_t j = j0; j < j1; ++j)
        if (beats<kMin>(row[j], xp[static_cast<int64_t>(op[j]) * c + j])) op[j] = static_cast<I>(i);
    }
  };
  if (!parallel) {
    for (int64_t p = 0; p < a; ++p) columns(p, 0, c);
  } else if (a >= max_threads()) {
    parallel_chunks(a, 1, [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) columns(p, 0, c);
    });
  } else {
    for (int64_t p = 0; p < a; ++p) parallel_chunks(c, 16, [&](int64_t j0, int64_t j1) { columns(p, j0, j1); });
  }
}

template <bool kMin> void arg_reduce_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  Tensor& out = c.output(0);
  const int rank = x.rank();
  const int64_t axis = normalize_axis(c.attrs().get<int64_t>("axis"), rank, kMin ? "argmin" : "argmax");
  int64_t a = 1, c_inner = 1;
  for (int d = 0; d < axis; ++d) a *= x.dim(d);
  for (int d = static_cast<int>(axis) + 1; d < rank; ++d) c_inner *= x.dim(d);
  const int64_t m = x.dim(static_cast<int>(axis));
  if (out.numel() == 0) return;
  dispatch_numeric(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    if (out.dtype() == DType::Int32) argmax_kernel<kMin>(x.data<T>(), a, m, c_inner, out.data<int32_t>());
    else argmax_kernel<kMin>(x.data<T>(), a, m, c_inner, out.data<int64_t>());
  });
}

REGISTER_OP("ArgMax").inputs(1).shape(argmax_shape).kernel(arg_reduce_kernel<false>).not_differentiable();
REGISTER_OP("ArgMin").inputs(1).shape(argmax_shape).kernel(arg_reduce_kernel<true>).not_differentiable();

// ---- Max, Min, Prod, All, Any, LogSumExp: one general fold ---------------------
// Output element q folds its group, the input elements base[q] + rel[k] for
// k < count: `base` walks the kept dimensions in row-major order (the
// output's order), `rel` the reduced ones. Slower than Sum's plans, but one
// loop serves every fold: the plans that are not [R], [K, R], [R, K] or
// [K, R, K], and LogSumExp.
struct Groups {
  std::vector<int64_t> base;  // one offset per output element
  std::vector<int64_t> rel;   // one offset per element of a group
};

Groups make_groups(const Shape& shape, const std::vector<char>& reduced) {
  const Shape strides = strides_of(shape);
  Groups groups{{0}, {0}};
  for (std::size_t d = 0; d < shape.size(); ++d) {
    std::vector<int64_t>& offsets = reduced[d] ? groups.rel : groups.base;
    std::vector<int64_t> next;
    next.reserve(offsets.size() * static_cast<std::size_t>(shape[d]));
    for (int64_t o : offsets)
      for (int64_t i = 0; i < shape[d]; ++i) next.push_back(o + i * strides[d]);
    offsets = std::move(next);
  }
  return groups;
}

// out[q] = fold(x[base[q] + rel[0]], x[base[q] + rel[1]], ...) with `fold`
// taking (pointer to the group's first element, rel) and returning the value.
template <typename T, typename R, typename Fold> void fold_groups(KernelContext& c, Fold fold) {
  const Tensor& x = c.input(0);
  Tensor& out = c.output(0);
  if (out.numel() == 0) return;
  const Groups groups = make_groups(x.shape(), reduced_dims(c, x.rank()));
  const T* px = static_cast<const T*>(x.raw());  // raw: T may be an integer's unsigned twin
  R* po = static_cast<R*>(out.raw());
  auto body = [&](int64_t begin, int64_t end) {
    for (int64_t q = begin; q < end; ++q) po[q] = fold(px + groups.base[q], groups.rel);
  };
  if (worth_parallel(x.numel())) parallel_chunks(out.numel(), 1, body);
  else body(0, out.numel());
}

// A fold y = init (op) x0 (op) x1 ...; max and min propagate nan (numpy's
// rule), and the max of nothing is the lowest value (-inf for floats), as TF.
template <typename T> T lowest() {
  return std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest();
}
template <typename T> T highest() {
  return std::numeric_limits<T>::has_infinity ? std::numeric_limits<T>::infinity() : std::numeric_limits<T>::max();
}
template <typename T, typename Op> auto simple_fold(T init, Op op) {
  return [init, op](const T* x, const std::vector<int64_t>& rel) {
    T acc = init;
    for (int64_t r : rel) acc = op(acc, x[r]);
    return acc;
  };
}
// Selects, not branches, so that the loops vectorize; a nan in either
// operand wins (b != b only for nan).
template <typename T> T max_nan(T a, T b) {
  return (a < b || b != b) ? b : a;
}
template <typename T> T min_nan(T a, T b) {
  return (b < a || b != b) ? b : a;
}

// init (op) x[0] (op) ... (op) x[n-1], in kLanes interleaved partial folds
// (independent chains the compiler vectorizes), combined at the end.
template <typename T, typename Op> T fold_contiguous(const T* x, int64_t n, T init, Op op) {
  constexpr int kLanes = 8;
  T lanes[kLanes];
  std::fill(lanes, lanes + kLanes, init);
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int k = 0; k < kLanes; ++k) lanes[k] = op(lanes[k], x[i + k]);
  T acc = init;
  for (int k = 0; k < kLanes; ++k) acc = op(acc, lanes[k]);
  for (; i < n; ++i) acc = op(acc, x[i]);
  return acc;
}

// Max, Min, Prod, All, Any: y = init (op) x... over the node's axes, with the
// plans of Sum ([R], [K, R], [R, K], [K, R, K]) as fast paths and the general
// groups for the rest. T may be an integer's unsigned twin (Prod wraps).
template <typename T, typename Op> void fold_kernel(KernelContext& c, T init, Op op) {
  const Tensor& x = c.input(0);
  Tensor& out = c.output(0);
  if (out.numel() == 0) return;
  const T* px = static_cast<const T*>(x.raw());
  T* po = static_cast<T*>(out.raw());
  const ReducePlan plan = make_plan(x.shape(), reduced_dims(c, x.rank()));
  const bool parallel = worth_parallel(x.numel());
  if (x.numel() == 0) {
    std::fill(po, po + out.numel(), init);  // the fold over nothing
  } else if (!plan.any_reduced()) {
    std::memcpy(po, px, static_cast<std::size_t>(x.numel()) * sizeof(T));
  } else if (plan.groups() == 1) {
    po[0] = fold_contiguous(px, x.numel(), init, op);
  } else if (plan.is_rows()) {
    const int64_t rows = plan.sizes[0], m = plan.sizes[1];
    auto body = [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; ++p) po[p] = fold_contiguous(px + p * m, m, init, op);
    };
    if (parallel) parallel_chunks(rows, 1, body);
    else body(0, rows);
  } else if (plan.is_middle()) {
    const bool lead = plan.groups() == 3;
    const int64_t a = lead ? plan.sizes[0] : 1, m = plan.sizes[lead ? 1 : 0], cols = plan.sizes[lead ? 2 : 1];
    // out[p, j] = fold over i of x[p, i, j], for j in [j0, j1)
    auto block = [&](int64_t p, int64_t j0, int64_t j1) {
      T* o = po + p * cols;
      std::fill(o + j0, o + j1, init);
      for (int64_t i = 0; i < m; ++i) {
        const T* row = px + (p * m + i) * cols;
        for (int64_t j = j0; j < j1; ++j) o[j] = op(o[j], row[j]);
      }
    };
    if (!parallel) {
      for (int64_t p = 0; p < a; ++p) block(p, 0, cols);
    } else if (a >= max_threads()) {
      parallel_chunks(a, 1, [&](int64_t begin, int64_t end) {
        for (int64_t p = begin; p < end; ++p) block(p, 0, cols);
      });
    } else {
      for (int64_t p = 0; p < a; ++p) parallel_chunks(cols, 64, [&](int64_t j0, int64_t j1) { block(p, j0, j1); });
    }
  } else {
    fold_groups<T, T>(c, simple_fold(init, op));
  }
}

std::vector<TensorSpec> bool_reduction_shape(const InferContext& c) {
  const TensorSpec& x = c.input(0);
  if (x.dtype != DType::Bool) c.fail_type("expected a bool tensor, got " + dtype_name(x.dtype));
  const auto reduced = reduced_dims(c, static_cast<int>(x.shape.size()));
  return {{x.dtype, reduced_shape(x.shape, reduced, keepdims_of(c.attrs()))}};
}
std::vector<TensorSpec> float_reduction_shape(const InferContext& c) {
  if (!is_floating(c.input(0).dtype))
    c.fail_type("expected a float32 or float64 tensor, got " + dtype_name(c.input(0).dtype));
  return reduction_shape(c);
}

// x broadcast back from a reduction's output (or its gradient) to the
// reduction's input x, whatever keepdims was: SumGrad with the node's attrs.
Output broadcast_back_to(const GradContext& c, Output y) {
  return c.graph.add("SumGrad", {y, c.input(0)}, c.attrs());
}

// TF1's _MinOrMaxGrad: the gradient is shared equally between the elements
// equal to the extremum: dx = g * [x == y] / (number of such elements).
std::vector<Output> min_or_max_grad(const GradContext& c) {
  const Output& x = c.input(0);
  Output indicators = ops::cast(ops::equal(broadcast_back_to(c, c.output(0)), x), x.dtype());
  Output count = broadcast_back_to(c, c.graph.add("Sum", {indicators}, c.attrs()));
  return {ops::mul(ops::div(indicators, count), broadcast_back_to(c, c.grad()))};
}

// d prod(x) / dx_i = the product of the other elements of x_i's group, taken
// as (product before i) * (product after i) so that zeros are exact (TF1's
// _ProdGrad with its two exclusive cumprods): dx = g * ProdOthers(x).
std::vector<Output> prod_grad(const GradContext& c) {
  Output others = c.graph.add("ProdOthers", {c.input(0)}, c.attrs());
  return {ops::mul(others, broadcast_back_to(c, c.grad()))};
}

// y = m + log(sum exp(x - m)) with m the group's max (0 where it is not
// finite, as TF1): no overflow for large x. dx = g * exp(x - m) / sum exp(x - m)
// (a softmax), recomputed from x rather than taken as exp(x - y): y holds
// m + log(s) rounded to x's precision, which for x ~ 1000 in float32 is off by
// 3e-5. m passes no gradient (TF1's stop_gradient).
std::vector<Output> logsumexp_grad(const GradContext& c) {
  const Output& x = c.input(0);
  Graph& g = c.graph;
  Output m = g.add("StopGradient", {g.add("Max", {x}, c.attrs())});
  Output e = ops::exp(ops::sub(x, broadcast_back_to(c, m)));
  Output s = g.add("Sum", {e}, c.attrs());
  return {ops::mul(ops::div(e, broadcast_back_to(c, s)), broadcast_back_to(c, c.grad()))};
}

REGISTER_OP("Max")
    .inputs(1)
    .shape(reduction_shape)
    .kernel([](KernelContext& c) {
      dispatch_numeric(c.input(0).dtype(), [&](auto zero) {
        using T = decltype(zero);
        fold_kernel(c, lowest<T>(), max_nan<T>);
      });
    })
    .gradient(min_or_max_grad);
REGISTER_OP("Min")
    .inputs(1)
    .shape(reduction_shape)
    .kernel([](KernelContext& c) {
      dispatch_numeric(c.input(0).dtype(), [&](auto zero) {
        using T = decltype(zero);
        fold_kernel(c, highest<T>(), min_nan<T>);
      });
    })
    .gradient(min_or_max_grad);
// Integer products wrap around, as TF (computed unsigned, where that is defined).
REGISTER_OP("Prod")
    .inputs(1)
    .shape(reduction_shape)
    .kernel([](KernelContext& c) {
      dispatch_sum_type(c.input(0).dtype(), [&](auto zero) {
        using T = decltype(zero);
        fold_kernel(c, T(1), [](T a, T b) { return static_cast<T>(a * b); });
      });
    })
    .gradient(prod_grad);
REGISTER_OP("All")
    .inputs(1)
    .shape(bool_reduction_shape)
    .kernel([](KernelContext& c) { fold_kernel(c, true, [](bool a, bool b) { return a && b; }); })
    .not_differentiable();
REGISTER_OP("Any")
    .inputs(1)
    .shape(bool_reduction_shape)
    .kernel([](KernelContext& c) { fold_kernel(c, false, [](bool a, bool b) { return a || b; }); })
    .not_differentiable();
REGISTER_OP("LogSumExp")
    .inputs(1)
    .shape(float_reduction_shape)
    .kernel([](KernelContext& c) {
      dispatch_float(c.input(0).dtype(), [&](auto zero) {
        using T = decltype(zero);
        fold_groups<T, T>(c, [](const T* x, const std::vector<int64_t>& rel) {
          T m = lowest<T>();
          for (int64_t r : rel) m = max_nan(m, x[r]);
          const T shift = std::isfinite(m) ? m : T(0);
          T s = 0;
          for (int64_t r : rel) s += std::exp(x[r] - shift);
          return std::log(s) + shift;
        });
      });
    })
    .gradient(logsumexp_grad);

// ProdOthers(x) (the shape of x): each element replaced by the product of the
// other elements of its Prod group. Prod's gradient only; its own gradient is
// not implemented (an error if one must pass).
REGISTER_OP("ProdOthers")
    .inputs(1)
    .shape([](const InferContext& c) {
      reduction_shape(c);  // checks dtype and axes
      return std::vector<TensorSpec>{c.input(0)};
    })
    .kernel([](KernelContext& c) {
      const Tensor& x = c.input(0);
      Tensor& out = c.output(0);
      if (out.numel() == 0) return;
      const Groups groups = make_groups(x.shape(), reduced_dims(c, x.rank()));
      dispatch_sum_type(x.dtype(), [&](auto zero) {
        using T = decltype(zero);
        const T* px = static_cast<const T*>(x.raw());
        T* po = static_cast<T*>(out.raw());
        const auto count = static_cast<int64_t>(groups.rel.size());
        auto body = [&](int64_t begin, int64_t end) {
          for (int64_t q = begin; q < end; ++q) {
            const T* xg = px + groups.base[q];
            T* og = po + groups.base[q];
            T before = 1;  // og[k] = x[0] ... x[k-1], then times x[k+1] ... x[n-1]
            for (int64_t k = 0; k < count; ++k) {
              og[groups.rel[k]] = before;
              before = static_cast<T>(before * xg[groups.rel[k]]);
            }
            T after = 1;
            for (int64_t k = count - 1; k >= 0; --k) {
              og[groups.rel[k]] = static_cast<T>(og[groups.rel[k]] * after);
              after = static_cast<T>(after * xg[groups.rel[k]]);
            }
          }
        };
        const auto outputs = static_cast<int64_t>(groups.base.size());
        if (worth_parallel(x.numel())) parallel_chunks(outputs, 1, body);
        else body(0, outputs);
      });
    });

Attrs reduction_attrs(const ops::Axes& axes, bool keepdims) {
  Attrs attrs;
  if (axes) attrs.set("axes", *axes);
  else attrs.set("axes", std::string("all"));
  attrs.set("keepdims", keepdims);
  return attrs;
}

}  // namespace

namespace ops {
Output reduce_sum(Output x, Axes axes, bool keepdims, const std::string& name) {
  return x.graph().add("Sum", {x}, reduction_attrs(axes, keepdims), name);
}
Output reduce_mean(Output x, Axes axes, bool keepdims, const std::string& name) {
  return x.graph().add("Mean", {x}, reduction_attrs(axes, keepdims), name);
}
Output argmax(Output x, int64_t axis, DType output_type, const std::string& name) {
  return x.graph().add("ArgMax", {x}, {{"axis", axis}, {"output_type", output_type}}, name);
}
Output argmin(Output x, int64_t axis, DType output_type, const std::string& name) {
  return x.graph().add("ArgMin", {x}, {{"axis", axis}, {"output_type", output_type}}, name);
}
Output reduce_max(Output x, Axes axes, bool keepdims, const std::string& name) {
  return x.graph().add("Max", {x}, reduction_attrs(axes, keepdims), name);
}
Output reduce_min(Output x, Axes axes, bool keepdims, const std::string& name) {
  return x.graph().add("Min", {x}, reduction_attrs(axes, keepdims), name);
}
Output reduce_prod(Output x, Axes axes, bool keepdims, const std::string& name) {
  return x.graph().add("Prod", {x}, reduction_attrs(axes, keepdims), name);
}
}  // namespace ops
}  // namespace slimcore
