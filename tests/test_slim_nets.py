"""slim.utils and slim.nets: aliases and end points as tf-slim records them; the
classic nets' variable names, end points, output shapes and parameter /
penalty counts against tf-slim's tests and published figures (build only; one
tiny net trains)."""

import numpy as np
import pytest

import slimcore as tf
import slimcore.slim as slim
from slimcore.framework.tensor_shape import TensorShape
from slimcore.slim import utils
from slimcore.slim.nets import (
    alexnet,
    cifarnet,
    inception_v1,
    inception_v2,
    inception_v3,
    lenet,
    mobilenet_v1,
    overfeat,
    resnet_utils,
    resnet_v1,
    resnet_v2,
    vgg,
)


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as g:
        yield g


def n_params(variables):
    return sum(int(np.prod(v.shape.as_list())) for v in variables)


def conv_params(k, c_in, c_out):
    """k x k convolution (or dense when k=1 on a vector) with biases."""
    return k * k * c_in * c_out + c_out


# ---- slim.utils ----------------------------------------------------------------------------
def test_string_collection_is_one_collection_and_outputs_are_aliased_by_scope():
    x = tf.placeholder(tf.float32, [None, 8, 8, 3])
    with tf.variable_scope("net"):
        a = slim.conv2d(x, 4, [3, 3], scope="conv1", outputs_collections="end_points")
        b = slim.max_pool2d(a, [2, 2], scope="pool1", outputs_collections="end_points")
    assert tf.get_collection("end_points") == [a, b]
    assert tf.get_collection("e") == []
    assert a.aliases == ["net/conv1"] and b.aliases == ["net/pool1"]
    end_points = utils.convert_collection_to_dict("end_points")
    assert list(end_points.items()) == [("net/conv1", a), ("net/pool1", b)]


def test_no_collection_adds_no_alias():
    x = tf.placeholder(tf.float32, [None, 4])
    y = slim.fully_connected(x, 3, scope="fc")
    assert y.aliases == []
    assert utils.get_tensor_aliases(y) == ["fc/Relu"]


def test_append_tensor_alias_strips_one_slash_and_is_shared_by_every_handle():
    x = tf.placeholder(tf.float32, [2], name="x")
    utils.append_tensor_alias(x, "first/")
    utils.append_tensor_alias(x, "second")
    same_output = x.op.outputs[0]
    assert same_output.aliases == ["first", "second"]
    assert utils.get_tensor_aliases(same_output) == ["first", "second"]
    with pytest.raises(ValueError, match="alias"):
        utils.append_tensor_alias(x, "")


def test_get_tensor_aliases_without_alias_uses_op_name_for_output_0_else_tensor_name():
    a, b = tf.split(tf.placeholder(tf.float32, [4]), 2, name="parts")
    assert utils.get_tensor_aliases(a) == ["parts"]
    assert utils.get_tensor_aliases(b) == ["parts:1"]


def test_collect_named_outputs_and_convert_collection_to_dict_with_clear():
    x = tf.placeholder(tf.float32, [2], name="x")
    y = tf.identity(x, name="y")
    assert utils.collect_named_outputs(None, "ignored", x) is x
    assert x.aliases == []
    utils.collect_named_outputs(["c1", "c2"], "a1", x)
    utils.collect_named_outputs("c1", "a2", y)
    utils.append_tensor_alias(y, "a3")
    assert list(utils.convert_collection_to_dict("c1").items()) == [("a1", x), ("a2", y), ("a3", y)]
    assert list(utils.convert_collection_to_dict("c2", clear_collection=True)) == ["a1"]
    assert tf.get_collection("c2") == []
    assert len(tf.get_collection("c1")) == 2


def test_last_dimension():
    assert utils.last_dimension(TensorShape([3, 5])) == 5
    assert utils.last_dimension(TensorShape([3, 5]), min_rank=2) == 5
    with pytest.raises(ValueError, match="at least 3"):
        utils.last_dimension(TensorShape([3, 5]), min_rank=3)
    with pytest.raises(ValueError, match="must be known"):
        utils.last_dimension(TensorShape(None))
    with pytest.raises(ValueError, match="last dimension"):
        utils.last_dimension(TensorShape([3, None]))


def test_two_element_tuple():
    assert utils.two_element_tuple(3) == (3, 3)
    assert utils.two_element_tuple([2, 5]) == (2, 5)
    assert utils.two_element_tuple((2, 5)) == (2, 5)
    assert tuple(int(d) for d in utils.two_element_tuple(TensorShape([4, 6]))) == (4, 6)
    for bad in ([1, 2, 3], [1], TensorShape([1, 2, 3]), "ab", 1.5):
        with pytest.raises(ValueError, match="two_element_tuple"):
            utils.two_element_tuple(bad)


def test_n_positive_integers():
    assert utils.n_positive_integers(1, 2) == (2,)
    assert utils.n_positive_integers(3, 2) == (2, 2, 2)
    assert utils.n_positive_integers(2, [3, 4]) == (3, 4)
    assert utils.n_positive_integers(2, TensorShape([3, 4])) == (3, 4)
    assert utils.n_positive_integers(0, []) == ()
    x = tf.placeholder(tf.float32, [None, 7, 9, 3])
    assert utils.n_positive_integers(2, x.shape[1:3]) == (7, 9)  # the global-pool idiom
    for bad in (0, -1, [1], [1, 2, 3], [1, 0], [1, -1], (1.5, 2), "12", None, TensorShape([None, 2])):
        with pytest.raises(ValueError, match="positive"):
            utils.n_positive_integers(2, bad)
    with pytest.raises(ValueError, match="non-negative"):
        utils.n_positive_integers(-1, 2)
    with pytest.raises(TypeError, match="integer"):
        utils.n_positive_integers(2.0, 2)


