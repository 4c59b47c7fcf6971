// Functional loops (tf.while_loop): LoopArg, While and WhileGrad.
//
// A loop's cond and body are sub-graphs of the main graph, built by calling
// the Python functions on LoopArg nodes (one per loop variable). Tensors
// that the sub-graphs read from outside (and variables read inside) are
// "captured": they become inputs of the While op, and the nested executor
// (NestedPlan, the session's executor) feeds their values in place of the outer refs. So
//
//   While(vars, captures, max_iter):  v = vars; n = 0
//     while (max_iter < 0 || n < max_iter) && cond(v): v = body(v); n += 1
//     outputs: v, n, emits stacked over iterations, and (when recording for
//     the gradient, back_prop=True) every iteration's input v.
//
// Gradient (TF1: exists when the count is known at run time, which it
// always is once the forward loop ran): with the body's results r_k(v, c)
// and emits e_j(v, c), WhileGrad runs for t = n-1 .. 0, with v_t recorded,
//     g_v <- (dr/dv_t)^T g_v + (de/dv_t)^T g_e[t]
//     g_c += (dr/dc)^T g_v + (de/dc)^T g_e[t]
// where the vector-Jacobian products are the sub-graph that gradients()
// builds from the body (it recomputes the body's forward values from v_t,
// its random ops replaying iteration t's draws). A sliced capture x (the
// body reads row x[t] in iteration t) gets g_x[t] = (d/dx[t])^T (g_v, g_e[t]).
#include <algorithm>

#include "grad_util.h"
#include "kernel_util.h"
#include "nested_plan.h"
#include "op_registry.h"
#include "slimcore/gradients.h"
#include "slimcore/ops.h"

