// The executor's side of slimcore/gradient_reducer.h.
#pragma once
#include <vector>

#include "slimcore/graph.h"
#include "slimcore/tensor.h"
#include "slimcore/variable_store.h"

namespace slimcore {

// Before the ApplyOptimizer node `update` runs: when it names a reducer
// (attribute "gradient_reducer"), replaces its gradients (inputs[0..n), n =
// its number of variables) with their mean over the replicas: one reduce()
// over the gradient arena when any gradient lives there, one per gradient
// that does not (on a copy, which inputs[i] then points at). Returns those
// copies: the caller keeps them until the kernel has run. Throws NotFound
// for an unregistered reducer.
std::vector<Tensor> reduce_update_gradients(const Node& update, std::vector<const Tensor*>& inputs,
                                            const VariableStore& variables);

}  // namespace slimcore
