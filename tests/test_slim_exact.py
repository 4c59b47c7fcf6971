"""slim-exact (issue 15): tf.contrib.losses / slim.losses as contrib defines them
(order, weighting, hinge unreduced, mean_pairwise's n and n^2), and collection
arguments taken as TF1 takes them."""

import warnings

import numpy as np
import pytest

import slimcore as sc
import slimcore.slim as slim
from slimcore.compat import v1 as tf

RNG = np.random.default_rng(15)
B, D = 4, 3
LOGITS = RNG.normal(0, 2, (B, D)).astype(np.float32)
ONEHOT = np.eye(D, dtype=np.float32)[[0, 2, 1, 2]]
PREDS = RNG.uniform(0, 1, (B, D)).astype(np.float32)
LABELS = RNG.uniform(0, 1, (B, D)).astype(np.float32)
ROW_WEIGHTS = np.array([1.0, 0.0, 2.0, 0.5], np.float32)


def _run(t):
    with sc.Session() as s:
        return s.run(t)


def _contrib_weighted(losses, weights):
    """contrib's compute_weighted_loss in numpy: weights cover the LEADING dims,
    n = nonzero weights * elements each one covers."""
    losses = np.asarray(losses, np.float64)
    w = np.asarray(weights, np.float64)
    if w.ndim > 1 and w.shape[-1] == 1:
        w = w[..., 0]
    per_w = losses.reshape(w.shape + (-1,)).sum(-1) if w.ndim else losses.sum()
    covered = losses.size // max(w.size, 1)
    n = np.count_nonzero(w) * covered
    return 0.0 if n == 0 else float(np.sum(per_w * w) / n)


def _log_softmax(x):
    x = np.asarray(x, np.float64)
    m = x.max(-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(-1, keepdims=True))


@pytest.fixture(autouse=True)
def _fresh_graph():
    with sc.Graph().as_default():
        yield


# ---- 1. distinct modules, contrib's positional order ----------------------------------------
def test_contrib_losses_is_its_own_module():
    assert slim.losses is not sc.losses
    assert tf.contrib.losses is slim.losses and tf.contrib.slim.losses is slim.losses
    assert slim.losses.softmax_cross_entropy is not sc.losses.softmax_cross_entropy


def test_positional_order_is_logits_then_labels():
    """Same tensors, positional call: contrib reads (logits, labels), core (labels, logits)."""
    contrib = slim.losses.softmax_cross_entropy(LOGITS, ONEHOT)
    core_same_order = sc.losses.softmax_cross_entropy(LOGITS, ONEHOT)  # core takes LOGITS as labels
    core_right = sc.losses.softmax_cross_entropy(ONEHOT, LOGITS)
    expected = -np.mean(np.sum(ONEHOT * _log_softmax(LOGITS), -1))
    got, wrong, right = _run([contrib, core_same_order, core_right])
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    np.testing.assert_allclose(right, expected, rtol=1e-5)
    assert abs(wrong - expected) > 0.1


def test_softmax_cross_entropy_smoothing_and_row_weights():
    loss = slim.losses.softmax_cross_entropy(LOGITS, ONEHOT, weights=ROW_WEIGHTS, label_smoothing=0.2)
    z = ONEHOT * 0.8 + 0.2 / D
    per_example = -np.sum(z * _log_softmax(LOGITS), -1)
    np.testing.assert_allclose(_run(loss), _contrib_weighted(per_example, ROW_WEIGHTS), rtol=1e-5)
    assert loss.name == "softmax_cross_entropy_loss/value:0"


def test_sparse_softmax_cross_entropy_reshapes_labels():
    ids = np.array([[0], [2], [1], [2]])
    loss = slim.losses.sparse_softmax_cross_entropy(LOGITS, ids, weights=ROW_WEIGHTS)
    per_example = -_log_softmax(LOGITS)[np.arange(B), ids[:, 0]]
    np.testing.assert_allclose(_run(loss), _contrib_weighted(per_example, ROW_WEIGHTS), rtol=1e-5)


def test_sigmoid_cross_entropy_smoothing():
    loss = slim.losses.sigmoid_cross_entropy(LOGITS, ONEHOT, label_smoothing=0.1)
    x, z = LOGITS.astype(np.float64), ONEHOT * 0.9 + 0.05
    per = np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))
    np.testing.assert_allclose(_run(loss), per.mean(), rtol=1e-5)


