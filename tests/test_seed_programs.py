"""The code blocks of the three user programs ("seeds" 000-002, docs/SEMANTICS.md appendix A),
run on slimcore.

Each test is one block, ported by changing the import to
``import slimcore.compat.v1 as tf`` (``tf.contrib.slim`` for slim); the data
the block loads (MNIST, IMDB, an input pipeline) is made here, and names the
block leaves undefined (``opt``, ``FLAGS``, ``WEIGHT_DECAY_FACTOR``...) are
defined here. Where a block does not run as written on TensorFlow 1 either,
the test checks that slimcore refuses it too, then runs it with the evident
fix (said in a comment). Then each test checks what the block claims.
"""

import types
import warnings

import numpy as np
import pytest

import slimcore
import slimcore.compat.v1 as tf
from slimcore.app import datasets
from slimcore.models import mobilenet_v2
from slimcore.train import RegularizationNotAppliedWarning

slim = tf.contrib.slim


@pytest.fixture(scope="module")
def digits():
    return datasets.load_digits()


def digits_784(d):
    """The 8x8 digits upsampled to MNIST's 28x28 (3x3 blocks, 2-pixel border), one-hot labels."""

    def up(x):
        images = np.kron(x.reshape(-1, 8, 8), np.ones((1, 3, 3), np.float32))
        return np.pad(images, ((0, 0), (2, 2), (2, 2))).reshape(len(x), 784)

    eye = np.eye(10, dtype=np.float32)
    return up(d.x_train), eye[d.y_train], up(d.x_test), eye[d.y_test]


def l2(*arrays):
    return sum(float(np.sum(np.asarray(a, np.float64) ** 2)) for a in arrays)


# =====================================================================================
# seed 000: "Regularization loss in 'slim' library of Tensorflow" (Robin Dong)
# =====================================================================================
NUM_CLASSES = 10


def _seed000_program(digits, weight_decay, fixed, steps=30):
    """The blog's program: before the fix (create_train_op on the cross-entropy)
    or after it (on tf.contrib.slim.losses.get_total_loss())."""
    tf.reset_default_graph()
    tf.set_random_seed(1)
    images = tf.constant(digits.x_train[:64].reshape(-1, 8, 8, 1))  # the input pipeline's batch
    labels = tf.constant(digits.y_train[:64])
    opt = tf.train.MomentumOptimizer(0.05, 0.9)  # `opt` is not defined in the post

    # ---- the post's code ----
    with tf.contrib.slim.arg_scope(mobilenet_v2.training_scope(weight_decay=weight_decay)):
        logits, _ = mobilenet_v2.mobilenet(images, NUM_CLASSES)

    cross_entropy = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    cross_entropy = tf.reduce_mean(cross_entropy)

    global_step = tf.contrib.framework.get_or_create_global_step()
    if not fixed:
        train_op = tf.contrib.slim.learning.create_train_op(cross_entropy, opt, global_step=global_step)
    else:
        loss = tf.contrib.slim.losses.get_total_loss()
        train_op = tf.contrib.slim.learning.create_train_op(loss, opt, global_step=global_step)
    # ---- end ----
    kernels = [v for v in tf.trainable_variables() if v.op.name.endswith("weights")]
    penalty = tf.losses.get_regularization_loss()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        start_penalty = sess.run(penalty)
        for _ in range(steps):
            sess.run(train_op)
        return sess.run(kernels), start_penalty, sess.run(penalty)


@pytest.mark.slow
def test_seed000_weight_decay_does_nothing_when_training_on_the_cross_entropy(digits):
    with pytest.warns(RegularizationNotAppliedWarning, match="get_total_loss"):
        weak, _, _ = _seed000_program(digits, 0.001, fixed=False, steps=5)
    with pytest.warns(RegularizationNotAppliedWarning):
        strong, _, _ = _seed000_program(digits, 0.5, fixed=False, steps=5)
    # "no matter what value the weight_decay is": the trained weights are identical.
    for a, b in zip(weak, strong):
        np.testing.assert_array_equal(a, b)


@pytest.mark.slow
def test_seed000_get_total_loss_makes_weight_decay_work(digits):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RegularizationNotAppliedWarning)
        weak, _, _ = _seed000_program(digits, 0.001, fixed=True)
        strong, before, after = _seed000_program(digits, 0.5, fixed=True)
    assert l2(*strong) < 0.7 * l2(*weak)  # the decay now shrinks the weights
    assert after < 0.9 * before  # and the penalty in the loss falls


