"""tf.layers functions and classes of issue 13 (nn-ops lane): conv1d,
conv2d_transpose, separable_conv2d, max/average_pooling1d,
batch_normalization, and the classes Dense, Conv1D, Conv2D,
Conv2DTranspose, SeparableConv2D, MaxPooling1D/2D, AveragePooling1D/2D,
Flatten, Dropout, BatchNormalization.
"""

import numpy as np
import pytest

import slimcore as sc
import slimcore.compat.v1 as tf
from gradcheck import check_gradients


def sample(shape, seed=0, scale=1.0, dtype=np.float32):
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(dtype)


def run(fetches, feed=None):
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())
        return sess.run(fetches, feed)


def names(variables):
    return [v.name for v in variables]


# ---- functional forms -----------------------------------------------------------------------
def test_conv1d_layer_matches_nn_conv1d_with_its_kernel():
    with sc.Graph().as_default():
        x = sc.constant(sample((2, 8, 3)))
        y = tf.layers.conv1d(x, 4, 3, strides=2, padding="same", activation=sc.nn.relu)
        kernel, bias = sc.trainable_variables()
        assert names([kernel, bias]) == ["conv1d/kernel:0", "conv1d/bias:0"]
        assert kernel.shape.as_list() == [3, 3, 4] and y.shape.as_list() == [2, 4, 4]
        ref = sc.nn.relu(sc.nn.bias_add(sc.nn.conv1d(x, kernel, 2, "SAME"), bias))
        a, b = run([y, ref])
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("padding,size", [("same", 6), ("valid", 7)])
def test_conv2d_transpose_layer_output_size_and_variables(padding, size):
    with sc.Graph().as_default():
        x = sc.placeholder(sc.float32, [None, 3, 3, 2])
        y = tf.layers.conv2d_transpose(x, 5, 3, strides=2, padding=padding, name="up")
        kernel, bias = sc.trainable_variables()
        assert names([kernel, bias]) == ["up/kernel:0", "up/bias:0"]
        assert kernel.shape.as_list() == [3, 3, 5, 2] and bias.shape.as_list() == [5]
        assert y.shape.as_list() == [None, size, size, 5]
        ref = sc.nn.bias_add(sc.nn.conv2d_transpose(x, kernel, [4, size, size, 5], 2, padding.upper()), bias)
        a, b = run([y, ref], {x: sample((4, 3, 3, 2))})
    assert a.shape == (4, size, size, 5)
    np.testing.assert_array_equal(a, b)


def test_separable_conv2d_layer():
    with sc.Graph().as_default():
        x = sc.constant(sample((1, 5, 5, 3)))
        y = tf.layers.separable_conv2d(x, 4, 3, depth_multiplier=2, padding="same")
        dw, pw, bias = sc.trainable_variables()
        assert names([dw, pw, bias]) == [
            "separable_conv2d/depthwise_kernel:0",
            "separable_conv2d/pointwise_kernel:0",
            "separable_conv2d/bias:0",
        ]
        assert dw.shape.as_list() == [3, 3, 3, 2] and pw.shape.as_list() == [1, 1, 6, 4]
        ref = sc.nn.bias_add(sc.nn.separable_conv2d(x, dw, pw, [1, 1, 1, 1], "SAME"), bias)
        a, b = run([y, ref])
    np.testing.assert_array_equal(a, b)


def test_pooling1d_layers():
    x = sample((2, 7, 3))
    with sc.Graph().as_default():
        mx = tf.layers.max_pooling1d(sc.constant(x), 2, 2)
        av = tf.layers.average_pooling1d(sc.constant(x), 3, 2, padding="same")
        assert mx.shape.as_list() == [2, 3, 3] and av.shape.as_list() == [2, 4, 3]
        a, b = run([mx, av])
    np.testing.assert_allclose(a, np.maximum(x[:, 0:6:2], x[:, 1:7:2]))
    padded = [x[:, max(0, 2 * o - 1) : 2 * o + 2].mean(1) for o in range(4)]  # SAME: pad 1 before and after
    np.testing.assert_allclose(b, np.stack(padded, 1), rtol=1e-6)
    with pytest.raises(ValueError, match="rank 3"):
        tf.layers.max_pooling1d(sc.constant(sample((2, 7))), 2, 2)


