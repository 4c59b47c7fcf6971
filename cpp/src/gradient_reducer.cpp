// The registry of gradient reducers (slimcore/gradient_reducer.h) and the one
// call the executor makes before a fused update (gradient_reduction.h).
#include "slimcore/gradient_reducer.h"

#include <map>
#include <mutex>
#include <string>

#include "gradient_reduction.h"
#include "slimcore/errors.h"

namespace slimcore {

namespace {

struct ReducerRegistry {
  std::mutex mutex;
  std::map<int64_t, std::shared_ptr<GradientReducer>> reducers;
  int64_t next = 1;
};

ReducerRegistry& registry() {
  static ReducerRegistry r;
  return r;
}

}  // namespace

int64_t register_gradient_reducer(std::shared_ptr<GradientReducer> reducer) {
  if (!reducer) throw InvalidArgument("register_gradient_reducer: the reducer is null");
  ReducerRegistry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  const int64_t token = r.next++;
  r.reducers.emplace(token, std::move(reducer));
  return token;
}

void unregister_gradient_reducer(int64_t token) {
  std::shared_ptr<GradientReducer> dropped;  // destroyed after the lock is released
  ReducerRegistry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto it = r.reducers.find(token);
  if (it == r.reducers.end()) return;
  dropped = std::move(it->second);
  r.reducers.erase(it);
}

std::shared_ptr<GradientReducer> gradient_reducer(int64_t token) {
  ReducerRegistry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto it = r.reducers.find(token);
  if (it == r.reducers.end())
    throw NotFound("no gradient reducer is registered under token " + std::to_string(token) +
                   " (unregistered, or the graph comes from another process)");
  return it->second;
}

std::vector<Tensor> reduce_update_gradients(const Node& update, std::vector<const Tensor*>& inputs,
                                            const VariableStore& variables) {
  std::vector<Tensor> copies;
  const int64_t token = update.attrs.get_or<int64_t>("gradient_reducer", 0);
  if (token == 0) return copies;
  const std::shared_ptr<GradientReducer> reducer = gradient_reducer(token);
  const std::size_t n = update.attrs.get<std::vector<int64_t>>("vars").size();
  const Tensor arena = variables.gradient_arena();
  bool arena_used = false;
  for (std::size_t i = 0; i < n && i < inputs.size(); ++i) {
    if (!arena.is_null() && inputs[i]->shares_storage_with(arena)) {
      arena_used = true;
      continue;
    }
    copies.push_back(inputs[i]->clone());
    reducer->reduce(copies.back().data<float>(), static_cast<std::size_t>(copies.back().numel()));
  }
  // The copies vector no longer grows: the pointers into it stay valid.
  for (std::size_t i = 0, c = 0; i < n && i < inputs.size(); ++i)
    if (arena.is_null() || !inputs[i]->shares_storage_with(arena)) inputs[i] = &copies[c++];
  if (arena_used) reducer->reduce(arena.data<float>(), static_cast<std::size_t>(arena.numel()));
  return copies;
}

}  // namespace slimcore