def test_seed000_what_the_tensorflow_sources_show():
    """The post's reading of losses_impl.py / util.py / Layer.add_loss: losses
    go to LOSSES, layer penalties to REGULARIZATION_LOSSES, and only
    get_total_loss adds the two."""
    x = tf.constant(np.random.default_rng(0).random((6, 4)).astype(np.float32))
    labels = tf.constant(np.array([0, 1, 2, 0, 1, 2]))
    logits = tf.layers.dense(x, 3, kernel_regularizer=tf.contrib.layers.l2_regularizer(0.1))
    h = slim.fully_connected(x, 3, weights_regularizer=slim.l2_regularizer(0.2), scope="fc")
    cross_entropy = tf.losses.sparse_softmax_cross_entropy(labels=labels, logits=logits)
    extra = tf.losses.mean_squared_error(labels=tf.zeros_like(h), predictions=h, loss_collection=None)
    assert cross_entropy.name == "sparse_softmax_cross_entropy_loss/value:0"
    assert tf.get_collection(tf.GraphKeys.LOSSES) == [cross_entropy]  # util.add_loss
    assert extra not in tf.get_collection(tf.GraphKeys.LOSSES)  # loss_collection=None
    reg = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert [r.name for r in reg] == [
        "dense/kernel/Regularizer/l2_regularizer:0",
        "fc/kernel/Regularizer/l2_regularizer:0",
    ]
    assert not set(reg) & set(tf.get_collection(tf.GraphKeys.LOSSES))
    total = tf.losses.get_total_loss()
    without = tf.losses.get_total_loss(add_regularization_losses=False)
    assert total.name == "total_loss:0"
    tf.losses.add_loss(extra)  # losses.add_loss
    assert tf.get_collection(tf.GraphKeys.LOSSES) == [cross_entropy, extra]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        ce, penalties, t, w = sess.run([cross_entropy, reg, total, without])
    np.testing.assert_allclose(t, ce + sum(penalties), rtol=1e-6)
    assert w == pytest.approx(ce)


# =====================================================================================
# seed 001: "How to define weight decay for individual layers in TensorFlow?"
# =====================================================================================
def test_seed001_answer0_collection_of_weights():
    WEIGHT_DECAY_FACTOR = 0.0005  # noqa: N806  (undefined in the answer)
    # As written, get_variable has no shape: TF1 refuses, so does slimcore.
    with pytest.raises(ValueError, match="must be fully defined"):
        weights = tf.get_variable("weights", collections=["variables"])
    # With a shape it runs, but reads collection 'weights' while the variable
    # went to 'variables': tf.pack([]) of nothing fails loudly.
    weights = tf.get_variable("weights", shape=[5, 3], collections=["variables"])
    assert tf.get_collection("weights") == []
    with pytest.raises(ValueError, match="non-empty"):
        with tf.variable_scope("weights_norm") as scope:
            weights_norm = tf.reduce_sum(
                input_tensor=WEIGHT_DECAY_FACTOR * tf.pack([tf.nn.l2_loss(i) for i in tf.get_collection("weights")]),
                name="weights_norm",
            )

    # The answer's intent: the variables in collection 'weights' as well.
    tf.reset_default_graph()
    # Create your variables
    weights = tf.get_variable("weights", shape=[5, 3], collections=["variables", "weights"])
    other = tf.get_variable("other", shape=[3], collections=["variables", "weights"])

    with tf.variable_scope("weights_norm") as scope:  # noqa: F841 -- as the answer wrote it
        weights_norm = tf.reduce_sum(
            input_tensor=WEIGHT_DECAY_FACTOR * tf.pack([tf.nn.l2_loss(i) for i in tf.get_collection("weights")]),
            name="weights_norm",
        )

    # Add the weight decay loss to another collection called losses
    tf.add_to_collection("losses", weights_norm)

    # Add the other loss components to the collection losses
    data_loss = tf.losses.mean_squared_error(labels=tf.ones([2, 3]), predictions=tf.zeros([2, 3]))

    # To calculate your total loss
    total = tf.add_n(tf.get_collection("losses"), name="total_loss")

    assert weights_norm.name == "weights_norm/weights_norm:0"
    assert tf.get_collection(tf.GraphKeys.LOSSES) == [weights_norm, data_loss]  # 'losses' is LOSSES
    # collections=['variables'] is GLOBAL_VARIABLES; trainable=True still adds TRAINABLE_VARIABLES.
    assert weights in tf.global_variables() and weights in tf.trainable_variables()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        w, o, norm, t = sess.run([weights, other, weights_norm, total])
    assert norm == pytest.approx(WEIGHT_DECAY_FACTOR * l2(w, o) / 2, rel=1e-5)
    assert t == pytest.approx(norm + 1.0, rel=1e-6)


