// The pybind11 module: converts types, releases the GIL, translates
// exceptions. No numerics and no API shaping here (that is python/slimcore).
// Hooks that only tests use live in the submodule _core.testing;
// python/slimcore/_core.pyi lists all of it for editors and type checkers.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <map>

#include "slimcore/slimcore.h"

namespace py = pybind11;
using namespace slimcore;

void bind_train(py::module_& m);  // train_bindings.cpp

namespace {

py::dtype numpy_dtype(DType dtype) {
  switch (dtype) {
    case DType::Float32: return py::dtype::of<float>();
    case DType::Float64: return py::dtype::of<double>();
    case DType::Int32: return py::dtype::of<int32_t>();
    case DType::Int64: return py::dtype::of<int64_t>();
    case DType::Bool: return py::dtype::of<bool>();
    case DType::Int8: return py::dtype::of<int8_t>();
    case DType::Int16: return py::dtype::of<int16_t>();
    case DType::UInt8: return py::dtype::of<uint8_t>();
    case DType::UInt16: return py::dtype::of<uint16_t>();
    case DType::Float16: return py::dtype("float16");
    case DType::String: return py::dtype("O");
  }
  throw TypeMismatch("unknown dtype");
}

// A string tensor holding a copy of the elements of `array` (any shape), each
// bytes or str (str stored UTF-8 encoded, as TF1 does).
Tensor string_tensor(const py::array& array) {
  Shape shape(array.shape(), array.shape() + array.ndim());
  Tensor t(DType::String, shape);
  std::string* out = t.data<std::string>();
  int64_t i = 0;
  for (py::handle item : array.attr("ravel")("C")) {
    if (!py::isinstance<py::bytes>(item) && !py::isinstance<py::str>(item))
      throw TypeMismatch("a string tensor takes bytes or str elements, got " +
                         py::str(py::type::of(item).attr("__name__")).cast<std::string>());
    out[i++] = item.cast<std::string>();
  }
  return t;
}

// A view of a C-contiguous numpy array of the given dtype (the caller keeps
// the array alive while the tensor is used); a string tensor is a copy.
Tensor tensor_view(const py::array& array, DType dtype) {
  if (dtype == DType::String) return string_tensor(array);
  Shape shape(array.shape(), array.shape() + array.ndim());
  return Tensor::external(dtype, shape, const_cast<void*>(array.data()));
}

// Hands the tensor's storage to numpy without copying (a string tensor: a
// numpy object array of bytes, as TF1 fetches tf.string).
py::array to_numpy(const Tensor& t) {
  if (t.dtype() == DType::String) {
    py::list items;
    const std::string* s = t.data<std::string>();
    for (int64_t i = 0; i < t.numel(); ++i) items.append(py::bytes(s[i]));
    py::array flat = py::module_::import("numpy").attr("array")(items, py::arg("dtype") = py::dtype("O"));
    std::vector<py::ssize_t> shape(t.shape().begin(), t.shape().end());
    return flat.attr("reshape")(py::tuple(py::cast(shape)));
  }
  auto* owner = new Tensor(t);
  py::capsule keep(owner, [](void* p) { delete static_cast<Tensor*>(p); });
  std::vector<py::ssize_t> shape(t.shape().begin(), t.shape().end());
  return py::array(numpy_dtype(t.dtype()), shape, t.raw(), keep);
}

// A Python int as int64_t; one that does not fit (2**63 as a dimension)
// is an InvalidArgument naming the value, not pybind11's cast message.
int64_t to_int64(const py::handle& value) {
  try {
    return value.cast<int64_t>();
  } catch (const py::cast_error&) {
    throw InvalidArgument("integer " + py::repr(value).cast<std::string>() +
                          " is out of range: attributes and dimensions must lie in [-2**63, 2**63)");
  }
}

AttrValue to_attr(const py::handle& value) {
  if (py::isinstance<py::bool_>(value)) return value.cast<bool>();
  if (py::isinstance<py::int_>(value)) return to_int64(value);
  if (py::isinstance<py::float_>(value)) return value.cast<double>();
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  if (py::isinstance<DType>(value)) return value.cast<DType>();
  if (py::isinstance<Tensor>(value)) return value.cast<Tensor>();
  if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
    // A list with a float in it is a list of doubles, otherwise of ints.
    for (auto item : value)
      if (py::isinstance<py::float_>(item)) return value.cast<std::vector<double>>();
    std::vector<int64_t> ints;
    for (auto item : value) ints.push_back(py::isinstance<py::int_>(item) ? to_int64(item) : item.cast<int64_t>());
    return ints;
  }
  throw TypeMismatch("unsupported attribute value: " + py::repr(value).cast<std::string>());
}

