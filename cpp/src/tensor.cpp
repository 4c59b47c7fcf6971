// Tensors, dtypes and shapes.
#include "slimcore/tensor.h"

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "kernel_util.h"

namespace slimcore {

std::size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::Float32: return 4;
    case DType::Float64: return 8;
    case DType::Int32: return 4;
    case DType::Int64: return 8;
    case DType::Bool: return 1;
    case DType::Int8: return 1;
    case DType::Int16: return 2;
    case DType::UInt8: return 1;
    case DType::UInt16: return 2;
    case DType::Float16: return 2;
    case DType::String: return sizeof(std::string);
  }
  throw InvalidArgument("unknown dtype");
}

std::string dtype_name(DType dtype) {
  switch (dtype) {
    case DType::Float32: return "float32";
    case DType::Float64: return "float64";
    case DType::Int32: return "int32";
    case DType::Int64: return "int64";
    case DType::Bool: return "bool";
    case DType::Int8: return "int8";
    case DType::Int16: return "int16";
    case DType::UInt8: return "uint8";
    case DType::UInt16: return "uint16";
    case DType::Float16: return "float16";
    case DType::String: return "string";
  }
  return "unknown";
}

bool is_floating(DType dtype) {
  return dtype == DType::Float32 || dtype == DType::Float64;
}
bool is_integer(DType dtype) {
  return dtype == DType::Int32 || dtype == DType::Int64;
}
bool is_compute_dtype(DType dtype) {
  return is_floating(dtype) || is_integer(dtype) || dtype == DType::Bool;
}

int64_t checked_size_product(int64_t a, int64_t b, const std::string& what) {
  int64_t n = 0;
  if (__builtin_mul_overflow(a, b, &n) || n > kMaxElements)
    throw InvalidArgument(what + ": " + std::to_string(a) + " * " + std::to_string(b) +
                          " elements is more than the 2^62 slimcore can index");
  return n;
}

namespace {
// Product of the known nonzero dimensions of shape[begin, end), checked.
int64_t nonzero_product(const Shape& shape, std::size_t begin, std::size_t end) {
  int64_t n = 1;
  for (std::size_t i = begin; i < end; ++i) {
    const int64_t d = shape[i];
    if (d <= 0) continue;
    if (d > kMaxElements || __builtin_mul_overflow(n, d, &n) || n > kMaxElements)
      throw InvalidArgument("shape " + shape_string(shape) +
                            " has more elements than the 2^62 slimcore can index (a dimension or a product of "
                            "dimensions is above 2^62)");
  }
  return n;
}
}  // namespace

int64_t num_elements(const Shape& shape) {
  const int64_t n = nonzero_product(shape, 0, shape.size());
  for (int64_t d : shape) {
    if (d < 0) return -1;
    if (d == 0) return 0;
  }
  return n;
}

int64_t num_elements(const Shape& shape, std::size_t begin, std::size_t end) {
  const int64_t n = nonzero_product(shape, begin, end);
  for (std::size_t i = begin; i < end; ++i)
    if (shape[i] <= 0) return shape[i] < 0 ? -1 : 0;
  return n;
}

void check_shape_size(const Shape& shape, std::size_t element_bytes) {
  const int64_t n = nonzero_product(shape, 0, shape.size());
  const auto max_bytes = static_cast<uint64_t>(PTRDIFF_MAX);
  if (static_cast<uint64_t>(n) > max_bytes / element_bytes)
    throw InvalidArgument("shape " + shape_string(shape) + " of " + std::to_string(element_bytes) +
                          "-byte elements needs more than the " + std::to_string(max_bytes) +
                          " bytes a byte offset can hold");
}

bool is_fully_defined(const Shape& shape) {
  return num_elements(shape) >= 0;
}

std::string shape_string(const Shape& shape) {
  if (is_unknown_rank(shape)) return "<unknown>";
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += shape[i] < 0 ? "?" : std::to_string(shape[i]);
  }
  return s + "]";
}

bool shape_compatible(const Shape& partial, const Shape& full) {
  if (is_unknown_rank(partial) || is_unknown_rank(full)) return true;
  if (partial.size() != full.size()) return false;
  for (std::size_t i = 0; i < partial.size(); ++i)
    if (partial[i] >= 0 && full[i] >= 0 && partial[i] != full[i]) return false;
  return true;
}

int64_t normalize_axis(int64_t axis, int64_t rank, const char* what) {
  if (axis < -rank || axis >= rank)
    throw InvalidArgument(std::string(what) + ": axis " + std::to_string(axis) +
                          " is out of range for a tensor of rank " + std::to_string(rank));
  return axis < 0 ? axis + rank : axis;
}

