// ApplyOptimizer: one fused, multi-threaded, vectorized pass that updates
// every trainable float32 variable of a train op, reading its gradient and
// writing the variable and its slots in place (variables and slots are
// views into the session's parallel arenas).
//
// Per variable i, with keep_i = 1 - d_i * s (decoupled decay d_i, scaled by
// s = 1 ("contrib": TF contrib's rule), the current learning rate lr * lr_mult
// ("lr": PyTorch/Keras) or the schedule multiplier lr_t / lr_0 ("schedule":
// the paper)), TF1's update rules:
//   sgd       p <- keep p - lr g
//   momentum  a <- mu a + g;  p <- keep p - lr a   (nesterov: keep p - lr (g + mu a))
//   adam      m <- b1 m + (1-b1) g;  v <- b2 v + (1-b2) g^2;
//             p <- keep p - lr sqrt(1-b2^t)/(1-b1^t) m / (sqrt(v) + eps)   (TF1's eps-hat)
//   rmsprop   ms <- rho ms + (1-rho) g^2;  [centered: mg <- rho mg + (1-rho) g, D = ms - mg^2]
//             mom <- mu mom + lr g / sqrt(D + eps);  p <- keep p - mom
//   adagrad   acc <- acc + g^2;  p <- keep p - lr g / sqrt(acc)
// lr is the learning rate times the variable's lr multiplier; mu its
// momentum (the optimizer's unless the variable overrides it). The decay is
// applied to the weight before the base update, the base update using the
// gradient computed at the undecayed point (TF contrib's
// DecoupledWeightDecayExtension). A coupled penalty (L2 in the loss) reaches
// this pass only through g.
//
// Work is split in blocks of 8192 floats, dynamically over the OpenMP team;
// each block first checks its gradients (a NaN or Inf leaves the block
// untouched and the op raises NonFinite after the pass), then updates in
// vectors of 16/8/4 floats (AVX-512/AVX/SSE) with a scalar tail. An AdamW step
// moves 28 bytes per parameter and runs at the memory's speed
// (bench/bench_optimizer.py).
//
// Inputs, attributes and slots are those slimcore/optimizer.h's builder
// (optimizer::apply) writes: the n gradients, then the scalars named by
// optimizer::hyperparameter_names(algorithm).
#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernel_util.h"
#include "op_registry.h"
#include "slimcore/optimizer.h"

