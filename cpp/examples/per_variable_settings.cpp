// per_variable_settings: a C++ application that trains with per-variable
// optimizer settings, cuda-convnet's epsW/epsB (learning-rate multipliers),
// momW (momentum) and wc (decoupled weight decay), set on each variable's
// settings record before train::minimize builds the fused update:
//
//   loss = mean((x w + b - y)^2) + 0 * sum(z)       (z: only decay moves it)
//   w: lr_mult 0.5, momentum 0.5, weight_decay 0.1
//   b: lr_mult 2.0, weight_decay 0 (never decayed)
//   z: lr_mult 3.0, the optimizer's weight_decay 0.05
//   per step, for each variable: p <- p - s * d * p, then the base update
//   with learning rate 0.1 * lr_mult (s: 1, lr * lr_mult or lr_t / lr_0 by
//   the decay convention)
//
// Everything starts from fixed values, so tests/test_cpp_example.py runs the
// same model in Python and compares the final weights.
//
// Usage: per_variable_settings OUT.safetensors [algorithm] [convention] [steps]
//   algorithm: sgd, momentum (default), adam, rmsprop, adagrad
//   convention: contrib (default), lr, schedule;  steps: default 20
// Writes the final w, b, z ("dense/weights", "dense/biases", "z") to OUT.
// Exit status: 0 on success, 2 on a usage or slimcore error.
#include <slimcore/slimcore.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace sc = slimcore;
namespace ops = slimcore::ops;
namespace train = slimcore::train;

namespace {

constexpr sc::DType kF32 = sc::DType::Float32;

// A float32 tensor of `shape` with element k = f(k).
template <typename F> sc::Tensor filled(sc::Shape shape, F f) {
  sc::Tensor t(kF32, shape);
  for (int64_t k = 0; k < t.numel(); ++k) t.data<float>()[k] = static_cast<float>(f(k));
  return t;
}

// A trainable variable starting at `init`; its Assign op goes to `inits`.
sc::Output variable(sc::Graph& g, const std::string& name, const sc::Tensor& init, std::vector<int>& inits) {
  sc::Output v = ops::variable(g, name, kF32, init.shape());
  inits.push_back(ops::assign(v, ops::constant(g, init)).node_id());
  return v;
}

int usage(const char* message) {
  std::fprintf(stderr, "%s\nusage: per_variable_settings OUT.safetensors [algorithm] [convention] [steps]\n", message);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 5) return usage("expected 1 to 4 arguments");
  const std::string out = argv[1];
  const int steps = argc > 4 ? std::atoi(argv[4]) : 20;
  if (steps <= 0) return usage("steps must be a positive integer");
  try {
    auto graph = std::make_shared<sc::Graph>();
    sc::Graph& g = *graph;
    std::vector<int> inits;
    // The data: 4 samples of 3 features, 2 targets.
    const sc::Output x = ops::constant(g, filled({4, 3}, [](int64_t k) { return 0.1 * k - 0.5; }));
    const sc::Output y = ops::constant(g, filled({4, 2}, [](int64_t k) { return 0.2 * (k / 2 - k % 2); }));
    const sc::Output w =
        variable(g, "dense/weights", filled({3, 2}, [](int64_t k) { return 0.1 * (k + 1) - 0.3; }), inits);
    const sc::Output b = variable(g, "dense/biases", filled({2}, [](int64_t k) { return k ? -0.05 : 0.05; }), inits);
    const sc::Output z = variable(g, "z", filled({2}, [](int64_t k) { return k ? -2.0 : 1.0; }), inits);
    const sc::Output loss =
        ops::reduce_mean(ops::square(ops::matmul(x, w) + b - y)) + ops::reduce_sum(z) * ops::scalar(g, 0.0);

    train::settings(w).lr_mult = 0.5;       // epsW = 0.5 * lr
    train::settings(w).momentum = 0.5;      // momW
    train::settings(w).weight_decay = 0.1;  // wc
    train::settings(b).lr_mult = 2.0;       // epsB = 2 * lr
    train::settings(b).weight_decay = 0.0;  // biases are not decayed
    train::settings(z).lr_mult = 3.0;       // the optimizer's decay under its convention

    train::OptimizerSpec spec;
    spec.algorithm = argc > 2 ? argv[2] : "momentum";
    spec.decay_convention = argc > 3 ? argv[3] : "contrib";
    spec.learning_rate = 0.1;
    spec.momentum = 0.9;
    spec.weight_decay = 0.05;
    const train::TrainOp step = train::minimize(loss, {w, b, z}, spec);

    sc::Session session(graph);
    session.run({}, {}, inits);
    session.run({}, {}, step.initializers);
    for (int s = 0; s < steps; ++s) session.run({}, {}, {step.op});
    const std::vector<int> nodes{w.node_id(), b.node_id(), z.node_id()};
    sc::save_variables(session, out, nodes, {"dense/weights", "dense/biases", "z"}, {{"format", "slimcore/1"}});
    std::printf("final loss %.6f\n", session.run({}, {loss})[0].scalar_value());
  } catch (const sc::Error& e) {
    std::fprintf(stderr, "slimcore error: %s\n", e.what());
    return 2;
  }
  return 0;
}
