// Gathers: GatherV2 (tf.gather, with axis), GatherNd (tf.gather_nd), their
// gradients GatherV2Grad and GatherNdGrad (scatter-add into zeros), and
// UnsortedSegmentSum (tf.unsorted_segment_sum), the same scatter-add.
//
// Each is a move of whole rows: a row is the `inner` elements that follow
// the indexed dimensions, and an index picks which row. An index outside its
// dimension is an InvalidArgument at run time naming it, as TF1 on the CPU.
#include <cstring>

#include "kernel_util.h"
#include "op_registry.h"
#include "slimcore/ops.h"

namespace slimcore {

namespace {

// ---- helpers --------------------------------------------------------------------------------

void check_indices_dtype(const InferContext& c, int input, const char* what) {
  const DType t = c.input(input).dtype;
  if (t != DType::Int32 && t != DType::Int64)
    c.fail_type(std::string(what) + " must be int32 or int64, got " + dtype_name(t));
}

// Index i of an int32/int64 tensor.
inline int64_t index_at(const Tensor& t, int64_t i) {
  return t.dtype() == DType::Int32 ? t.data<int32_t>()[i] : t.data<int64_t>()[i];
}

// "[1, 2]": flat position `i` of a tensor of `shape` as TF prints it in
// its error messages (indices[1,2] = ...).
std::string position(const Shape& shape, int64_t i) {
  std::string s;
  for (std::size_t d = shape.size(); d-- > 0;) {
    s = std::to_string(shape[d] > 0 ? i % shape[d] : 0) + (s.empty() ? "" : "," + s);
    if (shape[d] > 0) i /= shape[d];
  }
  return s;
}

// dst row j = src row rows[j], rows of `row_bytes`.
void gather_rows(const char* src, char* dst, const std::vector<int64_t>& rows, int64_t row_bytes) {
  const int64_t n = static_cast<int64_t>(rows.size());
  auto body = [&](int64_t first, int64_t last) {
    for (int64_t j = first; j < last; ++j)
      std::memcpy(dst + j * row_bytes, src + rows[static_cast<std::size_t>(j)] * row_bytes,
                  static_cast<std::size_t>(row_bytes));
  };
  if (n * row_bytes >= kParallelThreshold * 4 && n > 1) parallel_chunks(n, 1, body);
  else body(0, n);
}

// dst row rows[j] += src row j, rows of `inner` elements; dst is zeroed
// first. Rows are added in order (a repeated index adds up, as TF's
// IndexedSlices do when made dense); columns split over threads when large.
// A negative row is skipped.
void scatter_add_rows(Tensor& dst, const char* src, const std::vector<int64_t>& rows, int64_t inner) {
  dst.fill_zero();
  dispatch_numeric(dst.dtype(), [&](auto zero) {
    using T = decltype(zero);
    T* d = dst.data<T>();
    const T* s = reinterpret_cast<const T*>(src);
    auto columns = [&](int64_t c0, int64_t c1) {
      for (std::size_t j = 0; j < rows.size(); ++j) {
        if (rows[j] < 0) continue;
        T* out = d + rows[j] * inner;
        const T* in = s + static_cast<int64_t>(j) * inner;
        for (int64_t k = c0; k < c1; ++k) out[k] += in[k];
      }
    };
    if (static_cast<int64_t>(rows.size()) * inner >= kParallelThreshold && inner >= 64)
      parallel_chunks(inner, 16, columns);
    else columns(0, inner);
  });
}

// ---- GatherV2 ----------------------------------------------------------------------------------

// out[o, p, i] = params[o, indices[p], i]: o over params' dimensions before
// `axis`, p over indices, i over those after.
struct GatherGeometry {
  int64_t outer, n, inner;
};

GatherGeometry gather_geometry(const Shape& params, std::size_t axis) {
  return {num_elements(params, 0, axis), params[axis], num_elements(params, axis + 1, params.size())};
}

int64_t gather_axis(const InferContext& c, const Shape& params) {
  const int rank = static_cast<int>(params.size());
  const int64_t axis = c.attrs().get<int64_t>("axis");
  if (rank == 0) c.fail("params must be at least 1-D, got a scalar");
  if (axis < -rank || axis >= rank)
    c.fail("axis " + std::to_string(axis) + " is out of range for params of rank " + std::to_string(rank) +
           " (valid axes are " + std::to_string(-rank) + ".." + std::to_string(rank - 1) + ")");
  return axis < 0 ? axis + rank : axis;
}

// The rows of params (viewed as [outer * n, inner]) that out's rows come
// from; fails naming the first index outside [0, n).
std::vector<int64_t> gather_rows_of(const KernelContext& c, const Tensor& indices, const GatherGeometry& g) {
  const int64_t m = indices.numel();
  for (int64_t p = 0; p < m; ++p) {
    const int64_t v = index_at(indices, p);
    if (v < 0 || v >= g.n)
      c.fail("indices[" + position(indices.shape(), p) + "] = " + std::to_string(v) + " is not in [0, " +
             std::to_string(g.n) + ")");
  }
  std::vector<int64_t> rows(static_cast<std::size_t>(g.outer * m));
  for (int64_t o = 0; o < g.outer; ++o)
    for (int64_t p = 0; p < m; ++p) rows[static_cast<std::size_t>(o * m + p)] = o * g.n + index_at(indices, p);
  return rows;
}

Shape gather_out_shape(const Shape& params, std::size_t axis, const Shape& indices) {
  Shape out(params.begin(), params.begin() + static_cast<std::ptrdiff_t>(axis));
  out.insert(out.end(), indices.begin(), indices.end());
  out.insert(out.end(), params.begin() + static_cast<std::ptrdiff_t>(axis) + 1, params.end());
  return out;
}

REGISTER_OP("GatherV2")
    .inputs(2)
    .shape([](const InferContext& c) {
      check_indices_dtype(c, 1, "indices");
      const Shape& params = c.input(0).shape;
      const std::size_t axis = static_cast<std::size_t>(gather_axis(c, params));
      return std::vector<TensorSpec>{{c.input(0).dtype, gather_out_shape(params, axis, c.input(1).shape)}};
    })
    .kernel([](KernelContext& c) {
      const Tensor& params = c.input(0);
      const std::size_t axis =
          static_cast<std::size_t>(normalize_axis(c.attrs().get<int64_t>("axis"), params.rank(), "gather"));
      const GatherGeometry g = gather_geometry(params.shape(), axis);
      const std::vector<int64_t> rows = gather_rows_of(c, c.input(1), g);
      gather_rows(static_cast<const char*>(params.raw()), static_cast<char*>(c.output(0).raw()), rows,
                  g.inner * static_cast<int64_t>(dtype_size(params.dtype())));
    })
    // dparams[o, indices[p], i] += dy[o, p, i]: dense (TF1 returns
    // IndexedSlices), repeated indices adding up.
    .gradient([](const GradContext& c) {
      return std::vector<Output>{c.graph.add("GatherV2Grad", {c.input(0), c.input(1), c.grad()}, c.attrs()), Output()};
    });

// GatherV2Grad(params, indices, dy): zeros like params, dy's rows added at
// the gathered positions.
REGISTER_OP("GatherV2Grad")
    .inputs(3)
    .shape([](const InferContext& c) {
      check_indices_dtype(c, 1, "indices");
      const Shape& params = c.input(0).shape;
      const std::size_t axis = static_cast<std::size_t>(gather_axis(c, params));
      const Shape expected = gather_out_shape(params, axis, c.input(1).shape);
      if (!shape_compatible(expected, c.input(2).shape))
        c.fail("the gradient has shape " + shape_string(c.input(2).shape) + ", the gather " + shape_string(expected));
      return std::vector<TensorSpec>{{c.input(2).dtype, params}};
    })
    .kernel([](KernelContext& c) {
      Tensor& out = c.output(0);
      const std::size_t axis =
          static_cast<std::size_t>(normalize_axis(c.attrs().get<int64_t>("axis"), out.rank(), "gather gradient"));
      const GatherGeometry g = gather_geometry(out.shape(), axis);
      scatter_add_rows(out, static_cast<const char*>(c.input(2).raw()), gather_rows_of(c, c.input(1), g), g.inner);
    })
    // Linear in dy: its gradient gathers ddparams.
    .gradient([](const GradContext& c) {
      return std::vector<Output>{Output(), Output(), c.graph.add("GatherV2", {c.grad(), c.input(1)}, c.attrs())};
    });

// ---- GatherNd ------------------------------------------------------------------------------------

// out[j, i] = params[indices[j, 0], ..., indices[j, K-1], i]: K =
// indices.shape[-1] leading dimensions of params are indexed, j runs over
// indices.shape[:-1] and i over params.shape[K:].
int64_t nd_depth(const InferContext& c) {
  check_indices_dtype(c, 1, "indices");
  const Shape& params = c.input(0).shape;
  const Shape& indices = c.input(1).shape;
  if (indices.empty()) c.fail("indices must be at least 1-D, got a scalar");
  const int64_t k = indices.back();
  if (k < 0) c.fail("the last dimension of indices (the index depth) must be known when the graph is built");
  if (k > static_cast<int64_t>(params.size()))
    c.fail("index innermost dimension length must be <= params rank; saw: " + std::to_string(k) + " vs. " +
           std::to_string(params.size()));
  return k;
}

Shape nd_out_shape(const Shape& params, const Shape& indices, int64_t k) {
  Shape out(indices.begin(), indices.end() - 1);
  out.insert(out.end(), params.begin() + k, params.end());
  return out;
}

// The rows of params (viewed as [prod(params[:K]), inner]) that out's rows
// come from; fails naming the first index tuple outside params.
std::vector<int64_t> nd_rows_of(const KernelContext& c, const Tensor& indices, const Shape& params, int64_t k) {
  const Shape lead(indices.shape().begin(), indices.shape().end() - 1);
  const int64_t m = num_elements(lead);
  std::vector<int64_t> rows(static_cast<std::size_t>(m));
  for (int64_t j = 0; j < m; ++j) {
    int64_t row = 0;
    bool ok = true;
    for (int64_t d = 0; d < k; ++d) {
      const int64_t v = index_at(indices, j * k + d);
      ok = ok && v >= 0 && v < params[static_cast<std::size_t>(d)];
      row = row * params[static_cast<std::size_t>(d)] + v;
    }
    if (!ok) {
      std::string tuple;
      for (int64_t d = 0; d < k; ++d) tuple += (d ? ", " : "") + std::to_string(index_at(indices, j * k + d));
      c.fail("indices[" + position(lead, j) + "] = [" + tuple + "] does not index into param shape " +
             shape_string(params));
    }
    rows[static_cast<std::size_t>(j)] = row;
  }
  return rows;
}

REGISTER_OP("GatherNd")
    .inputs(2)
    .shape([](const InferContext& c) {
      const int64_t k = nd_depth(c);
      return std::vector<TensorSpec>{{c.input(0).dtype, nd_out_shape(c.input(0).shape, c.input(1).shape, k)}};
    })
    .kernel([](KernelContext& c) {
      const Tensor& params = c.input(0);
      const Tensor& indices = c.input(1);
      const int64_t k = indices.shape().back();
      const int64_t inner = num_elements(params.shape(), static_cast<std::size_t>(k), params.shape().size());
      gather_rows(static_cast<const char*>(params.raw()), static_cast<char*>(c.output(0).raw()),
                  nd_rows_of(c, indices, params.shape(), k), inner * static_cast<int64_t>(dtype_size(params.dtype())));
    })
    .gradient([](const GradContext& c) {
      return std::vector<Output>{c.graph.add("GatherNdGrad", {c.input(0), c.input(1), c.grad()}), Output()};
    });

// GatherNdGrad(params, indices, dy): zeros like params, dy's rows added at
// the gathered positions (tf.scatter_nd into params' shape).
REGISTER_OP("GatherNdGrad")
    .inputs(3)
    .shape([](const InferContext& c) {
      const int64_t k = nd_depth(c);
      const Shape expected = nd_out_shape(c.input(0).shape, c.input(1).shape, k);
      if (!shape_compatible(expected, c.input(2).shape))
        c.fail("the gradient has shape " + shape_string(c.input(2).shape) + ", the gather " + shape_string(expected));
      return std::vector<TensorSpec>{{c.input(2).dtype, c.input(0).shape}};
    })
    .kernel([](KernelContext& c) {
      Tensor& out = c.output(0);
      const Tensor& indices = c.input(1);
      const int64_t k = indices.shape().back();
      const int64_t inner = num_elements(out.shape(), static_cast<std::size_t>(k), out.shape().size());
      scatter_add_rows(out, static_cast<const char*>(c.input(2).raw()), nd_rows_of(c, indices, out.shape(), k), inner);
    })
    .gradient([](const GradContext& c) {
      return std::vector<Output>{Output(), Output(), c.graph.add("GatherNd", {c.grad(), c.input(1)})};
    });

// ---- UnsortedSegmentSum -----------------------------------------------------------------------

// out[s, i] = sum over j with segment_ids[j] == s of data[j, i]:
// segment_ids' shape is a prefix of data's, out has num_segments rows; a
// negative id drops its row (TF1.15), an id >= num_segments is an error.
REGISTER_OP("UnsortedSegmentSum")
    .inputs(3)
    .shape([](const InferContext& c) {
      check_indices_dtype(c, 1, "segment_ids");
      check_indices_dtype(c, 2, "num_segments");
      const Shape& data = c.input(0).shape;
      const Shape& ids = c.input(1).shape;
      if (!c.input(2).shape.empty())
        c.fail("num_segments must be a scalar, got shape " + shape_string(c.input(2).shape));
      const Shape prefix(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), data.size())));
      if (ids.size() > data.size() || !shape_compatible(prefix, ids))
        c.fail("data.shape = " + shape_string(data) + " does not start with segment_ids.shape = " + shape_string(ids));
      Shape out{-1};
      if (const Tensor* n = c.value(2)) {
        out[0] = static_cast<int64_t>(n->scalar_value());
        if (out[0] < 0) c.fail("num_segments must be >= 0, got " + std::to_string(out[0]));
      }
      out.insert(out.end(), data.begin() + static_cast<std::ptrdiff_t>(ids.size()), data.end());
      return std::vector<TensorSpec>{{c.input(0).dtype, out}};
    })
    .kernel([](KernelContext& c) {
      Tensor& out = c.output(0);
      const Tensor& ids = c.input(1);
      const int64_t n = out.dim(0);
      std::vector<int64_t> rows(static_cast<std::size_t>(ids.numel()));
      for (int64_t j = 0; j < ids.numel(); ++j) {
        rows[static_cast<std::size_t>(j)] = index_at(ids, j);
        if (rows[static_cast<std::size_t>(j)] >= n)
          c.fail("segment_ids[" + position(ids.shape(), j) + "] = " + std::to_string(index_at(ids, j)) +
                 " is out of range [0, " + std::to_string(n) + ")");
      }
      scatter_add_rows(out, static_cast<const char*>(c.input(0).raw()), rows,
                       num_elements(out.shape(), 1, out.shape().size()));
    })
    // ddata[j, i] = dy[segment_ids[j], i], 0 where the id is negative.
    .gradient([](const GradContext& c) {
      return std::vector<Output>{c.graph.add("SegmentGather", {c.grad(), c.input(1)}), Output(), Output()};
    })
    .value_dependent_shape();