# ---- the nets: names, end points, counts ------------------------------------------------------
def build(net_fn, arg_scope_fn, size, channels=3, batch=2, **kwargs):
    images = tf.placeholder(tf.float32, [batch, size[0], size[1], channels])
    with slim.arg_scope(arg_scope_fn()):
        return net_fn(images, **kwargs)


VGG_BLOCKS = {"vgg_a": (1, 1, 2, 2, 2), "vgg_16": (2, 2, 3, 3, 3), "vgg_19": (2, 2, 4, 4, 4)}


def vgg_layer_scopes(name):
    scopes = []
    for block, count in enumerate(VGG_BLOCKS[name], start=1):
        scopes += [f"{name}/conv{block}/conv{block}_{i}" for i in range(1, count + 1)]
    return scopes + [f"{name}/fc6", f"{name}/fc7", f"{name}/fc8"]


# tf-slim's published sizes (the VGG paper's table 2 and Keras' VGG16/VGG19 agree).
VGG_PARAMS = {"vgg_a": 132_863_336, "vgg_16": 138_357_544, "vgg_19": 143_667_240}


@pytest.mark.parametrize("name", ["vgg_a", "vgg_16", "vgg_19"])
def test_vgg_names_end_points_and_counts(name):
    logits, end_points = build(getattr(vgg, name), vgg.vgg_arg_scope, (224, 224))
    assert logits.shape.as_list() == [2, 1000]
    assert logits.op.name == f"{name}/fc8/squeezed"
    scopes = vgg_layer_scopes(name)
    # tf-slim's vgg_test: model variables are weights, biases of each layer in order.
    expected_variables = [f"{s}/{v}" for s in scopes for v in ("weights", "biases")]
    assert [v.op.name for v in tf.get_collection(tf.GraphKeys.MODEL_VARIABLES)] == expected_variables
    assert [v.op.name for v in tf.trainable_variables()] == expected_variables
    # end points: every conv (with its repeat scope), every pool, fc6..fc8, in order
    expected_end_points = []
    for block in range(1, 6):
        expected_end_points += [s for s in scopes if s.startswith(f"{name}/conv{block}/")] + [f"{name}/pool{block}"]
    expected_end_points += [f"{name}/fc6", f"{name}/fc7", f"{name}/fc8"]
    assert list(end_points) == expected_end_points
    assert end_points[f"{name}/fc8"] is logits  # the squeezed logits, as tf-slim
    assert end_points[f"{name}/pool5"].shape.as_list() == [2, 7, 7, 512]
    assert n_params(tf.trainable_variables()) == VGG_PARAMS[name]
    # vgg_arg_scope penalises every weight, no bias; no batch norm, no update op
    penalties = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert len(penalties) == len(scopes)
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == []


def test_vgg_16_fully_convolutional_and_aliases():
    assert vgg.vgg_d is vgg.vgg_16 and vgg.vgg_e is vgg.vgg_19 and vgg.vgg_16.default_image_size == 224
    logits, end_points = build(vgg.vgg_16, vgg.vgg_arg_scope, (256, 256), batch=1, spatial_squeeze=False)
    assert logits.shape.as_list() == [1, 2, 2, 1000]
    assert end_points["vgg_16/fc8"] is logits


def test_alexnet_v2_names_end_points_and_counts():
    logits, end_points = build(alexnet.alexnet_v2, alexnet.alexnet_v2_arg_scope, (224, 224), num_classes=1000)
    assert logits.shape.as_list() == [2, 1000]
    # tf-slim's alexnet_test.testEndPoints
    assert list(end_points) == [
        "alexnet_v2/conv1",
        "alexnet_v2/pool1",
        "alexnet_v2/conv2",
        "alexnet_v2/pool2",
        "alexnet_v2/conv3",
        "alexnet_v2/conv4",
        "alexnet_v2/conv5",
        "alexnet_v2/pool5",
        "alexnet_v2/fc6",
        "alexnet_v2/fc7",
        "alexnet_v2/fc8",
    ]
    layers = ["conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8"]
    assert [v.op.name for v in tf.get_collection(tf.GraphKeys.MODEL_VARIABLES)] == [
        f"alexnet_v2/{layer}/{v}" for layer in layers for v in ("weights", "biases")
    ]
    expected = (
        conv_params(11, 3, 64)
        + conv_params(5, 64, 192)
        + conv_params(3, 192, 384)
        + conv_params(3, 384, 384)
        + conv_params(3, 384, 256)
        + conv_params(5, 256, 4096)  # fc6 on the 5x5 pool5
        + conv_params(1, 4096, 4096)
        + conv_params(1, 4096, 1000)
    )
    assert n_params(tf.trainable_variables()) == expected == 50_303_912
    assert len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)) == 8
    assert end_points["alexnet_v2/pool5"].shape.as_list() == [2, 5, 5, 256]


def test_alexnet_v2_fully_convolutional():
    # tf-slim's alexnet_test.testFullyConvolutional: 300x400 -> 4x7 logits
    logits, _ = build(
        alexnet.alexnet_v2, alexnet.alexnet_v2_arg_scope, (300, 400), batch=1, num_classes=10, spatial_squeeze=False
    )
    assert logits.shape.as_list() == [1, 4, 7, 10]


