"""slim's missing layer names (issue 15): softmax N-D, layer/instance/group
norm, bias_add, one_hot_encoding, unit_norm, maxout, scale_gradient,
images_to_sequence / sequence_to_images, the relu/relu6/elu/linear aliases.
Numbers from numpy versions of tf-slim's formulas; names from tf-slim."""

from __future__ import annotations

import numpy as np
import pytest

import slimcore as tf
import slimcore.slim as slim
from gradcheck import check_gradients, run_op
from slimcore.compat import v1 as tfv1

RNG = np.random.default_rng(15)


def _run(outputs, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(outputs, feed or {})


def _norm(x, axes, eps):
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps)


# ---- softmax ------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(5,), (2, 3, 4), (2, 3, 2, 6)])
def test_softmax_normalises_the_last_axis_of_any_rank(shape):
    x = RNG.standard_normal(shape).astype(np.float32) * 3
    with tf.Graph().as_default():
        y = slim.softmax(tf.constant(x))
        assert y.op.name == "softmax/Softmax"
        got = _run(y)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    np.testing.assert_allclose(got, e / e.sum(axis=-1, keepdims=True), rtol=1e-6)


def test_softmax_refuses_a_scalar():
    with tf.Graph().as_default(), pytest.raises(ValueError, match="rank >= 1"):
        slim.softmax(tf.constant(1.0))


# ---- normalisation layers --------------------------------------------------------------------
def test_layer_norm_matches_the_formula_and_creates_beta_then_gamma():
    x = RNG.standard_normal((3, 4, 5)).astype(np.float32)
    beta = RNG.standard_normal(5).astype(np.float32)
    gamma = RNG.standard_normal(5).astype(np.float32)
    with tf.Graph().as_default():
        y = slim.layer_norm(
            tf.constant(x),
            param_initializers={"beta": tf.constant_initializer(beta), "gamma": tf.constant_initializer(gamma)},
        )
        assert [v.op.name for v in tf.trainable_variables()] == ["LayerNorm/beta", "LayerNorm/gamma"]
        assert [v.op.name for v in slim.get_model_variables()] == ["LayerNorm/beta", "LayerNorm/gamma"]
        got = _run(y)
    np.testing.assert_allclose(got, _norm(x, (1, 2), 1e-12) * gamma + beta, rtol=1e-4, atol=1e-5)


def test_layer_norm_begin_axes():
    x = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    with tf.Graph().as_default():
        y = slim.layer_norm(tf.constant(x), begin_norm_axis=-1, begin_params_axis=1)
        assert tf.trainable_variables()[0].shape.as_list() == [3, 4]
        got = _run(y)
    np.testing.assert_allclose(got, _norm(x, (2,), 1e-12), rtol=1e-4, atol=1e-5)
    with tf.Graph().as_default(), pytest.raises(ValueError, match="must be < rank"):
        slim.layer_norm(tf.constant(x), begin_norm_axis=3)


def test_instance_norm_normalises_each_example_and_channel_over_space():
    x = RNG.standard_normal((2, 4, 3, 5)).astype(np.float32) * 2 + 1
    with tf.Graph().as_default():
        y = slim.instance_norm(tf.constant(x))
        assert [v.op.name for v in tf.trainable_variables()] == ["InstanceNorm/beta", "InstanceNorm/gamma"]
        got = _run(y)
    np.testing.assert_allclose(got, _norm(x, (1, 2), 1e-6), rtol=1e-4, atol=1e-5)


def test_group_norm_matches_the_grouped_formula():
    x = RNG.standard_normal((2, 3, 4, 8)).astype(np.float32)
    gamma = RNG.standard_normal(8).astype(np.float32)
    with tf.Graph().as_default():
        ph = tf.placeholder(tf.float32, [None, 3, 4, 8])
        y = slim.group_norm(ph, groups=4, param_initializers={"gamma": tf.constant_initializer(gamma)})
        got = _run(y, {ph: x})
    grouped = x.reshape(2, 3, 4, 4, 2)
    want = _norm(grouped, (1, 2, 4), 1e-6).reshape(x.shape) * gamma
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_group_norm_errors():
    with tf.Graph().as_default():
        x = tf.zeros([2, 4, 4, 6])
        with pytest.raises(ValueError, match="Invalid groups 8 for 6 channels"):
            slim.group_norm(x, groups=8)
        with pytest.raises(ValueError, match="multiple of the number of groups 4"):
            slim.group_norm(x, groups=4)
        with pytest.raises(ValueError, match="mutually exclusive"):
            slim.group_norm(x, groups=2, reduction_axes=(-3, -1))


