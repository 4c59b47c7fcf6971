// The epilogue fusion pass (fusion_pass.h).
#include "fusion_pass.h"

#include <cstdlib>
#include <cstring>
#include <string>

#include "kernel_util.h"
#include "op_registry.h"
#include "parallel.h"

namespace slimcore {

namespace {

// Producers whose output 0 may take a bias and an activation, and those that
// may take only an activation (batch norm: TF's FusedBatchNorm + Relu).
bool takes_bias(const std::string& type) {
  return type == "MatMul" || type == "Conv2D" || type == "DepthwiseConv2dNative";
}
bool takes_activation(const std::string& type) {
  return takes_bias(type) || type == "FusedBatchNorm";
}

// BiasAdd, or an Add of a vector along the last axis of y (what `x @ w + b`
// builds): y + b elementwise either way.
bool adds_bias(const FusionStep& step, const TensorSpec& y) {
  const std::string& type = step.node->type;
  if (type == "BiasAdd") return true;
  if (type != "Add" || step.input_specs.size() != 2) return false;
  const TensorSpec& b = step.input_specs[1];
  return b.dtype == y.dtype && b.shape.size() == 1 && y.shape.size() >= 2 && b.shape[0] >= 0 &&
         b.shape[0] == y.shape.back();
}

Activation activation_of(const std::string& type) {
  if (type == "Relu") return Activation::kRelu;
  if (type == "Relu6") return Activation::kRelu6;
  return Activation::kNone;
}

bool is_float(DType t) {
  return t == DType::Float32 || t == DType::Float64;
}

}  // namespace

Epilogue* KernelContext::take_epilogue() {
  if (epilogue) epilogue->applied = true;
  return epilogue;
}

Epilogue make_epilogue(Activation activation, const Tensor* bias, const TensorSpec& y, const Node* bias_add) {
  if (bias) infer_outputs(find_op("BiasAdd"), *bias_add, {y, TensorSpec{bias->dtype(), bias->shape()}});
  Epilogue e;
  e.activation = activation;
  e.bias = bias;
  return e;
}

void finish_epilogue(const Epilogue& e, Tensor& y) {
  if (e.applied) return;
  dispatch_float(y.dtype(), [&](auto zero) {
    using T = decltype(zero);
    T* data = y.data<T>();
    parallel_chunks(y.numel(), kParallelThreshold / 2, [&](int64_t begin, int64_t end) { e.apply(data, begin, end); });
  });
}

bool fusion_enabled() {
  const char* v = std::getenv("SLIMCORE_FUSION");
  return !(v && std::strcmp(v, "0") == 0);
}

std::vector<Fusion> find_fusions(const std::vector<FusionStep>& steps,
                                 const std::vector<std::pair<int, int>>& fetched) {
  // Readers of every step's output 0, and the only one when there is one.
  const int n = static_cast<int>(steps.size());
  std::vector<int> readers(static_cast<std::size_t>(n), 0), reader(static_cast<std::size_t>(n), -1);
  for (int s = 0; s < n; ++s)
    for (const auto& [step, index] : steps[static_cast<std::size_t>(s)].inputs)
      if (step >= 0 && index == 0) {
        ++readers[static_cast<std::size_t>(step)];
        reader[static_cast<std::size_t>(step)] = s;
      }
  for (const auto& [step, index] : fetched)
    if (step >= 0 && index == 0) readers[static_cast<std::size_t>(step)] += 2;  // never a sole reader
  // The step that alone reads step s's output 0, through its input 0 only (else -1).
  auto sole_reader = [&](int s) {
    if (readers[static_cast<std::size_t>(s)] != 1) return -1;
    const int r = reader[static_cast<std::size_t>(s)];
    const FusionStep& next = steps[static_cast<std::size_t>(r)];
    if (!next.fusable || next.inputs.empty() || next.inputs[0] != std::make_pair(s, 0)) return -1;
    for (std::size_t i = 1; i < next.inputs.size(); ++i)
      if (next.inputs[i].first == s) return -1;  // reads the intermediate twice
    return r;
  };

  std::vector<Fusion> fusions;
  for (int s = 0; s < n; ++s) {
    const FusionStep& p = steps[static_cast<std::size_t>(s)];
    if (!p.fusable || !takes_activation(p.node->type) || p.node->outputs.empty() || !is_float(p.node->outputs[0].dtype))
      continue;
    Fusion f;
    f.producer = s;
    int tail = s;  // the chain's last step so far
    const int r = sole_reader(s);
    if (r >= 0 && takes_bias(p.node->type) && adds_bias(steps[static_cast<std::size_t>(r)], p.node->outputs[0])) {
      f.bias_add = r;
      tail = r;
    }
    const int a = tail == s ? r : sole_reader(tail);
    if (a >= 0) {
      const Activation kind = activation_of(steps[static_cast<std::size_t>(a)].node->type);
      if (kind != Activation::kNone) {
        f.activation = a;
        f.kind = kind;
      }
    }
    if (f.bias_add >= 0 || f.activation >= 0) fusions.push_back(f);
  }
  return fusions;
}

}  // namespace slimcore
