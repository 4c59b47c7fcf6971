// Dropout with a counter-based random mask:
//
//   Dropout(x[, keep_prob]; keep_prob, seed, seed2, noise_shape) -> y, mask
//     mask = (u < keep_prob) / keep_prob,  u ~ U[0, 1) (53 bits) one per element of noise_shape
//     y    = x * mask                      (mask broadcast over x, numpy rules)
//
// As tf.nn.dropout: kept values are scaled by 1/keep_prob so E[y] = x, and
// each element is kept with probability keep_prob. keep_prob is the
// attribute, or the scalar second input (a tensor fed at run time, TF1's
// `keep_prob` placeholder idiom); it must be in (0, 1]. noise_shape (rank of
// x, each dimension 1 or x's, -1 for x's) shares one draw along its size-1
// dimensions, e.g. [N, 1, 1, C] drops whole channels; without it the mask
// has x's shape.
//
// The mask is the second output, holding 0 or 1/keep_prob, so the gradient
// dx = dy * mask uses exactly the mask of the forward run. Draws follow
// random_ops: u of mask element i is a pure function of (seed, seed2,
// stream position + i), the position advances by the mask size every run
// (a new mask each run) and a new session starts it at 0 (the same masks
// again); thread counts do not change the mask.
#include <algorithm>
#include <cmath>
#include <sstream>

#include "kernel_util.h"
#include "op_registry.h"
#include "random_stream.h"
#include "slimcore/ops.h"

