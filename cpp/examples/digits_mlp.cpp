// digits_mlp: seed 002's network (docs/SEMANTICS.md appendix A) in C++ -- 64-200-200-10 (input size follows
// the data), tanh, xavier-uniform weights, l2_regularizer on every weight
// matrix and decoupled weight decay (AdamW, TF contrib's rule) -- trained on
// data from a safetensors file, with checkpoints Python's Saver reads and
// writes (same variable names as slimcore.models.mlp: "EasyNet/...").
//
//   digits_mlp train DATA CKPT [--steps N] [--hidden H] [--l2 S] [--weight-decay D] [--lr LR]
//   digits_mlp eval  DATA CKPT [--hidden H]
//
// DATA holds x_train [N, F] float32, y_train [N] int64, x_test, y_test.
#include <slimcore/slimcore.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <numeric>
#include <random>
#include <string>

namespace sc = slimcore;
using sc::Output;
namespace ops = sc::ops;

namespace {

struct Options {
  std::string mode, data, checkpoint;
  int steps = 600, hidden = 200, batch = 32;
  double l2 = 1e-4, weight_decay = 1e-4, lr = 1e-3;
};

Options parse(int argc, char** argv) {
  if (argc < 4 || (std::strcmp(argv[1], "train") != 0 && std::strcmp(argv[1], "eval") != 0))
    throw sc::InvalidArgument(
        "usage: digits_mlp train|eval DATA.safetensors CKPT.safetensors [--steps N] "
        "[--hidden H] [--l2 S] [--weight-decay D] [--lr LR]");
  Options o{argv[1], argv[2], argv[3]};
  for (int i = 4; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const double value = std::stod(argv[i + 1]);
    if (flag == "--steps") o.steps = static_cast<int>(value);
    else if (flag == "--hidden") o.hidden = static_cast<int>(value);
    else if (flag == "--l2") o.l2 = value;
    else if (flag == "--weight-decay") o.weight_decay = value;
    else if (flag == "--lr") o.lr = value;
    else throw sc::InvalidArgument("unknown option " + flag);
  }
  if (o.steps < 1 || o.hidden < 1 || o.l2 < 0 || o.weight_decay < 0 || !(o.lr > 0))
    throw sc::InvalidArgument("options out of range");
  return o;
}

std::map<std::string, sc::Tensor> read_data(const std::string& path) {
  std::map<std::string, sc::Tensor> out;
  for (auto& [name, t] : sc::load_safetensors(path)) out[name] = t;
  for (const char* key : {"x_train", "y_train", "x_test", "y_test"})
    if (!out.count(key)) throw sc::InvalidArgument(path + " has no tensor '" + key + "'");
  return out;
}

// Rows `idx` of a [N, ...] tensor.
sc::Tensor rows(const sc::Tensor& t, const std::vector<int64_t>& idx) {
  sc::Shape shape = t.shape();
  shape[0] = static_cast<int64_t>(idx.size());
  sc::Tensor out(t.dtype(), shape);
  const std::size_t row = t.nbytes() / static_cast<std::size_t>(t.dim(0));
  for (std::size_t i = 0; i < idx.size(); ++i)
    std::memcpy(static_cast<char*>(out.raw()) + i * row, static_cast<const char*>(t.raw()) + idx[i] * row, row);
  return out;
}

struct Model {
  Output x, labels, logits, data_loss, total_loss, accuracy;
  std::vector<Output> weights, biases;
  std::vector<int> initializers;
};

Model build(sc::Graph& g, int64_t features, int hidden, double l2) {
  Model m;
  m.x = ops::placeholder(g, sc::DType::Float32, {-1, features}, "x");
  m.labels = ops::placeholder(g, sc::DType::Int64, {-1}, "labels");
  const int64_t sizes[] = {features, hidden, hidden, 10};
  Output net = m.x;
  Output penalty;
  for (int layer = 0; layer < 3; ++layer) {
    const std::string scope = "EasyNet/fully_connected" + (layer ? "_" + std::to_string(layer) : std::string());
    const int64_t in = sizes[layer], out = sizes[layer + 1];
    Output w = ops::variable(g, scope + "/weights", sc::DType::Float32, {in, out});
    Output b = ops::variable(g, scope + "/biases", sc::DType::Float32, {out});
    const double limit = std::sqrt(6.0 / static_cast<double>(in + out));  // xavier uniform
    m.initializers.push_back(
        ops::assign(w, ops::random_uniform(g, {in, out}, sc::DType::Float32, -limit, limit, 42, layer)).node_id());
    m.initializers.push_back(ops::assign(b, ops::constant(g,
                                                          [&] {
                                                            sc::Tensor z(sc::DType::Float32, {out});
                                                            z.fill_zero();
                                                            return z;
                                                          }()))
                                 .node_id());
    net = ops::bias_add(ops::matmul(net, w), b);
    if (layer < 2) net = ops::tanh(net);
    if (l2 > 0) {
      Output p = sc::train::l2_regularizer(w, l2);
      penalty = penalty.valid() ? penalty + p : p;
    }
    m.weights.push_back(w);
    m.biases.push_back(b);
  }
  m.logits = net;
  Output per_example = g.add("SparseSoftmaxCrossEntropyWithLogits", {m.logits, m.labels});
  m.data_loss = ops::reduce_mean(per_example);
  m.total_loss = penalty.valid() ? m.data_loss + penalty : m.data_loss;
  Output hits = ops::cast(ops::equal(ops::argmax(m.logits, 1), m.labels), sc::DType::Float32);
  m.accuracy = ops::reduce_mean(hits);
  return m;
}

std::vector<int> variable_nodes(const Model& m) {
  std::vector<int> nodes;
  for (std::size_t i = 0; i < m.weights.size(); ++i) {
    nodes.push_back(m.weights[i].node_id());
    nodes.push_back(m.biases[i].node_id());
  }
  return nodes;
}

std::vector<std::string> names_of(const sc::Graph& g, const std::vector<int>& nodes) {
  std::vector<std::string> names;
  for (int n : nodes) names.push_back(g.node(n).name);
  return names;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options opt = parse(argc, argv);
    auto data = read_data(opt.data);
    auto graph = std::make_shared<sc::Graph>();
    Model m = build(*graph, data["x_train"].dim(1), opt.hidden, opt.l2);
    const std::vector<int> vars = variable_nodes(m);
    sc::Session session(graph);
    auto accuracy = [&](const char* x, const char* y) {
      return session.run({{m.x, data[x]}, {m.labels, data[y]}}, {m.accuracy})[0].scalar_value();
    };
    if (opt.mode == "eval") {
      sc::restore_variables(session, opt.checkpoint, vars, names_of(*graph, vars));
      std::printf("test accuracy %.4f\n", accuracy("x_test", "y_test"));
      return 0;
    }
    sc::train::OptimizerSpec adamw;  // Adam with TF1's rule, plus decoupled decay of the weights
    adamw.learning_rate = opt.lr;
    adamw.weight_decay = opt.weight_decay;
    std::vector<Output> trained = m.weights;
    trained.insert(trained.end(), m.biases.begin(), m.biases.end());
    sc::train::TrainOp step = sc::train::minimize(m.total_loss, trained, adamw, m.weights);
    session.run({}, {}, m.initializers);
    session.run({}, {}, step.initializers);

    const sc::Tensor& x_train = data["x_train"];
    const int64_t n = x_train.dim(0);
    std::vector<int64_t> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::mt19937 rng(0);
    std::size_t cursor = order.size();
    for (int s = 0; s <= opt.steps; ++s) {
      if (cursor + opt.batch > order.size()) {
        std::shuffle(order.begin(), order.end(), rng);
        cursor = 0;
      }
      std::vector<int64_t> idx(order.begin() + static_cast<long>(cursor),
                               order.begin() + static_cast<long>(cursor + opt.batch));
      cursor += opt.batch;
      const auto feeds =
          std::vector<std::pair<Output, sc::Tensor>>{{m.x, rows(x_train, idx)}, {m.labels, rows(data["y_train"], idx)}};
      if (s % (opt.steps / 5 > 0 ? opt.steps / 5 : 1) == 0) {
        auto values = session.run(feeds, {m.data_loss, m.total_loss});
        std::printf("step %5d  data loss %.4f  total loss %.4f\n", s, values[0].scalar_value(),
                    values[1].scalar_value());
      }
      if (s < opt.steps) session.run(feeds, {}, {step.op});
    }
    std::printf("train accuracy %.4f\ntest accuracy %.4f\n", accuracy("x_train", "y_train"),
                accuracy("x_test", "y_test"));
    sc::save_variables(session, opt.checkpoint, vars, names_of(*graph, vars), {{"format", "slimcore/1"}});
    std::printf("saved %s\n", opt.checkpoint.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "digits_mlp: %s\n", e.what());
    return 2;
  }
}
