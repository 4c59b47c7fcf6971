// Bindings of the per-variable settings record and the optimizer builder
// (slimcore/variable_settings.h, slimcore/optimizer.h): type conversions
// only; the Python API is python/slimcore (variables.py, train/), and the
// gradient reducer of data-parallel training (slimcore/gradient_reducer.h;
// Python's side is slimcore.distributed).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "slimcore/gradient_reducer.h"
#include "slimcore/optimizer.h"
#include "slimcore/variable_settings.h"

namespace py = pybind11;
using namespace slimcore;

namespace {

using Ref = std::pair<int, int>;  // (node, output index)

Ref ref_tuple(TensorRef r) {
  return {r.node, r.index};
}

std::vector<Output> outputs(Graph& g, const std::vector<Ref>& refs) {
  std::vector<Output> out;
  for (auto [node, index] : refs) out.push_back(g.output(node, index));
  return out;
}

// A GradientReducer whose reduce() calls a Python function with a numpy view
// of the buffer (no copy): fn(array) must leave the mean over the replicas in
// it. The function is shared through a pointer whose deleter takes the GIL.
class PyGradientReducer : public GradientReducer {
 public:
  explicit PyGradientReducer(py::function fn)
      : fn_(new py::function(std::move(fn)), [](py::function* f) {
          py::gil_scoped_acquire gil;
          delete f;
        }) {}
  void reduce(float* data, std::size_t n) override {
    py::gil_scoped_acquire gil;
    const py::capsule unowned(data, [](void*) {});  // the engine owns the buffer
    (*fn_)(py::array_t<float>({static_cast<py::ssize_t>(n)}, {static_cast<py::ssize_t>(sizeof(float))}, data, unowned));
  }

 private:
  std::shared_ptr<py::function> fn_;
};

void bind_gradient_reducer(py::module_& m) {
  m.def(
      "register_gradient_reducer",
      [](py::function fn) { return register_gradient_reducer(std::make_shared<PyGradientReducer>(std::move(fn))); },
      py::arg("fn"),
      "registers fn(float32 numpy view of the gradients) as a gradient reducer (fn leaves their mean over the "
      "replicas in the view, in place); returns its token for optimizer_apply. An exception fn raises comes out "
      "of Session.run unchanged, no variable updated");
  m.def("unregister_gradient_reducer", &unregister_gradient_reducer, py::arg("token"),
        "forgets the gradient reducer of `token` (no-op when unknown)");
}

}  // namespace

