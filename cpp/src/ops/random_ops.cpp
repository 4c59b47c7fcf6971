// Random tensors: RandomUniform, RandomNormal, TruncatedNormal.
//
// Counter-based: element i of a run is a pure function of (seed, seed2,
// stream position + i), so results do not depend on the number of threads
// and a new session repeats the sequence exactly. Attributes: shape, dtype,
// seed, seed2, and the two distribution parameters "a" and "b"
// (minval/maxval or mean/stddev). The stream itself is in random_stream.h.
#include <cmath>

#include "kernel_util.h"
#include "op_registry.h"
#include "random_stream.h"
#include "slimcore/ops.h"

namespace slimcore {

namespace {

std::vector<TensorSpec> random_shape(const InferContext& c) {
  const DType dtype = c.attrs().get<DType>("dtype");
  if (!is_floating(dtype)) c.fail_type("random values must be float32 or float64, got " + dtype_name(dtype));
  const Shape& shape = c.attrs().get<std::vector<int64_t>>("shape");
  if (!is_fully_defined(shape)) c.fail("shape must be fully defined, got " + shape_string(shape));
  return {{dtype, shape}};
}

// Fills the output with sample(stream, index, a, b), advancing the op's stream.
template <typename Sample> KernelFn random_kernel(Sample sample) {
  return [sample](KernelContext& c) {
    const auto seed = static_cast<uint64_t>(c.attrs().get<int64_t>("seed"));
    const auto seed2 = static_cast<uint64_t>(c.attrs().get<int64_t>("seed2"));
    const double a = c.attrs().get<double>("a"), b = c.attrs().get<double>("b");
    Tensor& out = c.output(0);
    uint64_t& position = c.op_counters[c.node.id];
    const Stream stream = Stream::from_seeds(seed, seed2);
    const uint64_t base = position;
    dispatch_float(out.dtype(), [&](auto zero) {
      using T = decltype(zero);
      T* o = out.data<T>();
      parallel_for(out.numel(),
                   [&](int64_t i) { o[i] = static_cast<T>(sample(stream, base + static_cast<uint64_t>(i), a, b)); });
    });
    position += static_cast<uint64_t>(out.numel());
  };
}

// U(minval, maxval)
double sample_uniform(const Stream& s, uint64_t i, double lo, double hi) {
  return lo + (hi - lo) * s.uniform(i, 0);
}
// N(mean, stddev^2)
double sample_normal(const Stream& s, uint64_t i, double mean, double stddev) {
  return mean + stddev * s.normal(i, 0);
}
// N(mean, stddev^2) conditioned on |x - mean| <= 2 stddev, by redrawing.
double sample_truncated(const Stream& s, uint64_t i, double mean, double stddev) {
  for (uint64_t draw = 0;; ++draw) {
    const double z = s.normal(i, draw);
    if (std::fabs(z) <= 2.0) return mean + stddev * z;
  }
}

REGISTER_OP("RandomUniform").inputs(0).shape(random_shape).kernel(random_kernel(sample_uniform)).not_differentiable();
REGISTER_OP("RandomNormal").inputs(0).shape(random_shape).kernel(random_kernel(sample_normal)).not_differentiable();
REGISTER_OP("TruncatedNormal")
    .inputs(0)
    .shape(random_shape)
    .kernel(random_kernel(sample_truncated))
    .not_differentiable();

Output random_op(const char* type, Graph& g, Shape shape, DType dtype, double a, double b, int64_t seed, int64_t seed2,
                 const std::string& name) {
  return g.add(type, {}, {{"shape", shape}, {"dtype", dtype}, {"a", a}, {"b", b}, {"seed", seed}, {"seed2", seed2}},
               name);
}

}  // namespace

namespace ops {
Output random_uniform(Graph& g, Shape shape, DType dtype, double minval, double maxval, int64_t seed, int64_t seed2,
                      const std::string& name) {
  if (!(maxval >= minval)) throw InvalidArgument("random_uniform: maxval must not be below minval");
  return random_op("RandomUniform", g, shape, dtype, minval, maxval, seed, seed2, name);
}
Output random_normal(Graph& g, Shape shape, DType dtype, double mean, double stddev, int64_t seed, int64_t seed2,
                     const std::string& name) {
  if (!(stddev >= 0)) throw InvalidArgument("random_normal: stddev must be >= 0");
  return random_op("RandomNormal", g, shape, dtype, mean, stddev, seed, seed2, name);
}
Output truncated_normal(Graph& g, Shape shape, DType dtype, double mean, double stddev, int64_t seed, int64_t seed2,
                        const std::string& name) {
  if (!(stddev >= 0)) throw InvalidArgument("truncated_normal: stddev must be >= 0");
  return random_op("TruncatedNormal", g, shape, dtype, mean, stddev, seed, seed2, name);
}
}  // namespace ops
}  // namespace slimcore
