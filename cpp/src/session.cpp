// The executor: prune, plan, run.
//
// A plan is made once per (fetches, targets, fed tensors) and keeps its
// buffers between runs: outputs share buffers by liveness (buffer_planner.h;
// fetched outputs and a few others keep one of their own). A node's output
// specs are re-inferred only when its input shapes change (on every run for
// an op whose shape depends on input values, op_registry.h), and a buffer is
// reused whenever its size still fits and nobody outside the plan holds it,
// so steady-state training steps allocate nothing.
//
// Conditional execution (tf.cond): a node added in a cond context runs only
// when every predicate of its context chain has its branch's value in this
// run; otherwise it is dead: skipped, so its side effects (assignments,
// random draws) and costs do not happen. Deadness flows on through data and
// control inputs, as in TF1, except into a Merge, which is live when its
// predicate and the input it picks are. Fetching a dead tensor is an error.
#include "slimcore/session.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "buffer_planner.h"
#include "fusion_pass.h"
#include "gradient_reduction.h"
#include "nested_plan.h"
#include "op_registry.h"
#include "parallel.h"

namespace slimcore {

namespace {
std::atomic<int> g_num_threads{0};  // 0: parallel.h's default (all cores)
}

int max_num_threads() {
  const int64_t cores = std::max(1u, std::thread::hardware_concurrency());
  return static_cast<int>(std::min<int64_t>(kMaxThreadsPerCore * cores, kMaxNumThreads));
}

void set_num_threads(int64_t n) {
  if (n < 1) throw InvalidArgument("num_threads must be >= 1, got " + std::to_string(n));
  if (n > max_num_threads())
    throw InvalidArgument(
        "num_threads must be at most " + std::to_string(max_num_threads()) + " (" + std::to_string(kMaxThreadsPerCore) +
        " x the " + std::to_string(std::max(1u, std::thread::hardware_concurrency())) +
        " cores of this machine, and never above " + std::to_string(kMaxNumThreads) + "), got " + std::to_string(n));
  g_num_threads = static_cast<int>(n);
  configure_threads(static_cast<int>(n));
}

int get_num_threads() {
  const int n = g_num_threads;
  return n > 0 ? n : configured_threads();
}

// Where a node input comes from: a fed tensor or another node's output.
struct Source {
  int feed = -1;  // index into the run's feeds, or -1
  int step = -1;  // index into Plan::steps
  int index = 0;  // output index of that step's node
};

struct Step {
  const Node* node = nullptr;
  const OpDef* def = nullptr;
  std::vector<Source> inputs;
  std::vector<TensorSpec> input_specs;  // as of the last run
  std::vector<TensorSpec> output_specs;
  std::vector<Tensor> outputs;
  std::vector<int> placements;  // per output: the variable whose gradient slot it is, or -1
  bool inferred = false;
  // Live only if each guard's predicate is live and equals its branch
  // (the node's cond contexts, outermost first) ...
  std::vector<std::pair<Source, bool>> guards;
  // ... and, unless it is a Merge, its inputs and these steps are live.
  std::vector<int> control_steps;
  bool merge = false;
  // Epilogue fusion (fusion_pass.h): a producer applies the bias (input 1 of
  // its absorbed BiasAdd) and activation of the steps it absorbed, whose
  // outputs are its own buffer (fused_into: the producer's step).
  Source fused_bias;
  bool has_fused_bias = false;
  Activation fused_activation = Activation::kNone;
  std::vector<int> absorbed;
  int fused_into = -1;
};

struct Plan {
  std::vector<TensorRef> fetches;
  std::vector<int> targets;
  std::vector<TensorRef> fed;  // in the order of the feeds that made the plan
  std::vector<Step> steps;     // topological (ascending node id)
  std::vector<Source> fetch_sources;
  std::vector<char> live;                  // per step, as of the current run
  bool conditional = false;                // some step is in a cond context: liveness is decided per run
  std::unique_ptr<BufferPlanner> buffers;  // which outputs share memory (buffer_planner.h)
};

Session::Session(std::shared_ptr<Graph> graph) : graph_(std::move(graph)), variables_(*graph_) {
  if (!graph_) throw InvalidArgument("Session needs a graph");
}

Session::~Session() = default;

namespace {

std::string feed_error(const Node& node, int index, const std::string& what) {
  return "Cannot feed value " + what + " for Tensor '" + node.name + ":" + std::to_string(index) + "'";
}

// The gradient arena: every ApplyOptimizer of the plan reads gradient input
// i, the gradient of variable attrs["vars"][i], from that variable's slot in
// the gradient arena, where the op producing it writes it directly (so a
// data-parallel step can allreduce one buffer). A gradient keeps a buffer of
// its own when its producer aliases its outputs (or it is fed), its dtype or
// shape differs from the variable's, the variable is not a trainable float32
// variable, or the tensor or the variable is placed already.
void place_gradients(const Graph& graph, Plan& plan) {
  std::vector<int> placed_vars;
  for (const Step& update : plan.steps) {
    if (update.node->type != "ApplyOptimizer") continue;
    const auto& vars = update.node->attrs.get<std::vector<int64_t>>("vars");
    for (std::size_t i = 0; i < vars.size() && i < update.inputs.size(); ++i) {
      const int var = static_cast<int>(vars[i]);
      const Source& src = update.inputs[i];
      if (src.feed >= 0) continue;
      Step& producer = plan.steps[static_cast<std::size_t>(src.step)];
      const Node& v = graph.node(var);
      if (v.type != "VariableV2" || !v.attrs.get_or<bool>("trainable", true) || v.outputs[0].dtype != DType::Float32)
        continue;
      const TensorSpec& spec = producer.node->outputs[static_cast<std::size_t>(src.index)];
      if (producer.def->sets_own_outputs || spec.dtype != DType::Float32 || is_unknown_rank(spec.shape) ||
          !shape_compatible(spec.shape, v.outputs[0].shape))
        continue;
      const bool tensor_placed = !producer.placements.empty() && producer.placements[src.index] >= 0;
      if (tensor_placed || std::find(placed_vars.begin(), placed_vars.end(), var) != placed_vars.end()) continue;
      producer.placements.resize(producer.outputs.size(), -1);
      producer.placements[src.index] = var;
      placed_vars.push_back(var);
    }
  }
}

// Epilogue fusion (fusion_pass.h): marks the chains find_fusions picks on
// the plan's steps.
void fuse_epilogues(const Graph& graph, Plan& plan) {
  if (!fusion_enabled()) return;
  std::vector<FusionStep> view(plan.steps.size());
  for (std::size_t s = 0; s < plan.steps.size(); ++s) {
    const Step& step = plan.steps[s];
    view[s].node = step.node;
    view[s].def = step.def;
    for (const Source& src : step.inputs) view[s].inputs.emplace_back(src.feed >= 0 ? -1 : src.step, src.index);
    for (TensorRef in : step.node->inputs)
      view[s].input_specs.push_back(graph.node(in.node).outputs[static_cast<std::size_t>(in.index)]);
    const bool placed = std::any_of(step.placements.begin(), step.placements.end(), [](int v) { return v >= 0; });
    view[s].fusable = step.guards.empty() && !placed && !step.def->sets_own_outputs;
  }
  std::vector<std::pair<int, int>> fetched;
  for (const Source& src : plan.fetch_sources) fetched.emplace_back(src.feed >= 0 ? -1 : src.step, src.index);
  for (const Fusion& f : find_fusions(view, fetched)) {
    Step& producer = plan.steps[static_cast<std::size_t>(f.producer)];
    for (int s : {f.bias_add, f.activation}) {
      if (s < 0) continue;
      producer.absorbed.push_back(s);
      plan.steps[static_cast<std::size_t>(s)].fused_into = f.producer;
    }
    if (f.bias_add >= 0) {
      producer.fused_bias = plan.steps[static_cast<std::size_t>(f.bias_add)].inputs[1];
      producer.has_fused_bias = true;
    }
    producer.fused_activation = f.kind;
  }
}

// Memory by liveness (buffer_planner.h): tells the planner what each step
// reads and which outputs must keep buffers of their own.
void plan_buffers(Plan& plan) {
  std::vector<StepUse> uses(plan.steps.size());
  auto ref = [](const Source& src) { return std::make_pair(src.feed >= 0 ? -1 : src.step, src.index); };
  for (std::size_t i = 0; i < plan.steps.size(); ++i) {
    const Step& step = plan.steps[i];
    StepUse& use = uses[i];
    for (const Source& src : step.inputs) use.inputs.push_back(src.feed >= 0 ? std::make_pair(-1, -1) : ref(src));
    for (const auto& guard : step.guards)
      if (guard.first.feed < 0) use.predicates.push_back(ref(guard.first));
    use.num_outputs = static_cast<int>(step.outputs.size());
    // A step absorbed by a fused producer (fusion_pass.h) views the
    // producer's output: an alias, with no kernel of its own.
    const bool absorbed = step.fused_into >= 0;
    use.aliases_inputs = step.def->sets_own_outputs || absorbed;
    use.in_place = step.def->in_place && !absorbed;
    use.keep.assign(step.outputs.size(), 0);
    use.strings.assign(step.outputs.size(), 0);
    for (std::size_t k = 0; k < step.outputs.size(); ++k) {
      use.keep[k] = !step.placements.empty() && step.placements[k] >= 0;
      use.strings[k] = step.node->outputs[k].dtype == DType::String;
    }
  }
  // A producer that adds a fused bias runs at its BiasAdd's place: its inputs
  // are read there (read, not aliased: listed with the predicates).
  for (const Step& step : plan.steps)
    if (step.has_fused_bias)
      for (const Source& src : step.inputs)
        if (src.feed < 0) uses[static_cast<std::size_t>(step.absorbed[0])].predicates.push_back(ref(src));
  for (const Source& src : plan.fetch_sources)
    if (src.feed < 0) uses[static_cast<std::size_t>(src.step)].keep[static_cast<std::size_t>(src.index)] = 1;
  plan.buffers = std::make_unique<BufferPlanner>(uses, BufferPlanner::enabled_by_environment());
}

std::unique_ptr<Plan> make_plan(const Graph& graph, const std::vector<std::pair<TensorRef, Tensor>>& feeds,
                                const std::vector<TensorRef>& fetches, const std::vector<int>& targets) {
  auto plan = std::make_unique<Plan>();
  plan->fetches = fetches;
  plan->targets = targets;
  for (const auto& feed : feeds) plan->fed.push_back(feed.first);
  auto fed_index = [&](TensorRef ref) {
    auto it = std::find(plan->fed.begin(), plan->fed.end(), ref);
    return it == plan->fed.end() ? -1 : static_cast<int>(it - plan->fed.begin());
  };

  // Prune: the nodes the fetches and targets need, stopping at fed tensors.
  std::vector<char> needed(static_cast<std::size_t>(graph.num_nodes()), 0);
  std::vector<int> stack;
  for (TensorRef ref : fetches)
    if (fed_index(ref) < 0) stack.push_back(ref.node);
  for (int t : targets) stack.push_back(t);
  while (!stack.empty()) {
    const int id = stack.back();
    stack.pop_back();
    if (needed[static_cast<std::size_t>(id)]) continue;
    needed[static_cast<std::size_t>(id)] = 1;
    const Node& node = graph.node(id);
    for (TensorRef in : node.inputs)
      if (fed_index(in) < 0) stack.push_back(in.node);
    for (int dep : node.control_inputs)
      if (fed_index(TensorRef{dep, 0}) < 0) stack.push_back(dep);  // a fed node has run, in effect
    for (int c = node.cond_context; c >= 0; c = graph.cond_context_info(c).parent) {
      const TensorRef pred = graph.cond_context_info(c).pred;
      if (fed_index(pred) < 0) stack.push_back(pred.node);
    }
  }

  std::vector<int> step_of(static_cast<std::size_t>(graph.num_nodes()), -1);
  for (int id = 0; id < graph.num_nodes(); ++id) {
    if (!needed[static_cast<std::size_t>(id)]) continue;
    const Node& node = graph.node(id);
    if (node.type == "Placeholder")
      throw InvalidArgument("You must feed a value for placeholder tensor '" + node.name + "' with dtype " +
                            dtype_name(node.outputs[0].dtype) + " and shape " + shape_string(node.outputs[0].shape));
    Step step;
    step.node = &node;
    step.def = &find_op(node.type);
    auto source = [&](TensorRef ref) {
      const int f = fed_index(ref);
      return f >= 0 ? Source{f, -1, 0} : Source{-1, step_of[static_cast<std::size_t>(ref.node)], ref.index};
    };
    for (TensorRef in : node.inputs) step.inputs.push_back(source(in));
    for (int c = node.cond_context; c >= 0; c = graph.cond_context_info(c).parent)
      step.guards.insert(step.guards.begin(),
                         {source(graph.cond_context_info(c).pred), graph.cond_context_info(c).branch});
    for (int dep : node.control_inputs)
      if (fed_index(TensorRef{dep, 0}) < 0) step.control_steps.push_back(step_of[static_cast<std::size_t>(dep)]);
    step.merge = node.type == "Merge";
    step.outputs.resize(node.outputs.size());
    step_of[static_cast<std::size_t>(id)] = static_cast<int>(plan->steps.size());
    plan->steps.push_back(std::move(step));
  }
  plan->live.assign(plan->steps.size(), 1);
  for (const Step& step : plan->steps) plan->conditional = plan->conditional || !step.guards.empty();
  place_gradients(graph, *plan);
  for (TensorRef ref : fetches) {
    const int f = fed_index(ref);
    plan->fetch_sources.push_back(f >= 0 ? Source{f, -1, 0} : Source{-1, step_of[ref.node], ref.index});
  }
  fuse_epilogues(graph, *plan);
  plan_buffers(*plan);  // after the fusion: absorbed steps alias their producer
  return plan;
}

// Gives `out` the spec's shape, reusing its buffer when the size matches and
// nothing outside the plan shares it.
void prepare_buffer(Tensor& out, const TensorSpec& spec) {
  if (!out.is_null() && out.dtype() == spec.dtype && out.numel() == num_elements(spec.shape) && out.storage_unique()) {
    if (out.shape() != spec.shape) out = out.reshaped(spec.shape);
    return;
  }
  out = Tensor(spec.dtype, spec.shape);
}

void check_feed(const Node& node, int index, const Tensor& value) {
  const TensorSpec& spec = node.outputs.at(static_cast<std::size_t>(index));
  if (value.dtype() != spec.dtype)
    throw TypeMismatch(feed_error(node, index, "of dtype " + dtype_name(value.dtype())) + ", which has dtype " +
                       dtype_name(spec.dtype));
  if (!shape_compatible(spec.shape, value.shape()))
    throw InvalidArgument(feed_error(node, index, "of shape " + shape_string(value.shape())) + ", which has shape " +
                          shape_string(spec.shape));
}

template <typename E> [[noreturn]] void rethrow_in(const Node& node, const E& e) {
  const std::string what = e.what();
  const std::string label = "op '" + node.name + "'";
  if (what.find(label) != std::string::npos) throw e;
  throw E(label + " (" + node.type + "): " + what);
}

// The epilogue of a fused producer (fusion_pass.h).
Epilogue fused_epilogue(const Step& step, const std::vector<std::pair<TensorRef, Tensor>>& feeds,
                        const std::vector<Step>& steps) {
  if (!step.has_fused_bias) return make_epilogue(step.fused_activation, nullptr, step.output_specs[0], nullptr);
  const Source& src = step.fused_bias;
  const Tensor* bias = src.feed >= 0 ? &feeds[static_cast<std::size_t>(src.feed)].second
                                     : &steps[static_cast<std::size_t>(src.step)].outputs[src.index];
  return make_epilogue(step.fused_activation, bias, step.output_specs[0],
                       steps[static_cast<std::size_t>(step.absorbed[0])].node);
}

void run_kernel(Plan& plan, std::size_t index, const std::vector<std::pair<TensorRef, Tensor>>& feeds,
                VariableStore& variables, std::map<int, uint64_t>& op_counters) {
  std::vector<Step>& steps = plan.steps;
  Step& step = steps[index];
  // The absorbed steps share output 0 from the last run: let it go, so that
  // it stays uniquely owned and is reused.
  for (int s : step.absorbed) steps[static_cast<std::size_t>(s)].outputs[0] = Tensor();
  std::vector<const Tensor*> inputs(step.inputs.size());
  bool shapes_changed = !step.inferred;
  for (std::size_t i = 0; i < step.inputs.size(); ++i) {
    const Source& src = step.inputs[i];
    const Tensor* t = src.feed >= 0 ? &feeds[static_cast<std::size_t>(src.feed)].second
                                    : &steps[static_cast<std::size_t>(src.step)].outputs[src.index];
    inputs[i] = t;
    if (!shapes_changed && (step.input_specs[i].shape != t->shape() || step.input_specs[i].dtype != t->dtype()))
      shapes_changed = true;
  }
  if (shapes_changed || step.def->value_dependent_shape) {
    step.input_specs.resize(inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i)
      step.input_specs[i] = TensorSpec{inputs[i]->dtype(), inputs[i]->shape()};
    step.output_specs = infer_outputs(*step.def, *step.node, step.input_specs, &inputs);
    step.inferred = true;
  }
  if (!step.def->sets_own_outputs)
    for (std::size_t i = 0; i < step.outputs.size(); ++i) {
      const int var = step.placements.empty() ? -1 : step.placements[i];
      const int s = static_cast<int>(index), k = static_cast<int>(i);
      if (var < 0 && plan.buffers->planned(s, k)) {
        step.outputs[i] = plan.buffers->acquire(s, k, step.output_specs[i], inputs);
      } else if (var < 0) {
        prepare_buffer(step.outputs[i], step.output_specs[i]);
      } else if (step.outputs[i].is_null() || !step.outputs[i].shares_storage_with(variables.gradient_arena())) {
        // A variable's gradient: written straight into its gradient-arena slot.
        step.outputs[i] = variables.gradient_view(var);
        if (step.outputs[i].shape() != step.output_specs[i].shape)
          throw InvalidArgument("op '" + step.node->name + "': gradient of shape " +
                                shape_string(step.output_specs[i].shape) + " for variable " +
                                variables.graph().node(var).name + " of shape " +
                                shape_string(step.outputs[i].shape()));
      }
    }
  // Data-parallel training: the gradients' mean over the replicas, before the update.
  std::vector<Tensor> reduced;
  if (step.node->type == "ApplyOptimizer") reduced = reduce_update_gradients(*step.node, inputs, variables);
  KernelContext ctx{*step.node, std::move(inputs), step.outputs, variables, op_counters};
  if (step.absorbed.empty()) {
    step.def->compute(ctx);
    return;
  }
  Epilogue epilogue = fused_epilogue(step, feeds, steps);
  ctx.epilogue = &epilogue;
  step.def->compute(ctx);
  finish_epilogue(epilogue, step.outputs[0]);  // unless the kernel applied it
}

// Runs a step. A fused chain (fusion_pass.h) runs as its producer's kernel:
// at the producer's place, or at its BiasAdd's when it adds a bias (the bias
// may be computed after the producer; nothing else reads the producer's
// output); the absorbed steps' outputs are the producer's.
void run_step(Plan& plan, std::size_t index, const std::vector<std::pair<TensorRef, Tensor>>& feeds,
              VariableStore& variables, std::map<int, uint64_t>& op_counters) {
  std::vector<Step>& steps = plan.steps;
  Step& step = steps[index];
  if (step.fused_into < 0) {
    if (!step.has_fused_bias) run_kernel(plan, index, feeds, variables, op_counters);
    return;
  }
  const std::size_t producer_index = static_cast<std::size_t>(step.fused_into);
  Step& producer = steps[producer_index];
  if (producer.has_fused_bias && &step == &steps[static_cast<std::size_t>(producer.absorbed[0])]) {
    try {
      run_kernel(plan, producer_index, feeds, variables, op_counters);
    } catch (const TypeMismatch& e) {
      rethrow_in(*producer.node, e);
    } catch (const InvalidArgument& e) {
      rethrow_in(*producer.node, e);
    }
  }
  step.outputs[0] = producer.outputs[0];
}

// Whether `step` runs this time (see the top of the file); steps before it
// are decided already.
bool step_is_live(const Step& step, const Plan& plan, const std::vector<std::pair<TensorRef, Tensor>>& feeds) {
  auto live = [&](const Source& src) { return src.feed >= 0 || plan.live[static_cast<std::size_t>(src.step)]; };
  auto value = [&](const Source& src) -> const Tensor& {
    return src.feed >= 0 ? feeds[static_cast<std::size_t>(src.feed)].second
                         : plan.steps[static_cast<std::size_t>(src.step)].outputs[src.index];
  };
  for (const auto& [pred, branch] : step.guards)
    if (!live(pred) || value(pred).data<bool>()[0] != branch) return false;
  if (step.merge) {
    const Source& pred = step.inputs[0];
    return live(pred) && live(step.inputs[value(pred).data<bool>()[0] ? 2 : 1]);
  }
  for (const Source& src : step.inputs)
    if (!live(src)) return false;
  for (int dep : step.control_steps)
    if (!plan.live[static_cast<std::size_t>(dep)]) return false;
  return true;
}

// Drops the views of outputs whose last reader is step i (run or dead), so
// their planned buffers serve later steps.
void release_after(Plan& plan, std::size_t i) {
  for (auto [s, k] : plan.buffers->released_after(static_cast<int>(i)))
    plan.steps[static_cast<std::size_t>(s)].outputs[static_cast<std::size_t>(k)] = Tensor();
}

// Decides (and records) whether step i runs this time: always in a plan
// without conds. The one rule of both executors (Session::run_refs and a
// loop body's NestedPlan).
bool decide_live(Plan& plan, std::size_t i, const std::vector<std::pair<TensorRef, Tensor>>& feeds) {
  if (!plan.conditional) return true;
  plan.live[i] = step_is_live(plan.steps[i], plan, feeds) ? 1 : 0;
  return plan.live[i] != 0;
}

}  // namespace

Plan& Session::plan_for(const std::vector<std::pair<TensorRef, Tensor>>& feeds, const std::vector<TensorRef>& fetches,
                        const std::vector<int>& targets) {
  for (auto& plan : plans_) {
    if (plan->fetches != fetches || plan->targets != targets || plan->fed.size() != feeds.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < feeds.size() && same; ++i) same = plan->fed[i] == feeds[i].first;
    if (same) return *plan;
  }
  plans_.push_back(make_plan(*graph_, feeds, fetches, targets));
  return *plans_.back();
}

std::vector<Tensor> Session::run_refs(const std::vector<std::pair<TensorRef, Tensor>>& feeds,
                                      const std::vector<TensorRef>& fetches, const std::vector<int>& targets) {
  if (running_thread_.load() == std::this_thread::get_id())
    throw FailedPrecondition(
        "Session.run was called from inside a run of the same session (a py_func or other host callback "
        "calling run): it would deadlock; use another session or compute the value outside the callback");
  std::lock_guard<std::mutex> lock(mutex_);
  running_thread_ = std::this_thread::get_id();
  struct Clear {
    std::atomic<std::thread::id>& id;
    ~Clear() { id = std::thread::id(); }
  } clear{running_thread_};
  for (std::size_t i = 0; i < feeds.size(); ++i) {
    const TensorRef ref = feeds[i].first;
    check_feed(graph_->node(ref.node), ref.index, feeds[i].second);
    for (std::size_t j = 0; j < i; ++j)
      if (feeds[j].first == ref)
        throw InvalidArgument("Tensor '" + graph_->node(ref.node).name + ":" + std::to_string(ref.index) +
                              "' is fed twice in one run");
  }
  for (TensorRef ref : fetches) graph_->output(ref.node, ref.index);  // validates
  for (int t : targets) graph_->node(t);
  if (g_num_threads > 0 && configured_threads() != g_num_threads) configure_threads(g_num_threads);

  Plan& plan = plan_for(feeds, fetches, targets);
  // Aliasing outputs are set anew by their kernels; dropping them first lets
  // the buffers they alias be reused in place.
  for (Step& step : plan.steps)
    if (step.def->sets_own_outputs)
      for (Tensor& t : step.outputs) t = Tensor();
  for (std::size_t i = 0; i < plan.steps.size(); ++i) release_after(plan, i);  // a failed run left them
  for (std::size_t i = 0; i < plan.steps.size(); release_after(plan, i++)) {
    if (!decide_live(plan, i, feeds)) continue;
    Step& step = plan.steps[i];
    try {
      const uint64_t commits = variables_.commits();
      run_step(plan, i, feeds, variables_, op_counters_);
      // A checked optimizer step swapped arenas (VariableStore::commit_shadows):
      // this run's views of the variables (VariableV2 outputs and their
      // aliases) follow, so ops after the train op read the new values.
      if (variables_.commits() != commits)
        for (Step& done : plan.steps)
          for (Tensor& t : done.outputs) t = variables_.rebased(t);
    } catch (const FailedPrecondition&) {
      throw;
    } catch (const NonFinite&) {
      throw;
    } catch (const TypeMismatch& e) {
      rethrow_in(*step.node, e);
    } catch (const InvalidArgument& e) {
      rethrow_in(*step.node, e);
    }
  }
  // Results are copies: plan buffers are overwritten by the next run and
  // variables by the next training step.
  std::vector<Tensor> results;
  results.reserve(fetches.size());
  for (std::size_t i = 0; i < fetches.size(); ++i) {
    const Source& src = plan.fetch_sources[i];
    if (src.feed < 0 && !plan.live[static_cast<std::size_t>(src.step)])
      throw InvalidArgument("Fetch " + std::to_string(i) + " ('" +
                            graph_->output(fetches[i].node, fetches[i].index).name() +
                            "') was not computed in this run: it is in the branch of a tf.cond that was not taken "
                            "(TF1: Retval[" +
                            std::to_string(i) + "] does not have value); fetch the cond's output instead");
  }
  for (const Source& src : plan.fetch_sources)
    results.push_back(src.feed >= 0 ? feeds[static_cast<std::size_t>(src.feed)].second.clone()
                                    : plan.steps[static_cast<std::size_t>(src.step)].outputs[src.index].clone());
  return results;
}

std::vector<Tensor> Session::run(const std::vector<std::pair<Output, Tensor>>& feeds,
                                 const std::vector<Output>& fetches, const std::vector<int>& targets) {
  auto check_graph = [&](const Output& o) {
    if (&o.graph() != graph_.get())
      throw InvalidArgument("Tensor " + o.name() + " is not an element of this session's graph");
    return o.ref();
  };
  std::vector<std::pair<TensorRef, Tensor>> feed_refs;
  for (const auto& f : feeds) feed_refs.emplace_back(check_graph(f.first), f.second);
  std::vector<TensorRef> fetch_refs;
  for (const auto& f : fetches) fetch_refs.push_back(check_graph(f));
  return run_refs(feed_refs, fetch_refs, targets);
}

// ---- NestedPlan (nested_plan.h): this executor's plans, run by a kernel -----
// (a tf.cond's liveness, when it lands, applies here as in run_refs).

NestedPlan::NestedPlan(const Graph& graph, const std::vector<TensorRef>& fed, const std::vector<TensorRef>& fetches) {
  for (TensorRef ref : fed) feeds_.emplace_back(ref, Tensor());
  plan_ = make_plan(graph, feeds_, fetches, {});
}

NestedPlan::~NestedPlan() = default;

void NestedPlan::run(const std::vector<const Tensor*>& values, VariableStore& variables,
                     std::map<int, uint64_t>& counters) {
  for (std::size_t i = 0; i < feeds_.size(); ++i) feeds_[i].second = *values[i];
  for (Step& step : plan_->steps)
    if (step.def->sets_own_outputs)
      for (Tensor& t : step.outputs) t = Tensor();
  for (std::size_t i = 0; i < plan_->steps.size(); ++i) release_after(*plan_, i);  // a failed run left them
  for (std::size_t i = 0; i < plan_->steps.size(); release_after(*plan_, i++))
    if (decide_live(*plan_, i, feeds_)) run_step(*plan_, i, feeds_, variables, counters);
}

const Tensor& NestedPlan::result(std::size_t i) const {
  const Source& src = plan_->fetch_sources[i];
  return src.feed >= 0 ? feeds_[static_cast<std::size_t>(src.feed)].second
                       : plan_->steps[static_cast<std::size_t>(src.step)].outputs[static_cast<std::size_t>(src.index)];
}

}  // namespace slimcore
