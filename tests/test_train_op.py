"""slim.learning.create_train_op, the regularization guard, the global step and
gradient clipping: the seed-000 program end to end (create_train_op on the
cross-entropy alone trains without weight decay; slimcore warns and names the
variables), the warn / error / ignore policies, UPDATE_OPS ordering,
gradient_multipliers, clip_gradient_norm, check_numerics, clip_by_global_norm
against numpy."""

import warnings

import numpy as np
import pytest

import slimcore as tf
import slimcore.slim as slim
from slimcore import errors
from slimcore.app.datasets import load_digits

LR = 0.1


@pytest.fixture
def policy():
    """Restores the global regularization policy after the test."""
    saved = tf.train.get_regularization_policy()
    yield tf.train.set_regularization_policy
    tf.train.set_regularization_policy(saved)


def _sess_init():
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    return sess


# ---- seed 000 end to end ----------------------------------------------------------------
DIGITS = load_digits()


def _seed000_graph(scale):
    """Seed 000's program on the digits: slim layers under an arg_scope with
    weights_regularizer, cross-entropy through tf.losses."""
    x = tf.placeholder(tf.float32, [None, 64], name="images")
    y = tf.placeholder(tf.int64, [None], name="labels")
    regularizer = slim.l2_regularizer(scale) if scale else None
    with slim.arg_scope(
        [slim.fully_connected],
        weights_regularizer=regularizer,
        weights_initializer=tf.truncated_normal_initializer(stddev=0.3, seed=7),
    ):
        net = slim.fully_connected(x, 32, scope="fc1")
        logits = slim.fully_connected(net, DIGITS.num_classes, activation_fn=None, scope="fc2")
    cross_entropy = tf.losses.sparse_softmax_cross_entropy(labels=y, logits=logits)
    cross_entropy = tf.reduce_mean(cross_entropy)
    return x, y, cross_entropy


def _train(train_op, x, y, steps=60):
    weights = [v for v in tf.trainable_variables() if v.op.name.endswith("weights")]
    with _sess_init() as sess:
        for i in range(steps):
            lo = (i * 100) % 1400
            sess.run(train_op, {x: DIGITS.x_train[lo : lo + 100], y: DIGITS.y_train[lo : lo + 100]})
        values = sess.run(weights)
    return float(np.sqrt(sum(np.sum(w.astype(np.float64) ** 2) for w in values)))


def test_seed000_cross_entropy_alone_warns_and_trains_without_decay():
    # Reference: the same network without any regularizer.
    x, y, cross_entropy = _seed000_graph(0.0)
    plain = _train(slim.learning.create_train_op(cross_entropy, tf.train.MomentumOptimizer(LR, 0.9)), x, y)

    tf.reset_default_graph()
    x, y, cross_entropy = _seed000_graph(0.05)
    assert len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)) == 2
    with pytest.warns(tf.train.RegularizationNotAppliedWarning) as record:
        train_op = slim.learning.create_train_op(cross_entropy, tf.train.MomentumOptimizer(LR, 0.9))
    message = str(record[0].message)
    assert "fc1/weights" in message and "fc2/weights" in message
    assert "biases" not in message  # only the variables whose penalty is missing
    assert "get_total_loss" in message  # and says what to do
    unregularized = _train(train_op, x, y)
    assert unregularized == pytest.approx(plain, rel=1e-6)  # weight decay did nothing: seed 000's bug

    tf.reset_default_graph()
    x, y, cross_entropy = _seed000_graph(0.05)
    with warnings.catch_warnings():
        warnings.simplefilter("error", tf.train.RegularizationNotAppliedWarning)
        train_op = slim.learning.create_train_op(tf.losses.get_total_loss(), tf.train.MomentumOptimizer(LR, 0.9))
    regularized = _train(train_op, x, y)
    assert regularized < 0.8 * plain, (regularized, plain)


