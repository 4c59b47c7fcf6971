// data_parallel: data-parallel training through slimcore's gradient-reducer
// interface (<slimcore/gradient_reducer.h>), with two replicas in one
// process, each a thread with its own graph and session.
//
// The task of train_mlp, offset (fit y = sin(x) + 0.5 on 256 points of
// [-pi, pi], a 1-32-32-1 tanh MLP), trained by Adam on
//
//   loss_r = mean over replica r's half of (mlp(x) - sin(x) - 0.5)^2 + 1e-4 * sum(W^2)
//
// Replica r takes the points [128 r, 128 r + 128). Before each update the
// train op hands its gradient arena to the reducer, which leaves the mean of
// the two replicas' gradients in both:
//
//   g = (g_0 + g_1) / 2  = the gradient of the whole batch's loss
//
// (the penalty is in both losses, so the mean holds it once). The program
// then trains one process on all 256 points and checks that the weights agree
// (to float32 rounding): the reducer made two half batches one full batch.
//
// An MPI application implements the same interface over MPI_Allreduce (see
// reduce() below); nothing else changes.
//
// Usage: data_parallel [steps]      (default 200)
// Prints "step N  loss L" (replica 0's full-batch loss) every 50 steps, then
// "max weight difference D". Exit status: 0 when the loss fell and D <=
// 1e-5 relative, 1 otherwise, 2 on a usage or slimcore error.
#include <slimcore/slimcore.h>

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace sc = slimcore;
namespace ops = slimcore::ops;

namespace {

constexpr sc::DType kF32 = sc::DType::Float32;
constexpr int64_t kSamples = 256;
constexpr int64_t kHidden = 32;
constexpr int kReplicas = 2;
constexpr int kDefaultSteps = 200;
constexpr int kReportEvery = 50;
constexpr double kPi = 3.14159265358979323846;

// The mean over `replicas` threads: each thread's reduce() adds its buffer to
// the sum and waits; the last to arrive writes sum / replicas into every
// buffer (the waiting threads do not touch theirs) and releases them all.
// MPI's version of reduce(): MPI_Allreduce(MPI_IN_PLACE, data, n, MPI_FLOAT,
// MPI_SUM, comm), then data[i] /= size.
class InProcessMeanReducer : public sc::GradientReducer {
 public:
  explicit InProcessMeanReducer(int replicas) : replicas_(replicas) {}

  void reduce(float* data, std::size_t n) override {
    std::unique_lock<std::mutex> lock(mutex_);
    const uint64_t generation = generation_;
    if (buffers_.empty()) sum_.assign(n, 0.0f);
    if (sum_.size() != n)
      throw sc::InvalidArgument("replicas reduce buffers of different sizes: " + std::to_string(sum_.size()) + " and " +
                                std::to_string(n));
    for (std::size_t i = 0; i < n; ++i) sum_[i] += data[i];
    buffers_.push_back(data);
    if (static_cast<int>(buffers_.size()) == replicas_) {
      const float scale = 1.0f / static_cast<float>(replicas_);
      for (float* buffer : buffers_)
        for (std::size_t i = 0; i < n; ++i) buffer[i] = sum_[i] * scale;
      buffers_.clear();
      ++generation_;
      ready_.notify_all();
    } else {
      ready_.wait(lock, [&] { return generation_ != generation; });
    }
  }

 private:
  const int replicas_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::vector<float> sum_;
  std::vector<float*> buffers_;
  uint64_t generation_ = 0;
};

// Points [begin, end) of x evenly spaced on [-pi, pi], y = sin(x) + kOffset.
// The target's offset. Without it the task is odd-symmetric (sin on a
// symmetric grid, tanh layers, zero biases), so the biases' first gradients
// are 0 up to float32 rounding, and Adam, which divides by their size, turns
// that rounding into full learning-rate steps that differ with the summation
// order: the check below would compare rounding noise.
constexpr double kOffset = 0.5;

void make_data(int64_t begin, int64_t end, sc::Tensor& x, sc::Tensor& y) {
  x = sc::Tensor(kF32, {end - begin, 1});
  y = sc::Tensor(kF32, {end - begin, 1});
  for (int64_t i = begin; i < end; ++i) {
    const double xi = -kPi + 2.0 * kPi * static_cast<double>(i) / static_cast<double>(kSamples - 1);
    x.data<float>()[i - begin] = static_cast<float>(xi);
    y.data<float>()[i - begin] = static_cast<float>(std::sin(xi) + kOffset);
  }
}

sc::Tensor glorot_uniform(std::mt19937& rng, int64_t fan_in, int64_t fan_out) {
  sc::Tensor t(kF32, {fan_in, fan_out});
  const double limit = std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
  for (int64_t i = 0; i < t.numel(); ++i)
    t.data<float>()[i] = static_cast<float>((2.0 * (static_cast<double>(rng()) / 4294967296.0) - 1.0) * limit);
  return t;
}

// One replica: the model on its points, trained by Adam through `reducer`
// (0: none, a single process). Same seed everywhere, so every replica starts
// from the same weights (an MPI program broadcasts rank 0's instead).
struct Replica {
  std::shared_ptr<sc::Graph> graph = std::make_shared<sc::Graph>();
  std::unique_ptr<sc::Session> session;
  std::vector<sc::Output> params;
  sc::Output x, y, loss;
  int train_op = -1;
  sc::Tensor data_x, data_y;

