// Host-callback ops: PyFunc / PyFuncStateless (tf.py_func,
// tf.numpy_function), Print (tf.Print) and PrintV2 (tf.print), and the
// registry of the callbacks they call (slimcore/host_callback.h).
//
//   PyFunc(x_1..x_n)       = callback(x_1..x_n), outputs of dtypes attr "Tout"
//   Print(x, d_1..d_n)     = x, after callback(x, d_1..d_n) (it prints)
//   PrintV2(d_1..d_n)      : no outputs, callback(d_1..d_n)
//   IteratorGetNext()      = callback(), the next element of a tf.data
//                            iterator (outputs of dtypes "Tout")
//   MakeIterator(c_1..c_n) : no outputs, callback(c_1..c_n) (re)starts a
//                            tf.data iterator over the captured values c_i
//
// Attributes: "token" (the callback, int64) and PyFunc's "Tout" (list of
// DType codes). A PyFunc output has unknown rank until set_shape gives it a
// shape. The callback runs on the calling thread of Session::run, outside
// every parallel region. None of these ops has a gradient into its data
// inputs (TF1: PyFunc is not differentiable; Print passes the gradient of its
// output to x only).
#include <map>
#include <mutex>

#include "op_registry.h"
#include "slimcore/host_callback.h"

namespace slimcore {

namespace {

struct CallbackRegistry {
  std::mutex mutex;
  std::map<int64_t, HostCallback> callbacks;
  int64_t next = 1;
};

CallbackRegistry& registry() {
  static CallbackRegistry r;
  return r;
}

// Calls the node's callback with copies of its inputs.
std::vector<Tensor> call_host(const KernelContext& c, std::size_t first_input = 0) {
  const HostCallback fn = host_callback(c.attrs().get<int64_t>("token"));
  std::vector<Tensor> inputs;
  for (std::size_t i = first_input; i < c.inputs.size(); ++i) inputs.push_back(c.inputs[i]->clone());
  return fn(inputs);
}

std::vector<DType> tout(const Attrs& attrs) {
  std::vector<DType> out;
  for (int64_t code : attrs.get<std::vector<int64_t>>("Tout")) {
    if (code < 0 || code > static_cast<int64_t>(DType::String))
      throw InvalidArgument("Tout holds an unknown dtype code " + std::to_string(code));
    out.push_back(static_cast<DType>(code));
  }
  return out;
}

std::vector<TensorSpec> py_func_shape(const InferContext& c) {
  std::vector<TensorSpec> out;
  for (DType dtype : tout(c.attrs())) out.push_back({dtype, unknown_rank_shape()});
  // A node rebuilt after set_shape keeps what set_shape gave.
  for (std::size_t i = 0; i < out.size() && i < c.node.outputs.size(); ++i)
    if (!is_unknown_rank(c.node.outputs[i].shape)) out[i].shape = c.node.outputs[i].shape;
  return out;
}

// Checks what the callback returned against Tout and the static shapes, and
// makes the results the node's outputs.
void py_func_kernel(KernelContext& c) {
  std::vector<Tensor> results = call_host(c);
  const std::vector<DType> types = tout(c.attrs());
  if (results.size() != types.size())
    c.fail("the function returned " + std::to_string(results.size()) + " values, but Tout lists " +
           std::to_string(types.size()));
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i].dtype() != types[i])
      c.fail("value " + std::to_string(i) + " returned by the function is " + dtype_name(results[i].dtype()) +
             ", but Tout expects " + dtype_name(types[i]));
    const Shape& declared = c.node.outputs[i].shape;
    if (!is_unknown_rank(declared) &&
        !(declared.size() == results[i].shape().size() && shape_compatible(declared, results[i].shape())))
      c.fail("value " + std::to_string(i) + " returned by the function has shape " + shape_string(results[i].shape()) +
             ", but its static shape (set_shape) is " + shape_string(declared));
    c.outputs[i] = std::move(results[i]);
  }
}

REGISTER_OP("PyFunc")
    .variadic_inputs()
    .shape(py_func_shape)
    .kernel(py_func_kernel)
    .sets_own_outputs()
    .not_differentiable()
    .any_dtype();
REGISTER_OP("PyFuncStateless")
    .variadic_inputs()
    .shape(py_func_shape)
    .kernel(py_func_kernel)
    .sets_own_outputs()
    .not_differentiable()
    .any_dtype();

// tf.data (python/slimcore/data): the iterator lives in the embedding
// application; these ops only name what the callbacks do. An exception the
// callback raises (OutOfRangeError at the end) leaves Session::run unchanged.
REGISTER_OP("IteratorGetNext")
    .variadic_inputs()
    .shape(py_func_shape)
    .kernel(py_func_kernel)
    .sets_own_outputs()
    .not_differentiable()
    .any_dtype();
REGISTER_OP("MakeIterator")
    .variadic_inputs()
    .shape([](const InferContext&) { return std::vector<TensorSpec>{}; })
    .kernel([](KernelContext& c) { call_host(c); })
    .not_differentiable()
    .any_dtype();

REGISTER_OP("Print")
    .variadic_inputs()
    .shape([](const InferContext& c) {
      if (c.num_inputs() < 1) c.fail("Print needs the tensor to pass through");
      return std::vector<TensorSpec>{c.input(0)};
    })
    .kernel([](KernelContext& c) {
      call_host(c);
      c.outputs[0] = c.input(0);
    })
    .gradient([](const GradContext& c) {
      std::vector<Output> grads(c.inputs.size());
      grads[0] = c.grad();
      return grads;
    })
    .sets_own_outputs();

REGISTER_OP("PrintV2")
    .variadic_inputs()
    .shape([](const InferContext&) { return std::vector<TensorSpec>{}; })
    .kernel([](KernelContext& c) { call_host(c); })
    .not_differentiable();

}  // namespace

int64_t register_host_callback(HostCallback fn) {
  if (!fn) throw InvalidArgument("register_host_callback: the callback is empty");
  CallbackRegistry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  const int64_t token = r.next++;
  r.callbacks.emplace(token, std::move(fn));
  return token;
}

void unregister_host_callback(int64_t token) {
  HostCallback dropped;  // destroyed after the lock is released
  CallbackRegistry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto it = r.callbacks.find(token);
  if (it == r.callbacks.end()) return;
  dropped = std::move(it->second);
  r.callbacks.erase(it);
}

void clear_host_callbacks() {
  std::map<int64_t, HostCallback> dropped;
  CallbackRegistry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  dropped.swap(r.callbacks);
}

HostCallback host_callback(int64_t token) {
  CallbackRegistry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto it = r.callbacks.find(token);
  if (it == r.callbacks.end())
    throw NotFound("no host callback is registered under token " + std::to_string(token) +
                   " (its function was released with its graph)");
  return it->second;
}

}  // namespace slimcore
