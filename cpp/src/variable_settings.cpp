// The per-variable settings record and its home in the Graph.
#include "slimcore/variable_settings.h"

#include <cmath>

#include "slimcore/graph.h"

namespace slimcore {

void validate_settings(const VariableSettings& s, const std::string& variable) {
  auto check = [&](const std::optional<double>& value, const char* field) {
    if (value && !(std::isfinite(*value) && *value >= 0))
      throw InvalidArgument(variable + ": " + field + " must be finite and >= 0, got " + std::to_string(*value));
  };
  check(s.lr_mult, "lr_mult");
  check(s.momentum, "momentum");
  check(s.weight_decay, "weight_decay");
  check(s.l1, "l1 scale");
  check(s.l2, "l2 scale");
  if (!s.penalty_convention.empty() && s.penalty_convention != kPenaltyHalf && s.penalty_convention != kPenaltyFull)
    throw InvalidArgument(variable + ": penalty_convention must be '" + kPenaltyHalf + "' or '" + kPenaltyFull +
                          "', got '" + s.penalty_convention + "'");
}

const VariableSettings& Graph::variable_settings(int var) const {
  auto it = settings_.find(var);
  if (it == settings_.end())
    throw InvalidArgument("node " + std::to_string(var) + " is not a variable: it has no settings");
  return it->second;
}

VariableSettings& Graph::variable_settings(int var) {
  return const_cast<VariableSettings&>(static_cast<const Graph&>(*this).variable_settings(var));
}

void Graph::set_variable_settings(int var, const VariableSettings& settings) {
  VariableSettings& record = variable_settings(var);
  validate_settings(settings, node(var).name);
  record = settings;
}

}  // namespace slimcore