def test_seed001_answer1_get_variable_regularizer():
    import inspect

    listed = [
        "name",
        "shape",
        "dtype",
        "initializer",
        "regularizer",
        "trainable",
        "collections",
        "caching_device",
        "partitioner",
        "validate_shape",
        "use_resource",
        "custom_getter",
    ]
    assert list(inspect.signature(tf.get_variable).parameters)[: len(listed)] == listed

    weight_decay = tf.constant(0.0005, dtype=tf.float32)  # your weight decay rate, must be a scalar tensor.
    W = tf.get_variable(  # noqa: N806 (the answer's name)
        name="weight", shape=[4, 4, 256, 512], regularizer=tf.contrib.layers.l2_regularizer(weight_decay)
    )

    (penalty,) = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert penalty.name == "weight/Regularizer/l2_regularizer:0"
    assert W.regularization_loss is penalty
    # With plain SGD the penalty is weight decay: W <- W - lr * 0.0005 * W.
    step = tf.train.GradientDescentOptimizer(0.5).minimize(tf.losses.get_total_loss())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        w0, p = sess.run([W, penalty])
        sess.run(step)
        w1 = sess.run(W)
    assert p == pytest.approx(0.0005 * l2(w0) / 2, rel=1e-4)
    np.testing.assert_allclose(w1, w0 * (1 - 0.5 * 0.0005), rtol=1e-6, atol=1e-9)


def test_seed001_answer2_decay_step_after_the_train_op():
    layers = tf.contrib.layers
    weight_decay = 0.01
    args = types.SimpleNamespace(weight_decay=weight_decay)
    rng = np.random.default_rng(3)
    x = tf.constant(rng.random((16, 5)).astype(np.float32))
    onehot = tf.constant(np.eye(3, dtype=np.float32)[rng.integers(0, 3, 16)])
    # As written, `layers.dense` is tf.layers.dense (tf.contrib.layers has none),
    # which slim's arg_scope refuses: it is not an @add_arg_scope function (TF1 too).
    assert not hasattr(layers, "dense")
    with pytest.raises(ValueError, match="add_arg_scope"):
        with tf.contrib.framework.arg_scope(
            [layers.conv2d, tf.layers.dense], weights_regularizer=layers.l2_regularizer(weight_decay)
        ):
            pass
    # So the network uses layers.fully_connected in place of layers.dense.
    global_step = tf.train.get_or_create_global_step()
    optimizer = tf.train.MomentumOptimizer(0.1, 0.9)

    # In the network definition:
    with tf.contrib.framework.arg_scope(
        [layers.conv2d, layers.fully_connected], weights_regularizer=layers.l2_regularizer(weight_decay)
    ):
        # define the network.
        h = layers.fully_connected(x, 8, scope="fc1")
        logits = layers.fully_connected(h, 3, activation_fn=None, scope="fc2")

    loss = tf.losses.softmax_cross_entropy(onehot, logits)  # compute the actual loss of your problem.
    with pytest.warns(RegularizationNotAppliedWarning):  # slimcore says the loss leaves them out
        train_op = optimizer.minimize(loss, global_step=global_step)
    if args.weight_decay not in (None, 0):
        with tf.control_dependencies([train_op]):
            sgd = tf.train.GradientDescentOptimizer(learning_rate=1.0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", slimcore.train.NoGradientWarning)  # biases: no penalty
                train_op = sgd.minimize(tf.add_n(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)))

    kernels = [v for v in tf.trainable_variables() if v.op.name.endswith("weights")]
    biases = [v for v in tf.trainable_variables() if v.op.name.endswith("biases")]
    grads = tf.gradients(loss, kernels + biases)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        k0, b0, g = sess.run(kernels), sess.run(biases), sess.run(grads)
        sess.run(train_op)
        k1, b1 = sess.run(kernels), sess.run(biases)
        assert sess.run(global_step) == 1
    # "w[t+1] = w[t] - lr * dw - weight_decay * w": the momentum step, then the
    # SGD step on the penalties (gradient weight_decay * w at the stepped weights).
    for w0, w1, gw in zip(k0, k1, g[:2]):
        np.testing.assert_allclose(w1, (1 - weight_decay) * (w0 - 0.1 * gw), rtol=1e-5, atol=1e-7)
    for w0, w1, gw in zip(b0, b1, g[2:]):  # biases: no penalty, no decay
        np.testing.assert_allclose(w1, w0 - 0.1 * gw, rtol=1e-5, atol=1e-7)