@pytest.mark.parametrize(
    "layer",
    [
        lambda x: slim.layer_norm(x, center=False, scale=False),
        lambda x: slim.instance_norm(x, center=False, scale=False),
        lambda x: slim.group_norm(x, groups=2, center=False, scale=False),
    ],
    ids=["layer_norm", "instance_norm", "group_norm"],
)
def test_normalisation_gradients(layer):
    check_gradients(layer, [RNG.standard_normal((2, 3, 2, 4))], rtol=1e-5, atol=1e-7)


def test_norm_params_take_regularizers_and_optimizer_settings_through_arg_scope():
    with tf.Graph().as_default():
        with slim.arg_scope([slim.layer_norm], params_lr_mult=0.5, params_decay=0.0):
            slim.layer_norm(tf.zeros([2, 3]), param_regularizers={"gamma": slim.l2_regularizer(0.1)}, scope="ln")
        gamma = slim.get_unique_variable("ln/gamma")
        assert (gamma.lr_mult, gamma.weight_decay, gamma.role) == (0.5, 0.0, "bn_gamma")
        losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
        assert [t.op.name for t in losses] == ["ln/gamma/Regularizer/l2_regularizer"]
        assert _run(losses[0]) == pytest.approx(0.1 * 3 / 2)


# ---- small layers ---------------------------------------------------------------------------------
def test_bias_add_creates_a_biases_model_variable_with_its_settings():
    x = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    with tf.Graph().as_default():
        y = slim.bias_add(
            tf.constant(x),
            initializer=tf.constant_initializer(0.5),
            regularizer=slim.l1_regularizer(1.0),
            biases_lr_mult=2.0,
            activation_fn=tf.nn.relu,
        )
        (b,) = slim.get_model_variables()
        assert (b.op.name, b.shape.as_list(), b.lr_mult, b.role) == ("BiasAdd/biases", [4], 2.0, "biases")
        (penalty,) = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
        assert penalty.op.name.startswith("BiasAdd/biases/Regularizer/")
        got, pen = _run([y, penalty])
    np.testing.assert_allclose(got, np.maximum(x + 0.5, 0), rtol=1e-6)
    assert pen == pytest.approx(2.0)


def test_one_hot_encoding():
    with tf.Graph().as_default():
        y = slim.one_hot_encoding(tf.constant([0, 2, 1], dtype=tf.int32), 3, on_value=5.0, off_value=-1.0)
        assert y.dtype == tf.float32 and y.op.name.startswith("OneHotEncoding/")
        got = _run(y)
    np.testing.assert_array_equal(got, np.where(np.eye(3)[[0, 2, 1]] == 1, 5.0, -1.0))


def test_unit_norm_puts_epsilon_inside_the_root():
    x = RNG.standard_normal((3, 4)).astype(np.float32)
    x[1] = 0.0
    with tf.Graph().as_default():
        got = _run(slim.unit_norm(tf.constant(x), 1, epsilon=1e-2))
        with pytest.raises(ValueError, match=r"range \[0, 2\)"):
            slim.unit_norm(tf.constant(x), 2)
    np.testing.assert_allclose(got, x / np.sqrt(1e-2 + (x**2).sum(1, keepdims=True)), rtol=1e-6)
    check_gradients(lambda t: slim.unit_norm(t, 1), [RNG.standard_normal((3, 4))])


def test_maxout_takes_the_maximum_of_consecutive_groups():
    x = RNG.standard_normal((2, 3, 6)).astype(np.float32)
    with tf.Graph().as_default():
        y = slim.maxout(tf.constant(x), 2)
        assert y.shape.as_list() == [2, 3, 2]
        got = _run(y)
        y1 = slim.maxout(tf.constant(x), 3, axis=1)
        assert y1.shape.as_list() == [2, 3, 6]
        with pytest.raises(ValueError, match=r"number of features\(6\) is not a multiple of num_units\(4\)"):
            slim.maxout(tf.constant(x), 4)
    np.testing.assert_array_equal(got, x.reshape(2, 3, 2, 3).max(-1))
    check_gradients(lambda t: slim.maxout(t, 2), [RNG.standard_normal((2, 6))])


def test_scale_gradient_is_the_identity_forward_and_scales_backward():
    x = RNG.standard_normal((3, 2)).astype(np.float32)
    with tf.Graph().as_default():
        t = tf.constant(x)
        y = slim.scale_gradient(t, -0.25)
        (g,) = tf.gradients(tf.reduce_sum(y * 3.0), [t])
        got, grad = _run([y, g])
    np.testing.assert_allclose(got, x, rtol=1e-6)
    np.testing.assert_allclose(grad, np.full_like(x, -0.75))


