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
//             epsilon_convention "pytorch": eps * sqrt(1-b2^t) for eps above, which is
//             torch's  p <- keep p - lr m_hat / (sqrt(v_hat) + eps),  m_hat = m/(1-b1^t), v_hat = v/(1-b2^t)
//   rmsprop   ms <- rho ms + (1-rho) g^2;  [centered: mg <- rho mg + (1-rho) g, D = ms - mg^2]
//             mom <- mu mom + lr g / sqrt(D + eps);  p <- keep p - mom
//             epsilon_convention "pytorch": mom <- mu mom + lr g / (sqrt(D) + eps)   (torch's RMSprop)
//   adagrad   acc <- acc + g^2;  p <- keep p - lr g / sqrt(acc)
//   adadelta  acc <- rho acc + (1-rho) g^2;  u = sqrt(accu + eps) / sqrt(acc + eps) g;
//             p <- keep p - lr u;  accu <- rho accu + (1-rho) u^2
//   ftrl      (TF1's ApplyFtrlV2, with q = keep p) gs = g + 2 l2s q;  n = acc + gs^2;
//             lin <- lin + gs - (n^-lrp - acc^-lrp) / lr q;  acc <- n;
//             p <- |lin| > l1 ? (l1 sign(lin) - lin) / (n^-lrp / lr + 2 l2) : 0   (x^-lrp: sqrt when lrp = -0.5)
//   proximal  q = keep p - lr g;  p <- sign(q) max(|q| - lr l1, 0) / (1 + lr l2)
// lr is the learning rate times the variable's lr multiplier; mu its
// momentum (the optimizer's unless the variable overrides it). The decay is
// applied to the weight before the base update, the base update using the
// gradient computed at the undecayed point (TF contrib's
// DecoupledWeightDecayExtension). A coupled penalty (L2 in the loss) reaches
// this pass only through g.
//
// Work is split in blocks of 8192 floats, dynamically over the OpenMP team,
// updated in vectors of 16/8/4 floats (AVX-512/AVX/SSE) with a scalar tail,
// the read streams prefetched 2 KB ahead.
// A step is all or nothing (apply_through_shadows, else apply_all_or_nothing):
// a NaN or Inf gradient, or new values that would overflow, raise NonFinite
// with every variable, slot and beta power untouched; check_finite=False skips
// the checks. An AdamW step moves 28 bytes per parameter, checked or not, and
// runs at the memory's speed (bench/bench_optimizer.py).
//
// Inputs, attributes and slots are those slimcore/optimizer.h's builder
// (optimizer::apply) writes: the n gradients, then the scalars named by
// optimizer::hyperparameter_names(algorithm).
#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <tuple>
#include <type_traits>

#include "kernel_util.h"
#include "op_registry.h"
#include "slimcore/optimizer.h"