def test_alexnet_v2_initial_biases():
    build(alexnet.alexnet_v2, alexnet.alexnet_v2_arg_scope, (224, 224), batch=1, num_classes=5)
    biases = {v.op.name: v for v in tf.trainable_variables() if v.op.name.endswith("biases")}
    with tf.Session() as sess:
        sess.run([v.initializer for v in biases.values()])  # the weights stay unallocated
        values = sess.run(biases)
    for name, value in values.items():
        np.testing.assert_array_equal(value, np.float32(0.0 if name == "alexnet_v2/fc8/biases" else 0.1), err_msg=name)


def test_overfeat_names_end_points_and_counts():
    logits, end_points = build(overfeat.overfeat, overfeat.overfeat_arg_scope, (231, 231))
    assert logits.shape.as_list() == [2, 1000]
    layers = ["conv1", "pool1", "conv2", "pool2", "conv3", "conv4", "conv5", "pool5", "fc6", "fc7", "fc8"]
    assert list(end_points) == [f"overfeat/{layer}" for layer in layers]  # tf-slim's overfeat_test
    expected = (
        conv_params(11, 3, 64)
        + conv_params(5, 64, 256)
        + conv_params(3, 256, 512)
        + conv_params(3, 512, 1024)
        + conv_params(3, 1024, 1024)
        + conv_params(6, 1024, 3072)  # fc6 on the 6x6 pool5
        + conv_params(1, 3072, 4096)
        + conv_params(1, 4096, 1000)
    )
    assert n_params(tf.trainable_variables()) == expected == 145_704_424
    assert len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)) == 8
    assert end_points["overfeat/pool5"].shape.as_list() == [2, 6, 6, 1024]


def test_overfeat_fully_convolutional():
    # tf-slim's overfeat_test.testFullyConvolutional: 281x281 -> 2x2 logits
    logits, _ = build(overfeat.overfeat, overfeat.overfeat_arg_scope, (281, 281), batch=1, spatial_squeeze=False)
    assert logits.shape.as_list() == [1, 2, 2, 1000]


# GoogLeNet's table 1 (tf-slim's "5x5" branch is a 3x3): 1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool proj
GOOGLENET_TABLE = [
    (192, 64, 96, 128, 16, 32, 32),
    (256, 128, 128, 192, 32, 96, 64),
    (480, 192, 96, 208, 16, 48, 64),
    (512, 160, 112, 224, 24, 64, 64),
    (512, 128, 128, 256, 24, 64, 64),
    (512, 112, 144, 288, 32, 64, 64),
    (528, 256, 160, 320, 32, 128, 128),
    (832, 256, 160, 320, 32, 128, 128),
    (832, 384, 192, 384, 48, 128, 128),
]


def test_inception_v1_names_end_points_and_counts():
    logits, end_points = build(inception_v1.inception_v1, inception_v1.inception_v1_arg_scope, (224, 224))
    assert logits.shape.as_list() == [2, 1000]
    assert logits.op.name == "InceptionV1/Logits/SpatialSqueeze"
    # tf-slim's inception_v1_test.testBuildAndCheckAllEndPointsUptoMixed5c, plus the head
    assert list(end_points) == [
        "Conv2d_1a_7x7",
        "MaxPool_2a_3x3",
        "Conv2d_2b_1x1",
        "Conv2d_2c_3x3",
        "MaxPool_3a_3x3",
        "Mixed_3b",
        "Mixed_3c",
        "MaxPool_4a_3x3",
        "Mixed_4b",
        "Mixed_4c",
        "Mixed_4d",
        "Mixed_4e",
        "Mixed_4f",
        "MaxPool_5a_2x2",
        "Mixed_5b",
        "Mixed_5c",
        "Logits",
        "Predictions",
    ]
    shapes = {"Conv2d_1a_7x7": [2, 112, 112, 64], "MaxPool_3a_3x3": [2, 28, 28, 192], "Mixed_3c": [2, 28, 28, 480]}
    shapes.update({"Mixed_4f": [2, 14, 14, 832], "Mixed_5c": [2, 7, 7, 1024]})
    for name, shape in shapes.items():
        assert end_points[name].shape.as_list() == shape, name
    # re-entering the captured scope opens a nested name scope, as TF1 (whose graphs show
    # "InceptionV1/InceptionV1/..." op names); the variables keep "InceptionV1/..."
    assert end_points["Conv2d_1a_7x7"].op.name == "InceptionV1/InceptionV1/Conv2d_1a_7x7/Relu"
    assert end_points["Predictions"].op.name == "InceptionV1/Logits/Predictions/Softmax"
    # conv weights plus batch norm beta (no gamma under the arg_scope); logits with biases
    bn_conv = lambda k, c_in, c_out: k * k * c_in * c_out + c_out  # noqa: E731
    expected = bn_conv(7, 3, 64) + bn_conv(1, 64, 64) + bn_conv(3, 64, 192)
    for c_in, d0, d1a, d1b, d2a, d2b, d3 in GOOGLENET_TABLE:
        expected += bn_conv(1, c_in, d0) + bn_conv(1, c_in, d1a) + bn_conv(3, d1a, d1b)
        expected += bn_conv(1, c_in, d2a) + bn_conv(3, d2a, d2b) + bn_conv(1, c_in, d3)
    expected += 1024 * 1000 + 1000
    assert n_params(tf.trainable_variables()) == expected == 6_617_624
    n_convs = 3 + 6 * len(GOOGLENET_TABLE)
    assert len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)) == n_convs + 1
    assert len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)) == 2 * n_convs
    assert len(tf.get_collection("moving_vars")) == 2 * n_convs
    names = {v.op.name for v in tf.trainable_variables()}
    assert "InceptionV1/Mixed_5b/Branch_2/Conv2d_0a_3x3/weights" in names  # tf-slim's checkpoint quirk
    assert "InceptionV1/Mixed_5c/Branch_2/Conv2d_0b_3x3/weights" in names
    assert "InceptionV1/Logits/Conv2d_0c_1x1/biases" in names