def test_adding_get_regularization_loss_also_satisfies_the_guard():
    _x, _y, cross_entropy = _seed000_graph(0.05)
    with warnings.catch_warnings():
        warnings.simplefilter("error", tf.train.RegularizationNotAppliedWarning)
        slim.learning.create_train_op(
            cross_entropy + tf.losses.get_regularization_loss(), tf.train.GradientDescentOptimizer(LR)
        )
        tf.train.GradientDescentOptimizer(LR).minimize(tf.losses.get_total_loss())


def test_guard_only_names_trained_variables():
    _x, _y, cross_entropy = _seed000_graph(0.05)
    fc2 = [v for v in tf.trainable_variables() if v.op.name.startswith("fc2")]
    with pytest.warns(tf.train.RegularizationNotAppliedWarning) as record:
        slim.learning.create_train_op(cross_entropy, tf.train.GradientDescentOptimizer(LR), variables_to_train=fc2)
    assert "fc2/weights" in str(record[0].message) and "fc1/weights" not in str(record[0].message)


def test_guard_also_runs_in_minimize():
    _x, _y, cross_entropy = _seed000_graph(0.05)
    with pytest.warns(tf.train.RegularizationNotAppliedWarning, match="fc1/weights"):
        tf.train.AdamOptimizer(LR).minimize(cross_entropy)


def test_policy_error_and_ignore_globally(policy):
    _x, _y, cross_entropy = _seed000_graph(0.05)
    policy("error")
    with pytest.raises(tf.train.RegularizationNotAppliedError, match="fc1/weights"):
        slim.learning.create_train_op(cross_entropy, tf.train.GradientDescentOptimizer(LR))
    assert issubclass(tf.train.RegularizationNotAppliedError, ValueError)
    policy("ignore")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        slim.learning.create_train_op(cross_entropy, tf.train.GradientDescentOptimizer(LR))
    policy("warn")
    with pytest.warns(tf.train.RegularizationNotAppliedWarning):
        slim.learning.create_train_op(cross_entropy, tf.train.GradientDescentOptimizer(LR))
    with pytest.raises(ValueError, match="policy"):
        policy("loud")


def test_policy_per_call_overrides_the_global_one(policy):
    _x, _y, cross_entropy = _seed000_graph(0.05)
    with pytest.raises(tf.train.RegularizationNotAppliedError):
        slim.learning.create_train_op(
            cross_entropy, tf.train.GradientDescentOptimizer(LR), regularization_check="error"
        )
    with pytest.raises(tf.train.RegularizationNotAppliedError):
        tf.train.GradientDescentOptimizer(LR).minimize(cross_entropy, regularization_check="error")
    policy("error")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        slim.learning.create_train_op(
            cross_entropy, tf.train.GradientDescentOptimizer(LR), regularization_check="ignore"
        )
        tf.train.GradientDescentOptimizer(LR).compute_gradients(cross_entropy, regularization_check="ignore")
    with pytest.raises(ValueError, match="regularization_check"):
        tf.train.GradientDescentOptimizer(LR).minimize(cross_entropy, regularization_check="sometimes")