def test_seed001_answer2_the_pr_it_mentions_decoupled_momentum():
    """The PR the answer's edit points to is contrib's MomentumWOptimizer:
    p <- p - weight_decay * p, then momentum with the undecayed gradient."""
    rng = np.random.default_rng(4)
    w_init = rng.standard_normal((4, 3)).astype(np.float32)
    x = tf.constant(rng.random((6, 4)).astype(np.float32))
    w = tf.Variable(w_init)
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))
    (g,) = tf.gradients(loss, [w])
    step = tf.contrib.opt.MomentumWOptimizer(weight_decay=0.01, learning_rate=0.1, momentum=0.9).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        g0 = sess.run(g)
        sess.run(step)
        np.testing.assert_allclose(sess.run(w), w_init - 0.01 * w_init - 0.1 * g0, rtol=1e-5, atol=1e-7)


# =====================================================================================
# seed 002: "How to add regularizations in TensorFlow?" (answers, in order)
# =====================================================================================
def test_seed002_two_methods():
    # 1.adding all regs by hand
    var1 = tf.get_variable(name="v1", shape=[1], dtype=tf.float32)
    var2 = tf.Variable(name="v2", initial_value=1.0, dtype=tf.float32)
    regularizer = tf.contrib.layers.l1_regularizer(0.1)
    reg_term = tf.contrib.layers.apply_regularization(regularizer, [var1, var2])
    # here reg_term is a scalar
    # 2.auto added and read,but using get_variable
    with tf.variable_scope("x", regularizer=tf.contrib.layers.l2_regularizer(0.1)):
        var1 = tf.get_variable(name="v1", shape=[1], dtype=tf.float32)
        var2 = tf.get_variable(name="v2", shape=[1], dtype=tf.float32)
    reg_losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    # here reg_losses is a list,should be summed

    assert reg_term.shape.as_list() == []
    # apply_regularization also puts its sum into the collection (as TF1 does).
    assert [r.name for r in reg_losses] == [
        reg_term.name,
        "x/v1/Regularizer/l2_regularizer:0",
        "x/v2/Regularizer/l2_regularizer:0",
    ]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        v1, term, losses, x1, x2 = sess.run([tf.global_variables()[0], reg_term, reg_losses, var1, var2])
    assert term == pytest.approx(0.1 * (abs(v1[0]) + 1.0))
    np.testing.assert_allclose(losses[1:], [0.1 * x1[0] ** 2 / 2, 0.1 * x2[0] ** 2 / 2], rtol=1e-6)


def test_seed002_step_by_step_guide_tf_variable_route():
    regularizer = tf.contrib.layers.l2_regularizer(scale=0.1)
    init = np.array([1.0, -2.0, 3.0], np.float32)
    # "weights = tf.Variable(...), then add it to REGULARIZATION_LOSSES"
    weights = tf.Variable(init)
    tf.add_to_collection(tf.GraphKeys.REGULARIZATION_LOSSES, weights)
    loss = tf.reduce_sum(weights)
    reg_variables = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    reg_term = tf.contrib.layers.apply_regularization(regularizer, reg_variables)
    loss += reg_term
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(reg_term) == pytest.approx(0.1 * 14.0 / 2)
        assert sess.run(loss) == pytest.approx(2.0 + 0.7)
    # The collection now holds a variable and a penalty: get_regularization_loss
    # cannot add them (TF1's add_n fails with a shape error; slimcore names the entry).
    with pytest.raises(TypeError, match=r"Variable:0.*not a scalar penalty"):
        tf.losses.get_regularization_loss()