  Replica(int64_t begin, int64_t end, int64_t reducer) {
    sc::Graph& g = *graph;
    std::mt19937 rng(20240601);
    std::vector<int> init;
    x = ops::placeholder(g, kF32, {sc::kUnknownDim, 1}, "x");
    y = ops::placeholder(g, kF32, {sc::kUnknownDim, 1}, "y");
    sc::Output h = x;
    sc::Output penalty;
    const int64_t sizes[] = {1, kHidden, kHidden, 1};
    for (int layer = 0; layer < 3; ++layer) {
      const std::string name = "layer" + std::to_string(layer);
      sc::Output w = ops::variable(g, name + "/weights", kF32, {sizes[layer], sizes[layer + 1]});
      sc::Output b = ops::variable(g, name + "/biases", kF32, {sizes[layer + 1]});
      sc::Tensor zeros(kF32, {sizes[layer + 1]});
      zeros.fill_zero();
      init.push_back(ops::assign(w, ops::constant(g, glorot_uniform(rng, sizes[layer], sizes[layer + 1]))).node_id());
      init.push_back(ops::assign(b, ops::constant(g, zeros)).node_id());
      h = ops::bias_add(ops::matmul(h, w), b);
      if (layer < 2) h = ops::tanh(h);
      const sc::Output w_penalty = ops::reduce_sum(ops::square(w)) * 1e-4;
      penalty = layer == 0 ? w_penalty : penalty + w_penalty;
      params.push_back(w);
      params.push_back(b);
    }
    loss = ops::reduce_mean(ops::square(h - y)) + penalty;
    sc::train::OptimizerSpec adam;
    adam.algorithm = "adam";
    adam.learning_rate = 0.01;
    adam.gradient_reducer = reducer;
    const sc::train::TrainOp step = sc::train::minimize(loss, params, adam);
    train_op = step.op;
    init.insert(init.end(), step.initializers.begin(), step.initializers.end());
    session = std::make_unique<sc::Session>(graph);
    session->run({}, {}, {ops::group(g, init, "init")});
    make_data(begin, end, data_x, data_y);
  }

  void step() { session->run({{x, data_x}, {y, data_y}}, {}, {train_op}); }
  double loss_on(const sc::Tensor& xs, const sc::Tensor& ys) {
    return session->run({{x, xs}, {y, ys}}, {loss})[0].scalar_value();
  }
  std::vector<sc::Tensor> weights() { return session->run({}, params); }
};

int run(int steps) {
  const int64_t reducer = sc::register_gradient_reducer(std::make_shared<InProcessMeanReducer>(kReplicas));
  std::vector<std::unique_ptr<Replica>> replicas;
  for (int r = 0; r < kReplicas; ++r)
    replicas.push_back(std::make_unique<Replica>(kSamples * r / kReplicas, kSamples * (r + 1) / kReplicas, reducer));
  Replica single(0, kSamples, 0);
  sc::Tensor all_x, all_y;
  make_data(0, kSamples, all_x, all_y);

  const double initial = replicas[0]->loss_on(all_x, all_y);
  std::printf("step %4d  loss %.6f\n", 0, initial);
  double final_loss = initial;
  for (int done = 0; done < steps;) {
    const int chunk = std::min(kReportEvery, steps - done);
    // Each replica steps in its own thread: the reducer needs both at once.
    std::vector<std::exception_ptr> errors(kReplicas);
    std::vector<std::thread> threads;
    for (int r = 0; r < kReplicas; ++r)
      threads.emplace_back([&, r] {
        try {
          for (int i = 0; i < chunk; ++i) replicas[r]->step();
        } catch (...) {
          errors[r] = std::current_exception();
        }
      });
    for (std::thread& t : threads) t.join();
    for (const std::exception_ptr& e : errors)
      if (e) std::rethrow_exception(e);
    for (int i = 0; i < chunk; ++i) single.step();
    done += chunk;
    final_loss = replicas[0]->loss_on(all_x, all_y);
    std::printf("step %4d  loss %.6f\n", done, final_loss);
  }

  double max_difference = 0.0, max_weight = 0.0;
  const std::vector<sc::Tensor> reference = single.weights();
  for (const auto& replica : replicas) {
    const std::vector<sc::Tensor> mine = replica->weights();
    for (std::size_t p = 0; p < mine.size(); ++p)
      for (int64_t i = 0; i < mine[p].numel(); ++i) {
        const double a = mine[p].data<float>()[i], b = reference[p].data<float>()[i];
        max_difference = std::max(max_difference, std::fabs(a - b));
        max_weight = std::max(max_weight, std::fabs(b));
      }
  }
  sc::unregister_gradient_reducer(reducer);
  std::printf("max weight difference %.3g (largest weight %.3g)\n", max_difference, max_weight);
  if (!(final_loss < initial) || max_difference > 1e-5 * std::max(1.0, max_weight)) {
    std::fprintf(stderr, "data_parallel: the replicas do not train as one process on the whole batch\n");
    return 1;
  }
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
    return run(steps);
  } catch (const sc::Error& e) {
    std::fprintf(stderr, "data_parallel: %s\n", e.what());
    return 2;
  }
}