def test_inception_v1_base_stops_at_final_endpoint():
    images = tf.placeholder(tf.float32, [1, 224, 224, 3])
    net, end_points = inception_v1.inception_v1_base(images, final_endpoint="Mixed_3b")
    assert list(end_points)[-1] == "Mixed_3b" and net.shape.as_list() == [1, 28, 28, 256]
    with pytest.raises(ValueError, match="Unknown final endpoint"):
        inception_v1.inception_v1_base(images, final_endpoint="Mixed_9z", scope="other")


# BN-Inception's modules as tf-slim builds them: 1x1, 3x3 reduce, 3x3, double-3x3 reduce,
# double 3x3, pool projection; then the two grid reductions (1x1 -> 3x3/2, 1x1 -> 3x3 -> 3x3/2)
INCEPTION_V2_MODULES = [
    (192, 64, 64, 64, 64, 96, 32),
    (256, 64, 64, 96, 64, 96, 64),
    (576, 224, 64, 96, 96, 128, 128),
    (576, 192, 96, 128, 96, 128, 128),
    (576, 160, 128, 160, 128, 160, 96),
    (576, 96, 128, 192, 160, 192, 96),
    (1024, 352, 192, 320, 160, 224, 128),
    (1024, 352, 192, 320, 192, 224, 128),
]
INCEPTION_V2_REDUCTIONS = [(320, 128, 160, 64, 96), (576, 128, 192, 192, 256)]


def test_inception_v2_names_end_points_and_counts():
    logits, end_points = build(inception_v2.inception_v2, inception_v2.inception_v2_arg_scope, (224, 224))
    assert logits.shape.as_list() == [2, 1000]
    stem = ["Conv2d_1a_7x7", "MaxPool_2a_3x3", "Conv2d_2b_1x1", "Conv2d_2c_3x3", "MaxPool_3a_3x3"]
    mixed = ["Mixed_3b", "Mixed_3c", "Mixed_4a", "Mixed_4b", "Mixed_4c", "Mixed_4d", "Mixed_4e", "Mixed_5a"]
    assert list(end_points) == [*stem, *mixed, "Mixed_5b", "Mixed_5c", "Logits", "Predictions"]
    # tf-slim's inception_v2_test.testBuildAndCheckAllEndPointsUptoMixed5c shapes
    shapes = {
        "Conv2d_1a_7x7": [2, 112, 112, 64],
        "MaxPool_3a_3x3": [2, 28, 28, 192],
        "Mixed_3c": [2, 28, 28, 320],
        "Mixed_4a": [2, 14, 14, 576],
        "Mixed_4e": [2, 14, 14, 576],
        "Mixed_5a": [2, 7, 7, 1024],
        "Mixed_5c": [2, 7, 7, 1024],
    }
    for name, shape in shapes.items():
        assert end_points[name].shape.as_list() == shape, name
    bn_conv = lambda k, c_in, c_out: k * k * c_in * c_out + c_out  # noqa: E731  (weights + beta)
    # the separable stem: depthwise 7x7x3x8, pointwise 24 -> 64 with biases (no batch norm)
    expected = 7 * 7 * 3 * 8 + 24 * 64 + 64 + bn_conv(1, 64, 64) + bn_conv(3, 64, 192)
    for c_in, d0, d1a, d1b, d2a, d2b, d3 in INCEPTION_V2_MODULES:
        expected += bn_conv(1, c_in, d0) + bn_conv(1, c_in, d1a) + bn_conv(3, d1a, d1b)
        expected += bn_conv(1, c_in, d2a) + bn_conv(3, d2a, d2b) + bn_conv(3, d2b, d2b) + bn_conv(1, c_in, d3)
    for c_in, d0a, d0b, d1a, d1b in INCEPTION_V2_REDUCTIONS:
        expected += bn_conv(1, c_in, d0a) + bn_conv(3, d0a, d0b)
        expected += bn_conv(1, c_in, d1a) + bn_conv(3, d1a, d1b) + bn_conv(3, d1b, d1b)
    expected += 1024 * 1000 + 1000
    assert n_params(tf.trainable_variables()) == expected == 11_178_336
    names = [v.op.name for v in tf.trainable_variables()]
    assert names[:3] == [
        "InceptionV2/Conv2d_1a_7x7/depthwise_weights",
        "InceptionV2/Conv2d_1a_7x7/pointwise_weights",
        "InceptionV2/Conv2d_1a_7x7/biases",
    ]
    assert "InceptionV2/Mixed_5c/Branch_2/Conv2d_0c_3x3/weights" in names
    n_convs = 2 + 7 * len(INCEPTION_V2_MODULES) + 5 * len(INCEPTION_V2_REDUCTIONS)
    assert len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)) == n_convs + 1  # not the separable stem
    assert len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)) == 2 * n_convs
    assert end_points["Mixed_5c"].op.inputs  # a concat of the four branches
    pool = "InceptionV2/InceptionV2/Mixed_5c/Branch_3/MaxPool_0a_3x3/MaxPool"  # TF1's op name
    assert tf.get_default_graph().get_operation_by_name(pool)


