"""Collections and names as TF1's graphs have them (issue 15):

* every tf.layers call, and each slim layer built on a TF1 layer class
  (convolutions, fully_connected and its relu/relu6/elu/linear partials, pools,
  flatten, dropout, batch_norm's layer path, separable_conv2d with num_outputs),
  creates the UPDATE_OPS key even with no update op; slim's layers built from
  variables and nn ops (bias_add, layer/group/instance_norm, conv2d_in_plane,
  pool, one_hot_encoding, images_to_sequence, sequence_to_images, depthwise-only
  separable_conv2d, the rank-2 fused batch norm at inference) do not, so
  ``get_all_collection_keys()`` matches TF1's.
* a Keras regularizer's penalty is Keras' L1L2.__call__ op for op
  (``0. + l * reduce_sum(square(w))``): ".../Regularizer/add:0" (TF1's
  printouts show ``dense/kernel/Regularizer/add:0``); contrib's
  ``l2_regularizer`` keeps ".../Regularizer/l2_regularizer:0".
"""

import numpy as np
import pytest

import slimcore as tf
import slimcore.keras as keras
import slimcore.layers as tf_layers
import slimcore.regularizers as regularizers
import slimcore.slim as slim


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as g:
        yield g


def images():
    return tf.placeholder(tf.float32, [2, 8, 8, 3])


def rows():
    return tf.placeholder(tf.float32, [2, 6])


def sequences():
    return tf.placeholder(tf.float32, [2, 8, 3])


CREATES_UPDATE_OPS_KEY = {
    "slim.conv2d": lambda: slim.conv2d(images(), 4, [3, 3]),
    "slim.convolution": lambda: slim.convolution(sequences(), 4, 3),
    "slim.conv2d_transpose": lambda: slim.conv2d_transpose(images(), 4, [3, 3]),
    "slim.separable_conv2d": lambda: slim.separable_conv2d(images(), 4, [3, 3], 1),
    "slim.fully_connected": lambda: slim.fully_connected(rows(), 4),
    "slim.relu": lambda: slim.relu(rows(), 3),
    "slim.linear": lambda: slim.linear(rows(), 3),
    "slim.max_pool2d": lambda: slim.max_pool2d(images(), [2, 2]),
    "slim.avg_pool2d": lambda: slim.avg_pool2d(images(), [2, 2]),
    "slim.flatten": lambda: slim.flatten(images()),
    "slim.dropout": lambda: slim.dropout(rows()),
    "slim.batch_norm rank 4": lambda: slim.batch_norm(images()),
    "slim.batch_norm rank 4 inference": lambda: slim.batch_norm(images(), is_training=False),
    "slim.batch_norm rank 2 training": lambda: slim.batch_norm(rows()),
    "slim depthwise + batch_norm": lambda: slim.separable_conv2d(
        images(), None, [3, 3], 1, normalizer_fn=slim.batch_norm
    ),
    "tf.layers.dense": lambda: tf_layers.dense(rows(), 3),
    "tf.layers.conv1d": lambda: tf_layers.conv1d(sequences(), 3, 2),
    "tf.layers.conv2d": lambda: tf_layers.conv2d(images(), 3, 2),
    "tf.layers.conv2d_transpose": lambda: tf_layers.conv2d_transpose(images(), 3, 2),
    "tf.layers.separable_conv2d": lambda: tf_layers.separable_conv2d(images(), 3, 2),
    "tf.layers.max_pooling1d": lambda: tf_layers.max_pooling1d(sequences(), 2, 2),
    "tf.layers.max_pooling2d": lambda: tf_layers.max_pooling2d(images(), 2, 2),
    "tf.layers.average_pooling2d": lambda: tf_layers.average_pooling2d(images(), 2, 2),
    "tf.layers.flatten": lambda: tf_layers.flatten(images()),
    "tf.layers.dropout": lambda: tf_layers.dropout(rows()),
    "tf.layers.batch_normalization": lambda: tf_layers.batch_normalization(images()),
    "tf.layers.Dense": lambda: tf_layers.Dense(3)(rows()),
    "tf.layers.Dense.apply": lambda: tf_layers.Dense(3).apply(rows()),
    "tf.layers.Conv2D": lambda: tf_layers.Conv2D(3, 2)(images()),
    "tf.layers.Conv2DTranspose": lambda: tf_layers.Conv2DTranspose(3, 2)(images()),
    "tf.layers.SeparableConv2D": lambda: tf_layers.SeparableConv2D(3, 2)(images()),
    "tf.layers.MaxPooling1D": lambda: tf_layers.MaxPooling1D(2, 2)(sequences()),
    "tf.layers.Flatten": lambda: tf_layers.Flatten()(images()),
    "tf.layers.Dropout": lambda: tf_layers.Dropout()(rows()),
    "tf.layers.BatchNormalization": lambda: tf_layers.BatchNormalization()(images()),
}