namespace slimcore {

namespace {

enum class Algorithm { kSgd, kMomentum, kAdam, kRmsProp, kAdagrad, kAdadelta, kFtrl, kProximalSgd };

Algorithm algorithm_of(const std::string& name) {
  if (name == "sgd") return Algorithm::kSgd;
  if (name == "momentum") return Algorithm::kMomentum;
  if (name == "adam") return Algorithm::kAdam;
  if (name == "rmsprop") return Algorithm::kRmsProp;
  if (name == "adagrad") return Algorithm::kAdagrad;
  if (name == "adadelta") return Algorithm::kAdadelta;
  if (name == "ftrl") return Algorithm::kFtrl;
  if (name == "proximal_sgd") return Algorithm::kProximalSgd;
  throw InvalidArgument("unknown optimizer algorithm '" + name + "'");
}

// One variable's update in this step: it reads p, g and the slots s0..s2 and
// writes the new values to out[0..3] (p, s0, s1, s2): the same buffers in
// place, or their places in the shadow arenas (Mode::kShadow).
struct Segment {
  float* p;
  const float* g;
  float* s0;
  float* s1;
  float* s2;
  float* out[4];
  int64_t n;
  float lr;
  float mu;
  float keep;
};

struct Hyper {
  float b1 = 0, b2 = 0, eps = 0, rho = 0;
  float l1 = 0, l2 = 0, l2_shrinkage = 0, lr_power = -0.5f;  // ftrl, proximal_sgd
  bool nesterov = false, centered = false;
  bool eps_outside_sqrt = false;  // rmsprop, epsilon_convention "pytorch": sqrt(D) + eps
  bool prefetch = false;          // a setting of the pass, not of the rule: see kPrefetchThreshold
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
  void stream(float* p) const { *p = v; }
  friend Narrow operator+(Narrow a, Narrow b) { return {a.v + b.v}; }
  friend Narrow operator-(Narrow a, Narrow b) { return {a.v - b.v}; }
  friend Narrow operator*(Narrow a, Narrow b) { return {a.v * b.v}; }
  friend Narrow operator/(Narrow a, Narrow b) { return {a.v / b.v}; }
  friend Narrow sqrt(Narrow a) { return {std::sqrt(a.v)}; }
  friend Narrow abs_max(Narrow a, Narrow b) { return {std::max(a.v, std::fabs(b.v))}; }  // max(a, |b|)
  friend Narrow abs(Narrow a) { return {std::fabs(a.v)}; }
  friend Narrow max(Narrow a, Narrow b) { return {std::max(a.v, b.v)}; }
  friend Narrow copysign(Narrow magnitude, Narrow sign) { return {std::copysign(magnitude.v, sign.v)}; }
  friend Narrow select_greater(Narrow a, Narrow b, Narrow x, Narrow y) {
    return {a.v > b.v ? x.v : y.v};
  }  // a > b ? x : y
  float reduce_max() const { return v; }
  float reduce_add() const { return v; }
};

#if defined(__AVX512F__)
struct Wide {
  static constexpr int kWidth = 16;
  __m512 v;
  static Wide load(const float* p) { return {_mm512_loadu_ps(p)}; }
  static Wide splat(float x) { return {_mm512_set1_ps(x)}; }
  void store(float* p) const { _mm512_storeu_ps(p, v); }
  void stream(float* p) const { _mm512_stream_ps(p, v); }  // p 64-byte aligned
  friend Wide operator+(Wide a, Wide b) { return {_mm512_add_ps(a.v, b.v)}; }
  friend Wide operator-(Wide a, Wide b) { return {_mm512_sub_ps(a.v, b.v)}; }
  friend Wide operator*(Wide a, Wide b) { return {_mm512_mul_ps(a.v, b.v)}; }
  friend Wide operator/(Wide a, Wide b) { return {_mm512_div_ps(a.v, b.v)}; }
  friend Wide sqrt(Wide a) { return {_mm512_sqrt_ps(a.v)}; }
  friend Wide abs_max(Wide a, Wide b) { return {_mm512_max_ps(a.v, _mm512_abs_ps(b.v))}; }
  friend Wide abs(Wide a) { return {_mm512_abs_ps(a.v)}; }
  friend Wide max(Wide a, Wide b) { return {_mm512_max_ps(b.v, a.v)}; }  // std::max: a when either is NaN
  friend Wide copysign(Wide magnitude, Wide sign) {
    const __m512i m = _mm512_castps_si512(_mm512_abs_ps(magnitude.v));
    const __m512i s = _mm512_and_si512(_mm512_castps_si512(sign.v), _mm512_set1_epi32(INT32_MIN));
    return {_mm512_castsi512_ps(_mm512_or_si512(m, s))};
  }
  friend Wide select_greater(Wide a, Wide b, Wide x, Wide y) {
    return {_mm512_mask_blend_ps(_mm512_cmp_ps_mask(a.v, b.v, _CMP_GT_OQ), y.v, x.v)};
  }
  float reduce_max() const { return _mm512_reduce_max_ps(v); }
  float reduce_add() const { return _mm512_reduce_add_ps(v); }
};
#elif defined(__AVX__)
struct Wide {
  static constexpr int kWidth = 8;
  __m256 v;
  static Wide load(const float* p) { return {_mm256_loadu_ps(p)}; }
  static Wide splat(float x) { return {_mm256_set1_ps(x)}; }
  void store(float* p) const { _mm256_storeu_ps(p, v); }
  void stream(float* p) const { _mm256_stream_ps(p, v); }  // p 32-byte aligned
  friend Wide operator+(Wide a, Wide b) { return {_mm256_add_ps(a.v, b.v)}; }
  friend Wide operator-(Wide a, Wide b) { return {_mm256_sub_ps(a.v, b.v)}; }
  friend Wide operator*(Wide a, Wide b) { return {_mm256_mul_ps(a.v, b.v)}; }
  friend Wide operator/(Wide a, Wide b) { return {_mm256_div_ps(a.v, b.v)}; }
  friend Wide sqrt(Wide a) { return {_mm256_sqrt_ps(a.v)}; }
  friend Wide abs_max(Wide a, Wide b) { return {_mm256_max_ps(a.v, _mm256_andnot_ps(_mm256_set1_ps(-0.0f), b.v))}; }
  friend Wide abs(Wide a) { return {_mm256_andnot_ps(_mm256_set1_ps(-0.0f), a.v)}; }
  friend Wide max(Wide a, Wide b) { return {_mm256_max_ps(b.v, a.v)}; }  // std::max: a when either is NaN
  friend Wide copysign(Wide magnitude, Wide sign) {
    const __m256 bit = _mm256_set1_ps(-0.0f);
    return {_mm256_or_ps(_mm256_andnot_ps(bit, magnitude.v), _mm256_and_ps(bit, sign.v))};
  }
  friend Wide select_greater(Wide a, Wide b, Wide x, Wide y) {
    return {_mm256_blendv_ps(y.v, x.v, _mm256_cmp_ps(a.v, b.v, _CMP_GT_OQ))};
  }
  float reduce_max() const {
    return reduce([](float a, float b) { return std::max(a, b); });
  }
  float reduce_add() const {
    return reduce([](float a, float b) { return a + b; });
  }
  template <typename F> float reduce(F f) const {
    float lanes[kWidth];
    store(lanes);
    float r = lanes[0];
    for (int k = 1; k < kWidth; ++k) r = f(r, lanes[k]);
    return r;
  }
};
#elif defined(__SSE2__)
struct Wide {
  static constexpr int kWidth = 4;
  __m128 v;
  static Wide load(const float* p) { return {_mm_loadu_ps(p)}; }
  static Wide splat(float x) { return {_mm_set1_ps(x)}; }
  void store(float* p) const { _mm_storeu_ps(p, v); }
  void stream(float* p) const { _mm_stream_ps(p, v); }  // p 16-byte aligned
  friend Wide operator+(Wide a, Wide b) { return {_mm_add_ps(a.v, b.v)}; }
  friend Wide operator-(Wide a, Wide b) { return {_mm_sub_ps(a.v, b.v)}; }
  friend Wide operator*(Wide a, Wide b) { return {_mm_mul_ps(a.v, b.v)}; }
  friend Wide operator/(Wide a, Wide b) { return {_mm_div_ps(a.v, b.v)}; }
  friend Wide sqrt(Wide a) { return {_mm_sqrt_ps(a.v)}; }
  friend Wide abs_max(Wide a, Wide b) { return {_mm_max_ps(a.v, _mm_andnot_ps(_mm_set1_ps(-0.0f), b.v))}; }
  friend Wide abs(Wide a) { return {_mm_andnot_ps(_mm_set1_ps(-0.0f), a.v)}; }
  friend Wide max(Wide a, Wide b) { return {_mm_max_ps(b.v, a.v)}; }  // std::max: a when either is NaN
  friend Wide copysign(Wide magnitude, Wide sign) {
    const __m128 bit = _mm_set1_ps(-0.0f);
    return {_mm_or_ps(_mm_andnot_ps(bit, magnitude.v), _mm_and_ps(bit, sign.v))};
  }
  friend Wide select_greater(Wide a, Wide b, Wide x, Wide y) {
    const __m128 mask = _mm_cmpgt_ps(a.v, b.v);
    return {_mm_or_ps(_mm_and_ps(mask, x.v), _mm_andnot_ps(mask, y.v))};
  }
  float reduce_max() const {
    return reduce([](float a, float b) { return std::max(a, b); });
  }
  float reduce_add() const {
    return reduce([](float a, float b) { return a + b; });
  }
  template <typename F> float reduce(F f) const {
    float lanes[kWidth];
    store(lanes);
    float r = lanes[0];
    for (int k = 1; k < kWidth; ++k) r = f(r, lanes[k]);
    return r;
  }
};
#else
using Wide = Narrow;
#endif

// Orders the non-temporal stores (stream()) before what follows.
inline void stream_fence() {
#if defined(__SSE2__)
  _mm_sfence();
#endif
}

// x^e lane by lane (std::pow: no vector pow without a math library).
template <typename V> V power(V x, float e) {
  float lanes[V::kWidth];
  x.store(lanes);
  for (float& l : lanes) l = std::pow(l, e);
  return V::load(lanes);
}

// Software prefetch of the streams a pass reads, this many floats ahead of
// the element being updated (one cache line of each stream per 16 floats).
// The hardware prefetchers track few streams and stop at page boundaries; with
// 4-5 read streams a core on its own (1 thread) then waits on memory.
// Prefetching past a stream's end is harmless (prefetches never fault).
// Only steps of at least kPrefetchThreshold parameters prefetch: those run
// from memory, where it gains 4-6% (a standalone AdamW loop, 1 thread, 10M-50M
// floats); a step that the caches hold runs slower with it (1M: 1.36x the time,
// 4M: 1.11x), the prefetches then only taking issue slots.
constexpr int64_t kPrefetchAhead = 512;  // 2 KB per stream
constexpr int64_t kPrefetchThreshold = int64_t{1} << 23;

inline void prefetch_ahead(int64_t i, std::initializer_list<const float*> streams) {
#if defined(__SSE2__)
  for (const float* s : streams)
    if (s) _mm_prefetch(reinterpret_cast<const char*>(s + i + kPrefetchAhead), _MM_HINT_T0);
#else
  (void)i;
  (void)streams;
#endif
}

// Calls step(V{}, i) for i in [begin, end): whole Wide vectors, then the
// scalar tail one Narrow at a time.
template <typename Step> inline void for_each_lane_group(int64_t begin, int64_t end, Step&& step) {
  int64_t i = begin;
  for (; i + Wide::kWidth <= end; i += Wide::kWidth) step(Wide{}, i);
  for (; i < end; ++i) step(Narrow{}, i);
}

// What a pass over a block does with the new values it computes: store them
// in place (kStore), only check that they are finite (kDryRun, which writes
// nothing), or write them to the shadow arenas (kShadow: non-temporal stores,
// or plain ones for kShadowCached when the step fits in the caches; a failed
// block also says whether its gradients were to blame). All return whether
// every new value of the block (weights and slots) is finite, but kUnchecked
// (check_finite=False), which stores in place and checks nothing.
enum class Mode { kStore, kDryRun, kShadow, kShadowCached, kUnchecked };

// The finiteness test of the pass, on values already in registers, no
// branch: finite() is false once some x added was NaN or Inf, and
// within_headroom() (add() only) once some |x| >= kHeadroom, which tells
// whether the values a pass stores stay in the range the next step's overflow
// bound assumes (see step_may_overflow).
// With AVX-512DQ a whole vector is classified in one instruction
// (vfpclassps: NaN or Inf; vcmpps: not below kHeadroom) and the lanes that
// fail are OR-ed into a mask register (1-cycle kor, no dependency chain
// through the vector units). Without it, 0 * x is accumulated: the sum stays 0
// while every x is finite and becomes NaN at the first NaN or Inf (the big
// test likewise on 0 * (x * 2^64), which overflows to Inf for |x| >= 2^64).
constexpr double kHeadroom = 0x1p64;
struct FiniteProbe {
#if defined(__AVX512F__) && defined(__AVX512DQ__)
  __mmask16 wide_bad = 0, wide_big = 0;
  static constexpr int kNanOrInf = 0x01 | 0x08 | 0x10 | 0x80;  // vfpclassps: QNaN, +Inf, -Inf, SNaN
  void add_finite(Wide x) { wide_bad |= _mm512_fpclass_ps_mask(x.v, kNanOrInf); }
  void add(Wide x) {
    add_finite(x);
    wide_big |= _mm512_cmp_ps_mask(_mm512_abs_ps(x.v), _mm512_set1_ps(0x1p64f), _CMP_NLT_UQ);
  }
  bool wide_finite() const { return wide_bad == 0; }
  bool wide_within_headroom() const { return wide_big == 0; }
#else
  Wide wide = Wide::splat(0.0f), wide_big = Wide::splat(0.0f);
  void add_finite(Wide x) { wide = wide + Wide::splat(0.0f) * x; }
  void add(Wide x) {
    add_finite(x);
    wide_big = wide_big + Wide::splat(0.0f) * (x * Wide::splat(0x1p64f));
  }
  bool wide_finite() const { return wide.reduce_add() == 0.0f; }
  bool wide_within_headroom() const { return wide_big.reduce_add() == 0.0f; }
#endif
  bool narrow_bad = false, narrow_big = false;  // the scalar tail
  void add_finite(Narrow x) { narrow_bad |= !std::isfinite(x.v); }
  void add(Narrow x) {
    add_finite(x);
    narrow_big |= !(std::fabs(x.v) < 0x1p64f);
  }
  bool finite() const { return wide_finite() && !narrow_bad; }
  bool within_headroom() const { return wide_within_headroom() && !narrow_big; }
};

// What a block's new values (and, for the shadow modes, gradients) were like.
enum BlockResult : char { kFine = 0, kLarge = 1, kNonFinite = 2, kBadGradient = 3 };

// max |g[begin, end)|, NaN when some g is NaN (NaN compares false, so it is
// tracked apart): read-only, the first pass over the gradients.
float max_abs_block(const float* g, int64_t begin, int64_t end, bool prefetch) {
  Wide m0 = Wide::splat(0.0f), m1 = Wide::splat(0.0f);
  FiniteProbe probe;
  int64_t i = begin;
  for (; i + 2 * Wide::kWidth <= end; i += 2 * Wide::kWidth) {
    if (prefetch) prefetch_ahead(i, {g, g + Wide::kWidth});
    const Wide a = Wide::load(g + i), b = Wide::load(g + i + Wide::kWidth);
    m0 = abs_max(m0, a);
    m1 = abs_max(m1, b);
    probe.add_finite(a);
    probe.add_finite(b);
  }
  Narrow tail = Narrow::splat(0.0f);
  for (; i < end; ++i) {
    tail = abs_max(tail, Narrow::load(g + i));
    probe.add_finite(Narrow::load(g + i));
  }
  if (!probe.finite()) return std::numeric_limits<float>::quiet_NaN();
  return std::max(abs_max(m0, m1).reduce_max(), tail.v);
}

// The update rules of the header comment, for the elements [begin, end) of one
// variable. Returns whether every new value is finite and below kHeadroom.
template <Algorithm A, Mode M>
BlockResult update_block(const Segment& s, const Hyper& h, int64_t begin, int64_t end) {
  constexpr bool kShadowed = M == Mode::kShadow || M == Mode::kShadowCached;
  float* __restrict p = s.p;
  const float* __restrict g = s.g;
  float* __restrict s0 = s.s0;
  float* __restrict s1 = s.s1;
  float* __restrict s2 = s.s2;
  // Where the new values of p, s0, s1, s2 go.
  float* __restrict out_p = kShadowed ? s.out[0] : p;
  float* __restrict out_s0 = kShadowed ? s.out[1] : s0;
  float* __restrict out_s1 = kShadowed ? s.out[2] : s1;
  float* __restrict out_s2 = kShadowed ? s.out[3] : s2;
  // Scalars in locals: read through `s` they could alias the stores.
  const float lr_ = s.lr, keep_ = s.keep, mu_ = s.mu;
  const float b1_ = h.b1, b2_ = h.b2, eps_ = h.eps, rho_ = h.rho;
  const float l1_ = h.l1, l2_ = h.l2, l2s_ = h.l2_shrinkage, lrp_ = h.lr_power;
  const bool nesterov = h.nesterov, centered = h.centered, eps_outside_sqrt = h.eps_outside_sqrt;
  const bool prefetch = h.prefetch;
  FiniteProbe probe;
  auto put = [&probe](auto x, float* dst) {
    if constexpr (kShadowed) probe.add_finite(x);
    else if constexpr (M != Mode::kUnchecked) probe.add(x);
    if constexpr (M == Mode::kStore || M == Mode::kShadowCached || M == Mode::kUnchecked) x.store(dst);
    if constexpr (M == Mode::kShadow) x.stream(dst);
  };
  for_each_lane_group(begin, end, [&](auto lanes, int64_t i) {
    using V = decltype(lanes);
    if constexpr (std::is_same_v<V, Wide>)
      if (prefetch) prefetch_ahead(i, {p, g, s0, s1, s2});
    const V lr = V::splat(lr_), keep = V::splat(keep_);
    const V pi = V::load(p + i);
    const V gi = V::load(g + i);
    if constexpr (kShadowed) probe.add_finite(gi);  // see the end
    if constexpr (A == Algorithm::kSgd) {
      put(keep * pi - lr * gi, out_p + i);
    } else if constexpr (A == Algorithm::kMomentum) {
      const V mu = V::splat(mu_);
      const V a = mu * V::load(s0 + i) + gi;  // a <- mu a + g
      put(a, out_s0 + i);
      put(keep * pi - lr * (nesterov ? gi + mu * a : a), out_p + i);
    } else if constexpr (A == Algorithm::kAdam) {
      const V b1 = V::splat(b1_), b2 = V::splat(b2_), eps = V::splat(eps_);
      const V c1 = V::splat(1.0f - b1_), c2 = V::splat(1.0f - b2_);
      const V m = b1 * V::load(s0 + i) + c1 * gi;       // m <- b1 m + (1-b1) g
      const V v = b2 * V::load(s1 + i) + c2 * gi * gi;  // v <- b2 v + (1-b2) g^2
      put(m, out_s0 + i);
      put(v, out_s1 + i);
      put(keep * pi - lr * m / (sqrt(v) + eps), out_p + i);  // lr includes sqrt(1-b2^t)/(1-b1^t)
    } else if constexpr (A == Algorithm::kRmsProp) {
      const V rho = V::splat(rho_), c = V::splat(1.0f - rho_), eps = V::splat(eps_), mu = V::splat(mu_);
      const V ms = rho * V::load(s0 + i) + c * gi * gi;  // ms <- rho ms + (1-rho) g^2
      V denom = ms;
      if (centered) {
        const V mg = rho * V::load(s2 + i) + c * gi;  // mg <- rho mg + (1-rho) g
        put(mg, out_s2 + i);
        denom = ms - mg * mg;
      }
      const V rms = eps_outside_sqrt ? sqrt(denom) + eps : sqrt(denom + eps);
      const V mom = mu * V::load(s1 + i) + lr * gi / rms;
      put(ms, out_s0 + i);
      put(mom, out_s1 + i);
      put(keep * pi - mom, out_p + i);
    } else if constexpr (A == Algorithm::kAdagrad) {
      const V acc = V::load(s0 + i) + gi * gi;  // acc <- acc + g^2
      put(acc, out_s0 + i);
      put(keep * pi - lr * gi / sqrt(acc), out_p + i);
    } else if constexpr (A == Algorithm::kAdadelta) {
      const V rho = V::splat(rho_), c = V::splat(1.0f - rho_), eps = V::splat(eps_);
      const V acc = rho * V::load(s0 + i) + c * (gi * gi);  // acc <- rho acc + (1-rho) g^2
      const V accu = V::load(s1 + i);
      const V u = sqrt(accu + eps) / sqrt(acc + eps) * gi;  // u = sqrt(accu + eps) / sqrt(acc + eps) g
      put(acc, out_s0 + i);
      put(rho * accu + c * (u * u), out_s1 + i);  // accu <- rho accu + (1-rho) u^2
      put(keep * pi - lr * u, out_p + i);
    } else if constexpr (A == Algorithm::kFtrl) {
      const V q = keep * pi, acc = V::load(s0 + i), l1 = V::splat(l1_);
      const V gs = gi + V::splat(2.0f * l2s_) * q;  // gs = g + 2 l2s q
      const V n = acc + gs * gs;                    // n = acc + gs^2 (TF1; TF2 adds g^2)
      const bool root = lrp_ == -0.5f;
      const V n_pow = root ? sqrt(n) : power(n, -lrp_);
      const V acc_pow = root ? sqrt(acc) : power(acc, -lrp_);
      const V lin = V::load(s1 + i) + gs - (n_pow - acc_pow) / lr * q;
      const V quadratic = n_pow / lr + V::splat(2.0f * l2_);
      put(n, out_s0 + i);
      put(lin, out_s1 + i);
      put(select_greater(abs(lin), l1, (copysign(l1, lin) - lin) / quadratic, V::splat(0.0f)), out_p + i);
    } else {
      const V q = keep * pi - lr * gi;  // q = keep p - lr g
      const V shrunk = l1_ > 0 ? copysign(max(abs(q) - lr * V::splat(l1_), V::splat(0.0f)), q) : q;
      put(shrunk / (V::splat(1.0f) + V::splat(l2_) * lr), out_p + i);
    }
  });
  if constexpr (M == Mode::kUnchecked) return kFine;
  if (!probe.finite()) {
    // The shadow modes probe the gradients as well as the new values: the
    // outputs alone would catch a NaN gradient only if every rule carried it
    // into some output (proximal SGD's vector max(NaN, 0) once returned 0).
    // The gradients get a second look only here, to say which it was.
    if (kShadowed && !std::isfinite(max_abs_block(g, begin, end, false))) return kBadGradient;
    return kNonFinite;
  }
  return probe.within_headroom() ? kFine : kLarge;
}

constexpr int64_t kBlock = 8192;  // floats per work item: 32 KB per stream

struct Block {
  int segment;
  int64_t begin, end;
};

// fn(b) for every block, dynamically over the team: on a shared machine a
// descheduled thread's blocks go to the others instead of holding up the
// step (blocks are large: 8192 floats).
template <typename Fn> void for_each_block(const std::vector<Segment>& segments, const std::vector<Block>& blocks,
                                           const Fn& fn) {
  int64_t total = 0;
  for (const Segment& s : segments) total += s.n;
  parallel_for_dynamic(static_cast<int64_t>(blocks.size()), total, fn);
}

// for_each_block, each thread then fencing its non-temporal stores (once per
// pass: a fence per block stalls until the write-combining buffers drain).
template <typename Fn>
void for_each_block_streaming(const std::vector<Segment>& segments, const std::vector<Block>& blocks, const Fn& fn) {
  int64_t total = 0;
  for (const Segment& s : segments) total += s.n;
  parallel_for_dynamic(static_cast<int64_t>(blocks.size()), total, fn, [] { stream_fence(); });
}

// One pass of update_block<A, M> over every block; result[i] is the worst
// BlockResult of variable i's blocks.
template <Algorithm A, Mode M>
void run_pass(const std::vector<Segment>& segments, const std::vector<Block>& blocks, const Hyper& h,
              std::vector<char>& result) {
  thread_local std::vector<char> per_block_storage;  // the calling thread's: the team writes through `per_block`
  per_block_storage.assign(blocks.size(), kFine);
  char* per_block = per_block_storage.data();
  auto one = [&](int64_t b) {
    const Block& blk = blocks[static_cast<std::size_t>(b)];
    per_block[b] = update_block<A, M>(segments[static_cast<std::size_t>(blk.segment)], h, blk.begin, blk.end);
  };
  if constexpr (M == Mode::kShadow) for_each_block_streaming(segments, blocks, one);
  else for_each_block(segments, blocks, one);
  result.assign(segments.size(), kFine);
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    char& r = result[static_cast<std::size_t>(blocks[b].segment)];
    r = std::max(r, per_block[b]);
  }
}

template <Mode M>
void run_pass(Algorithm a, const std::vector<Segment>& segments, const std::vector<Block>& blocks, const Hyper& h,
              std::vector<char>& result) {
  switch (a) {
    case Algorithm::kSgd: run_pass<Algorithm::kSgd, M>(segments, blocks, h, result); break;
    case Algorithm::kMomentum: run_pass<Algorithm::kMomentum, M>(segments, blocks, h, result); break;
    case Algorithm::kAdam: run_pass<Algorithm::kAdam, M>(segments, blocks, h, result); break;
    case Algorithm::kRmsProp: run_pass<Algorithm::kRmsProp, M>(segments, blocks, h, result); break;
    case Algorithm::kAdagrad: run_pass<Algorithm::kAdagrad, M>(segments, blocks, h, result); break;
    case Algorithm::kAdadelta: run_pass<Algorithm::kAdadelta, M>(segments, blocks, h, result); break;
    case Algorithm::kFtrl: run_pass<Algorithm::kFtrl, M>(segments, blocks, h, result); break;
    case Algorithm::kProximalSgd: run_pass<Algorithm::kProximalSgd, M>(segments, blocks, h, result); break;
  }
}

// The n-th optimizer slot's variable node of variable i (n = 0: the variable).
int node_of(const KernelContext& c, std::size_t i, std::size_t n) {
  const auto& vars = c.attrs().get<std::vector<int64_t>>("vars");
  const auto& slots = c.attrs().get<std::vector<int64_t>>("slots");
  const std::size_t per_var = vars.empty() ? 0 : slots.size() / vars.size();
  return static_cast<int>(n == 0 ? vars[i] : slots[i * per_var + n - 1]);
}

// Steps this large (elements) stream their new values past the caches; smaller
// ones store them (the shadow and the arena both stay cache-resident then).
// A standalone AdamW loop on 1 thread, shadow written with streaming / plain
// stores: 64K floats 3.1x / 1.0x the in-place loop's time, 256K 1.9x / 2.1x,
// 1M 1.8x / 2.4x (2 MB of L2 per core: from 256K on the step leaves it).
constexpr int64_t kStreamThreshold = int64_t{1} << 18;

// Steps from kStreamThreshold to this size (elements) take the in-place path
// instead of the shadows: the caches hold them, so the in-place path's extra
// read of the gradients is cheap, while streaming the shadows sends the new
// values to memory and plain stores into them read every line first.
// bench_optimizer.py, checked / unchecked step time in the same run, in place
// vs through streamed shadows: quiet machine (load 1), 10M 1.30 vs 1.84 (1
// thread), 1.28 vs 1.80 (2 threads); 50M 1.33 vs 1.20 and 1.33 vs 1.19, so
// the shadows from 2^24 (16.7M) on. Loaded (4-5), 1 thread: 1M 1.03 vs 1.85,
// 10M 1.19 vs 1.41.
constexpr int64_t kShadowThreshold = int64_t{1} << 24;

// True when some new value of variable `s` could overflow float32 this step,
// for gradients bounded by |g| <= g_max and weights and slots bounded by
// kHeadroom (which the last pass's probe vouched for). The bound is a
// sum of magnitudes term by term of the update rules, in double:
//   sgd       |keep| H + lr G
//   momentum  a: mu H + G;  p: |keep| H + lr (G + (1 + mu) a)
//   adam      m: |b1| H + |1-b1| G;  v: |b2| H + |1-b2| G^2;  p: |keep| H + lr m / eps
//   rmsprop   ms: |rho| H + |1-rho| G^2;  mom: mu H + lr G / sqrt(eps) (eps outside the sqrt:
//             lr G / eps);  p: |keep| H + mom   (adam's eps is the one the pass uses)
//   adagrad   acc: H + G^2;  p: |keep| H + lr   (|g| / sqrt(acc + g^2) <= 1)
//   proximal  p: |keep| H + lr G   (l1, l2 >= 0: the shrink and the division only lower |q|)
// adadelta and ftrl have no bound here: the in-place path always dry-runs them.
// Rules that can make a NaN from finite values are "may overflow" too: adam and
// rmsprop with a decay rate outside [0, 1] or eps <= 0, and centered rmsprop
// (ms - mg^2 can round below -eps).
bool step_may_overflow(Algorithm a, const Segment& s, const Hyper& h, double g_max) {
  const double H = kHeadroom, G = g_max, keep = std::fabs(s.keep), lr = s.lr, mu = std::fabs(s.mu);
  auto rate_ok = [](double r) { return r >= 0 && r <= 1; };
  double bound = 0;
  switch (a) {
    case Algorithm::kSgd: bound = keep * H + lr * G; break;
    case Algorithm::kMomentum: {
      const double acc = mu * H + G;
      bound = std::max(acc, keep * H + lr * (G + (1 + mu) * acc));
      break;
    }
    case Algorithm::kAdam: {
      if (!rate_ok(h.b1) || !rate_ok(h.b2) || !(h.eps > 0)) return true;
      const double m = h.b1 * H + (1 - h.b1) * G, v = h.b2 * H + (1 - h.b2) * G * G;
      bound = std::max({m, v, keep * H + lr * m / h.eps});
      break;
    }
    case Algorithm::kRmsProp: {
      if (h.centered || !rate_ok(h.rho) || !(h.eps > 0)) return true;
      const double eps = static_cast<double>(h.eps);
      const double mom = mu * H + lr * G / (h.eps_outside_sqrt ? eps : std::sqrt(eps));
      bound = std::max({h.rho * H + (1 - h.rho) * G * G, mom, keep * H + mom});
      break;
    }
    case Algorithm::kAdagrad: bound = std::max(H + G * G, keep * H + lr); break;
    case Algorithm::kProximalSgd:  // the shrink only lowers |q|
      if (!(h.l1 >= 0) || !(h.l2 >= 0)) return true;
      bound = keep * H + lr * G;
      break;
    case Algorithm::kAdadelta:
    case Algorithm::kFtrl: return true;  // no bound worked out: always the dry run (the shadow path needs none)
  }
  return !(bound < 0x1p120);  // far below FLT_MAX (~2^128): rounding cannot reach it
}

// The names of the variables whose entry in `flags` is at least `level`.
std::string names_with(const KernelContext& c, const std::vector<char>& flags, char level) {
  const auto& vars = c.attrs().get<std::vector<int64_t>>("vars");
  std::string names;
  for (std::size_t i = 0; i < flags.size(); ++i)
    if (flags[i] >= level) names += (names.empty() ? "" : ", ") + c.node_name(static_cast<int>(vars[i]));
  return names;
}

// The step through the shadow arenas (VariableStore::shadow): one fused pass
// reads each gradient once, checks it and the new values in registers, and
// writes the new weights and slots to the shadows (non-temporal stores: no
// read-for-ownership, so the pass moves as many bytes as the in-place one);
// the shadows then replace the arenas (commit_shadows), or, when some value is
// NaN or Inf, the op raises and the arenas were never written. The parts of
// an arena that other ops' variables occupy are copied to the shadow first.
// Memory: one more copy of every arena the op writes (weights and slots),
// allocated at its first checked step. No dry run and no overflow bound are
// needed here: every value is checked before anything becomes visible.
// Returns false, having done nothing, when the step does not qualify: a
// variable or slot outside the arenas, this op's variables filling less
// than half of an arena it writes (the copy would then cost more than the
// check pass of the in-place path), or a step of a size that the caches hold
// but L2 does not (kStreamThreshold <= total < kShadowThreshold).
bool apply_through_shadows(KernelContext& c, Algorithm a, std::vector<Segment>& segments,
                           const std::vector<Block>& blocks, const Hyper& h, std::vector<char>& result) {
  VariableStore& store = c.variables;
  struct Range {
    int arena;
    int64_t begin, end;  // elements, in the arena
    float** out;         // the segment's out pointer for it
  };
  std::vector<Range> ranges;
  std::vector<int> arenas;
  int64_t total = 0;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    Segment& s = segments[i];
    total += s.n;
    const float* in[4] = {s.p, s.s0, s.s1, s.s2};
    for (std::size_t n = 0; n < 4 && in[n]; ++n) {
      const int k = store.arena_of(node_of(c, i, n));
      if (k < 0) return false;
      const int64_t begin = in[n] - store.arena(k).data<float>();
      ranges.push_back({k, begin, begin + s.n, &s.out[n]});
      if (std::find(arenas.begin(), arenas.end(), k) == arenas.end()) arenas.push_back(k);
    }
  }
  if (total >= kStreamThreshold && total < kShadowThreshold) return false;
  for (int k : arenas) {
    int64_t covered = 0;
    for (const Range& r : ranges)
      if (r.arena == k) covered += r.end - r.begin;
    if (2 * covered < store.arena(k).numel()) return false;
  }