@pytest.mark.parametrize(
    "name, per_element",
    [
        ("absolute_difference", lambda p, y: np.abs(p - y)),
        ("mean_squared_error", lambda p, y: (p - y) ** 2),
        ("log_loss", lambda p, y: -y * np.log(p + 1e-7) - (1 - y) * np.log(1 - p + 1e-7)),
    ],
)
@pytest.mark.parametrize("weights", [1.0, 0.0, ROW_WEIGHTS, ROW_WEIGHTS[:, None], np.ones((B, D)) * [1, 0, 3]])
def test_predictions_first_and_leading_dimension_weights(name, per_element, weights):
    """A [batch] weight weights its whole row (core tf.losses would reject a [4] vs [4, 3])."""
    loss = getattr(slim.losses, name)(PREDS, LABELS, weights=np.asarray(weights, np.float32))
    expected = _contrib_weighted(per_element(PREDS.astype(np.float64), LABELS.astype(np.float64)), weights)
    np.testing.assert_allclose(_run(loss), expected, rtol=1e-5, atol=1e-7)
    assert loss in sc.get_collection(sc.GraphKeys.LOSSES)


def test_hinge_loss_is_unreduced_and_not_collected():
    per = slim.losses.hinge_loss(LOGITS, ONEHOT)
    assert per.shape.as_list() == [B, D]
    np.testing.assert_allclose(_run(per), np.maximum(0.0, 1 - (2 * ONEHOT - 1) * LOGITS), rtol=1e-6)
    assert sc.get_collection(sc.GraphKeys.LOSSES) == []


def test_cosine_distance_drops_the_axis():
    p = PREDS / np.linalg.norm(PREDS, axis=1, keepdims=True)
    y = LABELS / np.linalg.norm(LABELS, axis=1, keepdims=True)
    loss = slim.losses.cosine_distance(p, y, axis=1, weights=ROW_WEIGHTS)
    per_example = 1 - np.sum(p.astype(np.float64) * y, 1)
    np.testing.assert_allclose(_run(loss), _contrib_weighted(per_example, ROW_WEIGHTS), rtol=1e-5)
    with pytest.raises(ValueError, match="axis"):
        slim.losses.cosine_distance(p, y)
    np.testing.assert_allclose(_run(slim.losses.cosine_distance(p, y, dim=1)), per_example.mean(), rtol=1e-5)


def _pairwise_contrib(p, y, w):
    """contrib's mean_pairwise_squared_error: the mean of (d_i - d_j)^2 over all n^2
    ordered pairs of each example (n, not n - 1), weighted and summed over the batch."""
    d = (np.asarray(p, np.float64) - y).reshape(len(p), -1)
    w = np.broadcast_to(np.asarray(w, np.float64), (len(p),))
    total = 0.0
    for b in range(len(p)):
        n = d.shape[1] if w[b] != 0 else 0
        if n:
            total += w[b] * np.mean((d[b][:, None] - d[b][None, :]) ** 2)
    return total


@pytest.mark.parametrize("weights", [1.0, 2.5, ROW_WEIGHTS, 0.0])
def test_mean_pairwise_squared_error_divides_by_n_and_n_squared(weights):
    loss = slim.losses.mean_pairwise_squared_error(PREDS, LABELS, weights=np.asarray(weights, np.float32))
    np.testing.assert_allclose(_run(loss), _pairwise_contrib(PREDS, LABELS, weights), rtol=1e-5, atol=1e-7)
    # core keeps its own formula (n - 1, mean over the batch): the two differ
    core = sc.losses.mean_pairwise_squared_error(LABELS, PREDS)
    assert abs(_run(core) - _pairwise_contrib(PREDS, LABELS, 1.0)) > 1e-3


