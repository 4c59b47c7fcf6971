// A plan of the session's executor over part of the graph, run by a kernel
// (the While op runs its cond and body sub-graphs with it, while_ops.cpp):
// the nodes that `fetches` need, stopping at the `fed` refs, whose values
// each run supplies. Planning and steps are the session's own (session.cpp),
// buffers persist across runs, so a loop's iterations reuse them.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "slimcore/graph.h"
#include "slimcore/session.h"
#include "slimcore/variable_store.h"

namespace slimcore {

class NestedPlan {
 public:
  // Throws InvalidArgument when the fetches need a placeholder that is not fed.
  NestedPlan(const Graph& graph, const std::vector<TensorRef>& fed, const std::vector<TensorRef>& fetches);
  ~NestedPlan();
  NestedPlan(const NestedPlan&) = delete;
  NestedPlan& operator=(const NestedPlan&) = delete;
  // Runs with one value per fed ref; random ops advance `counters`.
  void run(const std::vector<const Tensor*>& values, VariableStore& variables, std::map<int, uint64_t>& counters);
  // Fetch i of the last run; valid until the next run.
  const Tensor& result(std::size_t i) const;

 private:
  std::unique_ptr<Plan> plan_;
  std::vector<std::pair<TensorRef, Tensor>> feeds_;
};

}  // namespace slimcore
