// Host callbacks: ops whose kernel calls a function of the embedding
// application (Python's tf.py_func / tf.numpy_function / tf.Print, or a C++
// application's own function).
//
// A callback is registered once and named in the graph by its token (the
// "token" attribute of a PyFunc, PyFuncStateless, Print or PrintV2 node). The
// kernel calls it on the thread that called Session::run, outside any
// parallel region, so a callback may take a lock the caller does not hold
// (the Python binding takes the GIL) without deadlocking the engine's
// threads. It must not call run() on the same session (the session is
// locked while it runs). An exception it throws propagates out of
// Session::run unchanged.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "slimcore/tensor.h"

namespace slimcore {

// Receives the op's inputs (copies the callback may keep) and returns its
// outputs (PyFunc: one per entry of the "Tout" attribute, of those dtypes;
// Print and PrintV2: ignored).
using HostCallback = std::function<std::vector<Tensor>(const std::vector<Tensor>& inputs)>;

// Registers `fn` and returns its token (> 0, never reused in the process).
int64_t register_host_callback(HostCallback fn);
// Forgets the callback of `token` (no-op when unknown). A node naming it
// then fails at run time with NotFound.
void unregister_host_callback(int64_t token);
// Forgets every callback (what the Python binding does at interpreter exit,
// while it can still release the Python objects the callbacks hold).
void clear_host_callbacks();
// The callback of `token`; throws NotFound when none is registered.
HostCallback host_callback(int64_t token);

}  // namespace slimcore
