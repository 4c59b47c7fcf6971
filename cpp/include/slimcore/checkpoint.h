// Checkpoints in the safetensors format: an 8-byte little-endian header
// length, a JSON header {"name": {"dtype", "shape", "data_offsets"}, ...,
// "__metadata__": {string: string}}, then the raw little-endian buffers.
// Files are written to a temporary name, flushed to disk and renamed, so a
// crash mid-save never destroys the previous checkpoint.
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "slimcore/session.h"
#include "slimcore/tensor.h"

namespace slimcore {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

// Writes `tensors` (names unique) and string metadata atomically to `path`.
// Throws InvalidArgument for duplicate or empty names, Error for I/O errors.
void save_safetensors(const std::string& path, const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata = {});

// Reads every tensor of a safetensors file (and its metadata when asked).
// Throws NotFound for a missing file and InvalidArgument naming the problem
// for a malformed one (truncated, bad header, offsets out of range...).
NamedTensors load_safetensors(const std::string& path, std::map<std::string, std::string>* metadata = nullptr);

// Saves the current values of the variables `nodes` of a session under the
// names `names` (TF's names: the variables' op names).
void save_variables(Session& session, const std::string& path, const std::vector<int>& nodes,
                    const std::vector<std::string>& names, const std::map<std::string, std::string>& metadata = {});

// Assigns each variable `nodes[i]` the tensor `names[i]` of the file.
// Throws NotFound naming a missing key and InvalidArgument for a shape or
// dtype that differs from the variable's.
void restore_variables(Session& session, const std::string& path, const std::vector<int>& nodes,
                       const std::vector<std::string>& names);

}  // namespace slimcore