def test_inception_v2_depth_multiplier_and_final_endpoint():
    images = tf.placeholder(tf.float32, [1, 112, 112, 3])
    with slim.arg_scope(inception_v2.inception_v2_arg_scope()):
        logits, end_points = inception_v2.inception_v2(images, 10, depth_multiplier=0.5)
        assert logits.shape.as_list() == [1, 10] and end_points["Mixed_5c"].shape.as_list() == [1, 4, 4, 512]
        stem = {v.op.name: v.shape.as_list() for v in tf.trainable_variables() if "Conv2d_1a" in v.op.name}
        assert stem["InceptionV2/Conv2d_1a_7x7/depthwise_weights"] == [7, 7, 3, 8]  # min(int(32 / 3), 8)
        assert stem["InceptionV2/Conv2d_1a_7x7/pointwise_weights"] == [1, 1, 24, 32]
        _, end_points = inception_v2.inception_v2_base(images, final_endpoint="MaxPool_2a_3x3", scope="cut")
        assert list(end_points) == ["Conv2d_1a_7x7", "MaxPool_2a_3x3"]
        with pytest.raises(ValueError, match="Unknown final endpoint"):
            inception_v2.inception_v2_base(images, final_endpoint="Mixed_6a", scope="bad")


def test_inception_v3_names_end_points_and_counts():
    logits, end_points = build(inception_v3.inception_v3, inception_v3.inception_v3_arg_scope, (299, 299))
    assert logits.shape.as_list() == [2, 1000]
    stem = ["Conv2d_1a_3x3", "Conv2d_2a_3x3", "Conv2d_2b_3x3", "MaxPool_3a_3x3", "Conv2d_3b_1x1", "Conv2d_4a_3x3"]
    mixed = ["Mixed_5b", "Mixed_5c", "Mixed_5d", "Mixed_6a", "Mixed_6b", "Mixed_6c", "Mixed_6d", "Mixed_6e"]
    mixed += ["Mixed_7a", "Mixed_7b", "Mixed_7c"]
    head = ["AuxLogits", "PreLogits", "Logits", "Predictions"]
    assert list(end_points) == [*stem, "MaxPool_5a_3x3", *mixed, *head]
    # tf-slim's inception_v3_test.testBuildAndCheckAllEndPointsUptoMixed7c shapes
    shapes = {
        "Conv2d_1a_3x3": [2, 149, 149, 32],
        "Conv2d_2b_3x3": [2, 147, 147, 64],
        "MaxPool_5a_3x3": [2, 35, 35, 192],
        "Mixed_5b": [2, 35, 35, 256],
        "Mixed_5d": [2, 35, 35, 288],
        "Mixed_6a": [2, 17, 17, 768],
        "Mixed_6e": [2, 17, 17, 768],
        "Mixed_7a": [2, 8, 8, 1280],
        "Mixed_7c": [2, 8, 8, 2048],
        "AuxLogits": [2, 1000],
        "PreLogits": [2, 1, 1, 2048],
    }
    for name, shape in shapes.items():
        assert end_points[name].shape.as_list() == shape, name
    variables = tf.trainable_variables()
    without_aux = [v for v in variables if "/AuxLogits/" not in v.op.name]
    assert n_params(without_aux) == 23_817_352  # Keras' InceptionV3 (same layers, no aux head) trainable count
    aux = 768 * 128 + 128 + 5 * 5 * 128 * 768 + 768 + 768 * 1000 + 1000  # AuxLogits: convs + batch-norm betas
    assert n_params(variables) == 23_817_352 + aux == 27_143_152
    names = {v.op.name for v in variables}
    for quirk in (
        "Mixed_5c/Branch_1/Conv2d_0b_1x1",
        "Mixed_5c/Branch_1/Conv_1_0c_5x5",
        "Mixed_6a/Branch_0/Conv2d_1a_1x1",
        "Mixed_7b/Branch_1/Conv2d_0b_3x1",
        "Mixed_7c/Branch_1/Conv2d_0c_3x1",
        "AuxLogits/Conv2d_2a_5x5",
        "Logits/Conv2d_1c_1x1",
    ):
        assert f"InceptionV3/{quirk}/weights" in names, quirk
    n_convs = len([v for v in variables if v.op.name.endswith("/weights")])
    assert n_convs == 94 + 3 + 1  # Keras' 94 convolutions, the auxiliary head's 3, the logits
    assert len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)) == n_convs
    assert len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)) == 2 * (n_convs - 2)  # both logits convs are unnormalised
    assert len(tf.get_collection("moving_vars")) == 2 * (n_convs - 2)


def test_inception_v3_small_input_depth_multiplier_and_final_endpoint():
    images = tf.placeholder(tf.float32, [1, 150, 150, 3])
    with slim.arg_scope(inception_v3.inception_v3_arg_scope()):
        logits, end_points = inception_v3.inception_v3(images, 10, depth_multiplier=0.5)
        assert logits.shape.as_list() == [1, 10]
        assert end_points["Mixed_7c"].shape.as_list() == [1, 3, 3, 1024]  # 2048 * 0.5; 3x3 for 150x150
        names = {v.op.name for v in tf.trainable_variables()}
        assert "InceptionV3/Logits/Conv2d_1c_1x1/weights" in names
        assert "InceptionV3/AuxLogits/Conv2d_2a_1x1/weights" in names  # kernel reduced to the 1x1 map
        net, end_points = inception_v3.inception_v3_base(images, final_endpoint="Mixed_6a", scope="cut")
        assert list(end_points)[-1] == "Mixed_6a" and net.shape.as_list() == [1, 7, 7, 768]
        with pytest.raises(ValueError, match="Unknown final endpoint"):
            inception_v3.inception_v3_base(images, final_endpoint="Mixed_8a", scope="bad")
        with pytest.raises(ValueError, match="depth_multiplier"):
            inception_v3.inception_v3(images, depth_multiplier=0, scope="bad2")