py::object from_attr(const AttrValue& value) {
  return std::visit(
      [](const auto& v) -> py::object {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, Tensor>) return to_numpy(v.clone());
        else return py::cast(v);
      },
      value);
}

std::vector<Output> outputs_of(Graph& g, const std::vector<std::pair<int, int>>& refs) {
  std::vector<Output> out;
  for (auto [node, index] : refs) out.push_back(g.output(node, index));
  return out;
}

py::object ref_or_none(const Output& o) {
  if (!o.valid()) return py::none();
  return py::make_tuple(o.node_id(), o.ref().index);
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "slimcore's C++ engine (private: use the slimcore package)";

  // C++ errors become Python errors with TF1's names. Each subclasses Error
  // (tf.errors.OpError: `except tf.errors.OpError` catches every engine
  // error) and the matching built-in, so that `except ValueError` works too.
  // pybind11 tries the most recently registered translator first, so the
  // base class Error goes first and each subclass after it wins for its own
  // type.
  const py::object error = py::register_exception<Error>(m, "Error", PyExc_RuntimeError);
  auto bases = [&](PyObject* builtin) { return py::make_tuple(error, py::handle(builtin)); };
  py::register_exception<InvalidArgument>(m, "InvalidArgumentError", bases(PyExc_ValueError));
  py::register_exception<TypeMismatch>(m, "TypeMismatchError", bases(PyExc_TypeError));
  py::register_exception<NotFound>(m, "NotFoundError", bases(PyExc_KeyError));
  py::register_exception<FailedPrecondition>(m, "FailedPreconditionError", error);
  py::register_exception<NonFinite>(m, "NonFiniteError", bases(PyExc_FloatingPointError));
  py::register_exception<DataLoss>(m, "DataLossError", bases(PyExc_ValueError));
  py::register_exception<ResourceExhausted>(m, "ResourceExhaustedError", bases(PyExc_MemoryError));
  // An allocation that throws std::bad_alloc (a std::vector, a map node)
  // arrives as the same ResourceExhaustedError as a refused tensor buffer.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const std::bad_alloc&) {
      py::set_error(py::module_::import("slimcore._core").attr("ResourceExhaustedError"),
                    "out of memory (std::bad_alloc): the allocation was refused");
    }
  });

  py::enum_<DType>(m, "DType")
      .value("float32", DType::Float32)
      .value("float64", DType::Float64)
      .value("int32", DType::Int32)
      .value("int64", DType::Int64)
      .value("bool", DType::Bool)
      .value("int8", DType::Int8)
      .value("int16", DType::Int16)
      .value("uint8", DType::UInt8)
      .value("uint16", DType::UInt16)
      .value("float16", DType::Float16)
      .value("string", DType::String);
  m.attr("UNKNOWN_RANK") = kUnknownRank;

  py::class_<Tensor>(m, "Tensor", "A C++ tensor (holds a copy of a numpy array)")
      .def(py::init([](py::array array, DType dtype) {
             py::array contiguous = py::array::ensure(array, py::array::c_style);
             return tensor_view(contiguous, dtype).clone();
           }),
           py::arg("array"), py::arg("dtype"), "a tensor of `dtype` holding a copy of `array`")
      .def(
          "numpy", [](const Tensor& t) { return to_numpy(t.clone()); }, "a numpy copy of the tensor")
      .def_property_readonly("dtype", &Tensor::dtype, "the tensor's DType")
      .def_property_readonly("shape", &Tensor::shape, "the tensor's shape, a list of ints");

  py::class_<Graph, std::shared_ptr<Graph>>(m, "Graph")
      .def(py::init<>(), "an empty graph")
      .def(
          "add_node",
          [](Graph& g, const std::string& type, const std::vector<std::pair<int, int>>& inputs, const py::dict& attrs,
             const std::string& name) {
            Attrs a;
            for (auto item : attrs) a.set(item.first.cast<std::string>(), to_attr(item.second));
            return g.add_node(type, outputs_of(g, inputs), std::move(a), name);
          },
          py::arg("type"), py::arg("inputs"), py::arg("attrs"), py::arg("name"),
          "adds a node of op `type` on (node, index) `inputs`; returns its node id")
      .def("num_nodes", &Graph::num_nodes, "how many nodes the graph holds")
      .def(
          "node_name", [](const Graph& g, int id) { return g.node(id).name; }, py::arg("node"),
          "the unique name of node `node`")
      .def(
          "node_type", [](const Graph& g, int id) { return g.node(id).type; }, py::arg("node"),
          "the op type of node `node`")
      .def(
          "node_inputs",
          [](const Graph& g, int id) {
            std::vector<std::pair<int, int>> out;
            for (TensorRef r : g.node(id).inputs) out.emplace_back(r.node, r.index);
            return out;
          },
          py::arg("node"), "the (node, index) data inputs of node `node`")
      .def(
          "node_control_inputs", [](const Graph& g, int id) { return g.node(id).control_inputs; }, py::arg("node"),
          "the node ids node `node` waits for")
      .def(
          "node_attr",
          [](const Graph& g, int id, const std::string& key) {
            const Attrs& attrs = g.node(id).attrs;
            if (!attrs.has(key)) return py::object(py::none());
            return from_attr(attrs.all().at(key));
          },
          py::arg("node"), py::arg("key"), "attribute `key` of node `node`, or None")
      .def(
          "num_outputs", [](const Graph& g, int id) { return g.node(id).outputs.size(); }, py::arg("node"),
          "how many outputs node `node` has")
      .def(
          "output_dtype", [](const Graph& g, int id, int i) { return g.node(id).outputs.at(i).dtype; }, py::arg("node"),
          py::arg("index"), "the DType of output `index` of node `node`")
      .def(
          "output_shape",
          [](const Graph& g, int id, int i) -> std::optional<Shape> {
            const Shape& shape = g.node(id).outputs.at(i).shape;
            if (is_unknown_rank(shape)) return std::nullopt;
            return shape;
          },
          py::arg("node"), py::arg("index"),
          "the static shape of output `index` of node `node` (-1: unknown dimension; None: unknown rank)")
      .def("refine_output_shape", &Graph::refine_output_shape, py::arg("node"), py::arg("index"), py::arg("shape"),
           "tf.Tensor.set_shape: merges `shape` (-1: unknown) into the static shape of output `index` of `node`")
      .def("find_node", &Graph::find_node, py::arg("name"), "the id of the node named `name`, or -1")
      .def("unique_name", &Graph::unique_name, py::arg("name"), py::arg("mark_as_used") = true,
           "tf.Graph.unique_name: `name` under the name stack, suffixed _1, _2... when taken")
      .def_property("name_stack", &Graph::name_stack, &Graph::set_name_stack,
                    "the current name scope prefix ('' at the top)")
      .def("enter_name_scope", &Graph::enter_name_scope, py::arg("name"),
           "tf.name_scope: makes `name` unique and returns the new name stack")
      .def("push_control_dependencies", &Graph::push_control_dependencies, py::arg("nodes"),
           py::arg("clear_outer") = false,
           "nodes added from now on wait for `nodes` (and the outer ones unless cleared)")
      .def("pop_control_dependencies", &Graph::pop_control_dependencies, "ends the innermost push_control_dependencies")
      .def(
          "cond_context",
          [](Graph& g, int node, int index, bool branch, int parent) {
            return g.cond_context(TensorRef{node, index}, branch, parent);
          },
          py::arg("pred_node"), py::arg("pred_index"), py::arg("branch"), py::arg("parent"),
          "the id of the tf.cond context of branch `branch` of bool output (pred_node, pred_index) inside `parent` "
          "(-1: top level), created on first use")
      .def_property("current_cond_context", &Graph::current_cond_context, &Graph::set_current_cond_context,
                    "the cond context nodes are added in (-1: none)")
      .def(
          "node_cond_context", [](const Graph& g, int id) { return g.node(id).cond_context; }, py::arg("node"),
          "the cond context node `node` was added in (-1: none)")
      .def(
          "add_to_collection",
          [](Graph& g, const std::string& key, int node, int index) {
            g.add_to_collection(key, TensorRef{node, index});
          },
          py::arg("key"), py::arg("node"), py::arg("index"), "appends output (node, index) to collection `key`")
      .def(
          "collection",
          [](const Graph& g, const std::string& key) {
            std::vector<std::pair<int, int>> out;
            for (TensorRef r : g.collection(key)) out.emplace_back(r.node, r.index);
            return out;
          },
          py::arg("key"), "the (node, index) members of collection `key`, in insertion order")
      .def("collection_keys", &Graph::collection_keys, "the keys of the non-empty collections")
      .def("clear_collection", &Graph::clear_collection, py::arg("key"), "empties collection `key`")
      .def("variable_nodes", &Graph::variable_nodes, "the VariableV2 node ids, in creation order")
      .def("ancestors", &Graph::ancestors, py::arg("nodes"), "for every node, whether running `nodes` would run it")
      .def(
          "gradients",
          [](std::shared_ptr<Graph> g, const std::vector<std::pair<int, int>>& ys,
             const std::vector<std::pair<int, int>>& xs,
             const std::vector<std::optional<std::pair<int, int>>>& grad_ys) {
            std::vector<Output> seeds;
            for (const auto& s : grad_ys) seeds.push_back(s ? g->output(s->first, s->second) : Output());
            std::vector<py::object> out;
            for (const Output& o : gradients(outputs_of(*g, ys), outputs_of(*g, xs), seeds))
              out.push_back(ref_or_none(o));
            return out;
          },
          py::arg("ys"), py::arg("xs"), py::arg("grad_ys"),
          "tf.gradients: adds the gradient nodes of sum(ys) w.r.t. xs; (node, index) or None per x");

  py::class_<Session>(m, "Session")
      .def(py::init<std::shared_ptr<Graph>>(), py::arg("graph"), "a session that runs `graph`")
      .def(
          "run",
          [](Session& s, const std::vector<std::tuple<int, int, py::array>>& feeds,
             const std::vector<std::pair<int, int>>& fetches, const std::vector<int>& targets) {
            // The arrays (already converted to the right dtype, C-contiguous
            // and aligned by slimcore.Session.run) stay referenced by `feeds`
            // while the graph runs without the GIL. Kernels read them in place.
            constexpr int kAligned = py::detail::npy_api::NPY_ARRAY_ALIGNED_;
            std::vector<std::pair<TensorRef, Tensor>> feed_tensors;
            for (const auto& [node, index, array] : feeds) {
              const DType dtype = s.graph().node(node).outputs.at(index).dtype;
              if (dtype == DType::String) {
                feed_tensors.emplace_back(TensorRef{node, index}, string_tensor(array));
                continue;
              }
              if (!array.dtype().is(numpy_dtype(dtype)) || !(array.flags() & py::array::c_style) ||
                  !(array.flags() & kAligned))
                throw TypeMismatch("feed for " + s.graph().node(node).name + " must be an aligned C-contiguous " +
                                   dtype_name(dtype) + " array");
              feed_tensors.emplace_back(TensorRef{node, index}, tensor_view(array, dtype));
            }
            std::vector<TensorRef> fetch_refs;
            for (auto [node, index] : fetches) fetch_refs.push_back(TensorRef{node, index});
            std::vector<Tensor> results;
            {
              py::gil_scoped_release release;
              results = s.run_refs(feed_tensors, fetch_refs, targets);
            }
            std::vector<py::array> out;
            for (const Tensor& t : results) out.push_back(to_numpy(t));
            return out;
          },
          py::arg("feeds"), py::arg("fetches"), py::arg("targets"),
          "runs the graph (GIL released): feeds (node, index, array), returns the fetched arrays")
      .def(
          "variable_initialized", [](Session& s, int node) { return s.variables().initialized(node); }, py::arg("node"),
          "whether variable node `node` holds a value in this session");

  py::module_ testing = m.def_submodule("testing", "Engine internals that only tests read");
  testing.def(
      "gradient_arena",
      [](Session& s) {
        const Tensor arena = s.variables().gradient_arena();
        return arena.is_null() ? py::object(py::none()) : py::object(to_numpy(arena.clone()));
      },
      py::arg("session"), "a copy of the session's gradient arena (None before a train op ran)");
  testing.def(
      "arena",
      [](Session& s, int k) {
        const Tensor arena = s.variables().arena(k);
        return arena.is_null() ? py::object(py::none()) : py::object(to_numpy(arena.clone()));
      },
      py::arg("session"), py::arg("k") = 0, "a copy of arena k (0: variables, k >= 1: optimizer slot k)");
  testing.def(
      "arena_segments",
      [](Session& s) {
        std::vector<std::tuple<int, std::size_t, int64_t>> out;
        for (const ArenaSegment& seg : s.variables().segments()) out.emplace_back(seg.node, seg.offset, seg.size);
        return out;
      },
      py::arg("session"), "(variable node, offset, size) of each trainable float32 variable in the arena");
  testing.def("parallel_region_threads", &parallel_region_threads, py::arg("team"),
              py::call_guard<py::gil_scoped_release>(),
              "kernel thread ids (gettid) of the threads of one parallel region of `team`, in thread order");
  testing.def("allocation_count", &Tensor::allocation_count,
              "Tensor buffers allocated so far by the engine in this process");
  testing.def("allocated_bytes", &Tensor::allocated_bytes, "Bytes of tensor buffers alive now in this process");
  testing.def("reset_peak_allocated_bytes", &Tensor::reset_peak_allocated_bytes,
              "Starts a new high-water mark of tensor bytes at the bytes alive now; returns the previous mark");
  testing.def("peak_allocated_bytes", &Tensor::peak_allocated_bytes,
              "High-water mark of tensor bytes alive since the last reset_peak_allocated_bytes()");

  m.def(
      "save_variables",
      [](Session& s, const std::string& path, const std::vector<int>& nodes, const std::vector<std::string>& names,
         const std::map<std::string, std::string>& metadata) {
        py::gil_scoped_release release;
        save_variables(s, path, nodes, names, metadata);
      },
      py::arg("session"), py::arg("path"), py::arg("nodes"), py::arg("names"), py::arg("metadata"),
      "writes variables `nodes` under `names` to a safetensors file, atomically");
  m.def(
      "restore_variables",
      [](Session& s, const std::string& path, const std::vector<int>& nodes, const std::vector<std::string>& names,
         const MetadataCheck& check_metadata) {
        py::gil_scoped_release release;  // check_metadata takes the GIL back when it runs
        restore_variables(s, path, nodes, names, check_metadata);
      },
      py::arg("session"), py::arg("path"), py::arg("nodes"), py::arg("names"), py::arg("check_metadata") = py::none(),
      "assigns variables `nodes` the tensors `names` of a safetensors file, all or nothing: "
      "check_metadata(metadata) runs after every check and before any assignment, and may raise");
  m.def(
      "read_safetensors",
      [](const std::string& path) {
        std::map<std::string, std::string> metadata;
        NamedTensors tensors;
        {
          py::gil_scoped_release release;
          tensors = load_safetensors(path, &metadata);
        }
        py::dict out;
        for (const auto& [name, t] : tensors) out[py::str(name)] = to_numpy(t);
        return py::make_tuple(out, metadata);
      },
      py::arg("path"), "(tensors as numpy arrays, metadata) of a safetensors file");
  m.def("set_num_threads", &set_num_threads, py::arg("n"),
        "threads every parallel kernel may use from now on (1 <= n <= max_num_threads())");
  m.def("max_num_threads", &max_num_threads, "the most threads set_num_threads accepts: 4 per core, at most 256");
  m.def("get_num_threads", &get_num_threads, "threads the parallel kernels use");
  m.def(
      "register_host_callback",
      [](py::function fn) {
        // The callback runs without the GIL held by its caller (Session.run
        // released it): it takes the GIL itself, and the Python function is
        // shared through a pointer whose deleter takes the GIL, so copying
        // or dropping the std::function never touches a refcount unlocked.
        std::shared_ptr<py::function> held(new py::function(std::move(fn)), [](py::function* f) {
          py::gil_scoped_acquire gil;
          delete f;
        });
        return register_host_callback([held](const std::vector<Tensor>& inputs) {
          py::gil_scoped_acquire gil;
          py::list arrays;
          for (const Tensor& t : inputs) arrays.append(to_numpy(t));
          std::vector<Tensor> out;
          for (auto item : (*held)(arrays)) out.push_back(item.cast<Tensor>());
          return out;
        });
      },
      py::arg("fn"),
      "registers fn(list of numpy arrays) -> list of Tensor as a host callback; returns its token. "
      "An exception fn raises comes out of Session.run unchanged");
  m.def("unregister_host_callback", &unregister_host_callback, py::arg("token"),
        "forgets the host callback of `token` (no-op when unknown)");
  // Callbacks hold Python objects: release them while the interpreter lives.
  py::module_::import("atexit").attr("register")(py::cpp_function([] { clear_host_callbacks(); }));
  bind_train(m);
}
