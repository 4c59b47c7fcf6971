// Runs a graph: prunes to what the fetches need, plans buffers once per set
// of input shapes and reuses them, executes the kernels (OpenMP inside), and
// owns the variables' values.
#pragma once
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "slimcore/graph.h"
#include "slimcore/variable_store.h"

namespace slimcore {

struct Plan;

class Session {
 public:
  explicit Session(std::shared_ptr<Graph> graph);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Feeds values for tensors (placeholders or any other tensor), computes the
  // fetches and runs the target ops. Returns one tensor per fetch. Throws
  // InvalidArgument for a missing feed, a tensor fed twice or a fed shape that
  // contradicts the static shape, TypeMismatch for a wrong dtype, FailedPrecondition when an
  // uninitialized variable is read. Ops in cond contexts (Graph::cond_context)
  // run only in runs that take their branch; fetching the output of one that
  // did not run throws InvalidArgument.
  std::vector<Tensor> run(const std::vector<std::pair<Output, Tensor>>& feeds, const std::vector<Output>& fetches,
                          const std::vector<int>& targets = {});

  // The same by node references (what the Python binding uses).
  std::vector<Tensor> run_refs(const std::vector<std::pair<TensorRef, Tensor>>& feeds,
                               const std::vector<TensorRef>& fetches, const std::vector<int>& targets = {});

  Graph& graph() { return *graph_; }
  VariableStore& variables() { return variables_; }

 private:
  Plan& plan_for(const std::vector<std::pair<TensorRef, Tensor>>& feeds, const std::vector<TensorRef>& fetches,
                 const std::vector<int>& targets);
  std::shared_ptr<Graph> graph_;
  VariableStore variables_;
  std::map<int, uint64_t> op_counters_;  // random ops' stream positions
  std::vector<std::unique_ptr<Plan>> plans_;
  std::mutex mutex_;  // one run at a time per session
  // The thread inside run() (a default id when none): a host callback that
  // calls run() on its own session fails instead of deadlocking on mutex_.
  std::atomic<std::thread::id> running_thread_{};
};

// Threads used by kernels (the pool of cpp/src/parallel.h); default: all
// cores (OMP_NUM_THREADS when set). At most max_num_threads():
// kMaxThreadsPerCore threads per core, and never more than kMaxNumThreads
// (more only oversubscribes the cores). Throws InvalidArgument for n < 1 or
// n > max_num_threads().
constexpr int kMaxThreadsPerCore = 4;
constexpr int kMaxNumThreads = 256;
void set_num_threads(int64_t n);
int get_num_threads();
int max_num_threads();

// For tests: runs one parallel region of `team` threads whose threads meet at
// a barrier, and returns the kernel thread id (gettid) of each thread of the
// team in thread order (fewer when the region ran on the caller alone).
// Throws InvalidArgument for team < 1, and std::logic_error when a thread
// left the barrier before all arrived.
std::vector<int64_t> parallel_region_threads(int team);

}  // namespace slimcore