void bind_train(py::module_& m) {
  py::class_<VariableSettings>(m, "VariableSettings",
                               "A variable's settings record (slimcore/variable_settings.h); None is unset")
      .def(py::init<>())
      .def_readwrite("role", &VariableSettings::role, "layer role ('' for none)")
      .def_readwrite("lr_mult", &VariableSettings::lr_mult, "learning-rate multiplier")
      .def_readwrite("momentum", &VariableSettings::momentum, "momentum override")
      .def_readwrite("weight_decay", &VariableSettings::weight_decay, "decoupled decay coefficient")
      .def_readwrite("regularizer", &VariableSettings::regularizer, "coupled penalty kind ('' for none)")
      .def_readwrite("l1", &VariableSettings::l1, "the penalty's l1 scale")
      .def_readwrite("l2", &VariableSettings::l2, "the penalty's l2 scale")
      .def_readwrite("penalty_convention", &VariableSettings::penalty_convention, "'half', 'full' or ''");

  m.def(
      "variable_settings", [](const Graph& g, int node) { return g.variable_settings(node); }, py::arg("graph"),
      py::arg("node"), "a copy of the settings record of variable `node`");
  m.def("set_variable_settings", &Graph::set_variable_settings, py::arg("graph"), py::arg("node"), py::arg("settings"),
        "validates and replaces the settings record of variable `node`");

  m.def(
      "optimizer_slot_plan",
      [](const std::string& algorithm, bool centered, double initial_accumulator, double initial_rms) {
        std::vector<std::pair<std::string, double>> out;
        for (const auto& s : optimizer::slot_plan(algorithm, centered, initial_accumulator, initial_rms))
          out.emplace_back(s.name, s.initial);
        return out;
      },
      py::arg("algorithm"), py::arg("centered") = false, py::arg("initial_accumulator") = 0.1,
      py::arg("initial_rms") = 1.0, "[(TF1 slot name, initial value)] in creation order");
  m.def(
      "optimizer_nonslot_plan",
      [](const std::string& algorithm) {
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& s : optimizer::nonslot_plan(algorithm)) out.emplace_back(s.name, s.initial_from);
        return out;
      },
      py::arg("algorithm"), "[(non-slot variable name, hyperparameter giving its initial value)]");
  m.def("optimizer_hyperparameter_names", &optimizer::hyperparameter_names, py::arg("algorithm"),
        "the op's scalar inputs by name, in input order");
  m.def(
      "optimizer_apply",
      [](Graph& g, const std::string& algorithm, const std::vector<Ref>& grads, const std::vector<int>& vars,
         const std::vector<std::vector<int>>& slots, const std::vector<int>& nonslot,
         const std::map<std::string, Ref>& hyper, const std::vector<bool>& decayed, const std::string& decay_convention,
         bool nesterov, bool centered, bool check_finite, const std::string& name,
         const std::string& epsilon_convention, int64_t gradient_reducer) {
        optimizer::ApplyRequest r;
        r.algorithm = algorithm;
        r.grads = outputs(g, grads);
        for (int v : vars) r.vars.push_back(g.output(v));
        for (const auto& per_var : slots) {
          r.slots.emplace_back();
          for (int s : per_var) r.slots.back().push_back(g.output(s));
        }
        for (int v : nonslot) r.nonslot.push_back(g.output(v));
        for (const auto& [key, ref] : hyper) r.hyper[key] = g.output(ref.first, ref.second);
        r.decayed = decayed;
        r.decay_convention = decay_convention;
        r.epsilon_convention = epsilon_convention;
        r.nesterov = nesterov;
        r.centered = centered;
        r.check_finite = check_finite;
        r.name = name;
        r.gradient_reducer = gradient_reducer;
        return optimizer::apply(g, r);
      },
      py::arg("graph"), py::arg("algorithm"), py::arg("grads"), py::arg("vars"), py::arg("slots"), py::arg("nonslot"),
      py::arg("hyper"), py::arg("decayed"), py::arg("decay_convention"), py::arg("nesterov"), py::arg("centered"),
      py::arg("check_finite"), py::arg("name"), py::arg("epsilon_convention") = "tf", py::arg("gradient_reducer") = 0,
      "adds the fused ApplyOptimizer node (optimizer::apply); returns its id");
  bind_gradient_reducer(m);

  py::class_<optimizer::PlanScalar>(m, "PlanScalar", "one scalar input of an ApplyOptimizer op")
      .def_readonly("name", &optimizer::PlanScalar::name, "hyperparameter name")
      .def_property_readonly(
          "input", [](const optimizer::PlanScalar& s) { return ref_tuple(s.input); },
          "(node, index) of the input tensor")
      .def_readonly("value", &optimizer::PlanScalar::value, "its value when a Const, else None");
  py::class_<optimizer::VariableUpdate>(m, "VariableUpdate", "what one step does to one variable")
      .def_readonly("var", &optimizer::VariableUpdate::var, "the variable node")
      .def_readonly("lr_mult", &optimizer::VariableUpdate::lr_mult, "learning-rate multiplier")
      .def_readonly("momentum", &optimizer::VariableUpdate::momentum, "resolved momentum (None: unknown/none)")
      .def_readonly("momentum_from_input", &optimizer::VariableUpdate::momentum_from_input,
                    "the momentum is the op's momentum input")
      .def_readonly("decay", &optimizer::VariableUpdate::decay, "decoupled decay coefficient (None: a tensor)")
      .def_readonly("decay_from_input", &optimizer::VariableUpdate::decay_from_input,
                    "the decay is the op's weight_decay input")
      .def_readonly("decay_convention", &optimizer::VariableUpdate::decay_convention, "contrib, lr or schedule")
      .def_property_readonly(
          "decay_scale", [](const optimizer::VariableUpdate& u) { return optimizer::decay_scale_name(u.decay_scale); },
          "s of p <- p - s*d*p: '1', 'lr*lr_mult' or 'lr_t/lr_0'")
      .def_readonly("settings", &optimizer::VariableUpdate::settings, "the variable's settings record");
  py::class_<optimizer::UpdatePlan>(m, "UpdatePlan", "the resolved update of an ApplyOptimizer op")
      .def_readonly("op", &optimizer::UpdatePlan::op, "the ApplyOptimizer node")
      .def_readonly("algorithm", &optimizer::UpdatePlan::algorithm, "sgd, momentum, adam, rmsprop, adagrad")
      .def_readonly("nesterov", &optimizer::UpdatePlan::nesterov, "Nesterov momentum")
      .def_readonly("centered", &optimizer::UpdatePlan::centered, "centered RMSProp")
      .def_readonly("epsilon_convention", &optimizer::UpdatePlan::epsilon_convention,
                    "where adam's/rmsprop's epsilon goes: tf or pytorch")
      .def_readonly("scalars", &optimizer::UpdatePlan::scalars, "the scalar inputs, in input order")
      .def_readonly("variables", &optimizer::UpdatePlan::variables, "per variable, in update order");
  m.def("update_plan", &optimizer::update_plan, py::arg("graph"), py::arg("op"),
        "the resolved update plan of ApplyOptimizer node `op` (optimizer::update_plan)");
}
