// Small graph-building helpers that gradient functions share.
#pragma once
#include "slimcore/ops.h"

namespace slimcore {

// Adds nodes in cond context `ctx` (-1: none) until the scope ends.
class CondContextScope {
 public:
  CondContextScope(Graph& graph, int ctx) : graph_(graph), saved_(graph.current_cond_context()) {
    graph_.set_current_cond_context(ctx);
  }
  ~CondContextScope() { graph_.set_current_cond_context(saved_); }
  CondContextScope(const CondContextScope&) = delete;
  CondContextScope& operator=(const CondContextScope&) = delete;

 private:
  Graph& graph_;
  int saved_;
};

// Sums `grad` over the dimensions along which `like` was broadcast, so the
// result has `like`'s (run-time) shape: the gradient rule of broadcasting.
Output sum_to_shape_of(Output grad, Output like);
// Ones / zeros with the run-time shape and dtype of `like`.
Output ones_like(Output like);
Output zeros_like(Output like);
// A scalar constant of `like`'s dtype.
Output scalar_like(Output like, double value);

}  // namespace slimcore
