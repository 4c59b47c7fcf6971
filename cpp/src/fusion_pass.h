// Epilogue fusion over an executor plan, as TensorFlow's grappler remapper
// (_FusedConv2D, _FusedMatMul, FusedBatchNorm + Relu): a chain
//
//   producer -> [BiasAdd] -> [Relu | Relu6]
//
// (an Add of a vector along the last axis counts as a BiasAdd: `x @ w + b`)
// whose intermediate tensors nothing else reads runs as one step: the
// producer's kernel applies the epilogue
//
//   y[..., c] = act(p[..., c] + bias[c])      (act: identity, max(0, .), min(max(0, .), 6))
//
// to its output in place, block by block while the block is in cache
// (MatMul, Conv2D, DepthwiseConv2dNative and FusedBatchNorm take it with
// KernelContext::take_epilogue; for any other producer the executor applies
// it over the whole output right after the kernel). The absorbed BiasAdd and
// activation steps do not run: their outputs are the producer's buffer. The
// numbers are the unfused ones bit for bit (the same additions and
// comparisons in the same order), and gradients are untouched: the gradient
// graph reads only the activation's output (ReluGrad and Relu6Grad take y)
// and the producer's inputs, never the intermediates, which is what lets
// them die. A chain with a bias runs at the BiasAdd's place in the plan (the
// bias may be computed after the producer).
//
// A chain is left unfused when an intermediate (the producer's output 0 or
// the BiasAdd's output) is fetched, fed, read by another step, placed in the
// gradient arena, or when a step of the chain is in a tf.cond context.
#pragma once
#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "slimcore/graph.h"
#include "slimcore/tensor.h"

namespace slimcore {

struct OpDef;

enum class Activation { kNone, kRelu, kRelu6 };

// What a fused producer applies to its output 0 (KernelContext::epilogue).
struct Epilogue {
  const Tensor* bias = nullptr;  // [C], C the output's last dimension; null: none
  Activation activation = Activation::kNone;
  bool applied = false;  // set by a kernel that applied it itself (take_epilogue)

  // y[i] = act(y[i] + bias[i % C]) for i in [begin, end) of the output y.
  template <typename T> void apply(T* y, int64_t begin, int64_t end) const {
    if (begin >= end) return;
    if (bias) {
      const T* b = bias->data<T>();
      const int64_t C = bias->numel();
      for (int64_t i = begin, c = begin % C; i < end; c = 0) {
        const int64_t len = std::min(end - i, C - c);
        T* yi = y + i;
        const T* bc = b + c;
#pragma omp simd
        for (int64_t k = 0; k < len; ++k) yi[k] = yi[k] + bc[k];
        i += len;
      }
    }
    if (activation == Activation::kRelu) {
#pragma omp simd
      for (int64_t i = begin; i < end; ++i) y[i] = y[i] < T(0) ? T(0) : y[i];
    } else if (activation == Activation::kRelu6) {
#pragma omp simd
      for (int64_t i = begin; i < end; ++i) y[i] = y[i] < T(0) ? T(0) : (y[i] > T(6) ? T(6) : y[i]);
    }
  }
};

// The part of a plan the pass reads: per step its node, op and inputs.
struct FusionStep {
  const Node* node = nullptr;
  const OpDef* def = nullptr;
  std::vector<std::pair<int, int>> inputs;  // (producing step, output index); step -1: fed
  std::vector<TensorSpec> input_specs;      // as at graph construction
  bool fusable = true;                      // false: in a cond context, or an output placed elsewhere
};

// One fused chain: step indices into the plan (-1: not in the chain).
struct Fusion {
  int producer = -1;
  int bias_add = -1;
  int activation = -1;
  Activation kind = Activation::kNone;
};

// The chains of `steps` (topologically ordered) that can run fused; `fetched`
// lists the (step, output index) pairs the run returns.
std::vector<Fusion> find_fusions(const std::vector<FusionStep>& steps, const std::vector<std::pair<int, int>>& fetched);

// The epilogue of a fused producer whose output 0 has spec `y`, bias (null:
// none) checked by BiasAdd's shape rule, errors naming `bias_add` (the
// absorbed BiasAdd or Add, which no longer runs its own rule).
Epilogue make_epilogue(Activation activation, const Tensor* bias, const TensorSpec& y, const Node* bias_add);

// Applies `e` to the whole of y (output 0 of its producer) unless a kernel
// applied it already.
void finish_epilogue(const Epilogue& e, Tensor& y);

// Whether fusion is on (SLIMCORE_FUSION=0 in the environment turns it off,
// for A/B measurements and to rule it out when debugging).
bool fusion_enabled();

}  // namespace slimcore