def test_no_regularizers_no_warning():
    _x, _y, cross_entropy = _seed000_graph(0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        slim.learning.create_train_op(cross_entropy, tf.train.GradientDescentOptimizer(LR))


# ---- create_train_op mechanics -------------------------------------------------------------
def test_returns_the_loss_and_increments_the_global_step():
    w = tf.Variable(np.array([1.0, 2.0], np.float32), name="w")
    loss = tf.reduce_sum(w * w)
    train_op = slim.learning.create_train_op(loss, tf.train.GradientDescentOptimizer(LR))
    step = tf.train.get_global_step()
    assert step is not None and train_op in tf.get_collection(tf.GraphKeys.TRAIN_OP)
    with _sess_init() as sess:
        assert sess.run(train_op) == pytest.approx(5.0)  # the loss before the update
        assert sess.run(step) == 1
        np.testing.assert_allclose(sess.run(w), [0.8, 1.6], rtol=1e-6)
        assert sess.run(train_op) == pytest.approx(0.8**2 + 1.6**2, rel=1e-6)
        assert sess.run(step) == 2


def test_global_step_none_does_not_count():
    w = tf.Variable(np.array([1.0, 2.0], np.float32), name="w")
    train_op = slim.learning.create_train_op(
        tf.reduce_sum(w * w), tf.train.GradientDescentOptimizer(LR), global_step=None
    )
    assert tf.train.get_global_step() is None
    with _sess_init() as sess:
        sess.run(train_op)
        np.testing.assert_allclose(sess.run(w), [0.8, 1.6], rtol=1e-6)


def test_variables_to_train():
    w = tf.Variable(np.array([1.0, 2.0], np.float32), name="w")
    b = tf.Variable(np.array([3.0], np.float32), name="b")
    train_op = slim.learning.create_train_op(
        tf.reduce_sum(w * w) + tf.reduce_sum(b * b), tf.train.GradientDescentOptimizer(LR), variables_to_train=[b]
    )
    with _sess_init() as sess:
        sess.run(train_op)
        np.testing.assert_array_equal(sess.run(w), [1.0, 2.0])
        np.testing.assert_allclose(sess.run(b), [2.4], rtol=1e-6)


def test_update_ops_run_before_the_update():
    w = tf.Variable(np.array([1.0, 2.0], np.float32), name="w")
    counter = tf.Variable(0.0, trainable=False, name="counter")
    snapshot = tf.Variable(np.zeros(2, np.float32), trainable=False, name="snapshot")
    tf.add_to_collection(tf.GraphKeys.UPDATE_OPS, tf.assign_add(counter, 1.0))
    tf.add_to_collection(tf.GraphKeys.UPDATE_OPS, tf.assign(snapshot, w))
    train_op = slim.learning.create_train_op(tf.reduce_sum(w * w), tf.train.GradientDescentOptimizer(LR))
    with _sess_init() as sess:
        for t in range(3):
            before = sess.run(w)
            sess.run(train_op)
            assert sess.run(counter) == t + 1
            np.testing.assert_array_equal(sess.run(snapshot), before)  # read before the weights moved
            assert not np.array_equal(sess.run(w), before)


def test_explicit_update_ops_missing_some_warns():
    w = tf.Variable(np.array([1.0, 2.0], np.float32), name="w")
    counter = tf.Variable(0.0, trainable=False, name="counter")
    tf.add_to_collection(tf.GraphKeys.UPDATE_OPS, tf.assign_add(counter, 1.0))
    with pytest.warns(UserWarning, match="UPDATE_OPS"):
        train_op = slim.learning.create_train_op(
            tf.reduce_sum(w * w), tf.train.GradientDescentOptimizer(LR), update_ops=[]
        )
    with _sess_init() as sess:
        sess.run(train_op)
        assert sess.run(counter) == 0.0


def test_gradient_multipliers():
    w = tf.Variable(np.array([1.0, 2.0], np.float32), name="w")
    b = tf.Variable(np.array([3.0], np.float32), name="b")
    loss = tf.reduce_sum(w) + tf.reduce_sum(b)  # gradients 1
    train_op = slim.learning.create_train_op(
        loss, tf.train.GradientDescentOptimizer(LR), gradient_multipliers={w: 3.0, "b": 0.5}
    )
    with _sess_init() as sess:
        sess.run(train_op)
        np.testing.assert_allclose(sess.run(w), [1.0 - 0.3, 2.0 - 0.3], rtol=1e-6)
        np.testing.assert_allclose(sess.run(b), [3.0 - 0.05], rtol=1e-6)


def test_gradient_multiplier_tensor():
    w = tf.Variable(np.array([1.0, 2.0], np.float32), name="w")
    m = tf.placeholder(tf.float32, [])
    train_op = slim.learning.create_train_op(
        tf.reduce_sum(w), tf.train.GradientDescentOptimizer(LR), gradient_multipliers={w: m}
    )
    with _sess_init() as sess:
        sess.run(train_op, {m: 2.0})
        np.testing.assert_allclose(sess.run(w), [0.8, 1.8], rtol=1e-6)


def test_gradient_multiplier_key_matching_nothing_raises():
    w = tf.Variable(np.array([1.0, 2.0], np.float32), name="w")
    with pytest.raises(ValueError, match="weights"):
        slim.learning.create_train_op(
            tf.reduce_sum(w), tf.train.GradientDescentOptimizer(LR), gradient_multipliers={"weights": 2.0}
        )
    with pytest.raises(ValueError, match="gradient_multipliers"):
        slim.learning.multiply_gradients([(tf.constant([1.0, 1.0]), w)], {})


def test_clip_gradient_norm_is_per_gradient():
    w = tf.Variable(np.array([0.0, 0.0], np.float32), name="w")
    b = tf.Variable(np.array([0.0], np.float32), name="b")
    loss = tf.reduce_sum(w * tf.constant([3.0, 4.0])) + tf.reduce_sum(b * 0.5)  # norms 5 and 0.5
    train_op = slim.learning.create_train_op(loss, tf.train.GradientDescentOptimizer(1.0), clip_gradient_norm=1.0)
    with _sess_init() as sess:
        sess.run(train_op)
        np.testing.assert_allclose(sess.run(w), [-0.6, -0.8], rtol=1e-6)  # clipped to norm 1
        np.testing.assert_allclose(sess.run(b), [-0.5], rtol=1e-6)  # below the norm: kept


def test_check_numerics_on_the_loss():
    w = tf.Variable(np.array([1.0, 2.0], np.float32), name="w")
    offset = tf.placeholder(tf.float32, [])
    loss = tf.reduce_sum(w) + offset  # finite gradients, loss NaN when offset is
    train_op = slim.learning.create_train_op(loss, tf.train.GradientDescentOptimizer(LR))
    with _sess_init() as sess:
        with pytest.raises(errors.NonFiniteError, match="LossTensor is inf or nan"):
            sess.run(train_op, {offset: np.nan})
        np.testing.assert_array_equal(sess.run(w), [1.0, 2.0])  # the failed step did not update
        assert sess.run(tf.train.get_global_step()) == 0
        assert sess.run(train_op, {offset: 0.0}) == pytest.approx(3.0)
    tf.reset_default_graph()
    w = tf.Variable(np.array([1.0, 2.0], np.float32), name="w")
    offset = tf.placeholder(tf.float32, [])
    train_op = slim.learning.create_train_op(
        tf.reduce_sum(w) + offset, tf.train.GradientDescentOptimizer(LR), check_numerics=False
    )
    with _sess_init() as sess:
        assert np.isnan(sess.run(train_op, {offset: np.nan}))
        np.testing.assert_allclose(sess.run(w), [0.9, 1.9], rtol=1e-6)


def test_nan_gradient_in_create_train_op_keeps_weights_finite():
    w = tf.Variable(np.array([1.0, 2.0], np.float32), name="w")
    scale = tf.placeholder(tf.float32, [])
    train_op = slim.learning.create_train_op(tf.reduce_sum(w * scale), tf.train.AdamOptimizer(LR), check_numerics=False)
    with _sess_init() as sess:
        with pytest.raises(errors.NonFiniteError, match="w"):
            sess.run(train_op, {scale: np.inf})
        np.testing.assert_array_equal(sess.run(w), [1.0, 2.0])


def test_no_variables_to_train_raises():
    with pytest.raises(ValueError, match="no variables"):
        slim.learning.create_train_op(tf.constant(1.0), tf.train.GradientDescentOptimizer(LR))


# ---- global step ----------------------------------------------------------------------------
def test_global_step_helpers():
    assert tf.train.get_global_step() is None
    step = tf.train.get_or_create_global_step()
    assert step.op.name == "global_step" and step.dtype == tf.int64 and not step.trainable
    assert tf.train.get_or_create_global_step() is step
    assert tf.train.get_global_step() is step
    assert slim.get_or_create_global_step() is step
    with pytest.raises(ValueError, match="already exists"):
        tf.train.create_global_step()


# ---- clipping ---------------------------------------------------------------------------------
def test_clip_by_global_norm_against_numpy():
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=(3, 4)), rng.normal(size=7), rng.normal(size=())]
    norm = np.sqrt(sum(np.sum(a**2) for a in arrays))
    for clip in (0.5 * norm, 2.0 * norm):
        tf.reset_default_graph()
        tensors = [tf.constant(a.astype(np.float32)) for a in arrays]
        clipped, global_norm = tf.train.clip_by_global_norm(tensors[:2] + [None] + tensors[2:], clip)
        assert clipped[2] is None
        with tf.Session() as sess:
            got_norm, *got = sess.run([global_norm] + [c for c in clipped if c is not None])
        assert got_norm == pytest.approx(norm, rel=1e-6)
        for a, g in zip(arrays, got):
            np.testing.assert_allclose(g, a * clip / max(norm, clip), rtol=1e-5, atol=1e-7)