namespace slimcore {

namespace {

// Flat [node, index, node, index...] attrs <-> refs.
std::vector<TensorRef> refs_from(const std::vector<int64_t>& flat) {
  std::vector<TensorRef> refs;
  for (std::size_t i = 0; i + 1 < flat.size(); i += 2)
    refs.push_back(TensorRef{static_cast<int>(flat[i]), static_cast<int>(flat[i + 1])});
  return refs;
}
std::vector<int64_t> flat_refs(const std::vector<Output>& outs) {
  std::vector<int64_t> flat;
  for (const Output& o : outs) {
    flat.push_back(o.node_id());
    flat.push_back(o.ref().index);
  }
  return flat;
}
std::vector<TensorRef> arg_refs(const std::vector<int64_t>& ids) {
  std::vector<TensorRef> refs;
  for (int64_t id : ids) refs.push_back(TensorRef{static_cast<int>(id), 0});
  return refs;
}
std::vector<int64_t> node_ids(const std::vector<Output>& outs) {
  std::vector<int64_t> ids;
  for (const Output& o : outs) ids.push_back(o.node_id());
  return ids;
}

// Shapes stored flat in attrs: ranks (-1: unknown rank) and the dimensions.
std::vector<Shape> shapes_from(const std::vector<int64_t>& ranks, const std::vector<int64_t>& dims) {
  std::vector<Shape> shapes;
  std::size_t at = 0;
  for (int64_t r : ranks) {
    if (r < 0) {
      shapes.push_back(unknown_rank_shape());
      continue;
    }
    shapes.emplace_back(dims.begin() + static_cast<std::ptrdiff_t>(at),
                        dims.begin() + static_cast<std::ptrdiff_t>(at + r));
    at += static_cast<std::size_t>(r);
  }
  return shapes;
}

// Tensors of one loop variable over the iterations, packed as one flat
// buffer plus an int64 [n, rank] table of their shapes (shapes may change
// between iterations under a relaxed shape invariant).
void pack_history(const std::vector<Tensor>& values, DType dtype, int rank, Tensor& flat, Tensor& shapes) {
  int64_t total = 0;
  for (const Tensor& v : values) total += v.numel();
  flat = Tensor(dtype, {total});
  shapes = Tensor(DType::Int64, {static_cast<int64_t>(values.size()), std::max(rank, 0)});
  std::size_t offset = 0;
  int64_t* dims = shapes.data<int64_t>();
  for (const Tensor& v : values) {
    if (v.rank() != rank)
      throw InvalidArgument("a loop variable changed rank between iterations (" + std::to_string(rank) + " then " +
                            std::to_string(v.rank()) + "); its gradient needs a fixed rank");
    flat.view(dtype, v.shape(), offset).copy_from(v);  // copy_from: string elements too
    offset += v.nbytes();
    for (int d = 0; d < rank; ++d) *dims++ = v.dim(d);
  }
}

// Values of emit j stacked over the iterations: [n, *shape].
Tensor stack_emits(const std::vector<Tensor>& values, const TensorSpec& spec, const std::string& what) {
  Shape shape = values.empty() ? spec.shape : values[0].shape();
  for (int64_t& d : shape)
    if (d < 0) d = 0;
  for (const Tensor& v : values)
    if (v.shape() != shape)
      throw InvalidArgument(what + " has shape " + shape_string(v.shape()) + " in one iteration and " +
                            shape_string(shape) + " in another; per-iteration outputs must keep one shape");
  Shape stacked{static_cast<int64_t>(values.size())};
  stacked.insert(stacked.end(), shape.begin(), shape.end());
  Tensor out(spec.dtype, stacked);
  for (std::size_t t = 0; t < values.size(); ++t)
    out.view(spec.dtype, shape, t * values[t].nbytes()).copy_from(values[t]);
  return out;
}

// Random ops (and Dropout) advance per-node stream positions on every run.
// The forward loop records, before each iteration, the positions of the
// nodes from the loop's own on (its sub-graphs' nodes follow its LoopArgs)
// as [k, id, pos, id, pos...] per iteration, so that the backward pass,
// which recomputes the body, draws the same numbers.
void record_streams(const std::map<int, uint64_t>& counters, int first_node, std::vector<int64_t>& out) {
  const std::size_t at = out.size();
  out.push_back(0);
  for (auto it = counters.lower_bound(first_node); it != counters.end(); ++it) {
    out.push_back(it->first);
    out.push_back(static_cast<int64_t>(it->second));
    ++out[at];
  }
}
std::vector<std::map<int, uint64_t>> replay_streams(const Tensor& flat, int64_t count) {
  std::vector<std::map<int, uint64_t>> streams(static_cast<std::size_t>(count));
  const int64_t* p = flat.data<int64_t>();
  const int64_t* end = p + flat.numel();
  for (auto& positions : streams) {
    if (p == end) throw InvalidArgument("WhileGrad: the recorded random streams are shorter than the loop");
    const int64_t k = *p++;
    for (int64_t i = 0; i < k; ++i, p += 2) positions[static_cast<int>(p[0])] = static_cast<uint64_t>(p[1]);
  }
  return streams;
}

// Row t of a stacked tensor [rows, ...], a view.
Tensor row_of(const Tensor& stacked, int64_t t, const std::string& what) {
  if (stacked.rank() < 1 || t >= stacked.dim(0))
    throw InvalidArgument("the loop reached iteration " + std::to_string(t) + " but " + what + " of shape " +
                          shape_string(stacked.shape()) + " has no row " + std::to_string(t));
  const Shape row(stacked.shape().begin() + 1, stacked.shape().end());
  return stacked.view(
      stacked.dtype(), row,
      static_cast<std::size_t>(t) * static_cast<std::size_t>(num_elements(row)) * dtype_size(stacked.dtype()));
}

// While it lives (or until end()), added nodes get no outer control
// dependencies: graph.control_dependencies(None).
class DetachedFromOuter {
 public:
  explicit DetachedFromOuter(Graph& graph) : graph_(graph) { graph_.push_control_dependencies({}, true); }
  ~DetachedFromOuter() { end(); }
  DetachedFromOuter(const DetachedFromOuter&) = delete;
  DetachedFromOuter& operator=(const DetachedFromOuter&) = delete;
  void end() {
    if (active_) graph_.pop_control_dependencies();
    active_ = false;
  }