MOBILENET_V1_DEPTHS = [32, 64, 128, 128, 256, 256, 512, 512, 512, 512, 512, 512, 1024, 1024]  # the paper's table 1


def mobilenet_v1_params(multiplier, num_classes=1000, min_depth=8):
    """Trainable parameters: conv weights, depthwise 3x3 filters, gamma and beta
    per batch norm, the logits' weights and biases."""
    depths = [max(int(d * multiplier), min_depth) for d in MOBILENET_V1_DEPTHS]
    params = 3 * 3 * 3 * depths[0] + 2 * depths[0]
    for c_in, c_out in zip(depths, depths[1:]):
        params += 3 * 3 * c_in + 2 * c_in + c_in * c_out + 2 * c_out
    return params + depths[-1] * num_classes + num_classes


@pytest.mark.parametrize(
    "net_name, multiplier, published",
    [("mobilenet_v1", 1.0, 4.23), ("mobilenet_v1_075", 0.75, 2.59), ("mobilenet_v1_050", 0.5, 1.34),
     ("mobilenet_v1_025", 0.25, 0.47)],
)  # fmt: skip
def test_mobilenet_v1_names_end_points_and_counts(net_name, multiplier, published):
    """Counts against the paper's table 1 and tf-slim's README (millions of parameters)."""
    logits, end_points = build(getattr(mobilenet_v1, net_name), mobilenet_v1.mobilenet_v1_arg_scope, (224, 224))
    assert logits.shape.as_list() == [2, 1000]
    expected = mobilenet_v1_params(multiplier)
    assert n_params(tf.trainable_variables()) == expected
    # tf-slim's README table (its 1001-class checkpoints, in millions) to within 0.01M
    assert expected / 1e6 == pytest.approx(published, abs=0.01)
    names = ["Conv2d_0"] + [f"Conv2d_{i}_{kind}" for i in range(1, 14) for kind in ("depthwise", "pointwise")]
    assert list(end_points) == names + ["AvgPool_1a", "Logits", "Predictions"]
    assert end_points["Conv2d_13_pointwise"].shape.as_list() == [2, 7, 7, max(int(1024 * multiplier), 8)]
    assert end_points["Predictions"].op.name == "MobilenetV1/Predictions/Softmax"
    variables = [v.op.name for v in tf.trainable_variables()]
    assert variables[:4] == [
        "MobilenetV1/Conv2d_0/weights",
        "MobilenetV1/Conv2d_0/BatchNorm/beta",
        "MobilenetV1/Conv2d_0/BatchNorm/gamma",
        "MobilenetV1/Conv2d_1_depthwise/depthwise_weights",
    ] or variables[:4] == [  # gamma before beta once slim.batch_norm follows TF 1.15's order
        "MobilenetV1/Conv2d_0/weights",
        "MobilenetV1/Conv2d_0/BatchNorm/gamma",
        "MobilenetV1/Conv2d_0/BatchNorm/beta",
        "MobilenetV1/Conv2d_1_depthwise/depthwise_weights",
    ]
    assert variables[-2:] == ["MobilenetV1/Logits/Conv2d_1c_1x1/weights", "MobilenetV1/Logits/Conv2d_1c_1x1/biases"]
    # depthwise filters are not penalised unless regularize_depthwise=True
    assert len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)) == 14 + 1
    assert len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)) == 2 * 27


def test_mobilenet_v1_options():
    images = tf.placeholder(tf.float32, [1, 160, 160, 3])
    with slim.arg_scope(mobilenet_v1.mobilenet_v1_arg_scope(regularize_depthwise=True)):
        features, end_points = mobilenet_v1.mobilenet_v1(images, num_classes=None, global_pool=True)
        assert features.shape.as_list() == [1, 1, 1, 1024] and "global_pool" in end_points
        assert len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)) == 14 + 13
        small, end_points = mobilenet_v1.mobilenet_v1(images, 10, scope="small")  # 5x5 pool for 160x160
        assert end_points["AvgPool_1a"].shape.as_list() == [1, 1, 1, 1024] and small.shape.as_list() == [1, 10]
        dense, _ = mobilenet_v1.mobilenet_v1_base(images, output_stride=8, scope="dense")
        assert dense.shape.as_list() == [1, 20, 20, 1024]
        padded, _ = mobilenet_v1.mobilenet_v1_base(images, use_explicit_padding=True, scope="padded")
        assert padded.shape.as_list() == [1, 5, 5, 1024]
        last, end_points = mobilenet_v1.mobilenet_v1_base(images, final_endpoint="Conv2d_3_depthwise", scope="cut")
        assert list(end_points)[-1] == "Conv2d_3_depthwise" and last.shape.as_list() == [1, 40, 40, 128]
        for kwargs, message in [
            ({"depth_multiplier": 0}, "depth_multiplier"),
            ({"output_stride": 4}, "output_stride"),
            ({"final_endpoint": "Conv2d_99"}, "Unknown final endpoint"),
        ]:
            with pytest.raises(ValueError, match=message):
                mobilenet_v1.mobilenet_v1_base(images, scope="bad", **kwargs)
    with pytest.raises(ValueError, match="rank"):
        mobilenet_v1.mobilenet_v1(tf.placeholder(tf.float32, [1, 160, 3]))