def test_total_loss_and_add_loss():
    w = sc.get_variable("w", [D], regularizer=slim.l2_regularizer(0.5), initializer=sc.ones_initializer())
    data = slim.losses.mean_squared_error(PREDS, LABELS)
    extra = sc.reduce_sum(slim.losses.hinge_loss(LOGITS, ONEHOT))
    slim.losses.add_loss(extra)
    assert slim.losses.get_losses() == [data, extra]
    assert len(slim.losses.get_regularization_losses()) == 1
    total = slim.losses.get_total_loss()
    assert total.name == "total_loss:0"
    expected = np.mean((PREDS - LABELS) ** 2.0) + np.sum(np.maximum(0, 1 - (2 * ONEHOT - 1) * LOGITS)) + 0.5 * 0.5 * D
    with sc.Session() as s:
        s.run(sc.global_variables_initializer())
        np.testing.assert_allclose(s.run(total), expected, rtol=1e-5)
    np.testing.assert_allclose(_run(slim.losses.get_total_loss(False, name="data")), expected - 0.75, rtol=1e-5)
    del w


def test_add_loss_takes_arg_scope():
    with slim.arg_scope([slim.losses.add_loss], loss_collection="mine"):
        slim.losses.add_loss(sc.constant(1.0))
    assert len(sc.get_collection("mine")) == 1 and sc.get_collection(sc.GraphKeys.LOSSES) == []


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="weights"):
        slim.losses.mean_squared_error(PREDS, LABELS, weights=None)
    with pytest.raises(ValueError, match="labels"):
        slim.losses.absolute_difference(PREDS)
    with pytest.raises(ValueError, match="incompatible"):
        slim.losses.mean_squared_error(PREDS, LABELS[:, :2])
    with pytest.raises(ValueError, match="no losses"):
        slim.losses.get_total_loss()


def test_gradient_of_pairwise_loss_matches_finite_differences():
    from gradcheck import check_gradients

    # float32 inside, as TF1: checked at float32 precision
    check_gradients(
        lambda p: sc.cast(
            slim.losses.mean_pairwise_squared_error(sc.cast(p, sc.float32), LABELS, weights=ROW_WEIGHTS), sc.float64
        ),
        [PREDS.astype(np.float64)],
        eps=1e-3,
        rtol=2e-2,
        atol=2e-3,
    )


# ---- 2. string collection arguments, as TF1 ---------------------------------------------------
def test_outputs_collections_string_is_one_collection():
    images = sc.placeholder(sc.float32, [2, 8, 8, 3])
    net = slim.conv2d(images, 4, [3, 3], outputs_collections="end_points", scope="conv1")
    net = slim.max_pool2d(net, [2, 2], outputs_collections="end_points", scope="pool1")
    net = slim.fully_connected(slim.flatten(net), 5, outputs_collections=("end_points", "end_points"), scope="fc")
    points = sc.get_collection("end_points")
    assert [t.name.split("/")[0] for t in points] == ["conv1", "pool1", "fc"]
    assert sc.get_collection("e") == [] and "n" not in sc.get_default_graph().get_all_collection_keys()


def test_metrics_collections_string_is_one_collection():
    value, update = sc.metrics.mean([1.0, 2.0], metrics_collections="m_values", updates_collections="m_updates")
    assert sc.get_collection("m_values") == [value] and sc.get_collection("m_updates") == [update]
    assert sc.get_collection("m") == []


def test_batch_norm_updates_collections_string_is_one_collection():
    x = sc.placeholder(sc.float32, [4, 3])
    slim.batch_norm(x, is_training=True, updates_collections="my_updates")
    assert len(sc.get_collection("my_updates")) == 2 and sc.get_collection("m") == []


@pytest.mark.parametrize(
    "make",
    [
        lambda: sc.Variable(1.0, collections="foo"),
        lambda: sc.get_variable("v", [2], collections="bar"),
        lambda: tf.Variable(1.0, collections=sc.GraphKeys.LOCAL_VARIABLES),
    ],
)
def test_variable_with_a_string_collections_raises_as_tf1(make):
    with pytest.raises(ValueError, match="must be a list, tuple, or set"):
        make()
    assert sc.global_variables() == [] and sc.get_collection("f") == []


def test_variable_collections_list_tuple_set():
    a = sc.Variable(1.0, collections=["foo"])
    b = sc.get_variable("b", [2], collections=("foo", sc.GraphKeys.GLOBAL_VARIABLES))
    c = sc.Variable(2.0, trainable=False, collections={sc.GraphKeys.LOCAL_VARIABLES})
    assert sc.get_collection("foo") == [a, b] and sc.global_variables() == [b]
    assert sc.local_variables() == [c] and sc.trainable_variables() == [a, b]


