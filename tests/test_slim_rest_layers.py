"""Issue 15: each slim layer with weights takes the per-variable optimizer
settings (``weights_lr_mult``, ``*_momentum``, ``*_decay``) the others take,
through arg_scope -- conv2d_transpose did not."""

import pytest

import slimcore as tf
import slimcore.slim as slim

LAYERS = {
    "conv2d": lambda x: slim.conv2d(x, 3, [3, 3]),
    "conv2d_transpose": lambda x: slim.conv2d_transpose(x, 3, [3, 3]),
    "convolution2d_transpose": lambda x: slim.convolution2d_transpose(x, 3, [3, 3]),
    "convolution": lambda x: slim.convolution(x, 3, [3, 3]),
    "conv2d_in_plane": lambda x: slim.conv2d_in_plane(x, [3, 3]),
    "separable_conv2d": lambda x: slim.separable_conv2d(x, 3, [3, 3], 1),
    "fully_connected": lambda x: slim.fully_connected(slim.flatten(x), 3),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_weight_and_bias_hints_through_arg_scope(name):
    with tf.Graph().as_default():
        layer = getattr(slim, name)
        x = tf.placeholder(tf.float32, [2, 6, 6, 2])
        hints = dict(
            weights_lr_mult=2.0, weights_momentum=0.5, weights_decay=0.25, biases_lr_mult=3.0, biases_decay=0.0
        )
        with slim.arg_scope([layer], **hints):
            LAYERS[name](x)
        weights = [v for v in tf.trainable_variables() if "weights" in v.op.name]
        biases = [v for v in tf.trainable_variables() if v.op.name.endswith("biases")]
        assert weights and biases
        for w in weights:
            assert (w.lr_mult, w.momentum, w.weight_decay) == (2.0, 0.5, 0.25), w
        for b in biases:
            assert (b.lr_mult, b.weight_decay) == (3.0, 0.0), b