def test_pooling1d_gradient():
    check_gradients(lambda t: tf.layers.average_pooling1d(t, 2, 1), [sample((2, 5, 2), dtype=np.float64)])


@pytest.mark.parametrize("fused", [None, False])
def test_batch_normalization_training_and_update_ops(fused):
    x = sample((6, 2, 2, 3), scale=2.0) + 1.0
    with sc.Graph().as_default():
        y = tf.layers.batch_normalization(sc.constant(x), momentum=0.9, training=True, fused=fused)
        assert names(sc.global_variables()) == [
            "batch_normalization/gamma:0",
            "batch_normalization/beta:0",
            "batch_normalization/moving_mean:0",
            "batch_normalization/moving_variance:0",
        ] or sorted(names(sc.global_variables())) == sorted(
            [
                "batch_normalization/gamma:0",
                "batch_normalization/beta:0",
                "batch_normalization/moving_mean:0",
                "batch_normalization/moving_variance:0",
            ]
        )
        updates = sc.get_collection(sc.GraphKeys.UPDATE_OPS)
        assert len(updates) == 2
        with sc.Session() as sess:
            sess.run(sc.global_variables_initializer())
            out, _ = sess.run([y, updates])
            mm, mv = sess.run(["batch_normalization/moving_mean:0", "batch_normalization/moving_variance:0"])
    mu, var = x.mean((0, 1, 2)), x.var((0, 1, 2))
    np.testing.assert_allclose(out, (x - mu) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-5)
    n = x.size // 3
    v_update = var * n / (n - 1) if fused is None else var  # fused: Bessel-corrected, as TF
    np.testing.assert_allclose(mm, 0.1 * mu, rtol=1e-5)
    np.testing.assert_allclose(mv, 0.9 + 0.1 * v_update, rtol=1e-5)


def test_batch_normalization_inference_default_and_errors():
    x = sample((4, 3))
    with sc.Graph().as_default():
        y = tf.layers.batch_normalization(sc.constant(x))  # training=False: moving statistics (0, 1)
        assert sc.get_collection(sc.GraphKeys.UPDATE_OPS) == []
        np.testing.assert_allclose(run(y), x / np.sqrt(1 + 1e-3), rtol=1e-6)
        with pytest.raises(ValueError, match="renorm"):
            tf.layers.batch_normalization(sc.constant(x), renorm=True)
        with pytest.raises(ValueError, match="axis"):
            tf.layers.batch_normalization(sc.constant(x), axis=0)


# ---- classes --------------------------------------------------------------------------------
def test_dense_class_apply_reuses_variables_and_exposes_kernel_bias():
    with sc.Graph().as_default():
        layer = tf.layers.Dense(4, activation=sc.nn.relu, name="fc")
        with pytest.raises(AttributeError, match="not been called"):
            layer.kernel  # noqa: B018
        x1, x2 = sc.constant(sample((2, 3))), sc.constant(sample((5, 3), 1))
        y1 = layer.apply(x1)
        y2 = layer(x2)
        assert names(layer.variables) == ["fc/kernel:0", "fc/bias:0"]
        assert layer.trainable_variables == layer.variables and len(sc.trainable_variables()) == 2
        assert layer.kernel.name == "fc/kernel:0" and layer.bias.name == "fc/bias:0"
        ref = sc.nn.relu(sc.matmul(x2, layer.kernel) + layer.bias)
        a, b, _ = run([y2, ref, y1])
    np.testing.assert_allclose(a, b, rtol=1e-6)


