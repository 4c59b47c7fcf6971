// Collectives over data-parallel replicas, as graph ops whose kernel calls a
// host callback (slimcore/host_callback.h) that the embedding application
// implements (Python: slimcore.distributed over mpi4py). The engine itself
// stays free of MPI.
//
//   Allreduce(x) = (1/N) sum_r x_r    (attribute "average" true: Horovod's default)
//                = sum_r x_r          (average false)
//
// over the N replicas, each running the same graph. Gradient: the same
// collective of the incoming gradient, dL/dx_r = Allreduce(dL/dy) (Horovod's
// rule: with the replicas' weight gradients averaged afterwards, each replica
// must carry the mean of the upstream gradients). Attributes: "token" (the
// callback: it receives a copy of x and returns the reduced tensor, same
// dtype and shape) and "average" (bool, read by the callback).
#include "op_registry.h"
#include "slimcore/host_callback.h"

namespace slimcore {

namespace {

void allreduce_kernel(KernelContext& c) {
  const HostCallback fn = host_callback(c.attrs().get<int64_t>("token"));
  std::vector<Tensor> result = fn({c.input(0).clone()});
  if (result.size() != 1 || result[0].dtype() != c.input(0).dtype() || result[0].shape() != c.input(0).shape())
    c.fail("the collective returned " + std::to_string(result.size()) +
           " tensors; it must return one tensor of the input's dtype and shape " + shape_string(c.input(0).shape()));
  c.outputs[0] = std::move(result[0]);
}

REGISTER_OP("Allreduce")
    .inputs(1)
    .shape([](const InferContext& c) { return std::vector<TensorSpec>{c.input(0)}; })
    .kernel(allreduce_kernel)
    .sets_own_outputs()
    .gradient([](const GradContext& c) {
      return std::vector<Output>{c.graph.add("Allreduce", {c.grad()}, c.node.attrs, c.node.name + "_grad")};
    });

}  // namespace

}  // namespace slimcore
