// data_parallel_mpi: data-parallel training of a C++ application over MPI's
// C API, through slimcore's gradient-reducer interface
// (<slimcore/gradient_reducer.h>); the engine itself knows nothing of MPI.
// Built when CMake's find_package(MPI) finds an MPI (the mpi extra's MPICH:
// its mpicxx is on PATH in the environment).
//
// Each rank fits y = sin(x) on its share of 256 points of [-pi, pi] (a
// 1-32-32-1 tanh MLP, Adam); before each update the train op hands its
// gradient arena to MpiMeanReducer:
//
//   MPI_Allreduce(MPI_IN_PLACE, g, n, MPI_FLOAT, MPI_SUM);  g /= size
//
// so every rank takes the step of the whole batch, and the ranks stay equal.
//
// Usage: mpiexec -n 2 data_parallel_mpi [steps]     (default 200)
// Rank 0 prints "step N  loss L" (its shard's loss) every 50 steps and
// "ranks R agree to D"; exit status 0 when the loss fell and the ranks'
// weights are identical, 1 otherwise, 2 on a usage or slimcore error.
#include <mpi.h>
#include <slimcore/slimcore.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace sc = slimcore;
namespace ops = slimcore::ops;

namespace {

constexpr sc::DType kF32 = sc::DType::Float32;
constexpr int64_t kSamples = 256;
constexpr int64_t kHidden = 32;
constexpr int kDefaultSteps = 200;
constexpr int kReportEvery = 50;
constexpr double kPi = 3.14159265358979323846;

// g <- (1/N) sum over the ranks of g, in place.
class MpiMeanReducer : public sc::GradientReducer {
 public:
  explicit MpiMeanReducer(MPI_Comm comm) : comm_(comm) { MPI_Comm_size(comm_, &size_); }
  void reduce(float* data, std::size_t n) override {
    if (MPI_Allreduce(MPI_IN_PLACE, data, static_cast<int>(n), MPI_FLOAT, MPI_SUM, comm_) != MPI_SUCCESS)
      throw sc::Error("MPI_Allreduce of the gradients failed");
    const float scale = 1.0f / static_cast<float>(size_);
    for (std::size_t i = 0; i < n; ++i) data[i] *= scale;
  }

 private:
  MPI_Comm comm_;
  int size_ = 1;
};

sc::Tensor glorot_uniform(std::mt19937& rng, int64_t fan_in, int64_t fan_out) {
  sc::Tensor t(kF32, {fan_in, fan_out});
  const double limit = std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
  for (int64_t i = 0; i < t.numel(); ++i)
    t.data<float>()[i] = static_cast<float>((2.0 * (static_cast<double>(rng()) / 4294967296.0) - 1.0) * limit);
  return t;
}

int run(int steps, int rank, int size) {
  const int64_t token = sc::register_gradient_reducer(std::make_shared<MpiMeanReducer>(MPI_COMM_WORLD));
  auto graph = std::make_shared<sc::Graph>();
  sc::Graph& g = *graph;
  std::mt19937 rng(20240601);  // the same on every rank: the ranks start equal (or broadcast rank 0's)
  std::vector<int> init;
  std::vector<sc::Output> params;
  sc::Output x = ops::placeholder(g, kF32, {sc::kUnknownDim, 1}, "x");
  sc::Output y = ops::placeholder(g, kF32, {sc::kUnknownDim, 1}, "y");
  sc::Output h = x;
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
    params.push_back(w);
    params.push_back(b);
  }
  sc::Output loss = ops::reduce_mean(ops::square(h - y));
  sc::train::OptimizerSpec adam;
  adam.learning_rate = 0.01;
  adam.gradient_reducer = token;
  const sc::train::TrainOp train = sc::train::minimize(loss, params, adam);
  init.insert(init.end(), train.initializers.begin(), train.initializers.end());
  sc::Session session(graph);
  session.run({}, {}, {ops::group(g, init, "init")});

  // This rank's points: [256 r / N, 256 (r + 1) / N).
  const int64_t begin = kSamples * rank / size, end = kSamples * (rank + 1) / size;
  sc::Tensor xs(kF32, {end - begin, 1}), ys(kF32, {end - begin, 1});
  for (int64_t i = begin; i < end; ++i) {
    const double xi = -kPi + 2.0 * kPi * static_cast<double>(i) / static_cast<double>(kSamples - 1);
    xs.data<float>()[i - begin] = static_cast<float>(xi);
    ys.data<float>()[i - begin] = static_cast<float>(std::sin(xi));
  }
  const std::vector<std::pair<sc::Output, sc::Tensor>> feeds = {{x, xs}, {y, ys}};
  const double initial = session.run(feeds, {loss})[0].scalar_value();
  double final_loss = initial;
  for (int step = 1; step <= steps; ++step) {
    session.run(feeds, {}, {train.op});
    if (step % kReportEvery == 0 || step == steps) {
      final_loss = session.run(feeds, {loss})[0].scalar_value();
      if (rank == 0) std::printf("step %4d  loss %.6f\n", step, final_loss);
    }
  }
  // The ranks must hold the same weights: compare each with rank 0's.
  double difference = 0.0;
  for (const sc::Tensor& t : session.run({}, params)) {
    std::vector<float> root(t.data<float>(), t.data<float>() + t.numel());
    MPI_Bcast(root.data(), static_cast<int>(root.size()), MPI_FLOAT, 0, MPI_COMM_WORLD);
    for (int64_t i = 0; i < t.numel(); ++i)
      difference = std::fmax(difference, std::fabs(root[static_cast<std::size_t>(i)] - t.data<float>()[i]));
  }
  MPI_Allreduce(MPI_IN_PLACE, &difference, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  sc::unregister_gradient_reducer(token);
  if (rank == 0) std::printf("ranks %d agree to %.3g\n", size, difference);
  return final_loss < initial && difference == 0.0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int steps = kDefaultSteps;
  int status = 0;
  if (argc > 2 || (argc == 2 && (steps = std::atoi(argv[1])) <= 0)) {
    if (rank == 0) std::fprintf(stderr, "usage: mpiexec -n N %s [steps > 0]\n", argv[0]);
    status = 2;
  } else {
    try {
      status = run(steps, rank, size);
    } catch (const sc::Error& e) {
      std::fprintf(stderr, "data_parallel_mpi: rank %d: %s\n", rank, e.what());
      MPI_Abort(MPI_COMM_WORLD, 2);  // the other ranks would wait in their next allreduce
    }
  }
  MPI_Finalize();
  return status;
}