def test_clip_by_global_norm_use_norm_and_tensor_clip():
    a = np.array([3.0, 4.0], np.float32)
    clip = tf.placeholder(tf.float32, [])
    clipped, norm = tf.train.clip_by_global_norm([tf.constant(a)], clip, use_norm=tf.constant(10.0))
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(clipped[0], {clip: 2.0}), a * 0.2, rtol=1e-6)
        assert sess.run(norm) == pytest.approx(10.0)


def test_clip_by_global_norm_of_infinite_or_nan_norm_is_nan():
    # TF1's rule: squares overflowing float32 or a NaN entry make every entry NaN, not a silent 0 step.
    huge = tf.constant(np.array([3e30, 4e30], np.float32))
    small = tf.constant(np.array([1.0, 2.0], np.float32))
    nan = tf.constant(np.array([1.0, np.nan], np.float32))
    overflowed, norm = tf.train.clip_by_global_norm([huge, small], 1.0)
    with_nan, _ = tf.train.clip_by_global_norm([small, nan], 1.0)
    with tf.Session() as sess:
        assert np.isinf(sess.run(norm))
        for t in sess.run(overflowed + with_nan):
            assert np.isnan(t).all()


def test_clipped_overflowing_gradient_raises_in_the_optimizer():
    w = tf.Variable(np.array([1.0, 2.0], np.float32), name="w")
    opt = tf.train.GradientDescentOptimizer(LR)
    grads, variables = zip(*opt.compute_gradients(tf.reduce_sum(w * tf.constant([3e30, 4e30]))))
    clipped, _ = tf.train.clip_by_global_norm(grads, 5.0)
    train = opt.apply_gradients(zip(clipped, variables))
    with _sess_init() as sess:
        with pytest.raises(errors.NonFiniteError):
            sess.run(train)
        np.testing.assert_array_equal(sess.run(w), [1.0, 2.0])


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan")])
def test_clip_by_global_norm_rejects_non_positive_clip(bad):
    with pytest.raises(ValueError, match="clip_norm"):
        tf.train.clip_by_global_norm([tf.constant([1.0])], bad)


