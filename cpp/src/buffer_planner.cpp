// Memory by liveness (buffer_planner.h).
#include "buffer_planner.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace slimcore {

bool BufferPlanner::enabled_by_environment() {
  const char* v = std::getenv("SLIMCORE_PLAN_BUFFERS");
  return v == nullptr || std::strcmp(v, "0") != 0;
}

BufferPlanner::BufferPlanner(const std::vector<StepUse>& steps, bool enabled) {
  const int n = static_cast<int>(steps.size());
  slots_.resize(steps.size());
  inputs_.resize(steps.size());
  released_.resize(steps.size());
  if (!enabled) {
    for (int s = 0; s < n; ++s) slots_[s].resize(static_cast<std::size_t>(steps[s].num_outputs));
    return;
  }
  const int forever = n;  // read after the run
  // last[s][k]: position of the last step reading output k of step s.
  std::vector<std::vector<int>> last(steps.size());
  for (int s = 0; s < n; ++s) {
    const StepUse& step = steps[s];
    last[s].resize(static_cast<std::size_t>(step.num_outputs));
    for (int k = 0; k < step.num_outputs; ++k) last[s][k] = step.keep[k] || step.strings[k] ? forever : s;
    auto read = [&](std::pair<int, int> src) {
      if (src.first >= 0) last[src.first][src.second] = std::max(last[src.first][src.second], s);
    };
    for (auto src : step.inputs) read(src);
    for (auto src : step.predicates) read(src);
    inputs_[s] = step.inputs;
  }
  // An op that may alias its inputs keeps each of them alive as long as its
  // own outputs; backwards, so chains of aliases (Identity of a Reshape)
  // reach the buffer they all share.
  for (int t = n - 1; t >= 0; --t) {
    if (!steps[t].aliases_inputs) continue;
    int end = t;
    for (int e : last[t]) end = std::max(end, e);
    for (auto [s, k] : steps[t].inputs)
      if (s >= 0) last[s][k] = std::max(last[s][k], end);
  }
  for (int s = 0; s < n; ++s) {
    const StepUse& step = steps[s];
    slots_[s].resize(static_cast<std::size_t>(step.num_outputs));
    for (int k = 0; k < step.num_outputs; ++k) {
      if (last[s][k] >= forever) continue;
      released_[last[s][k]].emplace_back(s, k);  // an alias's view is dropped too
      if (!step.aliases_inputs) slots_[s][k].last = last[s][k];
    }
    if (step.in_place && step.num_outputs > 0 && slots_[s][0].last >= 0)
      for (std::size_t j = 0; j < step.inputs.size(); ++j) {
        const auto [p, k] = step.inputs[j];
        if (p >= 0 && slots_[p][k].last == s) slots_[s][0].dying_inputs.push_back(static_cast<int>(j));
      }
  }
}

bool BufferPlanner::free_over(const Buffer& buffer, int first, int last) const {
  for (auto [a, b] : buffer.occupied)
    if (a <= last && b >= first) return false;
  return true;
}

// Best fit: the smallest buffer free over [first, last] that holds `bytes`,
// else the largest free one (it will grow), else -1.
int BufferPlanner::find_buffer(int first, int last, std::size_t bytes) const {
  int fit = -1, largest = -1;
  for (int b = 0; b < static_cast<int>(buffers_.size()); ++b) {
    if (!free_over(buffers_[b], first, last)) continue;
    const std::size_t cap = buffers_[b].storage.nbytes();
    if (cap >= bytes && (fit < 0 || cap < buffers_[fit].storage.nbytes())) fit = b;
    if (largest < 0 || cap > buffers_[largest].storage.nbytes()) largest = b;
  }
  return fit >= 0 ? fit : largest;
}

Tensor BufferPlanner::acquire(int s, int k, const TensorSpec& spec, const std::vector<const Tensor*>& inputs) {
  Slot& slot = slots_[s][k];
  const int64_t numel = num_elements(spec.shape);
  const std::size_t bytes = static_cast<std::size_t>(numel) * dtype_size(spec.dtype);
  // In place: over a dying input of the same dtype and size that nothing
  // else views (the plan's buffer and the producer's view: two owners).
  for (int j : slot.dying_inputs) {
    if (slot.buffer >= 0 && !slot.in_place) break;
    const Tensor& in = *inputs[static_cast<std::size_t>(j)];
    const auto [p, pk] = inputs_[s][static_cast<std::size_t>(j)];
    const int b = slots_[p][pk].buffer;
    if (b < 0 || (slot.in_place && slot.buffer != b) || in.dtype() != spec.dtype || in.numel() != numel ||
        !in.shares_storage_with(buffers_[b].storage) || in.storage_use_count() != 2)
      continue;
    if (!slot.in_place) {
      if (!free_over(buffers_[b], s + 1, slot.last)) continue;
      slot.buffer = b;
      slot.in_place = true;
      buffers_[b].occupied.emplace_back(s + 1, slot.last);
    }
    return in.reshaped(spec.shape);
  }
  if (slot.in_place) {  // shapes changed since: a buffer of its own from now on
    slot.buffer = -1;
    slot.in_place = false;
    slot.dying_inputs.clear();
  }
  if (slot.buffer < 0) {
    slot.buffer = find_buffer(s, slot.last, bytes);
    if (slot.buffer < 0) {
      slot.buffer = static_cast<int>(buffers_.size());
      buffers_.emplace_back();
    }
    buffers_[slot.buffer].occupied.emplace_back(s, slot.last);
  }
  Tensor& storage = buffers_[slot.buffer].storage;
  // Grown, or replaced when a view of it outlives the plan (a host callback).
  if (storage.is_null() || storage.nbytes() < bytes || !storage.storage_unique())
    storage = Tensor(DType::UInt8, Shape{static_cast<int64_t>(std::max(bytes, storage.nbytes()))});
  return storage.view(spec.dtype, spec.shape, 0);
}

}  // namespace slimcore
