// A dense, row-major tensor: dtype, shape and a view into shared storage.
// Views (reshape, variables living in an arena) share storage with their
// owner; `external` wraps memory owned by someone else (a fed numpy array).
#pragma once
#include <memory>
#include <string>

#include "slimcore/dtype.h"
#include "slimcore/errors.h"
#include "slimcore/shape.h"

namespace slimcore {

class Tensor {
 public:
  Tensor() = default;
  // Allocates uninitialized, 64-byte aligned storage.
  Tensor(DType dtype, Shape shape);
  // Wraps memory that the caller keeps alive while the tensor is used.
  static Tensor external(DType dtype, Shape shape, void* data);
  // A view with another shape (same number of elements) on the same storage.
  Tensor reshaped(Shape shape) const;
  // A view of `shape` starting `byte_offset` bytes into this tensor's storage.
  Tensor view(DType dtype, Shape shape, std::size_t byte_offset) const;
  // A deep copy.
  Tensor clone() const;
  static Tensor scalar(float value);
  // Tensor buffers allocated so far in this process (to check that steady
  // state runs allocate nothing).
  static uint64_t allocation_count();
  // Bytes of (non-string) tensor storage alive now, and their high-water mark
  // since the last reset_peak_allocated_bytes() (which returns the old mark
  // and starts the new one at the bytes alive now).
  static uint64_t allocated_bytes();
  static uint64_t peak_allocated_bytes();
  static uint64_t reset_peak_allocated_bytes();

  bool defined() const { return storage_ != nullptr || numel_ == 0; }
  bool is_null() const { return storage_ == nullptr && !has_shape_; }
  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  int64_t dim(int i) const { return shape_[i]; }
  int64_t numel() const { return numel_; }
  std::size_t nbytes() const { return static_cast<std::size_t>(numel_) * dtype_size(dtype_); }
  // True when no other tensor shares this storage (the buffer may be reused).
  bool storage_unique() const { return storage_.use_count() <= 1; }
  // How many tensors share this storage (this one included).
  long storage_use_count() const { return storage_.use_count(); }
  bool shares_storage_with(const Tensor& other) const { return storage_ == other.storage_; }

  void* raw() const { return static_cast<char*>(storage_.get()) + offset_; }
  template <typename T> T* data() const {
    check_dtype(dtype_of<T>::value);
    return static_cast<T*>(raw());
  }
  // Value of a one-element tensor converted to double.
  double scalar_value() const;
  void fill_zero();
  void copy_from(const Tensor& src);

 private:
  void check_dtype(DType expected) const;
  DType dtype_ = DType::Float32;
  Shape shape_;
  int64_t numel_ = 0;
  bool has_shape_ = false;
  std::shared_ptr<void> storage_;
  std::size_t offset_ = 0;
};

}  // namespace slimcore
