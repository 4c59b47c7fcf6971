"""slim convolution, pooling, batch-norm and dropout layers; tf.layers.conv2d;
the LeNet and MobileNetV2 models."""

import numpy as np
import pytest

import slimcore as tf
import slimcore.slim as slim
from slimcore.models import lenet, lenet_arg_scope, mobilenet_v2

RNG = np.random.default_rng(0)


def naive_conv(x, w, stride, padding):
    """NHWC cross-correlation with TF's SAME rule, written independently."""
    n, h, wd, _c = x.shape
    kh, kw, _, out = w.shape
    if padding == "SAME":
        oh, ow = -(-h // stride), -(-wd // stride)
        ph = max((oh - 1) * stride + kh - h, 0)
        pw = max((ow - 1) * stride + kw - wd, 0)
        x = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    else:
        oh, ow = (h - kh) // stride + 1, (wd - kw) // stride + 1
    y = np.zeros((n, oh, ow, out))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * stride : i * stride + kh, j * stride : j * stride + kw, :]
            y[:, i, j, :] = np.tensordot(patch, w, axes=([1, 2, 3], [0, 1, 2]))
    return y


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize("stride", [1, 2])
def test_conv2d_layer_matches_numpy_and_names(padding, stride):
    x = RNG.normal(size=(2, 8, 7, 3)).astype(np.float32)
    images = tf.placeholder(tf.float32, [None, 8, 7, 3])
    y = slim.conv2d(
        images,
        4,
        [3, 3],
        stride=stride,
        padding=padding,
        activation_fn=None,
        weights_regularizer=slim.l2_regularizer(0.1),
    )
    w, b = tf.trainable_variables()
    assert (w.name, b.name) == ("Conv/weights:0", "Conv/biases:0")
    assert w.shape.as_list() == [3, 3, 3, 4]
    assert [t.name for t in tf.losses.get_regularization_losses()] == ["Conv/kernel/Regularizer/l2_regularizer:0"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got, wv, bv = sess.run([y, w, b], {images: x})
    np.testing.assert_allclose(got, naive_conv(x, wv, stride, padding) + bv, rtol=1e-4, atol=1e-5)


def test_conv2d_defaults_relu_and_layer_errors():
    images = tf.placeholder(tf.float32, [None, 6, 6, 2])
    assert slim.conv2d(images, 3, 3).op.type == "Relu"
    with pytest.raises(ValueError, match=r"conv2d.*rank 4"):
        slim.conv2d(tf.placeholder(tf.float32, [None, 6, 2]), 3, 3)
    with pytest.raises(ValueError, match=r"conv2d.*padding"):
        slim.conv2d(images, 3, 3, padding="FULL")
    with pytest.raises(ValueError, match=r"conv2d.*kernel_size.*larger"):
        slim.conv2d(images, 3, 7, padding="VALID")
    with pytest.raises(ValueError, match=r"conv2d.*kernel_size.*positive"):
        slim.conv2d(images, 3, 0)
    with pytest.raises(ValueError, match=r"max_pool2d.*stride"):
        slim.max_pool2d(images, 2, stride=-1)


def test_separable_and_pools_shapes_and_names():
    images = tf.placeholder(tf.float32, [None, 8, 8, 3])
    dw = slim.separable_conv2d(images, None, [3, 3], depth_multiplier=2, scope="dw")
    sep = slim.separable_conv2d(images, 5, [3, 3], stride=2, scope="sep")
    assert dw.shape.as_list() == [None, 8, 8, 6] and sep.shape.as_list() == [None, 4, 4, 5]
    names = [v.op.name for v in tf.trainable_variables()]
    assert names == [
        "dw/depthwise_weights",
        "dw/biases",
        "sep/depthwise_weights",
        "sep/pointwise_weights",
        "sep/biases",
    ]
    assert slim.max_pool2d(images, 2).shape.as_list() == [None, 4, 4, 3]
    assert slim.avg_pool2d(images, 3, stride=2, padding="SAME").shape.as_list() == [None, 4, 4, 3]
    x = RNG.normal(size=(1, 8, 8, 3)).astype(np.float32)
    with tf.Session() as sess:
        got = sess.run(slim.max_pool2d(images, 2), {images: x})
    np.testing.assert_allclose(got, x.reshape(1, 4, 2, 4, 2, 3).max(axis=(2, 4)))


def test_batch_norm_updates_only_through_update_ops():
    x = RNG.normal(2.0, 3.0, size=(16, 4, 4, 3)).astype(np.float32)
    images = tf.placeholder(tf.float32, [None, 4, 4, 3])
    y = slim.batch_norm(images, decay=0.9, scale=True)
    names = [v.op.name for v in tf.global_variables()]
    # TF1.15 builds a rank-4 batch norm with its Keras-style layer: gamma before beta
    assert names == ["BatchNorm/gamma", "BatchNorm/beta", "BatchNorm/moving_mean", "BatchNorm/moving_variance"]
    updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert len(updates) == 2
    mm, mv = tf.global_variables()[2:]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out = sess.run(y, {images: x})
        np.testing.assert_array_equal(sess.run(mm), np.zeros(3))  # output alone: no update
        sess.run(updates, {images: x})
        mean, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
        n = 16 * 4 * 4
        np.testing.assert_allclose(sess.run(mm), 0.1 * mean, rtol=1e-4)
        # fused: the moving variance moves towards the Bessel-corrected variance
        np.testing.assert_allclose(sess.run(mv), 0.9 + 0.1 * var * n / (n - 1), rtol=1e-4)
    np.testing.assert_allclose(out, (x - mean) / np.sqrt(var + 0.001), rtol=1e-3, atol=1e-3)


def test_batch_norm_in_place_updates_and_inference():
    x = RNG.normal(1.0, 2.0, size=(32, 5)).astype(np.float32)
    inputs = tf.placeholder(tf.float32, [None, 5])
    y = slim.batch_norm(inputs, decay=0.5, updates_collections=None)
    with tf.variable_scope("BatchNorm", reuse=True):
        pass
    infer = slim.batch_norm(inputs, is_training=False, scope="BatchNorm", reuse=True)
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == []
    mm, mv = tf.global_variables()[1:3]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(y, {inputs: x})
        # 2-D input: TF1.15 takes slim's fused path, whose moving variance takes the
        # Bessel-corrected batch variance
        corrected = x.var(0) * 32 / 31
        np.testing.assert_allclose(sess.run(mm), 0.5 * x.mean(0), rtol=1e-4)
        np.testing.assert_allclose(sess.run(mv), 0.5 + 0.5 * corrected, rtol=1e-4)
        got = sess.run(infer, {inputs: x})
    np.testing.assert_allclose(
        got, (x - 0.5 * x.mean(0)) / np.sqrt(0.5 + 0.5 * corrected + 0.001), rtol=1e-3, atol=1e-4
    )


def test_dropout_layer():
    x = np.ones((200, 50), np.float32)
    inputs = tf.placeholder(tf.float32, [None, 50])
    train = slim.dropout(inputs, keep_prob=0.8, seed=1)
    test = slim.dropout(inputs, is_training=False)
    with tf.Session() as sess:
        kept = sess.run(train, {inputs: x})
        np.testing.assert_array_equal(sess.run(test, {inputs: x}), x)
    assert set(np.unique(kept)) <= {0.0, 1.25} and abs((kept > 0).mean() - 0.8) < 0.02
    with pytest.raises(ValueError, match="keep_prob"):
        slim.dropout(inputs, keep_prob=1.5)
    with pytest.raises(ValueError, match="keep_prob"):
        slim.dropout(inputs, keep_prob=0.0)


def test_tf_layers_conv2d_names_and_valid_default():
    images = tf.placeholder(tf.float32, [None, 9, 9, 2])
    y = tf.layers.conv2d(images, 4, 3, kernel_regularizer=slim.l2_regularizer(1e-5))
    assert y.shape.as_list() == [None, 7, 7, 4]
    assert [v.op.name for v in tf.trainable_variables()] == ["conv2d/kernel", "conv2d/bias"]
    assert [t.name for t in tf.losses.get_regularization_losses()] == ["conv2d/kernel/Regularizer/l2_regularizer:0"]


@pytest.mark.slow
def test_lenet_trains_on_digits():
    from slimcore.app.classifier_run import TrainConfig, train_classifier
    from slimcore.app.datasets import load_digits

    result = train_classifier(load_digits(), TrainConfig(model="lenet", epochs=4, l2=1e-4), progress=False)
    assert result.test_accuracy > 0.85
    images = tf.placeholder(tf.float32, [None, 28, 28, 1])
    with slim.arg_scope(lenet_arg_scope(weight_decay=1e-4)):
        logits = lenet(images, 10)
    assert logits.shape.as_list() == [None, 10]
    assert len(tf.trainable_variables()) == 8 and len(tf.losses.get_regularization_losses()) == 4


@pytest.mark.parametrize("multiplier,first,last_block", [(1.0, 32, 320), (0.35, 16, 112)])
def test_mobilenet_v2_structure_matches_slim(multiplier, first, last_block):
    images = tf.placeholder(tf.float32, [None, 96, 96, 3])
    with slim.arg_scope(mobilenet_v2.training_scope(weight_decay=0.001)):
        logits, end_points = mobilenet_v2.mobilenet(images, 10, depth_multiplier=multiplier)
    assert logits.shape.as_list() == [None, 10]
    assert end_points["Conv"].shape.as_list() == [None, 48, 48, first]
    assert end_points["expanded_conv_16"].shape.as_list()[-1] == last_block
    # tf-slim thins the last conv too unless finegrain_classification_mode: 1280 * 0.35 = 448
    assert end_points["Conv_1"].shape.as_list() == [None, 3, 3, 1280 if multiplier == 1.0 else 448]
    # slim's counts: 36 conv weights carry the l2 penalty; depthwise weights none.
    assert len(tf.losses.get_regularization_losses()) == 36
    names = [v.op.name for v in tf.global_variables()]
    assert "MobilenetV2/expanded_conv/depthwise/depthwise_weights" in names
    assert "MobilenetV2/expanded_conv_1/expand/weights" in names
    assert "MobilenetV2/expanded_conv/expand/weights" not in names  # expansion 1: no expand conv
    assert "MobilenetV2/Conv/BatchNorm/gamma" in names and "MobilenetV2/Logits/Conv2d_1c_1x1/biases" in names
    assert len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)) == 2 * 52
    trainable = tf.trainable_variables()
    assert len(trainable) == 158
    assert sum(1 for v in trainable if v.role == "depthwise_weights") == 17


@pytest.mark.slow
def test_mobilenet_v2_trains_small_inputs():
    tf.set_random_seed(0)
    images = tf.placeholder(tf.float32, [None, 32, 32, 3])
    labels = tf.placeholder(tf.int64, [None])
    with slim.arg_scope(mobilenet_v2.training_scope(weight_decay=1e-4)):
        logits, _ = mobilenet_v2.mobilenet(images, 4, depth_multiplier=0.35)
    tf.losses.sparse_softmax_cross_entropy(labels, logits)
    train = slim.learning.create_train_op(tf.losses.get_total_loss(), tf.train.GradientDescentOptimizer(0.01))
    x = RNG.normal(size=(8, 32, 32, 3)).astype(np.float32)
    y = np.arange(8) % 4
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        losses = [sess.run(train, {images: x, labels: y}) for _ in range(12)]
    assert np.all(np.isfinite(losses)) and np.mean(losses[-3:]) < losses[0] / 2
