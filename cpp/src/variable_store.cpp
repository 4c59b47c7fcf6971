// Variable values of a session: trainable float32 variables and their
// optimizer slots in parallel arenas, everything else in own tensors.
#include "slimcore/variable_store.h"

namespace slimcore {

namespace {
constexpr std::size_t kSegmentAlign = 16;  // floats: 64 bytes, one cache line

bool is_arena_variable(const Node& var) {
  return var.attrs.get_or<bool>("trainable", true) && var.outputs[0].dtype == DType::Float32;
}
}  // namespace

VariableStore::Placement VariableStore::placement(const Node& var) const {
  if (var.outputs[0].dtype != DType::Float32) return {};
  if (var.attrs.has("slot_of")) {
    const int primary = static_cast<int>(var.attrs.get<int64_t>("slot_of"));
    const int k = static_cast<int>(var.attrs.get<int64_t>("slot_index"));
    const Node& p = graph_.node(primary);
    if (k >= 1 && is_arena_variable(p) && p.outputs[0].shape == var.outputs[0].shape) return {k, primary};
    return {};
  }
  if (is_arena_variable(var)) return {0, var.id};
  return {};
}

bool VariableStore::initialized(int node) const {
  auto it = initialized_.find(node);
  return it != initialized_.end() && it->second;
}

const Tensor& VariableStore::value(int node) const {
  if (!initialized(node))
    throw FailedPrecondition("Attempting to use uninitialized value " + graph_.node(node).name +
                             ": run its initializer first (global_variables_initializer(), and "
                             "local_variables_initializer() for local variables such as tf.metrics' counters)");
  return values_.at(node);
}

Tensor VariableStore::arena(int k) const {
  return k >= 0 && k < static_cast<int>(arenas_.size()) ? arenas_[k] : Tensor();
}

int VariableStore::segment_of(int node) const {
  auto it = segment_index_.find(node);
  return it == segment_index_.end() ? -1 : it->second;
}

// Recomputes the segment table from the graph's variables (which only ever
// grow) and moves every arena variable into fresh arenas, values kept.
void VariableStore::layout(int extra_arena) {
  std::vector<ArenaSegment> segments;
  std::map<int, int> index;
  std::size_t offset = 0;
  for (int id : graph_.variable_nodes()) {
    const Node& var = graph_.node(id);
    if (placement(var).arena != 0) continue;
    const int64_t size = num_elements(var.outputs[0].shape);
    index[id] = static_cast<int>(segments.size());
    segments.push_back({id, offset, size, &graph_.variable_settings(id)});
    offset += (static_cast<std::size_t>(size) + kSegmentAlign - 1) / kSegmentAlign * kSegmentAlign;
  }
  std::size_t count = std::max<std::size_t>(arenas_.size(), static_cast<std::size_t>(extra_arena) + 1);
  std::vector<Tensor> arenas(count);
  for (std::size_t k = 0; k < count; ++k) {
    if (k < arenas_.size() && arenas_[k].is_null() && static_cast<int>(k) != extra_arena) continue;
    arenas[k] = Tensor(DType::Float32, {static_cast<int64_t>(offset)});
    arenas[k].fill_zero();  // padding between segments stays zero
  }
  for (auto& [node, tensor] : values_) {
    const Placement p = placement(graph_.node(node));
    if (p.arena < 0) continue;
    const ArenaSegment& seg = segments[static_cast<std::size_t>(index.at(p.primary))];
    Tensor view = arenas[static_cast<std::size_t>(p.arena)].view(DType::Float32, graph_.node(node).outputs[0].shape,
                                                                 seg.offset * sizeof(float));
    if (initialized(node)) view.copy_from(tensor);
    tensor = view;
  }
  arenas_ = std::move(arenas);
  shadows_.clear();
  last_commit_.clear();
  segments_ = std::move(segments);
  segment_index_ = std::move(index);
}

float* VariableStore::shadow(int k) {
  const Tensor& live = arenas_.at(static_cast<std::size_t>(k));
  if (shadows_.size() < arenas_.size()) shadows_.resize(arenas_.size());
  Tensor& s = shadows_[static_cast<std::size_t>(k)];
  if (s.is_null() || s.numel() != live.numel()) {
    s = Tensor(DType::Float32, {live.numel()});
    s.fill_zero();
  }
  return s.data<float>();
}

void VariableStore::commit_shadows(const std::vector<int>& ks) {
  for (int k : ks) std::swap(arenas_.at(static_cast<std::size_t>(k)), shadows_.at(static_cast<std::size_t>(k)));
  last_commit_ = ks;
  ++commits_;
  for (auto& entry : values_) entry.second = rebased(entry.second);
}

// The view `t` has into the shadow of arena k, in arena k.
Tensor VariableStore::rebased_in(const Tensor& t, int k) const {
  const Tensor& old = shadows_[static_cast<std::size_t>(k)];
  const auto offset = static_cast<std::size_t>(static_cast<const char*>(t.raw()) - static_cast<const char*>(old.raw()));
  return arenas_[static_cast<std::size_t>(k)].view(t.dtype(), t.shape(), offset);
}

Tensor VariableStore::rebased(const Tensor& t) const {
  for (int k : last_commit_)
    if (t.shares_storage_with(shadows_[static_cast<std::size_t>(k)])) return rebased_in(t, k);
  return t;
}

Tensor VariableStore::gradient_view(int var) {
  if (segment_of(var) < 0) layout(0);
  const int index = segment_of(var);
  if (index < 0) throw InvalidArgument(graph_.node(var).name + " has no place in the gradient arena");
  if (gradient_arena_.is_null() || gradient_arena_.numel() != arenas_[0].numel()) {
    gradient_arena_ = Tensor(DType::Float32, {arenas_[0].numel()});
    gradient_arena_.fill_zero();
  }
  const ArenaSegment& seg = segments_[static_cast<std::size_t>(index)];
  return gradient_arena_.view(DType::Float32, graph_.node(var).outputs[0].shape, seg.offset * sizeof(float));
}

void VariableStore::assign(int node, const Tensor& value) {
  const Node& var = graph_.node(node);
  const TensorSpec& spec = var.outputs[0];
  if (value.dtype() != spec.dtype)
    throw TypeMismatch("cannot assign a " + dtype_name(value.dtype()) + " value to variable " + var.name +
                       " of dtype " + dtype_name(spec.dtype));
  if (value.shape() != spec.shape)
    throw InvalidArgument("cannot assign a value of shape " + shape_string(value.shape()) + " to variable " + var.name +
                          " of shape " + shape_string(spec.shape));
  if (!values_.count(node)) {
    const Placement p = placement(var);
    if (p.arena < 0) {
      values_[node] = Tensor(spec.dtype, spec.shape);
    } else {
      values_[node] = Tensor(spec.dtype, spec.shape);  // placeholder until laid out
      const bool need_layout =
          segment_of(p.primary) < 0 || arena(p.arena).is_null() || arena(p.arena).numel() < arena(0).numel();
      if (need_layout) {
        layout(p.arena);
      } else {
        const ArenaSegment& seg = segments_[static_cast<std::size_t>(segment_of(p.primary))];
        values_[node] =
            arenas_[static_cast<std::size_t>(p.arena)].view(DType::Float32, spec.shape, seg.offset * sizeof(float));
      }
    }
  }
  values_.at(node).copy_from(value);
  initialized_[node] = true;
}

}  // namespace slimcore