namespace slimcore {

namespace {

enum class Algorithm { kSgd, kMomentum, kAdam, kRmsProp, kAdagrad };

Algorithm algorithm_of(const std::string& name) {
  if (name == "sgd") return Algorithm::kSgd;
  if (name == "momentum") return Algorithm::kMomentum;
  if (name == "adam") return Algorithm::kAdam;
  if (name == "rmsprop") return Algorithm::kRmsProp;
  if (name == "adagrad") return Algorithm::kAdagrad;
  throw InvalidArgument("unknown optimizer algorithm '" + name + "'");
}

// One variable's update in this step.
struct Segment {
  float* p;
  const float* g;
  float* s0;
  float* s1;
  float* s2;
  int64_t n;
  float lr;
  float mu;
  float keep;
};

struct Hyper {
  float b1 = 0, b2 = 0, eps = 0, rho = 0;
  bool nesterov = false, centered = false;
};

// ---- a minimal SIMD layer ------------------------------------------------------
// Wide is the widest float vector the build targets (16, 8 or 4 lanes), Narrow
// one float; both have the same operators, so each update rule below is
// written once and runs on whole vectors then on the scalar tail. The explicit
// vector sqrt is the point: with errno semantics (no -fno-math-errno) GCC keeps
// std::sqrt scalar, and with it the whole loop (it was 3x slower than memory).
struct Narrow {
  static constexpr int kWidth = 1;
  float v;
  static Narrow load(const float* p) { return {*p}; }
  static Narrow splat(float x) { return {x}; }
  void store(float* p) const { *p = v; }
  friend Narrow operator+(Narrow a, Narrow b) { return {a.v + b.v}; }
  friend Narrow operator-(Narrow a, Narrow b) { return {a.v - b.v}; }
  friend Narrow operator*(Narrow a, Narrow b) { return {a.v * b.v}; }
  friend Narrow operator/(Narrow a, Narrow b) { return {a.v / b.v}; }
  friend Narrow sqrt(Narrow a) { return {std::sqrt(a.v)}; }
};

#if defined(__AVX512F__)
struct Wide {
  static constexpr int kWidth = 16;
  __m512 v;
  static Wide load(const float* p) { return {_mm512_loadu_ps(p)}; }
  static Wide splat(float x) { return {_mm512_set1_ps(x)}; }
  void store(float* p) const { _mm512_storeu_ps(p, v); }
  friend Wide operator+(Wide a, Wide b) { return {_mm512_add_ps(a.v, b.v)}; }
  friend Wide operator-(Wide a, Wide b) { return {_mm512_sub_ps(a.v, b.v)}; }
  friend Wide operator*(Wide a, Wide b) { return {_mm512_mul_ps(a.v, b.v)}; }
  friend Wide operator/(Wide a, Wide b) { return {_mm512_div_ps(a.v, b.v)}; }
  friend Wide sqrt(Wide a) { return {_mm512_sqrt_ps(a.v)}; }
};
#elif defined(__AVX__)
struct Wide {
  static constexpr int kWidth = 8;
  __m256 v;
  static Wide load(const float* p) { return {_mm256_loadu_ps(p)}; }
  static Wide splat(float x) { return {_mm256_set1_ps(x)}; }
  void store(float* p) const { _mm256_storeu_ps(p, v); }
  friend Wide operator+(Wide a, Wide b) { return {_mm256_add_ps(a.v, b.v)}; }
  friend Wide operator-(Wide a, Wide b) { return {_mm256_sub_ps(a.v, b.v)}; }
  friend Wide operator*(Wide a, Wide b) { return {_mm256_mul_ps(a.v, b.v)}; }
  friend Wide operator/(Wide a, Wide b) { return {_mm256_div_ps(a.v, b.v)}; }
  friend Wide sqrt(Wide a) { return {_mm256_sqrt_ps(a.v)}; }
};
#elif defined(__SSE2__)
struct Wide {
  static constexpr int kWidth = 4;
  __m128 v;
  static Wide load(const float* p) { return {_mm_loadu_ps(p)}; }
  static Wide splat(float x) { return {_mm_set1_ps(x)}; }
  void store(float* p) const { _mm_storeu_ps(p, v); }
  friend Wide operator+(Wide a, Wide b) { return {_mm_add_ps(a.v, b.v)}; }
  friend Wide operator-(Wide a, Wide b) { return {_mm_sub_ps(a.v, b.v)}; }
  friend Wide operator*(Wide a, Wide b) { return {_mm_mul_ps(a.v, b.v)}; }
  friend Wide operator/(Wide a, Wide b) { return {_mm_div_ps(a.v, b.v)}; }
  friend Wide sqrt(Wide a) { return {_mm_sqrt_ps(a.v)}; }
};
#else
using Wide = Narrow;
#endif

// Calls step(V{}, i) for i in [begin, end): whole Wide vectors, then the
// scalar tail one Narrow at a time.
template <typename Step> inline void for_each_lane_group(int64_t begin, int64_t end, Step&& step) {
  int64_t i = begin;
  for (; i + Wide::kWidth <= end; i += Wide::kWidth) step(Wide{}, i);
  for (; i < end; ++i) step(Narrow{}, i);
}

// The update rules of the header comment, for the elements [begin, end) of one
// variable.
template <Algorithm A>
void update_block(const Segment& s, const Hyper& h, int64_t begin, int64_t end) {
  float* __restrict p = s.p;
  const float* __restrict g = s.g;
  float* __restrict s0 = s.s0;
  float* __restrict s1 = s.s1;
  float* __restrict s2 = s.s2;
  // Scalars in locals: read through `s` they could alias the stores.
  const float lr_ = s.lr, keep_ = s.keep, mu_ = s.mu;
  const float b1_ = h.b1, b2_ = h.b2, eps_ = h.eps, rho_ = h.rho;
  const bool nesterov = h.nesterov, centered = h.centered;
  for_each_lane_group(begin, end, [=](auto lanes, int64_t i) {
    using V = decltype(lanes);
    const V lr = V::splat(lr_), keep = V::splat(keep_);
    const V pi = V::load(p + i);
    const V gi = V::load(g + i);
    if constexpr (A == Algorithm::kSgd) {
      (keep * pi - lr * gi).store(p + i);
    } else if constexpr (A == Algorithm::kMomentum) {
      const V mu = V::splat(mu_);
      const V a = mu * V::load(s0 + i) + gi;  // a <- mu a + g
      a.store(s0 + i);
      (keep * pi - lr * (nesterov ? gi + mu * a : a)).store(p + i);
    } else if constexpr (A == Algorithm::kAdam) {
      const V b1 = V::splat(b1_), b2 = V::splat(b2_), eps = V::splat(eps_);
      const V c1 = V::splat(1.0f - b1_), c2 = V::splat(1.0f - b2_);
      const V m = b1 * V::load(s0 + i) + c1 * gi;       // m <- b1 m + (1-b1) g
      const V v = b2 * V::load(s1 + i) + c2 * gi * gi;  // v <- b2 v + (1-b2) g^2
      m.store(s0 + i);
      v.store(s1 + i);
      (keep * pi - lr * m / (sqrt(v) + eps)).store(p + i);  // lr includes sqrt(1-b2^t)/(1-b1^t)
    } else if constexpr (A == Algorithm::kRmsProp) {
      const V rho = V::splat(rho_), c = V::splat(1.0f - rho_), eps = V::splat(eps_), mu = V::splat(mu_);
      const V ms = rho * V::load(s0 + i) + c * gi * gi;  // ms <- rho ms + (1-rho) g^2
      V denom = ms;
      if (centered) {
        const V mg = rho * V::load(s2 + i) + c * gi;  // mg <- rho mg + (1-rho) g
        mg.store(s2 + i);
        denom = ms - mg * mg;
      }
      const V mom = mu * V::load(s1 + i) + lr * gi / sqrt(denom + eps);
      ms.store(s0 + i);
      mom.store(s1 + i);
      (keep * pi - mom).store(p + i);
    } else {
      const V acc = V::load(s0 + i) + gi * gi;  // acc <- acc + g^2
      acc.store(s0 + i);
      (keep * pi - lr * gi / sqrt(acc)).store(p + i);
    }
  });
}

// True when every g[begin, end) is finite: 0 * g is 0 for finite g and NaN
// for NaN or Inf, so the sum of 0 * g is 0 exactly when all are finite.
bool finite_block(const float* g, int64_t begin, int64_t end) {
  Wide acc0 = Wide::splat(0.0f), acc1 = Wide::splat(0.0f);
  const Wide zero = Wide::splat(0.0f);
  int64_t i = begin;
  for (; i + 2 * Wide::kWidth <= end; i += 2 * Wide::kWidth) {
    acc0 = acc0 + zero * Wide::load(g + i);
    acc1 = acc1 + zero * Wide::load(g + i + Wide::kWidth);
  }
  float lanes[Wide::kWidth];
  (acc0 + acc1).store(lanes);
  float probe = 0.0f;
  for (int k = 0; k < Wide::kWidth; ++k) probe += lanes[k];
  for (; i < end; ++i) probe += 0.0f * g[i];
  return probe == 0.0f;
}

constexpr int64_t kBlock = 8192;  // floats per work item: 32 KB per stream

struct Block {
  int segment;
  int64_t begin, end;
};

template <Algorithm A>
void run_pass(const std::vector<Segment>& segments, const std::vector<Block>& blocks, const Hyper& h, bool check,
              std::vector<char>& bad) {
  const int64_t count = static_cast<int64_t>(blocks.size());
  int64_t total = 0;
  for (const Segment& s : segments) total += s.n;
  // Dynamic: on a shared machine a descheduled thread's blocks go to the
  // others instead of holding up the step (blocks are large: 8192 floats).
  parallel_for_dynamic(count, total, [&](int64_t b) {
    const Block& blk = blocks[static_cast<std::size_t>(b)];
    const Segment& s = segments[static_cast<std::size_t>(blk.segment)];
    if (check && !finite_block(s.g, blk.begin, blk.end)) {
      char& flag = bad[static_cast<std::size_t>(blk.segment)];
#pragma omp atomic write
      flag = 1;  // the block keeps its old values
      return;
    }
    update_block<A>(s, h, blk.begin, blk.end);
  });
}

std::vector<TensorSpec> apply_shape(const InferContext& c) {
  const auto& vars = c.attrs().get<std::vector<int64_t>>("vars");
  const std::string& algorithm = c.attrs().get<std::string>("algorithm");
  algorithm_of(algorithm);
  if (!optimizer::is_decay_convention(c.attrs().get<std::string>("decay_convention")))
    c.fail("decay_convention must be contrib, lr or schedule, got '" + c.attrs().get<std::string>("decay_convention") +
           "'");
  const int expected = static_cast<int>(vars.size() + optimizer::hyperparameter_names(algorithm).size());
  if (c.num_inputs() != expected)
    c.fail("expected " + std::to_string(expected) + " inputs (gradients and hyperparameters), got " +
           std::to_string(c.num_inputs()));
  for (std::size_t i = 0; i < vars.size(); ++i)
    if (c.input(static_cast<int>(i)).dtype != DType::Float32)
      c.fail_type("gradient " + std::to_string(i) + " must be float32");
  for (int i = static_cast<int>(vars.size()); i < expected; ++i)
    if (!c.input(i).shape.empty()) c.fail("hyperparameter inputs must be scalars");
  return {};
}

void apply_kernel(KernelContext& c) {
  const Attrs& attrs = c.attrs();
  const Algorithm a = algorithm_of(attrs.get<std::string>("algorithm"));
  const auto& vars = attrs.get<std::vector<int64_t>>("vars");
  const auto& slots = attrs.get<std::vector<int64_t>>("slots");
  const auto& lr_mult = attrs.get<std::vector<double>>("lr_mult");
  const auto& mu_override = attrs.get<std::vector<double>>("momentum_override");
  const auto& own_decay = attrs.get<std::vector<double>>("decay");
  const auto& decay_from_input = attrs.get<std::vector<int64_t>>("decay_from_input");
  const std::string& convention = attrs.get<std::string>("decay_convention");
  const std::size_t n = vars.size();
  const std::size_t per_var = n ? slots.size() / n : 0;

  // The scalar inputs by name, in the builder's order.
  const std::vector<std::string> hypers = optimizer::hyperparameter_names(attrs.get<std::string>("algorithm"));
  auto scalar = [&](const char* name) {
    const auto at = std::find(hypers.begin(), hypers.end(), name);
    return at == hypers.end() ? 0.0 : c.input(static_cast<int>(n + (at - hypers.begin()))).scalar_value();
  };
  const double lr = scalar("learning_rate");
  const double mu = scalar("momentum");
  Hyper h;
  h.nesterov = attrs.get_or<bool>("nesterov", false);
  h.centered = attrs.get_or<bool>("centered", false);
  h.b1 = static_cast<float>(scalar("beta1"));
  h.b2 = static_cast<float>(scalar("beta2"));
  h.eps = static_cast<float>(scalar("epsilon"));
  h.rho = static_cast<float>(scalar("rho"));
  const double weight_decay = scalar("weight_decay");
  const double multiplier = scalar("decay_multiplier");
  if (!(lr >= 0) || !std::isfinite(lr)) c.fail("learning rate must be finite and >= 0, got " + std::to_string(lr));
  if (!(weight_decay >= 0) || !std::isfinite(weight_decay))
    c.fail("weight_decay must be finite and >= 0, got " + std::to_string(weight_decay));

  // Adam's step: TF1 keeps beta1^t and beta2^t in two variables.
  double bias_correction = 1.0;
  const Tensor* beta_powers[2] = {nullptr, nullptr};
  if (a == Algorithm::kAdam) {
    const auto& nonslot = attrs.get<std::vector<int64_t>>("nonslot");
    beta_powers[0] = &c.variables.value(static_cast<int>(nonslot[0]));
    beta_powers[1] = &c.variables.value(static_cast<int>(nonslot[1]));
    const double b1p = beta_powers[0]->scalar_value(), b2p = beta_powers[1]->scalar_value();
    bias_correction = std::sqrt(1.0 - b2p) / (1.0 - b1p);
  }

  thread_local std::vector<Segment> segments;
  thread_local std::vector<Block> blocks;
  segments.clear();
  blocks.clear();
  for (std::size_t i = 0; i < n; ++i) {
    const int var = static_cast<int>(vars[i]);
    const Tensor& value = c.variables.value(var);
    const Tensor& grad = c.input(static_cast<int>(i));
    if (value.dtype() != DType::Float32) c.fail("variable " + c.node_name(var) + " is not float32");
    if (grad.shape() != value.shape())
      c.fail("gradient of shape " + shape_string(grad.shape()) + " does not match variable " + c.node_name(var) +
             " of shape " + shape_string(value.shape()));
    float* s[3] = {nullptr, nullptr, nullptr};
    for (std::size_t k = 0; k < per_var && k < 3; ++k)
      s[k] = c.variables.value(static_cast<int>(slots[i * per_var + k])).data<float>();
    const double var_lr = lr * lr_mult[i];
    const double decay = decay_from_input[i] ? weight_decay : own_decay[i];
    const double scale = convention == "lr" ? var_lr : convention == "schedule" ? multiplier : 1.0;
    const double var_mu = std::isnan(mu_override[i]) ? mu : mu_override[i];
    segments.push_back({value.data<float>(), grad.data<float>(), s[0], s[1], s[2], value.numel(),
                        static_cast<float>(var_lr * bias_correction), static_cast<float>(var_mu),
                        static_cast<float>(1.0 - decay * scale)});
    for (int64_t b = 0; b < value.numel(); b += kBlock)
      blocks.push_back({static_cast<int>(i), b, std::min(value.numel(), b + kBlock)});
  }

  const bool check = attrs.get_or<bool>("check_finite", true);
  thread_local std::vector<char> bad;
  bad.assign(n, 0);
  switch (a) {
    case Algorithm::kSgd: run_pass<Algorithm::kSgd>(segments, blocks, h, check, bad); break;
    case Algorithm::kMomentum: run_pass<Algorithm::kMomentum>(segments, blocks, h, check, bad); break;
    case Algorithm::kAdam: run_pass<Algorithm::kAdam>(segments, blocks, h, check, bad); break;
    case Algorithm::kRmsProp: run_pass<Algorithm::kRmsProp>(segments, blocks, h, check, bad); break;
    case Algorithm::kAdagrad: run_pass<Algorithm::kAdagrad>(segments, blocks, h, check, bad); break;
  }
  std::string names;
  for (std::size_t i = 0; i < n; ++i)
    if (bad[i]) names += (names.empty() ? "" : ", ") + c.node_name(static_cast<int>(vars[i]));
  if (!names.empty())
    throw NonFinite("op '" + c.node.name + "': NaN or Inf in the gradients of " + names +
                    "; those blocks of the weights were left unchanged (check the loss and the "
                    "learning rate)");
  if (a == Algorithm::kAdam) {
    *beta_powers[0]->data<float>() *= h.b1;
    *beta_powers[1]->data<float>() *= h.b2;
  }
}

REGISTER_OP("ApplyOptimizer").variadic_inputs().shape(apply_shape).kernel(apply_kernel).not_differentiable();

}  // namespace
}  // namespace slimcore