def test_seed002_step_by_step_guide_get_variable_route_regularizes_twice():
    regularizer = tf.contrib.layers.l2_regularizer(scale=0.1)
    weights = tf.get_variable(
        name="weights", regularizer=regularizer, initializer=np.array([1.0, -2.0, 3.0], np.float32)
    )
    loss = tf.reduce_sum(weights)
    reg_variables = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    reg_term = tf.contrib.layers.apply_regularization(regularizer, reg_variables)
    loss += reg_term
    # Via get_variable the collection holds the penalty p = 0.1 * 14 / 2, not the
    # weights: apply_regularization then regularizes the penalty, 0.1 * p^2 / 2.
    # The guide's "equivalently" and "more or less sum(reg_variables)" are false.
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        p = sess.run(reg_variables[0])
        assert p == pytest.approx(0.7)
        assert sess.run(reg_term) == pytest.approx(0.1 * p**2 / 2)
        assert sess.run(reg_term) != pytest.approx(p)


def test_seed002_sum_of_the_collection_times_a_constant():
    x = tf.constant(np.random.default_rng(5).random((4, 3)).astype(np.float32))
    out = slim.fully_connected(x, 2, weights_regularizer=slim.l2_regularizer(1.0), scope="fc")
    my_normal_loss = tf.reduce_mean(tf.square(out))

    reg_losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    reg_constant = 0.01  # Choose an appropriate one.
    loss = my_normal_loss + reg_constant * sum(reg_losses)

    with warnings.catch_warnings():
        warnings.simplefilter("error", RegularizationNotAppliedWarning)  # the loss has them
        tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        w, base, total = sess.run([tf.trainable_variables()[0], my_normal_loss, loss])
    assert total == pytest.approx(base + 0.01 * l2(w) / 2, rel=1e-5)


EASYNET_OUTPUT = """
- EasyNet/fully_connected/weights:0 shape:[784, 200] size:156800
- EasyNet/fully_connected/biases:0 shape:[200] size:200
- EasyNet/fully_connected_1/weights:0 shape:[200, 200] size:40000
- EasyNet/fully_connected_1/biases:0 shape:[200] size:200
- EasyNet/fully_connected_2/weights:0 shape:[200, 10] size:2000
- EasyNet/fully_connected_2/biases:0 shape:[10] size:10

- EasyNet/fully_connected/kernel/Regularizer/l2_regularizer:0 shape:[] size:1.0
- EasyNet/fully_connected_1/kernel/Regularizer/l2_regularizer:0 shape:[] size:1.0
- EasyNet/fully_connected_2/kernel/Regularizer/l2_regularizer:0 shape:[] size:1.0

"""


def _easynet_program(digits, regu, steps):
    import slimcore.compat.v1.contrib.layers as layers  # was: import tensorflow.contrib.layers as layers

    x_train, y_train, x_test, y_test = digits_784(digits)

    class _Split:
        def __init__(self, images, labels):
            self.images, self.labels, self._rng = images, labels, np.random.default_rng(0)

        def next_batch(self, n):
            index = self._rng.integers(0, len(self.images), n)
            return self.images[index], self.labels[index]

    input_data = types.SimpleNamespace(
        read_data_sets=lambda data_dir, one_hot: types.SimpleNamespace(
            train=_Split(x_train, y_train), test=_Split(x_test, y_test)
        )
    )
    FLAGS = types.SimpleNamespace(data_dir="MNIST_data", regu=regu)  # noqa: N806

    def easier_network(x, reg):
        """A network based on tf.contrib.learn, with input `x`."""
        with tf.variable_scope("EasyNet"):
            out = layers.flatten(x)
            out = layers.fully_connected(
                out,
                num_outputs=200,
                weights_initializer=layers.xavier_initializer(uniform=True),
                weights_regularizer=layers.l2_regularizer(scale=reg),
                activation_fn=tf.nn.tanh,
            )
            out = layers.fully_connected(
                out,
                num_outputs=200,
                weights_initializer=layers.xavier_initializer(uniform=True),
                weights_regularizer=layers.l2_regularizer(scale=reg),
                activation_fn=tf.nn.tanh,
            )
            out = layers.fully_connected(
                out,
                num_outputs=10,  # Because there are ten digits!
                weights_initializer=layers.xavier_initializer(uniform=True),
                weights_regularizer=layers.l2_regularizer(scale=reg),
                activation_fn=None,
            )
            return out

    def main(_):
        mnist = input_data.read_data_sets(FLAGS.data_dir, one_hot=True)
        x = tf.placeholder(tf.float32, [None, 784])
        y_ = tf.placeholder(tf.float32, [None, 10])

        # Make a network with regularization
        y_conv = easier_network(x, FLAGS.regu)
        weights = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, "EasyNet")
        print("")
        for w in weights:
            shp = w.get_shape().as_list()
            print("- {} shape:{} size:{}".format(w.name, shp, np.prod(shp)))
        print("")
        reg_ws = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES, "EasyNet")
        for w in reg_ws:
            shp = w.get_shape().as_list()
            print("- {} shape:{} size:{}".format(w.name, shp, np.prod(shp)))
        print("")

        # Make the loss function `loss_fn` with regularization.
        cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y_conv))
        loss_fn = cross_entropy + tf.reduce_sum(reg_ws)
        train_step = tf.train.AdamOptimizer(1e-4).minimize(loss_fn)

        # ---- the Deep MNIST tutorial's loop, which the answer says to follow ----
        correct_prediction = tf.equal(tf.argmax(y_conv, 1), tf.argmax(y_, 1))
        accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            feed = {x: mnist.test.images, y_: mnist.test.labels}
            parts = sess.run([cross_entropy, loss_fn] + reg_ws + weights, feed)
            for _ in range(steps):
                batch = mnist.train.next_batch(50)
                train_step.run(feed_dict={x: batch[0], y_: batch[1]})
            return accuracy.eval(feed_dict=feed), parts

    tf.reset_default_graph()
    tf.set_random_seed(2)
    return main(None)