namespace {
constexpr std::size_t kAlignment = 64;  // a cache line; AVX-512 loads
std::atomic<uint64_t> g_allocations{0};
std::atomic<uint64_t> g_bytes{0};       // bytes of aligned tensor storage alive now
std::atomic<uint64_t> g_peak_bytes{0};  // their high-water mark since the last reset
std::shared_ptr<void> allocate_aligned(std::size_t bytes) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  const std::size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  const std::size_t size = rounded == 0 ? kAlignment : rounded;
  void* p = std::aligned_alloc(kAlignment, size);
  if (!p) throw ResourceExhausted("out of memory: cannot allocate a tensor of " + std::to_string(bytes) + " bytes");
  const uint64_t now = g_bytes.fetch_add(size, std::memory_order_relaxed) + size;
  uint64_t peak = g_peak_bytes.load(std::memory_order_relaxed);
  while (now > peak && !g_peak_bytes.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
  return std::shared_ptr<void>(p, [size](void* q) {
    g_bytes.fetch_sub(size, std::memory_order_relaxed);
    std::free(q);
  });
}
// String tensors hold constructed std::string objects (destroyed with the storage).
std::shared_ptr<void> allocate_strings(int64_t count) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  auto* p = new std::string[static_cast<std::size_t>(count > 0 ? count : 1)];
  return std::shared_ptr<void>(p, [](void* q) { delete[] static_cast<std::string*>(q); });
}
}  // namespace

uint64_t Tensor::allocation_count() {
  return g_allocations.load(std::memory_order_relaxed);
}

uint64_t Tensor::allocated_bytes() {
  return g_bytes.load(std::memory_order_relaxed);
}

uint64_t Tensor::reset_peak_allocated_bytes() {
  const uint64_t now = g_bytes.load(std::memory_order_relaxed);
  return g_peak_bytes.exchange(now, std::memory_order_relaxed);
}

uint64_t Tensor::peak_allocated_bytes() {
  return g_peak_bytes.load(std::memory_order_relaxed);
}

Tensor::Tensor(DType dtype, Shape shape) : dtype_(dtype), shape_(std::move(shape)), has_shape_(true) {
  numel_ = num_elements(shape_);
  if (numel_ < 0) throw InvalidArgument("cannot allocate a tensor of partially known shape " + shape_string(shape_));
  check_shape_size(shape_, dtype_size(dtype_));
  storage_ = dtype_ == DType::String ? allocate_strings(numel_) : allocate_aligned(nbytes());
}

Tensor Tensor::external(DType dtype, Shape shape, void* data) {
  if (dtype == DType::String) throw TypeMismatch("a string tensor cannot wrap external memory: build it element-wise");
  Tensor t;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.numel_ = num_elements(t.shape_);
  check_shape_size(t.shape_, dtype_size(dtype));
  t.has_shape_ = true;
  t.storage_ = std::shared_ptr<void>(data, [](void*) {});
  return t;
}

Tensor Tensor::reshaped(Shape shape) const {
  if (num_elements(shape) != numel_)
    throw InvalidArgument("cannot reshape a tensor of " + std::to_string(numel_) + " elements to shape " +
                          shape_string(shape));
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

Tensor Tensor::view(DType dtype, Shape shape, std::size_t byte_offset) const {
  Tensor t = *this;
  t.dtype_ = dtype;
  t.shape_ = std::move(shape);
  t.numel_ = num_elements(t.shape_);
  t.offset_ = offset_ + byte_offset;
  return t;
}

Tensor Tensor::clone() const {
  Tensor t(dtype_, shape_);
  t.copy_from(*this);
  return t;
}

Tensor Tensor::scalar(float value) {
  Tensor t(DType::Float32, {});
  *t.data<float>() = value;
  return t;
}

double Tensor::scalar_value() const {
  if (numel_ != 1) throw InvalidArgument("expected a single value, got shape " + shape_string(shape_));
  double v = 0;
  dispatch_any(dtype_, [&](auto zero) {
    using T = decltype(zero);
    v = static_cast<double>(*static_cast<const T*>(raw()));
  });
  return v;
}

void Tensor::fill_zero() {
  if (dtype_ == DType::String) {
    std::string* s = data<std::string>();
    std::fill(s, s + numel_, std::string());
  } else if (nbytes()) {
    std::memset(raw(), 0, nbytes());
  }
}

void Tensor::copy_from(const Tensor& src) {
  if (src.dtype_ != dtype_ || src.numel_ != numel_)
    throw InvalidArgument("copy between tensors of different dtype or size");
  if (!nbytes() || raw() == src.raw()) return;
  if (dtype_ == DType::String) {
    const std::string* s = src.data<std::string>();
    std::copy(s, s + numel_, data<std::string>());
  } else {
    std::memcpy(raw(), src.raw(), nbytes());
  }
}

void Tensor::check_dtype(DType expected) const {
  if (expected != dtype_)
    throw TypeMismatch("tensor holds " + dtype_name(dtype_) + ", accessed as " + dtype_name(expected));
}

}  // namespace slimcore
