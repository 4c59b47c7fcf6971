// Memory by liveness: which output buffers of a plan can share memory.
//
// Without it every step of a plan keeps its own output buffers for the whole
// session, so a training step's peak is every activation plus every gradient
// plus every temporary. With it (TF's BFC allocator and PyTorch's caching
// allocator reach the same effect per allocation; this does it once per plan):
//
//   live(s, k) = [s, last(s, k)]   the positions in the plan's (topological)
//                                  order from the step producing output k of
//                                  step s to the last step reading it
//
// and two outputs whose live intervals are disjoint may occupy the same
// buffer. A buffer is reused once the last reader of its occupant ran; an op
// registered .in_place() (elementwise: out[i] depends on in[i] only) writes
// its output over an input of the same dtype and size whose last reader it
// is and that nothing else views (counted on the storage, so an alias the
// static rules below missed can never be written over). Intervals are static (as if every step ran), so a run in which
// a tf.cond makes steps dead only frees a buffer later than it could, never earlier: the planning is conservative where
// liveness per run is dynamic.
//
// Not planned, keeping their own buffers as before (BufferPlanner::planned):
// fetched outputs (read after the run, or by the While op that runs a nested
// plan), outputs placed in the gradient arena, outputs of ops that set their
// own outputs (Identity, Reshape, variables, host callbacks, While: they may
// alias their inputs, so an alias extends the interval of every input of its
// op to its own last reader, and an input whose alias is fetched is not
// planned either), and string tensors.
//
// Buffers are assigned when an output is first computed, with its real size
// (best fit among the buffers free over its interval), and stay assigned: a
// run with the same shapes and the same live steps takes the same buffers and
// allocates nothing. A buffer only grows; it is replaced (an allocation) when
// someone still views it when it is handed out (the same safety net).
//
// SLIMCORE_PLAN_BUFFERS=0 in the environment turns the planning off for plans
// made afterwards (every output keeps its own buffer, as before): a switch for
// tests and for comparing memory.
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

#include "slimcore/graph.h"
#include "slimcore/tensor.h"

namespace slimcore {

// What the planner needs to know of one step of a plan.
struct StepUse {
  // (step, output) of each data input, {-1, -1} for a fed one.
  std::vector<std::pair<int, int>> inputs;
  // (step, output) of other tensors it reads: the cond predicates its
  // liveness is decided on, and a fused producer's inputs when the producer
  // runs at this step's place (fusion_pass.h).
  std::vector<std::pair<int, int>> predicates;
  int num_outputs = 0;
  bool aliases_inputs = false;  // OpDef::sets_own_outputs
  bool in_place = false;        // OpDef::in_place
  std::vector<char> keep;       // per output: keeps its own buffer (fetched, gradient arena)
  std::vector<char> strings;    // per output: a string tensor (never planned)
};

class BufferPlanner {
 public:
  // Plans `steps` (in execution order); `enabled` false plans nothing.
  BufferPlanner(const std::vector<StepUse>& steps, bool enabled);

  // Whether output k of step s lives in a planned buffer (else the executor
  // keeps a buffer of its own for it, as for an unplanned plan).
  bool planned(int s, int k) const { return slots_[s][k].last >= 0; }

  // The planned buffer of output k of step s, shaped as `spec`, about to be
  // written by step s. `inputs` are step s's data inputs (an .in_place() op
  // may get one of them back, when it is the last reader of that buffer).
  Tensor acquire(int s, int k, const TensorSpec& spec, const std::vector<const Tensor*>& inputs);

  // (step, output) pairs whose last reader is step s: the executor drops its
  // views of them after position s, whether or not step s ran.
  const std::vector<std::pair<int, int>>& released_after(int s) const { return released_[s]; }

  // Whether planning is on for new plans: not when SLIMCORE_PLAN_BUFFERS=0.
  static bool enabled_by_environment();

 private:
  struct Slot {
    int last = -1;                  // last reader's position; -1: not planned
    int buffer = -1;                // assigned buffer, -1: not yet
    bool in_place = false;          // `buffer` is that of a dying input (see acquire)
    std::vector<int> dying_inputs;  // .in_place() op's output 0: inputs whose buffer dies here
  };
  struct Buffer {
    Tensor storage;                             // uint8 [capacity]
    std::vector<std::pair<int, int>> occupied;  // live intervals of its occupants
  };
  bool free_over(const Buffer& buffer, int first, int last) const;
  int find_buffer(int first, int last, std::size_t bytes) const;

  std::vector<std::vector<Slot>> slots_;
  std::vector<std::vector<std::pair<int, int>>> inputs_;  // per step: sources of its data inputs
  std::vector<std::vector<std::pair<int, int>>> released_;
  std::vector<Buffer> buffers_;
};

}  // namespace slimcore