  // Out pointers into the shadows; what no segment covers is copied over.
  bool aligned = true;
  for (const Range& r : ranges) {
    *r.out = store.shadow(r.arena) + r.begin;
    aligned = aligned && reinterpret_cast<std::uintptr_t>(*r.out) % 64 == 0;
  }
  std::sort(ranges.begin(), ranges.end(),
            [](const Range& x, const Range& y) { return std::tie(x.arena, x.begin) < std::tie(y.arena, y.begin); });
  for (int k : arenas) {
    const float* live = store.arena(k).data<float>();
    float* shadow = store.shadow(k);
    int64_t at = 0;
    auto copy_to = [&](int64_t end) {
      if (end > at) std::copy(live + at, live + end, shadow + at);
      at = std::max(at, end);
    };
    for (const Range& r : ranges)
      if (r.arena == k) {
        copy_to(r.begin);
        at = std::max(at, r.end);
      }
    copy_to(store.arena(k).numel());
  }

  if (aligned && total >= kStreamThreshold) run_pass<Mode::kShadow>(a, segments, blocks, h, result);
  else run_pass<Mode::kShadowCached>(a, segments, blocks, h, result);
  std::string names = names_with(c, result, kBadGradient);
  if (!names.empty())
    throw NonFinite("op '" + c.node.name + "': NaN or Inf in the gradients of " + names +
                    "; no variable or slot was changed (check the loss and the learning rate)");
  names = names_with(c, result, kNonFinite);
  if (!names.empty())
    throw NonFinite("op '" + c.node.name + "': this step would make NaN or Inf values in " + names +
                    " (or their optimizer slots); no variable or slot was changed (the learning rate or "
                    "the gradients are too large: lower the learning rate, clip the gradients)");
  store.commit_shadows(arenas);
  c.op_counters[c.node.id] = 0;  // the in-place path's headroom record: unknown now
  return true;
}

