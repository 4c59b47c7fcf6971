// Data-parallel training without MPI in the engine: the gradient reducer.
//
// N processes (or N in-process replicas) run the same graph, each on its
// shard of the batch. A train op built with a reducer (the ApplyOptimizer
// attribute "gradient_reducer", set by optimizer::ApplyRequest::gradient_reducer
// or train::OptimizerSpec::gradient_reducer) hands its gradients to the
// reducer inside Session::run, after the last gradient op and before the
// fused update:
//
//   g <- (1/N) sum_r g_r        (Horovod's and TF1's averaging)
//
// The gradients live in one contiguous float32 buffer, the gradient arena
// (VariableStore::gradient_arena), so a step makes one reduce() call over the
// whole arena, in place, no copies; a gradient the executor could not place
// there (a fed one, or one whose producer aliases its output) gets a reduce()
// call of its own on a copy. Penalties in the loss are computed on every
// replica from identical weights, so the average carries them once; decoupled
// decay is applied by the update, once per step, identically on every replica.
//
// The embedding application implements reduce(): Python's
// slimcore.distributed over mpi4py (MPI_Allreduce, then a scale by 1/N), a
// C++ application over MPI's C API, NCCL, or threads (cpp/examples).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>

namespace slimcore {

class GradientReducer {
 public:
  virtual ~GradientReducer() = default;
  // Replaces data[0..n) with the mean of this buffer over all replicas.
  // Every replica calls it with the same n, in the same order, once per
  // train-op step. Called on the thread that called Session::run, outside
  // every parallel region; an exception it throws leaves Session::run
  // unchanged, with no variable updated.
  virtual void reduce(float* data, std::size_t n) = 0;
};

// Registers `reducer` and returns its token (> 0, never reused in the
// process), the value of the "gradient_reducer" attribute of train ops that
// use it. Throws InvalidArgument for a null reducer.
int64_t register_gradient_reducer(std::shared_ptr<GradientReducer> reducer);
// Forgets the reducer of `token` (no-op when unknown); a train op naming it
// then fails at run time with NotFound.
void unregister_gradient_reducer(int64_t token);
// The reducer of `token`; throws NotFound when none is registered.
std::shared_ptr<GradientReducer> gradient_reducer(int64_t token);

}  // namespace slimcore
