// The values of a session's variables.
//
// Arena 0 is one contiguous, 64-byte aligned buffer holding every trainable
// float32 variable; arena k >= 1 holds the k-th optimizer slot of each of
// them (momentum, Adam's m and v...) at the same offset, so an optimizer
// step is one pass over parallel arrays. A slot variable is a float32
// VariableV2 with attrs slot_of (its variable's node) and slot_index (k).
// Every other variable owns its tensor.
#pragma once
#include <map>
#include <vector>

#include "slimcore/graph.h"

namespace slimcore {

// Where a trainable variable lives in the arenas, and its settings (lr
// multiplier, momentum, decay, penalty: the graph's record, read together
// with the segment).
struct ArenaSegment {
  int node = -1;                               // the VariableV2 node
  std::size_t offset = 0;                      // in elements
  int64_t size = 0;                            // elements
  const VariableSettings* settings = nullptr;  // the graph's record of `node`
};

class VariableStore {
 public:
  explicit VariableStore(const Graph& graph) : graph_(graph) {}
  bool initialized(int node) const;
  // The value (a view into an arena for arena variables). Throws
  // FailedPrecondition naming the variable when uninitialized.
  const Tensor& value(int node) const;
  // Copies `value` into the variable (its shape must match the static shape).
  void assign(int node, const Tensor& value);
  // Arena k (empty until a variable in it is assigned) and the segment table.
  Tensor arena(int k = 0) const;
  const std::vector<ArenaSegment>& segments() const { return segments_; }
  // Index of `node`'s segment in segments(), or -1 when it is not in arena 0.
  int segment_of(int node) const;
  // The gradient arena (laid out as arena 0) and the view of `var`'s slot in
  // it, where the executor writes an optimizer's gradients (place_gradients in session.cpp).
  Tensor gradient_arena() const { return gradient_arena_; }
  Tensor gradient_view(int var);
  const Graph& graph() const { return graph_; }
  // The arena `node` lives in (0: trainable float32 variables, k >= 1: their
  // k-th optimizer slot), or -1 when it owns its tensor.
  int arena_of(int node) const { return placement(graph_.node(node)).arena; }

  // ---- shadow arenas: how a checked optimizer step stays all or nothing ----
  // shadow(k) is a second buffer laid out as arena k (allocated on first use,
  // dropped when the arenas are laid out anew), where a checked optimizer step
  // writes the new values of the arena (ops/optimizer_ops.cpp).
  // commit_shadows(ks) then swaps each arena k of `ks` with its shadow: the new
  // values become the variables' values at once (value() views follow) and the
  // old ones are left in the shadow, to be overwritten by the next step. A
  // Tensor obtained from value() or arena() before a commit still views the
  // old buffer: rebased() maps it to the same place in the arena (the session
  // rebases its run's tensors after each op); C++ code that keeps such views
  // across training steps must re-read value().
  float* shadow(int k);
  void commit_shadows(const std::vector<int>& arenas);
  // How many commits so far (a caller holding views compares it to know when
  // to rebase them).
  uint64_t commits() const { return commits_; }
  // `t` when it does not view an arena's previous buffer (the shadow of the
  // last commit), else the same dtype, shape and offset in the arena.
  Tensor rebased(const Tensor& t) const;

 private:
  struct Placement {
    int arena = -1;    // -1: owns its tensor
    int primary = -1;  // the variable whose segment it occupies
  };
  Placement placement(const Node& var) const;
  void layout(int extra_arena);
  Tensor rebased_in(const Tensor& t, int k) const;
  const Graph& graph_;
  std::vector<Tensor> arenas_;
  Tensor gradient_arena_;
  std::vector<ArenaSegment> segments_;
  std::map<int, int> segment_index_;
  std::map<int, Tensor> values_;
  std::map<int, bool> initialized_;
  std::vector<Tensor> shadows_;  // per arena, empty until shadow(k)
  std::vector<int> last_commit_;
  uint64_t commits_ = 0;
};

}  // namespace slimcore