// The step, all or nothing, in place (when apply_through_shadows does not
// qualify): either every variable and slot takes its new values, or the op
// raises NonFinite and nothing was written.
//   1. A read-only pass over the gradients (max |g| per variable): a NaN or Inf
//      raises before anything is written.
//   2. When step_may_overflow for some variable, when this op has not run yet
//      in this session, or when its last step stored a value above kHeadroom,
//      a dry run computes the new values without storing them: a non-finite
//      one raises before anything is written.
//   3. The pass that stores, its probe telling whether the next step may
//      skip the dry run. It cannot meet a non-finite value unless weights or
//      slots were set from outside the optimizer to values above kHeadroom
//      (2^64) since its last step; that case raises saying the step was
//      partly applied.
// The common step costs one extra read of the gradients (4 of AdamW's 28
// bytes per parameter); the dry run (16 more bytes read) only when a bound
// says an overflow is possible. A separate pass cannot be cheap: even at the
// fused pass's bandwidth 4 bytes more are 14% of 28, and a lone read stream
// runs far slower (about 8 GB/s on the 2-core dev machine).
//
// Cost of the check, 50M-parameter AdamW step (gradient in a variable), time
// of a checked step / an unchecked one: median over interleaved rounds [min-max
// of the per-round ratio], 2-core dev machine shared with other engineers.
//                                  1 thread              2 threads
//   in place (this path)           1.30 [1.25-1.53]      1.29 [1.26-1.32]
//   shadow arenas, quiet (load 2.5) 1.10 [0.84-1.77]     1.07 [1.05-1.13]
//   shadow arenas, load 5-10       1.06-1.17             1.07-1.13
// bench/bench_optimizer.py --unchecked at load 2.5: 2 threads 0.643 checked vs
// 0.611 ns/param unchecked (+5%), 1 thread 1.227 vs 1.137 (+8%); before the
// shadow path 0.916 vs 0.645 and 1.651 vs 1.169 (+42%, +41%). With plain
// stores into the shadows (write-allocate reads: 40 bytes a parameter) the
// shadow path measured 1.66: the non-temporal stores are what make it pay.
// Transparent huge pages for the arenas made no measurable difference.
// What the remaining gap is made of (a standalone AdamW loop over 50M floats,
// 1 thread, time / the in-place loop's, per-round medians at load 7-11): the
// check's arithmetic is not measurable (shadow pass with no check at all 1.13-
// 1.23, with the mul+add probe 1.10-1.26, with vfpclassps 1.15-1.28: the same
// within the noise); the non-temporal stores are: the in-place loop with
// streaming stores instead of plain ones costs as much (1.23-1.33), staging
// 2 KB per stream to stream them in bursts is worse (1.42-1.56), plain stores
// into the shadows far worse (1.83-1.98). Software prefetch (kPrefetchAhead)
// gains 4-8% in place and nothing measurable on the shadows, so it widens the
// gap it was meant to close while making both steps faster. Streaming stores
// in place do not help the unchecked step either (bench, in-run: 1.1-1.3x
// slower), so the unchecked baseline stays in-place plain stores.
// bench/bench_optimizer.py --unchecked, 50M, quiet machine (load 1), ns/param
// checked / unchecked, before the vfpclassps probe, the probe-free unchecked
// pass and the prefetch: 1.256 / 1.168 (1 thread), 0.642 / 0.613 (2 threads);
// after: 1.206 / 1.007, 0.651 / 0.546. The checked step barely moved and the
// unchecked one gained 11-14%: the check costs 1.19-1.20x the best unchecked
// step (the 1.05 target is not met; what is left is the streaming stores).
// The same standalone loops on a quiet machine: streamed shadows 1.17x the
// plain in-place loop (1 thread), 1.13x (2 threads); prefetched in place
// 0.94x, 0.98x. So ~1.2x is this design's floor here, and the pass is at it.
void apply_all_or_nothing(KernelContext& c, Algorithm a, const std::vector<Segment>& segments,
                          const std::vector<Block>& blocks, const Hyper& h, std::vector<char>& result) {
  thread_local std::vector<float> block_max;  // the calling thread's: the team writes through `out`
  block_max.assign(blocks.size(), 0.0f);
  float* out = block_max.data();
  for_each_block(segments, blocks, [&](int64_t b) {
    const Block& blk = blocks[static_cast<std::size_t>(b)];
    out[b] = max_abs_block(segments[static_cast<std::size_t>(blk.segment)].g, blk.begin, blk.end, h.prefetch);
  });
  std::vector<double> g_max(segments.size(), 0.0);
  std::vector<char> bad_gradient(segments.size(), 0);
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    const auto i = static_cast<std::size_t>(blocks[b].segment);
    if (std::isnan(block_max[b])) bad_gradient[i] = 1;
    else g_max[i] = std::max(g_max[i], static_cast<double>(block_max[b]));
  }
  for (std::size_t i = 0; i < segments.size(); ++i)
    if (std::isinf(g_max[i])) bad_gradient[i] = 1;
  std::string names = names_with(c, bad_gradient, 1);
  if (!names.empty())
    throw NonFinite("op '" + c.node.name + "': NaN or Inf in the gradients of " + names +
                    "; no variable or slot was changed (check the loss and the learning rate)");

  // op_counters[node] = 1: the last step of this op stored only values below
  // kHeadroom (absent before its first step in this session).
  uint64_t& within_headroom = c.op_counters[c.node.id];
  bool dry_run = within_headroom != 1;
  for (std::size_t i = 0; i < segments.size() && !dry_run; ++i)
    dry_run = step_may_overflow(a, segments[i], h, g_max[i]);
  if (dry_run) {
    run_pass<Mode::kDryRun>(a, segments, blocks, h, result);
    names = names_with(c, result, kNonFinite);
    if (!names.empty())
      throw NonFinite("op '" + c.node.name + "': this step would make NaN or Inf values in " + names +
                      " (or their optimizer slots); no variable or slot was changed (the learning rate or "
                      "the gradients are too large: lower the learning rate, clip the gradients)");
  }
  run_pass<Mode::kStore>(a, segments, blocks, h, result);
  names = names_with(c, result, kNonFinite);
  within_headroom = names_with(c, result, kLarge).empty() ? 1 : 0;
  if (!names.empty())
    throw NonFinite("op '" + c.node.name + "': NaN or Inf in the new values of " + names +
                    "; the step was partly applied: their weights or slots had been set from outside the "
                    "optimizer to values above 2^64");
}

