// Random tensors: RandomUniform, RandomNormal, TruncatedNormal (shape an
// attribute), the same from a 1-D int shape tensor computed by the graph
// (RandomUniformFromShape, RandomNormalFromShape, TruncatedNormalFromShape,
// tf.random_normal(tf.shape(z))), and RandomUniformInt(shape, minval,
// maxval) (TF1's op: integers in [minval, maxval)).
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

// Calls fill(stream, base) to write this run's values into output 0, element
// i being stream element base + i, and advances the op's stream past them.
template <typename Fill> void draw(KernelContext& c, Fill fill) {
  const auto seed = static_cast<uint64_t>(c.attrs().get<int64_t>("seed"));
  const auto seed2 = static_cast<uint64_t>(c.attrs().get<int64_t>("seed2"));
  uint64_t& position = c.op_counters[c.node.id];
  fill(Stream::from_seeds(seed, seed2), position);
  position += static_cast<uint64_t>(c.output(0).numel());
}

// Fills the output with sample(stream, index, a, b).
template <typename Sample> KernelFn random_kernel(Sample sample) {
  return [sample](KernelContext& c) {
    const double a = c.attrs().get<double>("a"), b = c.attrs().get<double>("b");
    Tensor& out = c.output(0);
    draw(c, [&](const Stream& stream, uint64_t base) {
      dispatch_float(out.dtype(), [&](auto zero) {
        using T = decltype(zero);
        T* o = out.data<T>();
        parallel_for(out.numel(),
                     [&](int64_t i) { o[i] = static_cast<T>(sample(stream, base + static_cast<uint64_t>(i), a, b)); });
      });
    });
  };
}

// The output shape a shape tensor holds at run time: a 1-D int32/int64 tensor
// of non-negative entries, agreeing with the static shape the graph knew
// (attr "shape", -1 where unknown).
Shape shape_from_tensor(const KernelContext& c, const Tensor& t) {
  if (t.shape().size() != 1) c.fail("shape must be a 1-D tensor, got shape " + shape_string(t.shape()));
  Shape shape(static_cast<std::size_t>(t.numel()));
  for (std::size_t i = 0; i < shape.size(); ++i)
    shape[i] = t.dtype() == DType::Int32 ? t.data<int32_t>()[i] : t.data<int64_t>()[i];
  for (int64_t d : shape)
    if (d < 0) c.fail("shape " + shape_string(shape) + " has a negative dimension");
  const Shape& known = c.attrs().get<std::vector<int64_t>>("shape");
  if (!shape_compatible(known, shape))
    c.fail("shape " + shape_string(shape) + " differs from the static shape " + shape_string(known));
  check_shape_size(shape, dtype_size(c.attrs().get<DType>("dtype")));
  return shape;
}

// Static rule of the ops that read their shape from input 0: the attribute
// "shape" (what the graph knew of the shape tensor's value, -1 unknown),
// after checking that input 0 can be a shape.
std::vector<TensorSpec> shape_input_rule(const InferContext& c, bool floating) {
  const DType dtype = c.attrs().get<DType>("dtype");
  if (floating && !is_floating(dtype))
    c.fail_type("random values must be float32 or float64, got " + dtype_name(dtype));
  if (!floating && dtype != DType::Int32 && dtype != DType::Int64)
    c.fail_type("random integers must be int32 or int64, got " + dtype_name(dtype));
  const TensorSpec& s = c.input(0);
  if (s.dtype != DType::Int32 && s.dtype != DType::Int64)
    c.fail_type("shape must be an int32 or int64 tensor, got " + dtype_name(s.dtype));
  const Shape& known = c.attrs().get<std::vector<int64_t>>("shape");
  if (s.shape.size() != 1 || (s.shape[0] >= 0 && s.shape[0] != static_cast<int64_t>(known.size())))
    c.fail("shape must be a 1-D tensor of " + std::to_string(known.size()) + " dimensions, got shape " +
           shape_string(s.shape));
  return {{dtype, known}};
}

// A random kernel writing into an output it allocates from input 0's value.
KernelFn from_shape(KernelFn fill) {
  return [fill](KernelContext& c) {
    c.outputs[0] = Tensor(c.attrs().get<DType>("dtype"), shape_from_tensor(c, c.input(0)));
    fill(c);
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

REGISTER_OP("RandomUniformFromShape")
    .inputs(1)
    .shape([](const InferContext& c) { return shape_input_rule(c, true); })
    .kernel(from_shape(random_kernel(sample_uniform)))
    .sets_own_outputs()
    .not_differentiable();
REGISTER_OP("RandomNormalFromShape")
    .inputs(1)
    .shape([](const InferContext& c) { return shape_input_rule(c, true); })
    .kernel(from_shape(random_kernel(sample_normal)))
    .sets_own_outputs()
    .not_differentiable();
REGISTER_OP("TruncatedNormalFromShape")
    .inputs(1)
    .shape([](const InferContext& c) { return shape_input_rule(c, true); })
    .kernel(from_shape(random_kernel(sample_truncated)))
    .sets_own_outputs()
    .not_differentiable();

// RandomUniformInt(shape, minval, maxval): minval + (bits mod (maxval -
// minval)), integers in [minval, maxval) (TF1's op; the modulo bias is below
// 2^-32 for ranges under 2^32). minval and maxval are 0-D tensors of dtype.
REGISTER_OP("RandomUniformInt")
    .inputs(3)
    .shape([](const InferContext& c) {
      std::vector<TensorSpec> out = shape_input_rule(c, false);
      for (int i = 1; i < 3; ++i) {
        const char* what = i == 1 ? "minval" : "maxval";
        if (c.input(i).dtype != out[0].dtype)
          c.fail_type(std::string(what) + " must have dtype " + dtype_name(out[0].dtype) + ", got " +
                      dtype_name(c.input(i).dtype));
        if (!c.input(i).shape.empty())
          c.fail(std::string(what) + " must be a scalar, got shape " + shape_string(c.input(i).shape));
      }
      return out;
    })
    .kernel(from_shape([](KernelContext& c) {
      Tensor& out = c.output(0);
      auto fill = [&](auto zero) {
        using T = decltype(zero);
        const T lo = c.input(1).data<T>()[0], hi = c.input(2).data<T>()[0];
        if (!(lo < hi)) c.fail("Need minval < maxval: " + std::to_string(lo) + " >= " + std::to_string(hi));
        const uint64_t range = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);  // mod 2^64
        draw(c, [&](const Stream& stream, uint64_t base) {
          T* o = out.data<T>();
          parallel_for(out.numel(), [&](int64_t i) {
            o[i] = static_cast<T>(static_cast<uint64_t>(lo) + stream.bits(base + static_cast<uint64_t>(i), 0) % range);
          });
        });
      };
      if (out.dtype() == DType::Int32) fill(int32_t{0});
      else fill(int64_t{0});
    }))
    .sets_own_outputs()
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