def test_images_to_sequence_and_back():
    x = RNG.standard_normal((2, 3, 4, 5)).astype(np.float32)
    with tf.Graph().as_default():
        seq = slim.images_to_sequence(tf.constant(x))
        assert seq.shape.as_list() == [4, 6, 5]
        back = slim.sequence_to_images(seq, 3)
        first = slim.sequence_to_images(seq, 3, output_data_format="channels_first")
        got_seq, got_back, got_first = _run([seq, back, first])
    np.testing.assert_array_equal(got_seq, x.transpose(2, 0, 1, 3).reshape(4, 6, 5))
    np.testing.assert_array_equal(got_back, x)
    np.testing.assert_array_equal(got_first, x.transpose(0, 3, 1, 2))
    with tf.Graph().as_default(), pytest.raises(ValueError, match="multiple of height 4"):
        slim.sequence_to_images(tf.zeros([4, 6, 5]), 4)


def test_relu_relu6_elu_linear_are_fully_connected_aliases_as_in_tf_slim():
    x = RNG.standard_normal((2, 3)).astype(np.float32) * 10
    with tf.Graph().as_default():
        ones = tf.ones_initializer()
        with slim.arg_scope([slim.fully_connected], activation_fn=tf.sigmoid, weights_initializer=ones):
            outs = [slim.relu(x, 2), slim.relu6(x, 2), slim.elu(x, 2), slim.linear(x, 2)]
        names = [v.op.name for v in tf.trainable_variables()]
        assert names[:2] == ["fully_connected/weights", "fully_connected/biases"]
        assert len(names) == 8
        got = _run(outs)
    z = np.repeat(x.sum(1, keepdims=True), 2, axis=1)  # ones weights, zero biases
    np.testing.assert_allclose(got[0], np.maximum(z, 0), rtol=1e-5)
    np.testing.assert_allclose(got[1], np.clip(z, 0, 6), rtol=1e-5)
    np.testing.assert_allclose(got[2], np.where(z > 0, z, np.expm1(z)), rtol=1e-5)
    np.testing.assert_allclose(got[3], z, rtol=1e-5)


def test_outputs_collections_take_the_new_layers_outputs():
    with tf.Graph().as_default():
        y = slim.layer_norm(tf.zeros([2, 3]), outputs_collections=["ends"])
        z = slim.one_hot_encoding(tf.constant([1]), 2, outputs_collections=["ends"])
        assert tf.get_collection("ends") == [y, z]


def test_the_names_are_in_tf_contrib_layers():
    for name in ("layer_norm", "group_norm", "instance_norm", "bias_add", "softmax", "unit_norm", "maxout", "relu"):
        assert getattr(tfv1.contrib.layers, name) is getattr(slim, name)
    assert run_op(lambda t: tfv1.contrib.layers.softmax(t), [np.zeros((1, 2), np.float32)]).tolist() == [[0.5, 0.5]]


# ---- convolution, conv2d_in_plane, pool ----------------------------------------------------------
def _conv1d_valid(x, w, stride=1, rate=1):
    k = w.shape[0]
    span = (k - 1) * rate + 1
    out_w = (x.shape[1] - span) // stride + 1
    return np.stack(
        [np.einsum("nkc,kco->no", x[:, i * stride : i * stride + span : rate], w) for i in range(out_w)],
        axis=1,
    )


@pytest.mark.parametrize("stride,rate", [(1, 1), (2, 1), (1, 2)])
def test_convolution_on_rank_3_is_a_1d_convolution(stride, rate):
    x = RNG.standard_normal((2, 9, 3)).astype(np.float32)
    w = RNG.standard_normal((3, 3, 4)).astype(np.float32)
    with tf.Graph().as_default():
        y = slim.convolution(
            tf.constant(x),
            4,
            3,
            stride=stride,
            rate=rate,
            padding="VALID",
            activation_fn=None,
            weights_initializer=tf.constant_initializer(w),
            biases_initializer=tf.constant_initializer(0.5),
        )
        assert [v.op.name for v in tf.trainable_variables()] == ["Conv/weights", "Conv/biases"]
        got = _run(y)
    np.testing.assert_allclose(got, _conv1d_valid(x, w, stride, rate) + 0.5, rtol=1e-5, atol=1e-5)