def test_lenet_names_end_points_and_counts():
    logits, end_points = build(lenet.lenet, lenet.lenet_arg_scope, (28, 28), channels=1)
    assert logits.shape.as_list() == [2, 10]
    assert list(end_points) == [
        "conv1",
        "pool1",
        "conv2",
        "pool2",
        "Flatten",
        "fc3",
        "dropout3",
        "Logits",
        "Predictions",
    ]
    assert end_points["Predictions"].op.name == "Predictions/Softmax"
    assert [v.op.name for v in tf.trainable_variables()] == [
        f"LeNet/{layer}/{v}" for layer in ("conv1", "conv2", "fc3", "fc4") for v in ("weights", "biases")
    ]
    expected = conv_params(5, 1, 32) + conv_params(5, 32, 64) + conv_params(1, 7 * 7 * 64, 1024) + (1024 * 10 + 10)
    assert n_params(tf.trainable_variables()) == expected == 3_274_634
    assert tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES) == []  # weight_decay 0


def test_lenet_penalties_with_weight_decay_and_features_without_classes():
    images = tf.placeholder(tf.float32, [2, 28, 28, 1])
    with slim.arg_scope(lenet.lenet_arg_scope(weight_decay=0.01)):
        features, end_points = lenet.lenet(images, num_classes=0)
    assert features.shape.as_list() == [2, 1024]
    assert "Logits" not in end_points
    assert len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)) == 3  # conv1, conv2, fc3


def test_cifarnet_names_end_points_and_counts():
    logits, end_points = build(cifarnet.cifarnet, cifarnet.cifarnet_arg_scope, (32, 32))
    assert logits.shape.as_list() == [2, 10]
    assert list(end_points) == [
        "conv1",
        "pool1",
        "conv2",
        "pool2",
        "Flatten",
        "fc3",
        "fc4",
        "Logits",
        "Predictions",
    ]
    assert [v.op.name for v in tf.trainable_variables()] == [
        f"CifarNet/{layer}/{v}" for layer in ("conv1", "conv2", "fc3", "fc4", "logits") for v in ("weights", "biases")
    ]
    expected = (
        conv_params(5, 3, 64)
        + conv_params(5, 64, 64)
        + conv_params(1, 8 * 8 * 64, 384)
        + conv_params(1, 384, 192)
        + conv_params(1, 192, 10)
    )
    assert n_params(tf.trainable_variables()) == expected == 1_756_426
    # only fc3 and fc4 are penalised: conv layers have no regularizer, logits none
    penalties = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert [p.op.name.split("/")[1] for p in penalties] == ["fc3", "fc4"]
    g = tf.get_default_graph()
    assert g.get_operation_by_name("CifarNet/norm1").type == "LRN"


# ---- ResNets ---------------------------------------------------------------------------------
# resnet_arg_scope's batch-norm epsilon 1e-5 is below the fused kernel's floor: TF1 raises it to
# 1.001e-5 silently, slimcore warns (checked once below); the other ResNet tests ignore that warning.
BN_EPSILON_WARNING = "ignore:fused_batch_norm. epsilon=1e-05 is raised"
UNITS = {"50": (3, 4, 6, 3), "101": (3, 4, 23, 3)}


def resnet_expected(version, depth, num_classes=1000):
    """(trainable parameter count, end point names, number of batch norms) from the
    architecture as tf-slim's resnet_v1.py / resnet_v2.py describe it, worked out
    independently of the code under test."""
    name = f"resnet_v{version}_{depth}"
    bn = lambda c: 2 * c  # noqa: E731  (beta and gamma: scale=True in resnet_arg_scope)
    params = 7 * 7 * 3 * 64 + (bn(64) if version == 1 else 64)  # v2's conv1: biases, no batch norm
    n_bn = 1 if version == 1 else 0
    names = [f"{name}/conv1"]
    c_in = 64
    for block, (units, base) in enumerate(zip(UNITS[depth], (64, 128, 256, 512)), start=1):
        out = 4 * base
        for unit in range(1, units + 1):
            unit_scope = f"{name}/block{block}/unit_{unit}/bottleneck_v{version}"
            if version == 2:
                params += bn(c_in)  # preact
                n_bn += 1
            if c_in != out:  # a projection shortcut (the first unit of each block)
                params += c_in * out + (bn(out) if version == 1 else out)
                n_bn += version == 1
                names.append(f"{unit_scope}/shortcut")
            params += c_in * base + bn(base) + 9 * base * base + bn(base)  # conv1, conv2
            params += base * out + (bn(out) if version == 1 else out)  # conv3
            n_bn += 3 if version == 1 else 2
            names += [f"{unit_scope}/conv{i}" for i in (1, 2, 3)] + [unit_scope]
            c_in = out
        names.append(f"{name}/block{block}")
    if version == 2:
        params += bn(2048)  # postnorm
        n_bn += 1
    params += 2048 * num_classes + num_classes
    names += [f"{name}/logits", "predictions"]
    return params, names, n_bn


def test_resnet_arg_scope_epsilon_warns_where_tf1_was_silent():
    images = tf.placeholder(tf.float32, [1, 32, 32, 3])
    with slim.arg_scope(resnet_utils.resnet_arg_scope()):
        with pytest.warns(UserWarning, match="epsilon=1e-05 is raised"):
            resnet_v1.resnet_v1_50(images, 10)


# tf-slim's figures: 25.6M (resnet_v1_50), 44.5M (101) trainable parameters with 1000 classes
PUBLISHED = {(1, "50"): 25_557_032, (1, "101"): 44_549_160, (2, "50"): 25_568_360, (2, "101"): 44_577_896}


