"""slim.nets as tf-slim and tensorflow/models' research/slim export them:
mobilenet_v2 and inception_v2 reachable from slim.nets (and
tf.contrib.slim.nets), and VGG's fc_conv_padding / global_pool / num_classes=None
arguments (tensorflow/models research/slim's vgg.py; TF 1.15's contrib copy
lacks them, so examples/slim/digits_vgg.py does not use them). Build only:
shapes, names and end points."""

import subprocess
import sys

import numpy as np
import pytest

import slimcore as tf
import slimcore.compat.v1 as tf1
import slimcore.slim as slim
from slimcore.models import mobilenet_v2 as models_mobilenet_v2
from slimcore.slim.nets import vgg


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as g:
        yield g


def test_every_net_module_is_exported_by_slim_nets():
    names = [
        "alexnet",
        "cifarnet",
        "inception_v1",
        "inception_v2",
        "inception_v3",
        "lenet",
        "mobilenet_v1",
        "mobilenet_v2",
        "overfeat",
        "resnet_utils",
        "resnet_v1",
        "resnet_v2",
        "vgg",
    ]
    assert sorted(slim.nets.__all__) == names
    for name in names:
        assert getattr(tf1.contrib.slim.nets, name) is getattr(slim.nets, name)
    assert slim.nets.mobilenet_v2 is models_mobilenet_v2


@pytest.mark.parametrize(
    "first",
    [
        "import slimcore.slim",
        "import slimcore.models.mobilenet_v2",
        "from slimcore.slim.nets import mobilenet_v2",
        "import slimcore.compat.v1",
    ],
)
def test_slim_nets_mobilenet_v2_imports_first_in_a_fresh_interpreter(first):
    """models.mobilenet_v2 decorates with slim.add_arg_scope at import: slim.nets
    must be imported after slim's layers, whatever the user imports first."""
    code = f"{first}; import slimcore.slim as s; print(s.nets.mobilenet_v2.mobilenet.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "mobilenet"


def test_mobilenet_v2_through_slim_nets_builds_with_its_training_scope():
    mobilenet_v2 = slim.nets.mobilenet_v2
    images = tf.placeholder(tf.float32, [2, 96, 96, 3])
    with slim.arg_scope(mobilenet_v2.training_scope(weight_decay=4e-5)):
        logits, _ = mobilenet_v2.mobilenet(images, num_classes=10, depth_multiplier=0.35)
    assert logits.shape.as_list() == [2, 10]
    assert tf.trainable_variables()[0].op.name == "MobilenetV2/Conv/weights"


def test_inception_v2_through_slim_nets_builds():
    inception_v2 = slim.nets.inception_v2
    images = tf.placeholder(tf.float32, [1, 224, 224, 3])
    with slim.arg_scope(inception_v2.inception_v2_arg_scope()):
        logits, end_points = inception_v2.inception_v2(images, num_classes=10)
    assert logits.shape.as_list() == [1, 10]
    assert "Mixed_5c" in end_points


def _vgg(size, **kwargs):
    images = tf.placeholder(tf.float32, [2, size, size, 3])
    with slim.arg_scope(vgg.vgg_arg_scope()):
        return vgg.vgg_a(images, **kwargs)


def test_vgg_fc_conv_padding_same_runs_on_32x32_inputs():
    # research/slim: "the output prediction map will be (input / 32) - 6 in case of 'VALID' padding",
    # input / 32 with 'SAME'.
    logits, end_points = _vgg(32, num_classes=10, fc_conv_padding="SAME")
    assert logits.shape.as_list() == [2, 10]
    assert end_points["vgg_a/pool5"].shape.as_list() == [2, 1, 1, 512]
    assert end_points["vgg_a/fc6"].shape.as_list() == [2, 1, 1, 4096]
    assert end_points["vgg_a/fc8"] is logits
    with tf.Graph().as_default():
        logits, _ = _vgg(256, num_classes=10, spatial_squeeze=False, fc_conv_padding="SAME")
        assert logits.shape.as_list() == [2, 8, 8, 10]
    with tf.Graph().as_default(), pytest.raises(ValueError, match="larger than the input"):
        _vgg(32, num_classes=10)


def test_vgg_global_pool_averages_fc7_before_the_logits():
    logits, end_points = _vgg(256, num_classes=10, global_pool=True)
    pooled = end_points["global_pool"]
    assert pooled.shape.as_list() == [2, 1, 1, 4096] and pooled.op.name == "vgg_a/global_pool"
    assert logits.shape.as_list() == [2, 10]  # squeezed: the pool made the map 1x1
    # end point order as research/slim's: the collection, then global_pool, then fc8
    assert list(end_points)[-3:] == ["vgg_a/fc7", "global_pool", "vgg_a/fc8"]
    fc7 = np.random.default_rng(0).normal(size=(2, 2, 2, 4096)).astype(np.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = sess.run(pooled, {end_points["vgg_a/fc7"]: fc7})
    np.testing.assert_allclose(got, fc7.mean(axis=(1, 2), keepdims=True), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("num_classes", [0, None])
def test_vgg_without_num_classes_returns_fc7_and_has_no_fc8(num_classes):
    net, end_points = _vgg(224, num_classes=num_classes)
    assert net is end_points["vgg_a/fc7"]
    assert net.shape.as_list() == [2, 1, 1, 4096]
    assert "vgg_a/fc8" not in end_points
    assert not [v for v in tf.trainable_variables() if "fc8" in v.op.name]
    assert len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)) == 10


def test_vgg_16_and_19_collect_fully_connected_outputs_too():
    """tf-slim's vgg_16/vgg_19 put fully_connected in their outputs_collections
    arg_scope (vgg_a does not): a fully_connected layer a user adds under the
    net's scope collection is an end point."""
    images = tf.placeholder(tf.float32, [1, 224, 224, 3])
    with slim.arg_scope(vgg.vgg_arg_scope()):
        _, end_points = vgg.vgg_16(images, num_classes=10)
    assert list(end_points)[:3] == ["vgg_16/conv1/conv1_1", "vgg_16/conv1/conv1_2", "vgg_16/pool1"]
    assert len(end_points) == 21  # 13 conv + 5 pool + fc6, fc7, fc8


@pytest.mark.parametrize(
    "name,multiplier,first,last",
    [("mobilenet_v2_140", 1.4, 48, 1792), ("mobilenet_v2_050", 0.5, 16, 1280), ("mobilenet_v2_035", 0.35, 16, 1280)],
)
def test_mobilenet_v2_depth_multiplier_wrappers_as_research_slim(name, multiplier, first, last):
    """research/slim's mobilenet_v2_140/_050/_035: depth multipliers, finegrain
    (1280 channels kept in the last conv) below 1.0; _make_divisible(32 * m, 8)
    first-conv channels."""
    net = getattr(slim.nets.mobilenet_v2, name)
    assert net.__name__ == "mobilenet"
    images = tf.placeholder(tf.float32, [1, 64, 64, 3])
    with slim.arg_scope(slim.nets.mobilenet_v2.training_scope()):
        logits, _ = net(images, num_classes=5)
    shapes = {v.op.name: v.shape.as_list() for v in tf.trainable_variables()}
    assert shapes["MobilenetV2/Conv/weights"][-1] == first
    assert shapes["MobilenetV2/Conv_1/weights"][-1] == last
    assert logits.shape.as_list() == [1, 5]