def test_convolution_on_rank_4_is_conv2d_and_convolution1d_has_its_own_arg_scope():
    with tf.Graph().as_default():
        with slim.arg_scope([slim.convolution1d], weights_lr_mult=3.0):
            slim.convolution1d(tf.zeros([1, 5, 2]), 2, 3, scope="c1")
            slim.convolution(tf.zeros([1, 5, 2]), 2, 3, scope="c")
        with slim.arg_scope([slim.convolution], weights_decay=0.0):
            y = slim.convolution(tf.zeros([1, 4, 4, 2]), 3, [2, 2], scope="c2")
        assert y.shape.as_list() == [1, 4, 4, 3]
        assert slim.get_unique_variable("c1/weights").lr_mult == 3.0
        assert slim.get_unique_variable("c/weights").lr_mult is None
        assert slim.get_unique_variable("c2/weights").weight_decay == 0.0
        assert slim.conv1d is slim.convolution1d
        with pytest.raises(ValueError, match="conv_dims=1 needs inputs of rank 3"):
            slim.convolution(tf.zeros([1, 4, 4, 2]), 3, 2, conv_dims=1)
        with pytest.raises(ValueError, match=r"rank 3 \(1-D\) or 4"):
            slim.convolution(tf.zeros([1, 4]), 3, 2)


def test_conv2d_in_plane_applies_one_kernel_to_every_channel():
    x = RNG.standard_normal((2, 4, 4, 3)).astype(np.float32)
    k = RNG.standard_normal((2, 2, 1, 1)).astype(np.float32)
    with tf.Graph().as_default():
        y = slim.conv2d_in_plane(
            tf.constant(x), [2, 2], padding="VALID", activation_fn=None, weights_initializer=tf.constant_initializer(k)
        )
        shapes = [(v.op.name, v.shape.as_list()) for v in tf.trainable_variables()]
        got = _run(y)
    assert shapes == [("ConvInPlane/weights", [2, 2, 1, 1]), ("ConvInPlane/biases", [3])]
    want = sum(x[:, i : i + 3, j : j + 3, :] * k[i, j, 0, 0] for i in range(2) for j in range(2))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_pool_max_and_avg_in_1d_and_2d():
    x = RNG.standard_normal((2, 5, 5, 3)).astype(np.float32)
    x1 = RNG.standard_normal((2, 6, 3)).astype(np.float32)
    with tf.Graph().as_default():
        p_max = slim.pool(tf.constant(x), [2, 2], "MAX", stride=2)
        p_avg = slim.pool(tf.constant(x), 2, "AVG", padding="SAME", stride=2)
        p_1d = slim.pool(tf.constant(x1), 3, "MAX", stride=3)
        assert p_max.op.name.startswith("max_pool/") and p_avg.op.name.startswith("avg_pool/")
        got_max, got_avg, got_1d = _run([p_max, p_avg, p_1d])
        with pytest.raises(ValueError, match="pooling_type must be 'MAX' or 'AVG'"):
            slim.pool(tf.constant(x), 2, "max")
    np.testing.assert_array_equal(got_max, x[:, :4, :4].reshape(2, 2, 2, 2, 2, 3).max(axis=(2, 4)))
    padded_mean = np.stack(
        [np.stack([x[:, i : i + 2, j : j + 2].mean(axis=(1, 2)) for j in range(0, 5, 2)], 1) for i in range(0, 5, 2)],
        1,
    )
    np.testing.assert_allclose(got_avg, padded_mean, rtol=1e-6)
    np.testing.assert_array_equal(got_1d, x1.reshape(2, 2, 3, 3).max(axis=2))


def test_spatial_softmax_gives_expected_keypoints():
    x = RNG.standard_normal((2, 3, 4, 2)).astype(np.float32) * 2
    with tf.Graph().as_default():
        y = slim.spatial_softmax(tf.constant(x), temperature=0.5)
        (temp,) = slim.get_model_variables()
        assert temp.op.name == "spatial_softmax/temperature" and temp in tf.trainable_variables()
        assert y.shape.as_list() == [2, 4]
        got = _run(y)
        (g,) = tf.gradients(tf.reduce_sum(y), [temp])
        assert g is not None
    u, v = np.meshgrid(np.linspace(-1, 1, 3), np.linspace(-1, 1, 4), indexing="ij")
    logits = x.transpose(0, 3, 1, 2).reshape(2, 2, 12) / 0.5
    p = np.exp(logits - logits.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    want = np.stack([(p * u.reshape(-1)).sum(-1), (p * v.reshape(-1)).sum(-1)], axis=-1).reshape(2, 4)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