def test_slim_variables_collections_string_splits_with_a_warning_as_tf1():
    """TF1's slim passes variables_collections through model_variable's list(): 'ab'
    fills 'a' and 'b'. Kept for exactness, but no longer silent."""
    x = sc.placeholder(sc.float32, [2, 3])
    with pytest.warns(UserWarning, match=r"split into one collection per character.*\['ab'\]"):
        slim.fully_connected(x, 4, variables_collections="ab", scope="fc")
    assert [v.name for v in sc.get_collection("a")] == ["fc/weights:0", "fc/biases:0"]
    assert sc.get_collection("ab") == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        slim.fully_connected(x, 4, variables_collections={"weights": ["w_only"]}, scope="fc2")
    assert [v.name for v in sc.get_collection("w_only")] == ["fc2/weights:0"]


# ---- exactness details ----------------------------------------------------------------------------
def test_pool_ops_are_named_as_tf1():
    images = sc.placeholder(sc.float32, [2, 8, 8, 3])
    assert slim.max_pool2d(images, [2, 2], scope="pool1").name == "pool1/MaxPool:0"
    assert slim.max_pool2d(images, [2, 2]).name == "MaxPool2D/MaxPool:0"
    assert slim.avg_pool2d(images, [2, 2]).name == "AvgPool2D/AvgPool:0"


def test_flatten_of_rank_one_gives_a_column():
    flat = slim.flatten(sc.constant([1.0, 2.0, 3.0]))
    assert flat.shape.as_list() == [3, 1]
    np.testing.assert_array_equal(_run(flat), [[1.0], [2.0], [3.0]])
    with pytest.raises(ValueError, match="at least 1 dimension"):
        slim.flatten(sc.constant(1.0))


@pytest.mark.parametrize("finegrain, last_conv", [(False, 448), (True, 1280)])
def test_mobilenet_v2_finegrain_keeps_1280_channels_only_when_true(finegrain, last_conv):
    """tf-slim's channel counts at depth multiplier 0.35: first conv 16, last block 112,
    last 1x1 conv 448 (1280 with finegrain_classification_mode, which divides its
    num_outputs by the multiplier first)."""
    from slimcore.models import mobilenet_v2

    images = sc.placeholder(sc.float32, [None, 64, 64, 3])
    _, end_points = mobilenet_v2.mobilenet(images, 10, depth_multiplier=0.35, finegrain_classification_mode=finegrain)
    assert end_points["Conv"].shape.as_list()[-1] == 16
    assert end_points["expanded_conv_16"].shape.as_list()[-1] == 112
    assert end_points["Conv_1"].shape.as_list()[-1] == last_conv
    weights = sc.get_default_graph().get_tensor_by_name("MobilenetV2/Logits/Conv2d_1c_1x1/weights:0")
    assert weights.shape.as_list() == [1, 1, last_conv, 10]


def test_repeat_and_stack_name_layers_as_tf_slim():
    """conv2d is tf-slim's alias of convolution2d, so its scopes say convolution2d."""
    assert slim.conv2d is slim.convolution2d and slim.conv2d.__name__ == "convolution2d"
    assert slim.separable_conv2d.__name__ == "separable_convolution2d"
    assert slim.conv2d_transpose.__name__ == "convolution2d_transpose"
    x = sc.placeholder(sc.float32, [1, 8, 8, 3])
    net = slim.repeat(x, 2, slim.conv2d, 4, [3, 3])
    slim.stack(net, slim.separable_conv2d, [(4, [3, 3], 1)])
    names = [v.op.name for v in sc.global_variables()]
    assert names[:3] == [
        "Repeat/convolution2d_1/weights",
        "Repeat/convolution2d_1/biases",
        "Repeat/convolution2d_2/weights",
    ]
    assert "Stack/separable_convolution2d_1/depthwise_weights" in names


def test_arg_scoped_arguments_is_tf_slims_tuple():
    args = slim.arg_scoped_arguments(slim.conv2d)
    assert isinstance(args, tuple) and args[:4] == ("stride", "padding", "data_format", "rate")
    assert "inputs" not in args and "num_outputs" not in args and "scope" in args


