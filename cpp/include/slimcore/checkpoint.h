// Checkpoints in the safetensors format: an 8-byte little-endian header
// length, a JSON header {"name": {"dtype", "shape", "data_offsets"}, ...,
// "__metadata__": {string: string}}, then the raw little-endian buffers.
// Files are written to a temporary name ("<path>.tmp-<pid>-<n>"), flushed to
// disk and renamed, so a crash mid-save never destroys the previous checkpoint.
#pragma once
#include <functional>
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

// Reads every tensor of a safetensors file (and its metadata when asked),
// sorted by name. The whole file is validated first, by the rules of the
// safetensors package (see checkpoint.cpp): what it refuses, this refuses.
// Throws NotFound for a missing file, DataLoss naming the file and the entry
// for a malformed one (truncated, bad JSON, offsets that do not tile the
// data...), InvalidArgument for a valid file holding a dtype slimcore does
// not have (F16, BF16, U8...).
NamedTensors load_safetensors(const std::string& path, std::map<std::string, std::string>* metadata = nullptr);

// Saves the current values of the variables `nodes` of a session under the
// names `names` (TF's names: the variables' op names).
void save_variables(Session& session, const std::string& path, const std::vector<int>& nodes,
                    const std::vector<std::string>& names, const std::map<std::string, std::string>& metadata = {});

// Called with a checkpoint's metadata before any variable is assigned; it
// throws to refuse the checkpoint.
using MetadataCheck = std::function<void(const std::map<std::string, std::string>&)>;

// Assigns each variable `nodes[i]` the tensor `names[i]` of the file. All or
// nothing: the file is read and validated, every name, dtype and shape
// checked, then `check_metadata` (when given) is called, and only then is
// any variable assigned. Throws what load_safetensors throws, NotFound naming
// a missing key, InvalidArgument for a shape or dtype that differs from the
// variable's, and whatever `check_metadata` throws.
void restore_variables(Session& session, const std::string& path, const std::vector<int>& nodes,
                       const std::vector<std::string>& names, const MetadataCheck& check_metadata = {});

}  // namespace slimcore