// SegmentGather(dy, segment_ids): out[j, i] = dy[segment_ids[j], i], zeros
// for a negative id (the gradient of UnsortedSegmentSum).
REGISTER_OP("SegmentGather")
    .inputs(2)
    .shape([](const InferContext& c) {
      check_indices_dtype(c, 1, "segment_ids");
      if (c.input(0).shape.empty()) c.fail("the gradient must be at least 1-D");
      Shape out = c.input(1).shape;
      out.insert(out.end(), c.input(0).shape.begin() + 1, c.input(0).shape.end());
      return std::vector<TensorSpec>{{c.input(0).dtype, out}};
    })
    .kernel([](KernelContext& c) {
      const Tensor& dy = c.input(0);
      const Tensor& ids = c.input(1);
      Tensor& out = c.output(0);
      const int64_t inner = num_elements(dy.shape(), 1, dy.shape().size());
      const std::size_t row_bytes = static_cast<std::size_t>(inner) * dtype_size(dy.dtype());
      const char* src = static_cast<const char*>(dy.raw());
      char* dst = static_cast<char*>(out.raw());
      for (int64_t j = 0; j < ids.numel(); ++j) {
        const int64_t v = index_at(ids, j);
        if (v >= dy.dim(0)) c.fail("segment id " + std::to_string(v) + " is out of range");
        if (v < 0) std::memset(dst + static_cast<std::size_t>(j) * row_bytes, 0, row_bytes);
        else
          std::memcpy(dst + static_cast<std::size_t>(j) * row_bytes, src + static_cast<std::size_t>(v) * row_bytes,
                      row_bytes);
      }
    });

}  // namespace

namespace ops {

Output gather(Output params, Output indices, int64_t axis, const std::string& name) {
  return params.graph().add("GatherV2", {params, indices}, {{"axis", axis}}, name);
}

Output gather_nd(Output params, Output indices, const std::string& name) {
  return params.graph().add("GatherNd", {params, indices}, {}, name);
}

}  // namespace ops
}  // namespace slimcore