@pytest.mark.slow
def test_seed002_easynet_prints_and_regularization_strength(digits, capsys):
    accuracy_small, parts = _easynet_program(digits, 0.0001, steps=400)
    assert capsys.readouterr().out == EASYNET_OUTPUT
    ce, loss_fn, penalties, kernels = parts[0], parts[1], parts[2:5], parts[5::2]
    for p, w in zip(penalties, kernels):  # each: 0.0001 * sum(W^2) / 2
        assert p == pytest.approx(0.0001 * l2(w) / 2, rel=1e-5)
    assert loss_fn == pytest.approx(ce + sum(penalties), rel=1e-6)
    # "0.9468 ... 0.1135 with 1.0": a small penalty learns, a large one does not.
    accuracy_large, _ = _easynet_program(digits, 1.0, steps=400)
    assert accuracy_small > 0.9
    assert accuracy_large < accuracy_small - 0.15


def test_seed002_layers_dense_and_get_regularization_loss():
    x = tf.constant(np.random.default_rng(6).random((5, 4)).astype(np.float32))
    # As written, dense has no `units` and get_variable no shape: TF1 refuses both; so does slimcore.
    with pytest.raises(TypeError, match="units"):
        tf.layers.dense(x, kernel_regularizer=tf.contrib.layers.l2_regularizer(0.001))
    with pytest.raises(ValueError, match="fully defined"):
        tf.get_variable("a", regularizer=tf.contrib.layers.l2_regularizer(0.001))

    out = tf.layers.dense(x, 3, kernel_regularizer=tf.contrib.layers.l2_regularizer(0.001))
    # or
    a = tf.get_variable("a", shape=[3], regularizer=tf.contrib.layers.l2_regularizer(0.001))
    ordinary_loss = tf.reduce_mean(tf.square(out - a))
    loss = ordinary_loss + tf.losses.get_regularization_loss()

    kernel = tf.trainable_variables()[0]
    (g_kernel,) = tf.gradients(loss, [kernel])
    (g_plain,) = tf.gradients(ordinary_loss, [kernel])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RegularizationNotAppliedWarning)
        tf.train.AdamOptimizer(0.01).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        k, av, base, total, gk, gp = sess.run([kernel, a, ordinary_loss, loss, g_kernel, g_plain])
    assert total == pytest.approx(base + 0.001 * (l2(k) + l2(av)) / 2, rel=1e-5)
    np.testing.assert_allclose(gk, gp + 0.001 * k, rtol=1e-5, atol=1e-8)  # the penalty's gradient


