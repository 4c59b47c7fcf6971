// Exception classes of slimcore. The Python bindings translate each into a
// Python exception: InvalidArgument -> ValueError, TypeMismatch -> TypeError,
// NotFound -> KeyError-like slimcore.errors.NotFoundError, FailedPrecondition
// -> slimcore.errors.FailedPreconditionError (TF1's name for reading an
// uninitialized variable), NonFinite -> slimcore.errors.NonFiniteError (a
// FloatingPointError), DataLoss -> slimcore.errors.DataLossError (a
// ValueError), ResourceExhausted -> slimcore.errors.ResourceExhaustedError
// (a MemoryError; std::bad_alloc arrives as it too).
#pragma once
#include <stdexcept>
#include <string>

namespace slimcore {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// A value, shape or argument that is not acceptable.
struct InvalidArgument : Error {
  using Error::Error;
};
// A dtype that is not acceptable.
struct TypeMismatch : Error {
  using Error::Error;
};
// A name or node that does not exist.
struct NotFound : Error {
  using Error::Error;
};
// The state does not allow the operation (e.g. an uninitialized variable).
struct FailedPrecondition : Error {
  using Error::Error;
};

// A NaN or infinite value where the computation must not continue (a
// gradient about to be written into weights, a loss under check_numerics).
struct NonFinite : Error {
  using Error::Error;
};

// A file that is corrupt or truncated: a checkpoint that breaks the
// safetensors format (TF1's DataLossError).
struct DataLoss : Error {
  using Error::Error;
};

// Memory (or another resource) that cannot be had: an allocation the system
// refused. TF1's ResourceExhaustedError.
struct ResourceExhausted : Error {
  using Error::Error;
};

}  // namespace slimcore