def test_conv_classes_default_names_and_shapes():
    with sc.Graph().as_default():
        x = sc.placeholder(sc.float32, [None, 8, 8, 3])
        c = tf.layers.Conv2D(4, 3, padding="same")
        t = tf.layers.Conv2DTranspose(2, 3, strides=2, padding="same")
        s = tf.layers.SeparableConv2D(5, 3)
        h = t(c(x))
        assert h.shape.as_list() == [None, 16, 16, 2]
        assert s(x).shape.as_list() == [None, 6, 6, 5]
        assert c.kernel.name == "conv2d/kernel:0" and t.kernel.shape.as_list() == [3, 3, 2, 4]
        assert s.depthwise_kernel.name == "separable_conv2d/depthwise_kernel:0"
        assert s.pointwise_kernel.shape.as_list() == [1, 1, 3, 5]
        c1 = tf.layers.Conv1D(6, 2)
        assert c1(sc.placeholder(sc.float32, [None, 10, 3])).shape.as_list() == [None, 9, 6]
        assert c1.kernel.shape.as_list() == [2, 3, 6] and tf.layers.Conv2D(2, 1).name == "conv2d_1"
        with pytest.raises(TypeError, match="Conv2DTranspose"):
            tf.layers.Conv2DTranspose(2, 3, stride=2)  # no such argument


def test_pool_flatten_dropout_classes():
    with sc.Graph().as_default():
        x = sc.placeholder(sc.float32, [None, 8, 8, 3])
        y = tf.layers.MaxPooling2D(2, 2)(x)
        y = tf.layers.AveragePooling2D(2, 2)(y)
        assert y.shape.as_list() == [None, 2, 2, 3]
        flat = tf.layers.Flatten()(y)
        assert flat.shape.as_list() == [None, 12]
        z = sc.placeholder(sc.float32, [None, 9, 4])
        assert tf.layers.MaxPooling1D(3, 3)(z).shape.as_list() == [None, 3, 4]
        assert tf.layers.AveragePooling1D(2, 1).apply(z).shape.as_list() == [None, 8, 4]
        drop = tf.layers.Dropout()
        assert drop.rate == 0.5
        ones = sc.constant(np.ones((100, 100), np.float32))
        kept, dropped = run([drop(ones), drop(ones, training=True)])
    np.testing.assert_array_equal(kept, 1.0)
    assert set(np.unique(dropped)) <= {0.0, 2.0} and 0.3 < (dropped == 0).mean() < 0.7


def test_batch_normalization_class_training_call():
    x = sample((8, 4), scale=3.0)
    with sc.Graph().as_default():
        bn = tf.layers.BatchNormalization(momentum=0.5, center=False)
        y = bn(sc.constant(x), training=True)
        assert bn.gamma.name == "batch_normalization/gamma:0"
        with pytest.raises(AttributeError, match="no variable 'beta'"):
            bn.beta  # noqa: B018
        assert len(sc.get_collection(sc.GraphKeys.UPDATE_OPS)) == 2
        assert names(bn.trainable_variables) == ["batch_normalization/gamma:0"]
        out = run(y)
    np.testing.assert_allclose(out, (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3), rtol=1e-4, atol=1e-5)


def test_classes_are_in_compat_v1_layers():
    classes = "Dense Conv1D Conv2D Conv2DTranspose SeparableConv2D MaxPooling1D MaxPooling2D AveragePooling1D"
    functions = "conv1d conv2d_transpose separable_conv2d max_pooling1d average_pooling1d batch_normalization"
    for name in (classes + " AveragePooling2D Flatten Dropout BatchNormalization " + functions).split():
        assert getattr(tf.layers, name) is getattr(sc.layers, name)


def test_slim_conv2d_transpose():
    with sc.Graph().as_default():
        x = sc.placeholder(sc.float32, [None, 4, 4, 3])
        y = tf.contrib.slim.conv2d_transpose(x, 2, 3, stride=2)
        weights, biases = sc.trainable_variables()
        assert names([weights, biases]) == ["Conv2d_transpose/weights:0", "Conv2d_transpose/biases:0"]
        assert weights.shape.as_list() == [3, 3, 2, 3] and biases.shape.as_list() == [2]
        assert y.shape.as_list() == [None, 8, 8, 2]
        v = tf.contrib.slim.conv2d_transpose(x, 5, [2, 3], stride=[1, 2], padding="VALID", activation_fn=None)
        assert v.shape.as_list() == [None, 5, 9, 5]
        ref = sc.nn.relu(sc.nn.bias_add(sc.nn.conv2d_transpose(x, weights, [2, 8, 8, 2], 2), biases))
        a, b = run([y, ref], {x: sample((2, 4, 4, 3))})
    np.testing.assert_array_equal(a, b)
    assert tf.contrib.layers.conv2d_transpose is sc.slim.conv2d_transpose