namespace slimcore {

namespace {

// A number as %g prints it ("0.5", "1e-09", "nan").
std::string keep_prob_text(double keep) {
  std::ostringstream out;
  out << keep;
  return out.str();
}

// The mask's shape: noise_shape with -1 resolved to x's dimension, or x's shape.
Shape mask_shape(const InferContext& c) {
  const Shape& x = c.input(0).shape;
  if (!c.attrs().has("noise_shape")) return x;
  Shape noise = c.attrs().get<std::vector<int64_t>>("noise_shape");
  if (noise.size() != x.size())
    c.fail("noise_shape " + shape_string(noise) + " must have x's rank " + std::to_string(x.size()) + " (x has shape " +
           shape_string(x) + ")");
  for (std::size_t d = 0; d < noise.size(); ++d) {
    if (noise[d] == -1) {
      noise[d] = x[d];
      continue;
    }
    if (noise[d] < 0) c.fail("noise_shape " + shape_string(noise) + " has a negative dimension");
    if (noise[d] != 1 && x[d] >= 0 && noise[d] != x[d])
      c.fail("noise_shape " + shape_string(noise) + " does not broadcast to x's shape " + shape_string(x) +
             ": dimension " + std::to_string(d) + " must be 1 or " + std::to_string(x[d]));
    if (noise[d] != 1 && x[d] < 0) noise[d] = -1;  // checked when x's size is known
  }
  return noise;
}

std::vector<TensorSpec> dropout_shape(const InferContext& c) {
  const TensorSpec& x = c.input(0);
  if (!is_floating(x.dtype)) c.fail_type("x must be float32 or float64, got " + dtype_name(x.dtype));
  if (c.num_inputs() == 2) {
    const TensorSpec& keep = c.input(1);
    if (keep.dtype != x.dtype)
      c.fail_type("keep_prob must have x's dtype " + dtype_name(x.dtype) + ", got " + dtype_name(keep.dtype));
    if (!keep.shape.empty()) c.fail("keep_prob must be a scalar, got shape " + shape_string(keep.shape));
  } else if (c.num_inputs() == 1) {
    const double keep = c.attrs().get<double>("keep_prob");
    if (!(keep > 0 && keep <= 1)) c.fail("keep_prob must be in the range (0, 1], got " + keep_prob_text(keep));
  } else {
    c.fail("expects x and an optional scalar keep_prob, got " + std::to_string(c.num_inputs()) + " inputs");
  }
  return {x, {x.dtype, mask_shape(c)}};
}

// y = x * mask for a mask whose dimensions are each 1 or x's. Dimensions are
// merged into runs that are all broadcast or all not; rows of the innermost
// run are split over threads.
template <typename T> void broadcast_mul(const T* x, const T* mask, T* y, const Shape& xs, const Shape& ms) {
  struct Run {
    int64_t size = 1;
    bool broadcast = false;
    int64_t stride = 0;  // in the mask
  };
  // At most one run per dimension: on the stack unless the rank is unusual.
  constexpr std::size_t kStackRuns = 16;
  Run stack_runs[kStackRuns];
  std::vector<Run> heap_runs(xs.size() > kStackRuns ? xs.size() : 0);
  Run* runs = xs.size() > kStackRuns ? heap_runs.data() : stack_runs;
  int r = 0;
  int64_t n = 1;
  for (std::size_t d = 0; d < xs.size(); ++d) {
    n *= xs[d];
    if (xs[d] == 1) continue;
    const bool b = ms[d] == 1;
    if (r > 0 && runs[r - 1].broadcast == b) runs[r - 1].size *= xs[d];
    else runs[r++] = Run{xs[d], b};
  }
  if (n == 0) return;
  if (r == 0) {  // a single element
    y[0] = x[0] * mask[0];
    return;
  }
  int64_t stride = 1;
  for (int d = r - 1; d >= 0; --d) {
    runs[d].stride = runs[d].broadcast ? 0 : stride;
    if (!runs[d].broadcast) stride *= runs[d].size;
  }
  const Run inner = runs[r - 1];
  const int64_t rows = n / inner.size;
  parallel_chunks(rows, std::max<int64_t>(1, kParallelThreshold / (2 * inner.size)), [&](int64_t begin, int64_t end) {
    for (int64_t row = begin; row < end; ++row) {
      int64_t off = 0, rest = row;
      for (int d = r - 2; d >= 0; --d) {
        off += (rest % runs[d].size) * runs[d].stride;
        rest /= runs[d].size;
      }
      const T* xr = x + row * inner.size;
      T* yr = y + row * inner.size;
      if (inner.broadcast) {
        const T m = mask[off];
#pragma omp simd
        for (int64_t k = 0; k < inner.size; ++k) yr[k] = xr[k] * m;
      } else {
        const T* mr = mask + off;
#pragma omp simd
        for (int64_t k = 0; k < inner.size; ++k) yr[k] = xr[k] * mr[k];
      }
    }
  });
}

void dropout_kernel(KernelContext& c) {
  const Tensor& x = c.input(0);
  const double keep = c.num_inputs() == 2 ? c.input(1).scalar_value() : c.attrs().get<double>("keep_prob");
  if (!(keep > 0 && keep <= 1)) c.fail("keep_prob must be in the range (0, 1], got " + keep_prob_text(keep));
  Tensor& mask = c.output(1);  // shape checked by dropout_shape at run time
  const Stream stream = Stream::from_seeds(static_cast<uint64_t>(c.attrs().get<int64_t>("seed")),
                                           static_cast<uint64_t>(c.attrs().get<int64_t>("seed2")));
  uint64_t& position = c.op_counters[c.node.id];
  const uint64_t base = position;
  dispatch_float(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T scale = static_cast<T>(1.0 / keep);
    // u = (bits >> 11) * 2^-53 < keep  <=>  (bits >> 11) < ceil(keep * 2^53): an integer compare.
    const auto threshold = static_cast<uint64_t>(std::ceil(keep * 0x1.0p53));
    T* m = mask.data<T>();
    parallel_for(mask.numel(), [=](int64_t i) {
      m[i] = (stream.bits1(base + static_cast<uint64_t>(i)) >> 11) < threshold ? scale : T(0);
    });
    broadcast_mul(x.data<T>(), m, c.output(0).data<T>(), x.shape(), mask.shape());
  });
  position += static_cast<uint64_t>(mask.numel());
}

// dx = dy * mask (the forward run's mask, broadcast to x's shape). With a
// keep_prob input, its gradient holds the mask fixed (as TF):
// d y / d keep_prob = -y / keep_prob and d mask / d keep_prob = -mask / keep_prob.
std::vector<Output> dropout_grad(const GradContext& c) {
  std::vector<Output> out(c.inputs.size());
  if (c.grad(0).valid()) out[0] = ops::mul(c.grad(0), c.output(1));
  if (c.inputs.size() == 2) {
    std::vector<Output> terms;
    if (c.grad(0).valid()) terms.push_back(ops::reduce_sum(ops::mul(c.grad(0), c.output(0))));
    if (c.grad(1).valid()) terms.push_back(ops::reduce_sum(ops::mul(c.grad(1), c.output(1))));
    if (!terms.empty()) {
      const Output total = terms.size() == 1 ? terms[0] : ops::add(terms[0], terms[1]);
      out[1] = ops::neg(ops::div(total, c.input(1)));
    }
  }
  return out;
}

REGISTER_OP("Dropout").variadic_inputs().shape(dropout_shape).kernel(dropout_kernel).gradient(dropout_grad);

ops::DropoutOutputs add_dropout(Graph& g, const std::vector<Output>& inputs, Attrs attrs,
                                const std::optional<Shape>& noise_shape, const std::string& name) {
  if (noise_shape) {
    const Shape& x = inputs[0].shape();
    if (noise_shape->size() > x.size())
      throw InvalidArgument("dropout: noise_shape " + shape_string(*noise_shape) + " has more dimensions than x " +
                            shape_string(x));
    Shape padded(x.size() - noise_shape->size(), 1);  // numpy broadcasting: leading 1s
    padded.insert(padded.end(), noise_shape->begin(), noise_shape->end());
    attrs.set("noise_shape", padded);
  }
  const int node = g.add_node("Dropout", inputs, std::move(attrs), name);
  return {g.output(node, 0), g.output(node, 1)};
}

}  // namespace

namespace ops {
DropoutOutputs dropout(Output x, double keep_prob, int64_t seed, int64_t seed2, const std::optional<Shape>& noise_shape,
                       const std::string& name) {
  if (!(keep_prob > 0 && keep_prob <= 1))
    throw InvalidArgument("dropout: keep_prob must be in the range (0, 1], got " + keep_prob_text(keep_prob));
  return add_dropout(x.graph(), {x}, {{"keep_prob", keep_prob}, {"seed", seed}, {"seed2", seed2}}, noise_shape, name);
}
DropoutOutputs dropout(Output x, Output keep_prob, int64_t seed, int64_t seed2, const std::optional<Shape>& noise_shape,
                       const std::string& name) {
  return add_dropout(x.graph(), {x, keep_prob}, {{"seed", seed}, {"seed2", seed2}}, noise_shape, name);
}
}  // namespace ops
}  // namespace slimcore