@pytest.mark.slow
def test_seed002_keras_sequential_needs_no_manual_penalties():
    keras = tf.keras
    NUM_WORDS = 500  # noqa: N806  (10000 in the tutorial; the IMDB data is made here)
    rng = np.random.default_rng(7)
    words = rng.random((2000, NUM_WORDS)) < 0.05
    signal = words[:, :20].sum(1) - words[:, 20:40].sum(1)
    labels = (signal + 0.3 * rng.standard_normal(2000) > 0).astype(np.float32)
    data = words.astype(np.float32)
    train_data, test_data, train_labels, test_labels = data[:1500], data[1500:], labels[:1500], labels[1500:]
    tf.set_random_seed(3)
    np.random.seed(3)  # fit shuffles with numpy's global RNG, as Keras

    model = keras.models.Sequential(
        [
            keras.layers.Dense(
                16, kernel_regularizer=keras.regularizers.l2(0.001), activation=tf.nn.relu, input_shape=(NUM_WORDS,)
            ),
            keras.layers.Dense(16, kernel_regularizer=keras.regularizers.l2(0.001), activation=tf.nn.relu),
            keras.layers.Dense(1, activation=tf.nn.sigmoid),
        ]
    )

    # The rest of the tutorial's program.
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy", "binary_crossentropy"])
    history = model.fit(
        train_data, train_labels, epochs=20, batch_size=512, validation_data=(test_data, test_labels), verbose=0
    )

    assert [v.name for v in model.weights] == [
        "dense/kernel:0",
        "dense/bias:0",
        "dense_1/kernel:0",
        "dense_1/bias:0",
        "dense_2/kernel:0",
        "dense_2/bias:0",
    ]
    assert len(model.losses) == 2
    assert tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES) == model.losses
    slim_penalty = tf.contrib.layers.l2_regularizer(0.001)(model.weights[0])
    loss, _accuracy, bce = model.evaluate(test_data, test_labels, verbose=0)
    sess = keras.backend.get_session()
    penalties, kernels, slim_value = sess.run([model.losses, model.weights[0::2], slim_penalty])
    for p, k in zip(penalties, kernels):  # Keras: 0.001 * sum(W^2), no 1/2
        assert p == pytest.approx(0.001 * l2(k), rel=1e-5)
    assert penalties[0] == pytest.approx(2 * slim_value, rel=1e-6)  # twice slim's for the same number
    # "No need to add the regularization losses manually": fit/evaluate's loss has them.
    assert loss == pytest.approx(bce + sum(penalties), rel=1e-5)
    assert all(lo > b for lo, b in zip(history.history["loss"], history.history["binary_crossentropy"]))
    assert history.history["accuracy"][-1] > 0.8 and history.history["val_accuracy"][-1] > 0.6
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert set(history.history) == {
        "loss",
        "accuracy",
        "binary_crossentropy",
        "val_loss",
        "val_accuracy",
        "val_binary_crossentropy",
        "data_loss",
        "penalty",
        "decay",
    }


def test_seed002_cnn_with_tf_layers_conv2d(digits):
    num_classes = 10
    input_layer = tf.constant(digits.x_train[:32].reshape(-1, 8, 8, 1))
    labels = tf.constant(digits.y_train[:32])
    # As written, kernel_initializer='xavier' is not an initializer: TF1 raises
    # ("Unknown initializer: xavier"), slimcore raises too.
    with pytest.raises(ValueError, match="'xavier' is a string, not an initializer"):
        tf.layers.conv2d(
            inputs=input_layer,
            filters=32,
            kernel_size=[3, 3],
            kernel_initializer="xavier",
            kernel_regularizer=tf.contrib.layers.l2_regularizer(1e-5),
            padding="same",
            activation=None,
        )
    tf.reset_default_graph()
    input_layer = tf.constant(digits.x_train[:32].reshape(-1, 8, 8, 1))
    labels = tf.constant(digits.y_train[:32])

    # In your model function (with the Xavier initializer the answer means):
    conv = tf.layers.conv2d(
        inputs=input_layer,
        filters=32,
        kernel_size=[3, 3],
        kernel_initializer=tf.contrib.layers.xavier_initializer(),
        kernel_regularizer=tf.contrib.layers.l2_regularizer(1e-5),
        padding="same",
        activation=None,
    )
    logits = tf.layers.dense(tf.layers.flatten(tf.nn.relu(conv)), num_classes)

    # In your loss function:
    onehot_labels = tf.one_hot(indices=tf.cast(labels, tf.int32), depth=num_classes)
    loss = tf.losses.softmax_cross_entropy(onehot_labels=onehot_labels, logits=logits)
    regularization_losses = tf.losses.get_regularization_losses()
    loss = tf.add_n([loss] + regularization_losses)

    assert conv.shape.as_list() == [32, 8, 8, 32]
    assert [r.name for r in regularization_losses] == ["conv2d/kernel/Regularizer/l2_regularizer:0"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RegularizationNotAppliedWarning)
        step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        kernel, penalty, ce, total = sess.run(
            [tf.trainable_variables()[0], regularization_losses[0], tf.get_collection(tf.GraphKeys.LOSSES)[0], loss]
        )
        sess.run(step)
    assert penalty == pytest.approx(1e-5 * l2(kernel) / 2, rel=1e-5)
    assert total == pytest.approx(ce + penalty, rel=1e-6)