 private:
  Graph& graph_;
  bool active_ = true;
};

// LoopArg: a loop variable (or a gradient flowing into one) inside a cond or
// body sub-graph; only the While / WhileGrad kernels give it a value.
REGISTER_OP("LoopArg")
    .inputs(0)
    .shape([](const InferContext& c) {
      return std::vector<TensorSpec>{{c.attrs().get<DType>("dtype"), c.attrs().get<std::vector<int64_t>>("shape")}};
    })
    .kernel([](KernelContext& c) -> void {
      c.fail("a tensor of a while_loop's cond or body can only be computed inside the loop; fetch the loop's outputs");
    })
    .not_differentiable()
    .any_dtype();

// Inputs: vars (n), captures (m), max_iter (int scalar, < 0: none). A
// capture flagged in attr "sliced" is a stacked input [rows, ...] whose row
// t the body reads in iteration t (as scan's elems, TF1's TensorArray read of
// dynamic_rnn's inputs): its ref in attr "captures" is the LoopArg of a row.
// Outputs: finals (n), count (int32 scalar), emits (e, stacked), histories
// (n, flat), their shape tables (n) and the random streams (record_streams).
REGISTER_OP("While")
    .variadic_inputs()
    .shape([](const InferContext& c) {
      const auto n = c.attrs().get<int64_t>("num_vars");
      const std::vector<Shape> var_shapes = shapes_from(c.attrs().get<std::vector<int64_t>>("var_ranks"),
                                                        c.attrs().get<std::vector<int64_t>>("var_dims"));
      const std::vector<Shape> emit_shapes = shapes_from(c.attrs().get<std::vector<int64_t>>("emit_ranks"),
                                                         c.attrs().get<std::vector<int64_t>>("emit_dims"));
      const auto& emit_dtypes = c.attrs().get<std::vector<int64_t>>("emit_dtypes");
      std::vector<TensorSpec> out;
      for (int64_t k = 0; k < n; ++k) out.push_back({c.input(static_cast<int>(k)).dtype, var_shapes[k]});
      out.push_back({DType::Int32, {}});
      for (std::size_t j = 0; j < emit_shapes.size(); ++j) {
        Shape s{-1};
        if (is_unknown_rank(emit_shapes[j])) s = unknown_rank_shape();
        else s.insert(s.end(), emit_shapes[j].begin(), emit_shapes[j].end());
        out.push_back({static_cast<DType>(emit_dtypes[j]), s});
      }
      for (int64_t k = 0; k < n; ++k) out.push_back({c.input(static_cast<int>(k)).dtype, {-1}});
      for (int64_t k = 0; k < n; ++k) out.push_back({DType::Int64, {-1, -1}});
      out.push_back({DType::Int64, {-1}});  // random stream positions
      return out;
    })
    .kernel([](KernelContext& c) {
      const Graph& g = c.variables.graph();
      const auto n = static_cast<std::size_t>(c.attrs().get<int64_t>("num_vars"));
      const std::vector<TensorRef> args = arg_refs(c.attrs().get<std::vector<int64_t>>("args"));
      const std::vector<TensorRef> captures = refs_from(c.attrs().get<std::vector<int64_t>>("captures"));
      const std::vector<TensorRef> results = refs_from(c.attrs().get<std::vector<int64_t>>("results"));
      const std::vector<TensorRef> emits = refs_from(c.attrs().get<std::vector<int64_t>>("emits"));
      const bool record = c.attrs().get<bool>("record");
      const std::vector<Shape> var_shapes = shapes_from(c.attrs().get<std::vector<int64_t>>("var_ranks"),
                                                        c.attrs().get<std::vector<int64_t>>("var_dims"));
      const std::vector<int64_t>& sliced = c.attrs().get<std::vector<int64_t>>("sliced");
      std::vector<TensorRef> fed = args;
      fed.insert(fed.end(), captures.begin(), captures.end());
      // The cond sees no sliced rows: it runs once more than the body.
      std::vector<TensorRef> cond_fed = args;
      for (std::size_t j = 0; j < captures.size(); ++j)
        if (!sliced[j]) cond_fed.push_back(captures[j]);
      NestedPlan cond(g, cond_fed, refs_from(c.attrs().get<std::vector<int64_t>>("cond")));
      std::vector<TensorRef> body_fetches = results;
      body_fetches.insert(body_fetches.end(), emits.begin(), emits.end());
      NestedPlan body(g, fed, body_fetches);

      std::vector<Tensor> state(n), rows(captures.size());
      std::vector<const Tensor*> feeds(fed.size()), cond_feeds;
      for (std::size_t k = 0; k < n; ++k) state[k] = c.input(static_cast<int>(k));
      for (std::size_t j = 0; j < captures.size(); ++j) feeds[n + j] = &c.input(static_cast<int>(n + j));
      const auto max_iter = static_cast<int64_t>(c.input(c.num_inputs() - 1).scalar_value());
      std::vector<std::vector<Tensor>> history(n), emitted(emits.size());
      std::vector<int64_t> streams;
      const int first_body_node = args.empty() ? 0 : args[0].node;
      int64_t count = 0;
      for (;;) {
        if (max_iter >= 0 && count >= max_iter) break;
        for (std::size_t k = 0; k < n; ++k) feeds[k] = &state[k];
        cond_feeds.clear();
        for (std::size_t i = 0; i < feeds.size(); ++i)
          if (i < n || !sliced[i - n]) cond_feeds.push_back(feeds[i]);
        cond.run(cond_feeds, c.variables, c.op_counters);
        const Tensor& pred = cond.result(0);
        if (pred.dtype() != DType::Bool || pred.numel() != 1)
          c.fail("the loop condition must give a bool scalar, got " + dtype_name(pred.dtype()) + " of shape " +
                 shape_string(pred.shape()));
        if (!*pred.data<bool>()) break;
        for (std::size_t j = 0; j < captures.size(); ++j)
          if (sliced[j]) {
            rows[j] = row_of(c.input(static_cast<int>(n + j)), count, "sliced input " + std::to_string(j));
            feeds[n + j] = &rows[j];
          }
        if (record) record_streams(c.op_counters, first_body_node, streams);
        body.run(feeds, c.variables, c.op_counters);
        for (std::size_t k = 0; k < n; ++k) {
          const Tensor& r = body.result(k);
          if (!shape_compatible(var_shapes[k], r.shape()))
            c.fail("loop variable " + std::to_string(k) + " has shape " + shape_string(r.shape()) +
                   " after an iteration, which does not fit its shape invariant " + shape_string(var_shapes[k]));
          if (record) history[k].push_back(state[k]);
          state[k] = r.clone();  // the body's buffers are overwritten by its next run
        }
        for (std::size_t j = 0; j < emits.size(); ++j) emitted[j].push_back(body.result(n + j).clone());
        ++count;
      }
      for (std::size_t k = 0; k < n; ++k) c.outputs[k] = state[k];
      c.outputs[n] = Tensor(DType::Int32, {});
      *c.outputs[n].data<int32_t>() = static_cast<int32_t>(count);
      const std::vector<Shape> emit_shapes = shapes_from(c.attrs().get<std::vector<int64_t>>("emit_ranks"),
                                                         c.attrs().get<std::vector<int64_t>>("emit_dims"));
      for (std::size_t j = 0; j < emits.size(); ++j) {
        const TensorSpec spec{g.node(emits[j].node).outputs[emits[j].index].dtype, emit_shapes[j]};
        c.outputs[n + 1 + j] = stack_emits(emitted[j], spec, "per-iteration output " + std::to_string(j));
      }
      const std::size_t h = n + 1 + emits.size();
      for (std::size_t k = 0; k < n; ++k)
        pack_history(history[k], state[k].dtype(), state[k].rank(), c.outputs[h + k], c.outputs[h + n + k]);
      c.outputs[h + 2 * n] = Tensor(DType::Int64, {static_cast<int64_t>(streams.size())});
      std::copy(streams.begin(), streams.end(), c.outputs[h + 2 * n].data<int64_t>());
    })
    .gradient([](const GradContext& c) {
      const auto n = static_cast<std::size_t>(c.attrs().get<int64_t>("num_vars"));
      std::vector<Output> none(c.inputs.size());
      if (!c.attrs().get<bool>("record")) return none;  // back_prop=False
      Graph& g = c.graph;
      const std::vector<TensorRef> args = arg_refs(c.attrs().get<std::vector<int64_t>>("args"));
      const std::vector<TensorRef> captures = refs_from(c.attrs().get<std::vector<int64_t>>("captures"));
      const std::vector<TensorRef> results = refs_from(c.attrs().get<std::vector<int64_t>>("results"));
      const std::vector<TensorRef> emits = refs_from(c.attrs().get<std::vector<int64_t>>("emits"));
      const std::size_t m = captures.size(), e = emits.size();
      auto out = [&](TensorRef r) { return g.output(r.node, r.index); };
      auto new_arg = [&](const Output& like, const std::string& name) {
        return g.add("LoopArg", {}, {{"dtype", like.dtype()}, {"shape", like.shape()}}, name);
      };
      // The body's vector-Jacobian product, in terms of LoopArgs for the
      // incoming gradients (float loop variables and emits only).
      std::vector<int64_t> dvars, dcaps;
      std::vector<Output> ys, seeds, xs;
      // Only WhileGrad's kernel runs this sub-graph: it takes no outer
      // control dependencies (nor an enclosing cond context, which
      // control_dependencies(None) clears as well).
      DetachedFromOuter detached(g);
      for (std::size_t k = 0; k < n; ++k)
        if (is_floating(c.input(static_cast<int>(k)).dtype())) {
          dvars.push_back(static_cast<int64_t>(k));
          ys.push_back(out(results[k]));
          seeds.push_back(new_arg(out(results[k]), "grad_arg"));
          xs.push_back(out(args[k]));
        }
      std::vector<Output> emit_seeds;
      for (std::size_t j = 0; j < e; ++j) {
        if (!is_floating(out(emits[j]).dtype())) continue;
        ys.push_back(out(emits[j]));
        emit_seeds.push_back(new_arg(out(emits[j]), "grad_emit"));
        seeds.push_back(emit_seeds.back());
      }
      for (std::size_t j = 0; j < m; ++j)
        if (is_floating(c.input(static_cast<int>(n + j)).dtype())) {
          dcaps.push_back(static_cast<int64_t>(j));
          xs.push_back(out(captures[j]));
        }
      if (xs.empty() || ys.empty()) return none;
      std::vector<Output> vjp = gradients(ys, xs, seeds);
      for (std::size_t i = 0; i < vjp.size(); ++i)
        if (!vjp[i].valid()) vjp[i] = zeros_like(xs[i]);
      detached.end();

      std::vector<Output> inputs{c.output(n)};  // the forward count
      const std::size_t h = n + 1 + e;
      for (std::size_t k = 0; k < 2 * n + 1; ++k) inputs.push_back(c.output(h + k));
      for (std::size_t j = 0; j < m; ++j) inputs.push_back(c.input(static_cast<int>(n + j)));
      for (std::size_t j = 0; j < e; ++j) {
        if (!is_floating(c.output(n + 1 + j).dtype())) continue;
        inputs.push_back(c.grad(n + 1 + j).valid() ? c.grad(n + 1 + j) : zeros_like(c.output(n + 1 + j)));
      }
      for (int64_t k : dvars) inputs.push_back(c.grad(k).valid() ? c.grad(k) : zeros_like(c.output(k)));
      Attrs attrs = c.attrs();
      attrs.set("grad_args", node_ids(std::vector<Output>(seeds.begin(), seeds.begin() + dvars.size())));
      attrs.set("grad_emits", node_ids(emit_seeds));
      attrs.set("vjp", flat_refs(vjp));
      attrs.set("dvars", dvars);
      attrs.set("dcaps", dcaps);
      const int grad = g.add_node("WhileGrad", inputs, attrs, "WhileGrad");
      std::vector<Output> grads = none;
      for (std::size_t i = 0; i < dvars.size(); ++i) grads[dvars[i]] = g.output(grad, static_cast<int>(i));
      for (std::size_t i = 0; i < dcaps.size(); ++i)
        grads[n + dcaps[i]] = g.output(grad, static_cast<int>(dvars.size() + i));
      return grads;
    })
    .sets_own_outputs()
    .any_dtype();

// Inputs: count, histories (n), shape tables (n), streams, captures (m), emit
// gradients (float emits), final gradients (float vars). Outputs: gradients
// of the initial float vars and of the float captures.
REGISTER_OP("WhileGrad")
    .variadic_inputs()
    .shape([](const InferContext& c) {
      const auto n = static_cast<int>(c.attrs().get<int64_t>("num_vars"));
      const auto& dvars = c.attrs().get<std::vector<int64_t>>("dvars");
      const auto& dcaps = c.attrs().get<std::vector<int64_t>>("dcaps");
      const int finals = c.num_inputs() - static_cast<int>(dvars.size());
      std::vector<TensorSpec> out;
      for (std::size_t i = 0; i < dvars.size(); ++i) out.push_back(c.input(finals + static_cast<int>(i)));
      for (int64_t j : dcaps) out.push_back(c.input(2 + 2 * n + static_cast<int>(j)));
      return out;
    })
    .kernel([](KernelContext& c) {
      const Graph& g = c.variables.graph();
      const auto n = static_cast<std::size_t>(c.attrs().get<int64_t>("num_vars"));
      const std::vector<TensorRef> args = arg_refs(c.attrs().get<std::vector<int64_t>>("args"));
      const std::vector<TensorRef> captures = refs_from(c.attrs().get<std::vector<int64_t>>("captures"));
      const std::vector<TensorRef> grad_args = arg_refs(c.attrs().get<std::vector<int64_t>>("grad_args"));
      const std::vector<TensorRef> grad_emits = arg_refs(c.attrs().get<std::vector<int64_t>>("grad_emits"));
      const auto& dvars = c.attrs().get<std::vector<int64_t>>("dvars");
      const auto& dcaps = c.attrs().get<std::vector<int64_t>>("dcaps");
      const std::vector<int64_t>& sliced = c.attrs().get<std::vector<int64_t>>("sliced");
      const std::size_t m = captures.size(), de = grad_emits.size(), dv = dvars.size();
      std::vector<TensorRef> fed = args;
      fed.insert(fed.end(), captures.begin(), captures.end());
      fed.insert(fed.end(), grad_args.begin(), grad_args.end());
      fed.insert(fed.end(), grad_emits.begin(), grad_emits.end());
      NestedPlan vjp(g, fed, refs_from(c.attrs().get<std::vector<int64_t>>("vjp")));

      const auto count = static_cast<int64_t>(c.input(0).scalar_value());
      const std::size_t caps_at = 2 + 2 * n, emits_at = caps_at + m, finals_at = emits_at + de;
      // Byte offsets of each iteration's value in the flat histories.
      std::vector<std::vector<std::size_t>> offsets(n,
                                                    std::vector<std::size_t>(static_cast<std::size_t>(count) + 1, 0));
      for (std::size_t k = 0; k < n; ++k) {
        const Tensor& dims = c.input(static_cast<int>(1 + n + k));
        for (int64_t t = 0; t < count; ++t) {
          Shape s(dims.data<int64_t>() + t * dims.dim(1), dims.data<int64_t>() + (t + 1) * dims.dim(1));
          offsets[k][static_cast<std::size_t>(t + 1)] =
              offsets[k][static_cast<std::size_t>(t)] +
              num_elements(s) * dtype_size(c.input(static_cast<int>(1 + k)).dtype());
        }
      }
      std::vector<Tensor> g_vars(dv), g_caps(dcaps.size()), values(n), emit_rows(de), rows(m);
      for (std::size_t i = 0; i < dv; ++i) g_vars[i] = c.input(static_cast<int>(finals_at + i)).clone();
      for (std::size_t i = 0; i < dcaps.size(); ++i) {
        const Tensor& cap = c.input(static_cast<int>(caps_at + static_cast<std::size_t>(dcaps[i])));
        g_caps[i] = Tensor(cap.dtype(), cap.shape());
        g_caps[i].fill_zero();
      }
      std::vector<const Tensor*> feeds(fed.size());
      for (std::size_t j = 0; j < m; ++j) feeds[n + j] = &c.input(static_cast<int>(caps_at + j));
      const std::vector<std::map<int, uint64_t>> streams = replay_streams(c.input(static_cast<int>(1 + 2 * n)), count);
      for (int64_t t = count - 1; t >= 0; --t) {
        const auto ut = static_cast<std::size_t>(t);
        for (std::size_t k = 0; k < n; ++k) {
          const Tensor& flat = c.input(static_cast<int>(1 + k));
          const Tensor& dims = c.input(static_cast<int>(1 + n + k));
          Shape s(dims.data<int64_t>() + t * dims.dim(1), dims.data<int64_t>() + (t + 1) * dims.dim(1));
          values[k] = flat.view(flat.dtype(), s, offsets[k][ut]);
          feeds[k] = &values[k];
        }
        for (std::size_t j = 0; j < m; ++j)
          if (sliced[j]) {
            rows[j] = row_of(c.input(static_cast<int>(caps_at + j)), t, "sliced input " + std::to_string(j));
            feeds[n + j] = &rows[j];
          }
        for (std::size_t i = 0; i < dv; ++i) feeds[n + m + i] = &g_vars[i];
        for (std::size_t j = 0; j < de; ++j) {
          emit_rows[j] =
              row_of(c.input(static_cast<int>(emits_at + j)), t, "the gradient of output " + std::to_string(j));
          feeds[n + m + dv + j] = &emit_rows[j];
        }
        // The body's random ops replay iteration t's draws (a dropout mask's gradient is that mask).
        std::map<int, uint64_t> replay = streams.at(ut);
        vjp.run(feeds, c.variables, replay);
        for (std::size_t i = 0; i < dv; ++i) g_vars[i] = vjp.result(i).clone();
        for (std::size_t i = 0; i < g_caps.size(); ++i) {
          const Tensor& d = vjp.result(dv + i);
          // A sliced input's gradient goes to its row t; a capture's sums over iterations.
          const Tensor into =
              sliced[static_cast<std::size_t>(dcaps[i])] ? row_of(g_caps[i], t, "a sliced gradient") : g_caps[i];
          if (d.shape() != into.shape())
            c.fail("gradient of a captured tensor has shape " + shape_string(d.shape()) + ", expected " +
                   shape_string(into.shape()));
          dispatch_float(d.dtype(), [&](auto zero) {
            using T = decltype(zero);
            T* acc = into.data<T>();
            const T* add = d.data<T>();
            for (int64_t q = 0; q < d.numel(); ++q) acc[q] += add[q];
          });
        }
      }
      for (std::size_t i = 0; i < dv; ++i) c.outputs[i] = g_vars[i];
      for (std::size_t i = 0; i < g_caps.size(); ++i) c.outputs[dv + i] = g_caps[i];
    })
    .sets_own_outputs()
    .any_dtype();  // the recorded loop variables may be of any dtype

}  // namespace

}  // namespace slimcore
