// Builder functions: each adds one op to the graph of its first argument and
// returns its output. Names follow TensorFlow 1 (tf.matmul, tf.nn.relu...);
// shapes and dtypes are checked when the op is added.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "slimcore/graph.h"

namespace slimcore {
namespace ops {

using Axes = std::optional<std::vector<int64_t>>;  // nullopt: all axes

// ---- sources and state (array_ops.cpp, variable_ops.cpp) --------------------
// `shape` may hold -1 (unknown dimension) or be unknown_rank_shape() (tf.placeholder(dtype)).
Output placeholder(Graph& g, DType dtype, Shape shape, const std::string& name = "Placeholder");
Output constant(Graph& g, const Tensor& value, const std::string& name = "Const");
Output scalar(Graph& g, double value, DType dtype = DType::Float32, const std::string& name = "Const");
// A variable of fixed shape; its value lives in each session's VariableStore.
Output variable(Graph& g, const std::string& name, DType dtype, Shape shape, bool trainable = true);
Output assign(Output var, Output value, const std::string& name = "Assign");
Output assign_add(Output var, Output value, const std::string& name = "AssignAdd");
Output assign_sub(Output var, Output value, const std::string& name = "AssignSub");
Output identity(Output x, const std::string& name = "Identity");
// An op with no outputs that runs after `deps` (tf.group / tf.no_op).
int group(Graph& g, const std::vector<int>& deps, const std::string& name = "group_deps");
int no_op(Graph& g, const std::string& name = "NoOp");
// if_true if the scalar bool `pred` else if_false, computing only the taken
// one when each was built in its cond context (Graph::cond_context): the
// output of a tf.cond.
Output merge(Output pred, Output if_false, Output if_true, const std::string& name = "Merge");

// ---- random tensors (random_ops.cpp) ----------------------------------------
// Deterministic for given seeds: a session draws the same sequence on every
// run of a new session; each run of the op continues the stream.
Output random_uniform(Graph& g, Shape shape, DType dtype, double minval, double maxval, int64_t seed, int64_t seed2,
                      const std::string& name = "RandomUniform");
Output random_normal(Graph& g, Shape shape, DType dtype, double mean, double stddev, int64_t seed, int64_t seed2,
                     const std::string& name = "RandomNormal");
// Normal values more than 2 stddev from the mean are redrawn (tf.truncated_normal).
Output truncated_normal(Graph& g, Shape shape, DType dtype, double mean, double stddev, int64_t seed, int64_t seed2,
                        const std::string& name = "TruncatedNormal");

// ---- elementwise binary, numpy broadcasting (binary_ops.cpp) ----------------
Output add(Output a, Output b, const std::string& name = "Add");
Output sub(Output a, Output b, const std::string& name = "Sub");
Output mul(Output a, Output b, const std::string& name = "Mul");
Output div(Output a, Output b, const std::string& name = "RealDiv");
Output maximum(Output a, Output b, const std::string& name = "Maximum");
Output minimum(Output a, Output b, const std::string& name = "Minimum");
Output equal(Output a, Output b, const std::string& name = "Equal");  // bool result
Output add_n(const std::vector<Output>& xs, const std::string& name = "AddN");

// ---- elementwise unary (unary_ops.cpp) ----------------------------------------
Output neg(Output x, const std::string& name = "Neg");
Output square(Output x, const std::string& name = "Square");
Output abs(Output x, const std::string& name = "Abs");
Output sqrt(Output x, const std::string& name = "Sqrt");
Output exp(Output x, const std::string& name = "Exp");
Output log(Output x, const std::string& name = "Log");

// ---- activations (activation_ops.cpp) ----------------------------------------
Output relu(Output x, const std::string& name = "Relu");
Output relu6(Output x, const std::string& name = "Relu6");
Output tanh(Output x, const std::string& name = "Tanh");
Output sigmoid(Output x, const std::string& name = "Sigmoid");
Output softmax(Output logits, const std::string& name = "Softmax");         // over the last axis
Output log_softmax(Output logits, const std::string& name = "LogSoftmax");  // over the last axis

// ---- linear algebra and nn (matmul_ops.cpp, nn_ops.cpp) ------------------------
Output matmul(Output a, Output b, bool transpose_a = false, bool transpose_b = false,
              const std::string& name = "MatMul");
Output bias_add(Output x, Output bias, const std::string& name = "BiasAdd");  // bias on last axis
Output l2_loss(Output x, const std::string& name = "L2Loss");                 // sum(x^2) / 2

// ---- reductions (reduction_ops.cpp) -------------------------------------------
Output reduce_sum(Output x, Axes axes = std::nullopt, bool keepdims = false, const std::string& name = "Sum");
Output reduce_mean(Output x, Axes axes = std::nullopt, bool keepdims = false, const std::string& name = "Mean");
Output argmax(Output x, int64_t axis, DType output_type = DType::Int64, const std::string& name = "ArgMax");
Output argmin(Output x, int64_t axis, DType output_type = DType::Int64, const std::string& name = "ArgMin");
// The max / min of nothing is -inf / +inf (the lowest / highest integer);
// nan propagates. Max / Min share the gradient between tied extrema.
Output reduce_max(Output x, Axes axes = std::nullopt, bool keepdims = false, const std::string& name = "Max");
Output reduce_min(Output x, Axes axes = std::nullopt, bool keepdims = false, const std::string& name = "Min");
Output reduce_prod(Output x, Axes axes = std::nullopt, bool keepdims = false, const std::string& name = "Prod");

// ---- shapes and types (shape_ops.cpp) -----------------------------------------
// `shape` may hold one -1, inferred from the number of elements.
Output reshape(Output x, Shape shape, const std::string& name = "Reshape");
Output cast(Output x, DType dtype, const std::string& name = "Cast");
Output stack(const std::vector<Output>& xs, int64_t axis = 0, const std::string& name = "stack");
Output concat(const std::vector<Output>& xs, int64_t axis, const std::string& name = "concat");
Output one_hot(Output indices, int64_t depth, double on_value = 1.0, double off_value = 0.0, int64_t axis = -1,
               DType dtype = DType::Float32, const std::string& name = "one_hot");
// tf.squeeze (every size-1 dimension when `axis` is empty) and tf.expand_dims: views.
Output squeeze(Output x, std::vector<int64_t> axis = {}, const std::string& name = "Squeeze");
Output expand_dims(Output x, int64_t axis, const std::string& name = "ExpandDims");
// tf.shape: x's run-time shape as a 1-D int32 or int64 tensor.
Output shape(Output x, DType out_type = DType::Int32, const std::string& name = "Shape");
// ---- transpose, tile, pad (transpose_ops.cpp, dim_map_ops.cpp) ---------------
// y.shape[k] = x.shape[perm[k]].
Output transpose(Output x, std::vector<int64_t> perm, const std::string& name = "transpose");
Output tile(Output x, std::vector<int64_t> multiples, const std::string& name = "Tile");
// `paddings` flattened [before_0, after_0, before_1, ...]; mode "CONSTANT"
// (filled with constant_value), "REFLECT" or "SYMMETRIC".
Output pad(Output x, std::vector<int64_t> paddings, const std::string& mode = "CONSTANT", double constant_value = 0.0,
           const std::string& name = "Pad");
// ---- split, unstack (split_ops.cpp) -------------------------------------------
// Pieces of the sizes given along `axis` (one size may be -1: the rest).
std::vector<Output> split(Output x, std::vector<int64_t> sizes, int64_t axis = 0, const std::string& name = "split");
// x[..., k, ...] along `axis` for k in [0, x.shape[axis]) (the dimension must be known).
std::vector<Output> unstack(Output x, int64_t axis = 0, const std::string& name = "unstack");

// ---- indexing (slice_ops.cpp, gather_ops.cpp, select_ops.cpp) ------------------
// tf.slice: size[d] = -1 takes the rest of dimension d.
Output slice(Output x, const std::vector<int64_t>& begin, const std::vector<int64_t>& size,
             const std::string& name = "Slice");
// tf.strided_slice with TF's masks (bit i: entry i).
struct SliceMasks {
  int64_t begin = 0, end = 0, ellipsis = 0, new_axis = 0, shrink_axis = 0;
};
Output strided_slice(Output x, const std::vector<int64_t>& begin, const std::vector<int64_t>& end,
                     const std::vector<int64_t>& strides, SliceMasks masks = {},
                     const std::string& name = "StridedSlice");
// tf.gather (indices an int32/int64 tensor) and tf.gather_nd.
Output gather(Output params, Output indices, int64_t axis = 0, const std::string& name = "GatherV2");
Output gather_nd(Output params, Output indices, const std::string& name = "GatherNd");
// tf.where(cond, x, y) with TF1's rules, and tf.where(cond): int64 coordinates.
Output select(Output cond, Output x, Output y, const std::string& name = "Select");
Output where(Output cond, const std::string& name = "Where");

// ---- normalization and dropout (batch_norm_ops.cpp, dropout_ops.cpp) ----------
// tf.nn.fused_batch_norm on channels-last x of rank 2 ([N, C]) or 4 (NHWC).
// Training: y = scale * (x - mu_B) / sqrt(var_B + epsilon) + offset with the
// batch statistics (biased variance); batch_variance is the Bessel-corrected
// var_B * n / (n - 1) that the moving average takes, and mean/variance may be
// left invalid (they are not used). Inference: y uses the given mean and
// variance, which then must be valid; batch_mean/batch_variance pass them on.
// saved_mean / saved_inv_std (the batch mean and 1/sqrt(var + epsilon)) are
// for the gradient only.
struct BatchNormOutputs {
  Output y, batch_mean, batch_variance, saved_mean, saved_inv_std;
};
BatchNormOutputs fused_batch_norm(Output x, Output scale, Output offset, Output mean = {}, Output variance = {},
                                  double epsilon = 0.001, bool is_training = true,
                                  const std::string& name = "FusedBatchNorm");
// tf.nn.dropout: y = x * mask, mask = (u < keep_prob) / keep_prob with u ~ U[0, 1)
// drawn from the (seed, seed2) stream, one per element of noise_shape (x's
// shape when nullopt; a shorter one is padded with leading 1s; -1 means x's
// dimension). keep_prob in (0, 1], as a number or a scalar tensor of x's
// dtype. The mask (0 or 1/keep_prob) is the second output; the gradient is
// dy * mask.
struct DropoutOutputs {
  Output y, mask;
};
DropoutOutputs dropout(Output x, double keep_prob, int64_t seed, int64_t seed2,
                       const std::optional<Shape>& noise_shape = std::nullopt, const std::string& name = "Dropout");
DropoutOutputs dropout(Output x, Output keep_prob, int64_t seed, int64_t seed2,
                       const std::optional<Shape>& noise_shape = std::nullopt, const std::string& name = "Dropout");
// ---- convolution and pooling (conv_ops.cpp, depthwise_ops.cpp, pool_ops.cpp) ----
// NHWC only. strides, dilations and ksize are [h, w] (TF's 4-element forms
// are converted by the Python layer); padding is "SAME" or "VALID" with TF's
// rule (SAME: out = ceil(n / s), the odd padding row / column at the bottom /
// right). The backward ops take the forward op's inputs for their run-time
// shapes and return the gradient of one of them.
// input [N, H, W, Cin], filter [kh, kw, Cin, Cout] -> [N, OH, OW, Cout] (no kernel flip).
Output conv2d(Output input, Output filter, std::vector<int64_t> strides, const std::string& padding,
              std::vector<int64_t> dilations = {1, 1}, const std::string& name = "Conv2D");
Output conv2d_backprop_input(Output input, Output filter, Output grad, std::vector<int64_t> strides,
                             const std::string& padding, std::vector<int64_t> dilations = {1, 1},
                             const std::string& name = "Conv2DBackpropInput");
Output conv2d_backprop_filter(Output input, Output filter, Output grad, std::vector<int64_t> strides,
                              const std::string& padding, std::vector<int64_t> dilations = {1, 1},
                              const std::string& name = "Conv2DBackpropFilter");
// input [N, H, W, C], filter [kh, kw, C, M] -> [N, OH, OW, C*M]; output channel
// c*M + m is input channel c correlated with filter[:, :, c, m].
Output depthwise_conv2d(Output input, Output filter, std::vector<int64_t> strides, const std::string& padding,
                        std::vector<int64_t> dilations = {1, 1}, const std::string& name = "DepthwiseConv2dNative");
Output depthwise_conv2d_backprop_input(Output input, Output filter, Output grad, std::vector<int64_t> strides,
                                       const std::string& padding, std::vector<int64_t> dilations = {1, 1},
                                       const std::string& name = "DepthwiseConv2dNativeBackpropInput");
Output depthwise_conv2d_backprop_filter(Output input, Output filter, Output grad, std::vector<int64_t> strides,
                                        const std::string& padding, std::vector<int64_t> dilations = {1, 1},
                                        const std::string& name = "DepthwiseConv2dNativeBackpropFilter");
// Max / mean over each window; SAME padding cells never win the max and are
// not counted by the mean.
Output max_pool(Output value, std::vector<int64_t> ksize, std::vector<int64_t> strides, const std::string& padding,
                const std::string& name = "MaxPool");
Output avg_pool(Output value, std::vector<int64_t> ksize, std::vector<int64_t> strides, const std::string& padding,
                const std::string& name = "AvgPool");
// The gradient goes to the first maximal cell of each window (row-major order).
Output max_pool_grad(Output orig_input, Output orig_output, Output grad, std::vector<int64_t> ksize,
                     std::vector<int64_t> strides, const std::string& padding, const std::string& name = "MaxPoolGrad");
Output avg_pool_grad(Output orig_input, Output grad, std::vector<int64_t> ksize, std::vector<int64_t> strides,
                     const std::string& padding, const std::string& name = "AvgPoolGrad");

}  // namespace ops

// Operators on outputs, with plain numbers on either side (float32 scalars
// cast to the tensor's dtype).
Output operator+(Output a, Output b);
Output operator-(Output a, Output b);
Output operator*(Output a, Output b);
Output operator/(Output a, Output b);
Output operator-(Output a);
Output operator+(Output a, double b);
Output operator+(double a, Output b);
Output operator-(Output a, double b);
Output operator-(double a, Output b);
Output operator*(Output a, double b);
Output operator*(double a, Output b);
Output operator/(Output a, double b);
Output operator/(double a, Output b);

}  // namespace slimcore