std::vector<TensorSpec> apply_shape(const InferContext& c) {
  const auto& vars = c.attrs().get<std::vector<int64_t>>("vars");
  const std::string& algorithm = c.attrs().get<std::string>("algorithm");
  algorithm_of(algorithm);
  if (!optimizer::is_decay_convention(c.attrs().get<std::string>("decay_convention")))
    c.fail("decay_convention must be contrib, lr or schedule, got '" + c.attrs().get<std::string>("decay_convention") +
           "'");
  const std::string epsilon_convention = c.attrs().get_or<std::string>("epsilon_convention", "tf");
  if (!optimizer::is_epsilon_convention(epsilon_convention))
    c.fail("epsilon_convention must be tf or pytorch, got '" + epsilon_convention + "'");
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
  const bool pytorch_eps = attrs.get_or<std::string>("epsilon_convention", "tf") == "pytorch";
  h.eps_outside_sqrt = pytorch_eps && a == Algorithm::kRmsProp;
  h.rho = static_cast<float>(scalar("rho"));
  h.l1 = static_cast<float>(scalar("l1"));
  h.l2 = static_cast<float>(scalar("l2"));
  h.l2_shrinkage = static_cast<float>(scalar("l2_shrinkage"));
  if (a == Algorithm::kFtrl) h.lr_power = static_cast<float>(scalar("lr_power"));
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
    // torch's eps on sqrt(v_hat) = sqrt(v) / sqrt(1-b2^t) is eps * sqrt(1-b2^t) on sqrt(v).
    if (pytorch_eps) h.eps = static_cast<float>(scalar("epsilon") * std::sqrt(1.0 - b2p));
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
    segments.push_back({value.data<float>(),
                        grad.data<float>(),
                        s[0],
                        s[1],
                        s[2],
                        {nullptr, nullptr, nullptr, nullptr},
                        value.numel(),
                        static_cast<float>(var_lr * bias_correction),
                        static_cast<float>(var_mu),
                        static_cast<float>(1.0 - decay * scale)});
    for (int64_t b = 0; b < value.numel(); b += kBlock)
      blocks.push_back({static_cast<int>(i), b, std::min(value.numel(), b + kBlock)});
  }

  int64_t total = 0;
  for (const Segment& seg : segments) total += seg.n;
  h.prefetch = total >= kPrefetchThreshold;

  std::vector<char> result;
  if (!attrs.get_or<bool>("check_finite", true)) {
    run_pass<Mode::kUnchecked>(a, segments, blocks, h, result);
  } else {
    if (!apply_through_shadows(c, a, segments, blocks, h, result))
      apply_all_or_nothing(c, a, segments, blocks, h, result);
  }
  if (a == Algorithm::kAdam) {
    *beta_powers[0]->data<float>() *= h.b1;
    *beta_powers[1]->data<float>() *= h.b2;
  }
}

REGISTER_OP("ApplyOptimizer").variadic_inputs().shape(apply_shape).kernel(apply_kernel).not_differentiable();

}  // namespace
}  // namespace slimcore