@pytest.mark.filterwarnings(BN_EPSILON_WARNING)
@pytest.mark.parametrize("version, depth", [(1, "50"), (1, "101"), (2, "50"), (2, "101")])
def test_resnet_names_end_points_and_counts(version, depth):
    module = resnet_v1 if version == 1 else resnet_v2
    name = f"resnet_v{version}_{depth}"
    logits, end_points = build(getattr(module, name), module.resnet_arg_scope, (224, 224), num_classes=1000)
    assert logits.shape.as_list() == [2, 1, 1, 1000]  # tf-slim's resnets do not squeeze
    assert logits.op.name == f"{name}/logits/BiasAdd"
    params, names, n_bn = resnet_expected(version, depth)
    assert n_params(tf.trainable_variables()) == params == PUBLISHED[(version, depth)]
    assert list(end_points) == names
    assert end_points["predictions"].shape.as_list() == [2, 1, 1, 1000]
    assert end_points[f"{name}/block4"].shape.as_list() == [2, 7, 7, 2048]
    # one l2 penalty per convolution weight; two moving-statistics updates per batch norm
    weights = [v for v in tf.trainable_variables() if v.op.name.endswith("/weights")]
    assert len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)) == len(weights)
    assert len(tf.get_collection(tf.GraphKeys.UPDATE_OPS)) == 2 * n_bn
    moving = [v for v in tf.global_variables() if "moving_" in v.op.name]
    assert len(moving) == 2 * n_bn and not any(v in tf.trainable_variables() for v in moving)
    model_names = {v.op.name for v in tf.get_collection(tf.GraphKeys.MODEL_VARIABLES)}
    assert f"{name}/block1/unit_1/bottleneck_v{version}/conv2/weights" in model_names
    assert f"{name}/block1/unit_1/bottleneck_v{version}/conv2/BatchNorm/moving_mean" in model_names
    if version == 2:
        assert f"{name}/block1/unit_1/bottleneck_v2/preact/gamma" in model_names
        assert f"{name}/postnorm/moving_variance" in model_names
        assert f"{name}/conv1/biases" in model_names  # conv1 is unnormalised in v2


@pytest.mark.filterwarnings(BN_EPSILON_WARNING)
@pytest.mark.parametrize("module", [resnet_v1, resnet_v2])
def test_resnet_output_stride_and_features(module):
    net_fn = getattr(module, f"{module.__name__.rsplit('.', 1)[1]}_50")
    images = tf.placeholder(tf.float32, [1, 64, 64, 3])
    with slim.arg_scope(module.resnet_arg_scope()):
        features, end_points = net_fn(images, None, global_pool=False, output_stride=8, scope="a")
        assert features.shape.as_list() == [1, 8, 8, 2048]  # 64 / 8: blocks 3 and 4 atrous
        assert "predictions" not in end_points
        pooled, _ = net_fn(images, None, scope="b")
        assert pooled.shape.as_list() == [1, 1, 1, 2048]
        with pytest.raises(ValueError, match="multiple of 4"):
            net_fn(images, 10, output_stride=10, scope="c")
        with pytest.raises(ValueError, match="cannot be reached"):
            net_fn(images, 10, output_stride=12, scope="d")


def test_resnet_utils_conv2d_same_and_subsample():
    x = tf.placeholder(tf.float32, [1, 7, 7, 2])
    with slim.arg_scope([slim.conv2d], activation_fn=None):
        y = resnet_utils.conv2d_same(x, 3, 3, stride=2, scope="conv")
    assert y.shape.as_list() == [1, 4, 4, 3]  # padded 1 each side, then VALID: same as SAME's size
    assert resnet_utils.subsample(x, 1) is x
    assert resnet_utils.subsample(x, 2).shape.as_list() == [1, 4, 4, 2]
    # the explicit padding is symmetric where SAME pads more at the end: compare numbers
    w = np.arange(3 * 3 * 2 * 3, dtype=np.float32).reshape(3, 3, 2, 3) / 50.0
    x_value = np.arange(7 * 7 * 2, dtype=np.float32).reshape(1, 7, 7, 2) / 10.0
    padded = np.pad(x_value, [(0, 0), (1, 1), (1, 1), (0, 0)])
    expected = np.zeros((1, 4, 4, 3), np.float32)
    for i in range(4):
        for j in range(4):
            expected[0, i, j] = np.tensordot(padded[0, 2 * i : 2 * i + 3, 2 * j : 2 * j + 3], w, axes=3)
    weights = next(v for v in tf.trainable_variables() if v.op.name == "conv/weights")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(weights.assign(w))
        np.testing.assert_allclose(sess.run(y, {x: x_value}), expected, rtol=1e-5, atol=1e-5)


def test_nets_are_reachable_as_tf_contrib_slim_nets():
    import slimcore.compat.v1 as tf1

    assert tf1.contrib.slim.nets.vgg.vgg_16 is vgg.vgg_16
    assert slim.utils.convert_collection_to_dict is utils.convert_collection_to_dict


def test_lenet_trains_on_a_tiny_batch():
    """The one training test: LeNet fits 8 fixed 12x12 images (small to stay fast)."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 12, 12, 1)).astype(np.float32)
    y = np.arange(8) % 10
    images = tf.placeholder(tf.float32, [8, 12, 12, 1])
    labels = tf.placeholder(tf.int32, [8])
    tf.set_random_seed(1)
    with slim.arg_scope(lenet.lenet_arg_scope(weight_decay=1e-4)):
        logits, _ = lenet.lenet(images, is_training=True, dropout_keep_prob=1.0)
    tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    total = tf.losses.get_total_loss()
    train_op = slim.learning.create_train_op(total, tf.train.GradientDescentOptimizer(0.05))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        feed = {images: x, labels: y}
        first = sess.run(total, feed)
        for _ in range(15):
            sess.run(train_op, feed)
        last = sess.run(total, feed)
    assert np.isfinite(first) and last < 0.5 * first