def test_seed002_get_regularization_loss_and_an_activity_regularizer():
    x = tf.placeholder(tf.float32, [None, 2])
    w = tf.get_variable("w", [2, 2], regularizer=tf.contrib.layers.l2_regularizer(0.01))
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))

    reg_loss = tf.losses.get_regularization_loss()
    total_loss = loss + reg_loss  # noqa: F841 -- as the answer wrote it

    # This will add an activity regularizer on y to the regloss collection
    regularizer = tf.contrib.layers.l2_regularizer(0.1)
    y = tf.nn.sigmoid(x)
    act_reg = regularizer(y)
    tf.add_to_collection(tf.GraphKeys.REGULARIZATION_LOSSES, act_reg)

    # reg_loss was summed before act_reg joined: only a new call sees it.
    reg_loss_now = tf.losses.get_regularization_loss()
    (g_y,) = tf.gradients(act_reg, [x])
    (g_x,) = tf.gradients(regularizer(x), [x])
    feed = {x: np.array([[0.0, 10.0]], np.float32)}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        wv, r0, r1, a, gy, gx = sess.run([w, reg_loss, reg_loss_now, act_reg, g_y, g_x], feed)
    s = 1 / (1 + np.exp(-np.array([0.0, 10.0])))
    assert a == pytest.approx(0.1 * np.sum(s**2) / 2, rel=1e-6)
    assert r0 == pytest.approx(0.01 * l2(wv) / 2, rel=1e-6)
    assert r1 == pytest.approx(r0 + a, rel=1e-6)
    # "more effective to regularize x, since y flattens for large x":
    assert abs(gy[0, 1]) < 1e-4 < abs(gx[0, 1])
    np.testing.assert_allclose(gx, 0.1 * feed[x], rtol=1e-6)


def test_seed002_collection_and_get_regularization_loss_agree():
    x = tf.constant(np.random.default_rng(8).random((3, 4)).astype(np.float32))
    scale = 0.3
    slim.fully_connected(x, 5, weights_regularizer=tf.contrib.layers.l2_regularizer(scale), scope="a")
    tf.layers.dense(x, 2, kernel_regularizer=tf.contrib.layers.l2_regularizer(scale), name="b")
    collection = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values, total = sess.run(collection), sess.run(tf.losses.get_regularization_loss())
        kernels = sess.run([v for v in tf.trainable_variables() if v.op.name in ("a/weights", "b/kernel")])
    assert total == pytest.approx(sum(values), rel=1e-6)
    # the scale is already in each value: no reg_constant needed
    np.testing.assert_allclose(values, [scale * l2(k) / 2 for k in kernels], rtol=1e-5)


def test_seed002_l2_loss_over_all_trainable_variables():
    rng = np.random.default_rng(9)
    x = tf.constant(rng.random((6, 4)).astype(np.float32))
    labels = tf.constant(np.eye(3, dtype=np.float32)[rng.integers(0, 3, 6)])
    h = tf.layers.dense(x, 5, activation=tf.nn.relu, bias_initializer=tf.constant_initializer(0.5))
    logits = tf.layers.dense(h, 3, bias_initializer=tf.constant_initializer(-0.5))
    weight_decay = 0.01

    cross_entropy = tf.losses.softmax_cross_entropy(logits=logits, onehot_labels=labels)
    l2_loss = weight_decay * tf.add_n([tf.nn.l2_loss(tf.cast(v, tf.float32)) for v in tf.trainable_variables()])
    loss = cross_entropy + l2_loss

    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        ce, penalty, total, values = sess.run([cross_entropy, l2_loss, loss, tf.trainable_variables()])
    assert [v.op.name for v in tf.trainable_variables()] == [
        "dense/kernel",
        "dense/bias",
        "dense_1/kernel",
        "dense_1/bias",
    ]
    # Unlike kernel_regularizer, this decays the biases too.
    assert penalty == pytest.approx(weight_decay * l2(*values) / 2, rel=1e-5)
    assert penalty > weight_decay * l2(values[0], values[2]) / 2 * 1.05
    assert total == pytest.approx(ce + penalty, rel=1e-6)
