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

 private:
  struct Placement {
    int arena = -1;    // -1: owns its tensor
    int primary = -1;  // the variable whose segment it occupies
  };
  Placement placement(const Node& var) const;
  void layout(int extra_arena);
  const Graph& graph_;
  std::vector<Tensor> arenas_;
  Tensor gradient_arena_;
  std::vector<ArenaSegment> segments_;
  std::map<int, int> segment_index_;
  std::map<int, Tensor> values_;
  std::map<int, bool> initialized_;
};

}  // namespace slimcore