def test_none_raises_value_error_as_tf1():
    with pytest.raises(ValueError, match="None values not supported"):
        sc.convert_to_tensor(None)
    with pytest.raises(ValueError, match="None values"):
        sc.losses.mean_squared_error([1.0], [1.0], weights=None)


def test_kernel_size_may_be_a_tensor_shape():
    """The global-pool idiom: kernel_size=net.get_shape()[1:3] (a TensorShape of Dimensions)."""
    net = sc.placeholder(sc.float32, [2, 5, 7, 3])
    pooled = slim.avg_pool2d(net, net.get_shape()[1:3], stride=1)
    assert pooled.shape.as_list() == [2, 1, 1, 3]
    conv = slim.conv2d(net, 4, list(net.get_shape()[1:3]), padding="VALID")
    assert conv.shape.as_list() == [2, 1, 1, 4]
    with pytest.raises(ValueError, match="kernel_size"):
        slim.max_pool2d(net, sc.placeholder(sc.float32, [2, None, 7, 3]).get_shape()[1:3])


@pytest.mark.parametrize(
    "shape, updates, first",
    [
        ([2, 4, 4, 3], sc.GraphKeys.UPDATE_OPS, "gamma"),
        ([4, 3], sc.GraphKeys.UPDATE_OPS, "beta"),
        ([2, 4, 4, 3], None, "beta"),
        ([2, 5, 3], sc.GraphKeys.UPDATE_OPS, "gamma"),
    ],
)
def test_batch_norm_variable_order_as_tf1(shape, updates, first):
    """TF1.15: the Keras-style layer creates gamma then beta; slim's _fused_batch_norm
    (rank 2, or non-default updates_collections) beta then gamma."""
    slim.batch_norm(sc.placeholder(sc.float32, shape), scale=True, updates_collections=updates)
    names = [v.op.name.split("/")[-1] for v in sc.trainable_variables()]
    assert names == ([first, "beta" if first == "gamma" else "gamma"])


@pytest.mark.parametrize("shape, corrected", [([6, 3], True), ([2, 3, 3], False), ([2, 2, 2, 3], True)])
def test_batch_norm_moving_variance_rule(shape, corrected):
    """Fused (rank 2 and 4) moves the variance toward the Bessel-corrected batch
    variance n/(n-1) var_B; the non-fused rank-3 path toward the biased var_B."""
    x = RNG.normal(1.0, 2.0, shape).astype(np.float32)
    y = slim.batch_norm(sc.constant(x), decay=0.0, updates_collections=None, is_training=True, scope="bn")
    (moving_variance,) = [v for v in sc.global_variables() if v.op.name == "bn/moving_variance"]
    flat = x.reshape(-1, shape[-1]).astype(np.float64)
    n = flat.shape[0]
    expected = flat.var(0) * (n / (n - 1) if corrected else 1.0)
    with sc.Session() as s:
        s.run(sc.global_variables_initializer())
        s.run(y)  # updates_collections=None: the update runs with the output
        np.testing.assert_allclose(s.run(moving_variance), expected, rtol=1e-4)


# ---- collections and names as TF1's graphs have them ---------------------------------------------
@pytest.mark.parametrize(
    "build",
    [
        lambda x: slim.fully_connected(x, 3),
        lambda x: slim.flatten(x),
        lambda x: slim.dropout(x, is_training=False),
        lambda x: tf.layers.dense(x, 3),
        lambda x: tf.layers.max_pooling1d(sc.expand_dims(x, -1), 2, 1),
    ],
)
def test_layers_register_the_update_ops_key_without_update_ops(build):
    x = sc.placeholder(sc.float32, [2, 4])
    assert sc.GraphKeys.UPDATE_OPS not in sc.get_default_graph().get_all_collection_keys()
    build(x)
    assert sc.GraphKeys.UPDATE_OPS in sc.get_default_graph().get_all_collection_keys()
    assert sc.get_collection(sc.GraphKeys.UPDATE_OPS) == []


def test_plain_ops_do_not_register_update_ops():
    sc.matmul(sc.placeholder(sc.float32, [2, 4]), sc.ones([4, 3]))
    sc.get_variable("w", [2])
    assert sc.GraphKeys.UPDATE_OPS not in sc.get_default_graph().get_all_collection_keys()