def test_clip_by_norm_and_global_norm():
    t = tf.constant(np.array([[3.0, 0.0], [0.0, 4.0]], np.float32))
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(tf.train.clip_by_norm(t, 1.0)), [[0.6, 0.0], [0.0, 0.8]], rtol=1e-6)
        np.testing.assert_allclose(sess.run(tf.train.clip_by_norm(t, 10.0)), [[3.0, 0.0], [0.0, 4.0]])
        assert sess.run(tf.train.global_norm([t, None, tf.constant([12.0])])) == pytest.approx(13.0)
    with pytest.raises(ValueError, match="global_norm needs at least one tensor"):
        tf.train.global_norm([None])
    for bad in (0.0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="clip_norm"):
            tf.train.clip_by_norm(t, bad)


def test_clip_by_global_norm_in_a_training_loop():
    w = tf.Variable(np.zeros(2, np.float32), name="w")
    opt = tf.train.GradientDescentOptimizer(1.0)
    grads_and_vars = opt.compute_gradients(tf.reduce_sum(w * tf.constant([30.0, 40.0])))
    grads, variables = zip(*grads_and_vars)
    clipped, _ = tf.train.clip_by_global_norm(grads, 5.0)
    train = opt.apply_gradients(zip(clipped, variables))
    with _sess_init() as sess:
        sess.run(train)
        np.testing.assert_allclose(sess.run(w), [-3.0, -4.0], rtol=1e-6)
