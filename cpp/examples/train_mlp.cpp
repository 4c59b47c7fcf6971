// train_mlp: a C++ application that trains a small MLP with slimcore's public
// API alone (<slimcore/slimcore.h>): a graph of placeholders, variables and
// ops, gradients() for the backward pass, assign_sub for the update, and a
// Session that runs it.
//
// The task: fit y = sin(x) on 256 evenly spaced points of [-pi, pi] with a
// 1-32-32-1 tanh network, by full-batch gradient descent on the mean squared
// error:
//
//   loss = mean((mlp(x) - sin(x))^2)
//   p   <- p - lr * dloss/dp            for every weight and bias p
//
// Weights start Glorot-uniform from a fixed-seed std::mt19937 (a sequence the
// C++ standard fixes), biases at zero, so every run prints the same losses up
// to floating-point rounding.
//
// Usage: train_mlp [steps]      (default 400)
// Prints "step N  loss L" every 50 steps. Exit status: 0 when the final loss
// is below the initial one, 1 when it is not, 2 on a usage or slimcore error.
#include <slimcore/slimcore.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace sc = slimcore;
namespace ops = slimcore::ops;

namespace {

constexpr sc::DType kF32 = sc::DType::Float32;
constexpr int64_t kSamples = 256;
constexpr int64_t kHidden = 32;
constexpr int kDefaultSteps = 400;
constexpr int kReportEvery = 50;
constexpr double kLearningRate = 0.05;
constexpr double kPi = 3.14159265358979323846;

// x evenly spaced on [-pi, pi] and y = sin(x), both of shape [kSamples, 1].
std::pair<sc::Tensor, sc::Tensor> make_dataset() {
  sc::Tensor x(kF32, {kSamples, 1});
  sc::Tensor y(kF32, {kSamples, 1});
  float* xs = x.data<float>();
  float* ys = y.data<float>();
  for (int64_t i = 0; i < kSamples; ++i) {
    const double xi = -kPi + 2.0 * kPi * static_cast<double>(i) / static_cast<double>(kSamples - 1);
    xs[i] = static_cast<float>(xi);
    ys[i] = static_cast<float>(std::sin(xi));
  }
  return {x, y};
}

// Glorot (Xavier) uniform: U(-a, a) with a = sqrt(6 / (fan_in + fan_out)).
// The uniform draw is written out rather than left to
// std::uniform_real_distribution, whose algorithm differs between standard
// libraries.
sc::Tensor glorot_uniform(std::mt19937& rng, int64_t fan_in, int64_t fan_out) {
  sc::Tensor t(kF32, {fan_in, fan_out});
  const double limit = std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
  float* v = t.data<float>();
  for (int64_t i = 0; i < t.numel(); ++i) {
    const double u = static_cast<double>(rng()) / 4294967296.0;  // [0, 1)
    v[i] = static_cast<float>((2.0 * u - 1.0) * limit);
  }
  return t;
}

sc::Tensor zeros(int64_t n) {
  sc::Tensor t(kF32, {n});
  t.fill_zero();
  return t;
}

// The variables of one dense layer, y = act(x W + b).
struct Dense {
  sc::Output weights;
  sc::Output biases;
};

// Creates a layer's variables and appends to `init` the ops that give them
// their first value (assign from a constant, as TF1's initializers do).
Dense dense_variables(sc::Graph& g, const std::string& name, int64_t fan_in, int64_t fan_out, std::mt19937& rng,
                      std::vector<int>& init) {
  Dense d{ops::variable(g, name + "/weights", kF32, {fan_in, fan_out}),
          ops::variable(g, name + "/biases", kF32, {fan_out})};
  init.push_back(ops::assign(d.weights, ops::constant(g, glorot_uniform(rng, fan_in, fan_out))).node_id());
  init.push_back(ops::assign(d.biases, ops::constant(g, zeros(fan_out))).node_id());
  return d;
}

sc::Output apply(const Dense& d, sc::Output x) {
  return ops::bias_add(ops::matmul(x, d.weights), d.biases);
}

int train(int steps) {
  auto graph = std::make_shared<sc::Graph>();
  sc::Graph& g = *graph;
  std::mt19937 rng(20240601);
  std::vector<int> init;

  // ---- the model and its loss --------------------------------------------
  sc::Output x = ops::placeholder(g, kF32, {sc::kUnknownDim, 1}, "x");
  sc::Output y = ops::placeholder(g, kF32, {sc::kUnknownDim, 1}, "y");
  Dense hidden1 = dense_variables(g, "hidden1", 1, kHidden, rng, init);
  Dense hidden2 = dense_variables(g, "hidden2", kHidden, kHidden, rng, init);
  Dense output = dense_variables(g, "output", kHidden, 1, rng, init);
  sc::Output h1 = ops::tanh(apply(hidden1, x));
  sc::Output h2 = ops::tanh(apply(hidden2, h1));
  sc::Output prediction = apply(output, h2);
  sc::Output loss = ops::reduce_mean(ops::square(prediction - y), std::nullopt, false, "loss");

  // ---- gradient descent: p <- p - lr * dloss/dp ----------------------------
  const std::vector<sc::Output> params = {hidden1.weights, hidden1.biases, hidden2.weights,
                                          hidden2.biases,  output.weights, output.biases};
  const std::vector<sc::Output> grads = sc::gradients({loss}, params);
  std::vector<int> grad_nodes;
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (!grads[i]) throw sc::InvalidArgument("no gradient reaches " + params[i].name());
    grad_nodes.push_back(grads[i].node_id());
  }
  // Every update runs after all gradients, so none reads a weight that an
  // earlier update of the same step has already changed.
  g.push_control_dependencies(grad_nodes);
  std::vector<int> updates;
  for (std::size_t i = 0; i < params.size(); ++i)
    updates.push_back(ops::assign_sub(params[i], grads[i] * kLearningRate).node_id());
  g.pop_control_dependencies();
  const int train_op = ops::group(g, updates, "train");
  const int init_op = ops::group(g, init, "init");

  // ---- run -----------------------------------------------------------------
  sc::Session session(graph);
  session.run({}, {}, {init_op});

  auto [data_x, data_y] = make_dataset();
  const std::vector<std::pair<sc::Output, sc::Tensor>> feeds = {{x, data_x}, {y, data_y}};
  auto current_loss = [&] { return session.run(feeds, {loss})[0].scalar_value(); };

  const double initial = current_loss();
  std::printf("step %4d  loss %.6f\n", 0, initial);
  double final_loss = initial;
  for (int step = 1; step <= steps; ++step) {
    session.run(feeds, {}, {train_op});
    if (step % kReportEvery == 0 || step == steps) {
      final_loss = current_loss();
      std::printf("step %4d  loss %.6f\n", step, final_loss);
    }
  }
  if (!(final_loss < initial)) {
    std::fprintf(stderr, "train_mlp: the loss did not fall: %.6f at step 0, %.6f at step %d\n", initial, final_loss,
                 steps);
    return 1;
  }
  std::printf("final loss %.6f, %.1fx below the initial %.6f\n", final_loss, initial / final_loss, initial);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int steps = kDefaultSteps;
  if (argc > 2 || (argc == 2 && (steps = std::atoi(argv[1])) <= 0)) {
    std::fprintf(stderr, "usage: %s [steps > 0]\n", argv[0]);
    return 2;
  }
  try {
    return train(steps);
  } catch (const sc::Error& e) {
    std::fprintf(stderr, "train_mlp: %s\n", e.what());
    return 2;
  }
}