NO_UPDATE_OPS_KEY = {
    "slim.bias_add": lambda: slim.bias_add(rows()),
    "slim.layer_norm": lambda: slim.layer_norm(rows()),
    "slim.group_norm": lambda: slim.group_norm(images(), groups=3),
    "slim.instance_norm": lambda: slim.instance_norm(images()),
    "slim.conv2d_in_plane": lambda: slim.conv2d_in_plane(images(), [3, 3]),
    "slim.pool": lambda: slim.pool(images(), [2, 2], "MAX"),
    "slim.separable_conv2d depthwise only": lambda: slim.separable_conv2d(images(), None, [3, 3], 1),
    "slim.batch_norm rank 2 inference": lambda: slim.batch_norm(rows(), is_training=False),
    "slim.one_hot_encoding": lambda: slim.one_hot_encoding(tf.placeholder(tf.int64, [2]), 3),
    "slim.images_to_sequence": lambda: slim.images_to_sequence(images()),
    "slim.sequence_to_images": lambda: slim.sequence_to_images(tf.placeholder(tf.float32, [8, 4, 3]), 2),
    "slim.softmax": lambda: slim.softmax(rows()),
    "slim.unit_norm": lambda: slim.unit_norm(rows(), 1),
    "slim.maxout": lambda: slim.maxout(rows(), 3),
    "slim.spatial_softmax": lambda: slim.spatial_softmax(images()),
}


@pytest.mark.parametrize("name", sorted(CREATES_UPDATE_OPS_KEY))
def test_tf1_layer_calls_create_the_update_ops_key(name, fresh_graph):
    CREATES_UPDATE_OPS_KEY[name]()
    assert tf.GraphKeys.UPDATE_OPS in fresh_graph.get_all_collection_keys()


@pytest.mark.parametrize("name", sorted(NO_UPDATE_OPS_KEY))
def test_slim_layers_without_a_tf1_layer_class_leave_no_update_ops_key(name, fresh_graph):
    NO_UPDATE_OPS_KEY[name]()
    assert tf.GraphKeys.UPDATE_OPS not in fresh_graph.get_all_collection_keys()


def test_the_key_holds_exactly_the_update_ops():
    slim.conv2d(images(), 4, [3, 3])
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == []
    slim.batch_norm(images())
    assert len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)) == 2  # moving mean and variance


# ---- penalty tensor names ------------------------------------------------------------------
KERAS = {
    "l2": (lambda: regularizers.l2(0.1), "add", lambda w: 0.1 * np.sum(w**2)),
    "l1": (lambda: regularizers.l1(0.1), "add", lambda w: 0.1 * np.sum(np.abs(w))),
    "l1_l2": (lambda: regularizers.l1_l2(0.1, 0.2), "add_1", lambda w: 0.1 * np.sum(np.abs(w)) + 0.2 * np.sum(w**2)),
    "keras.regularizers.l2": (lambda: keras.regularizers.l2(0.1), "add", lambda w: 0.1 * np.sum(w**2)),
    "L1L2()": (lambda: regularizers.L1L2(), "Const", lambda w: 0.0),
}
W = np.linspace(-1.0, 1.0, 12, dtype=np.float32).reshape(3, 4)


@pytest.mark.parametrize("kind", sorted(KERAS))
@pytest.mark.parametrize("where", ["get_variable", "tf.layers.dense", "slim.fully_connected"])
def test_keras_penalty_is_named_by_keras_ops_as_tf1(kind, where):
    make, last_op, value = KERAS[kind]
    init = tf.constant_initializer(W.ravel())
    x = tf.placeholder(tf.float32, [None, 3])
    if where == "get_variable":
        tf.get_variable("w", [3, 4], initializer=init, regularizer=make())
        prefix = "w"
    elif where == "tf.layers.dense":
        tf_layers.dense(x, 4, kernel_initializer=init, kernel_regularizer=make())
        prefix = "dense/kernel"
    else:
        slim.fully_connected(x, 4, weights_initializer=init, weights_regularizer=make())
        prefix = "fully_connected/kernel"
    (penalty,) = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert penalty.name == f"{prefix}/Regularizer/{last_op}:0"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(penalty) == pytest.approx(value(W.astype(np.float64)), rel=1e-5)


def test_contrib_regularizers_keep_their_scope_names():
    x = tf.placeholder(tf.float32, [None, 3])
    slim.fully_connected(x, 4, weights_regularizer=slim.l2_regularizer(0.1), scope="fc")
    tf.get_variable("v", [3], regularizer=regularizers.l1_l2_regularizer(0.1, 0.1))
    names = [t.name for t in tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)]
    assert names == ["fc/kernel/Regularizer/l2_regularizer:0", "v/Regularizer/l1_l2_regularizer:0"]


def test_keras_layer_penalty_name_and_value():
    model = keras.models.Sequential(
        [keras.layers.Dense(4, input_shape=(3,), kernel_regularizer=keras.regularizers.l2(0.1))]
    )
    (penalty,) = model.losses
    assert penalty.name == "dense/kernel/Regularizer/add:0"  # TF1's printout for this model
