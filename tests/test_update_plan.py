"""The per-variable settings record and the resolved update plan.

The decay a plan reports (and decoupled_decay_magnitude) must be the step the
fused kernel takes: checked against one measured step on variables whose
gradient is zero, so that only the decoupled decay p <- p - s*d*p moves them.
"""

import math

import numpy as np
import pytest

import slimcore as tf
import slimcore.slim as slim
from slimcore import _core

LR, BASE_LR, WD, OWN_WD, LR_MULT = 0.05, 0.1, 0.2, 0.3, 2.5

OPTIMIZERS = {
    "sgd": lambda lr, **kw: tf.train.extend_with_decoupled_weight_decay(tf.train.GradientDescentOptimizer)(
        WD, lr, **kw
    ),
    "momentum": lambda lr, **kw: tf.train.MomentumWOptimizer(WD, lr, 0.9, **kw),
    "adam": lambda lr, **kw: tf.train.AdamWOptimizer(WD, lr, **kw),
    "rmsprop": lambda lr, **kw: tf.train.extend_with_decoupled_weight_decay(tf.train.RMSPropOptimizer)(
        WD, lr, momentum=0.5, **kw
    ),
    "adagrad": lambda lr, **kw: tf.train.extend_with_decoupled_weight_decay(tf.train.AdagradOptimizer)(WD, lr, **kw),
}


def _expected_fraction(convention, d, lr_mult):
    """s * d of p <- p - s*d*p, in numpy's terms (lr 0.05 = 0.1 * 0.5^1 for "schedule")."""
    s = {"contrib": 1.0, "lr": LR * lr_mult, "schedule": LR / BASE_LR}[convention]
    return s * d


@pytest.mark.parametrize("algorithm", sorted(OPTIMIZERS))
@pytest.mark.parametrize("convention", ["contrib", "lr", "schedule"])
def test_plan_decay_is_the_step_the_kernel_takes(algorithm, convention):
    x = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3) / 6)
    w = tf.Variable(np.full((3, 1), 0.5, np.float32), name="w")
    w.weight_decay = 0.0  # trained by the data, never decayed
    z = tf.Variable(np.array([1.0, -2.0, 3.0], np.float32), name="z")  # the optimizer's decay
    z.lr_mult = LR_MULT
    u = tf.Variable(np.array([4.0, 0.5], np.float32), name="u")  # its own decay
    u.weight_decay = OWN_WD
    loss = tf.reduce_sum(tf.square(tf.matmul(x, w))) + 0.0 * (tf.reduce_sum(z) + tf.reduce_sum(u))
    if convention == "schedule":
        step = tf.Variable(1, trainable=False, name="step")
        lr = tf.train.exponential_decay(BASE_LR, step, 1, 0.5)  # 0.05 at step 1
        opt = OPTIMIZERS[algorithm](lr, decay_convention="schedule", base_learning_rate=BASE_LR)
    else:
        opt = OPTIMIZERS[algorithm](LR, decay_convention=convention)
    train = opt.minimize(loss)

    [plan] = tf.train.update_plan(train)
    assert plan.algorithm == algorithm
    zp, up, wp = plan.entry(z), plan.entry(u), plan.entry(w)
    assert (zp.decay, zp.lr_mult, zp.decay_convention) == (WD, LR_MULT, convention)
    assert zp.decay_tensor is not None and up.decay_tensor is None and up.decay == OWN_WD
    assert not wp.decays and zp.decays and up.decays
    assert zp.decay_scale == {"contrib": "1", "lr": "lr*lr_mult", "schedule": "lr_t/lr_0"}[convention]
    magnitude = tf.train.decoupled_decay_magnitude(train)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        z0, u0 = sess.run([z, u])
        fz, fu, reported = sess.run([zp.decay_step(), up.decay_step(), magnitude])
        sess.run(train)
        z1, u1 = sess.run([z, u])
    want_z = _expected_fraction(convention, WD, LR_MULT)
    want_u = _expected_fraction(convention, OWN_WD, 1.0)
    np.testing.assert_allclose((z0 - z1) / z0, want_z, rtol=1e-5)  # what the kernel did
    np.testing.assert_allclose((u0 - u1) / u0, want_u, rtol=1e-5)
    np.testing.assert_allclose([fz, fu], [want_z, want_u], rtol=1e-5)  # what the plan says
    moved = np.sqrt(((z0 - z1) ** 2).sum() + ((u0 - u1) ** 2).sum())
    np.testing.assert_allclose(reported, moved, rtol=1e-5)  # what the accounting reports


def test_issue_numbers_schedule_convention():
    # lr 0.05 = 0.1 * 0.5, base 0.1, weight decay 0.2: the step is 0.1 of the weight, not 0.2.
    v = tf.Variable(np.ones(4, np.float32))
    step = tf.Variable(1, trainable=False)
    lr = tf.train.exponential_decay(0.1, step, 1, 0.5)
    train = tf.train.AdamWOptimizer(0.2, lr, decay_convention="schedule", base_learning_rate=0.1).minimize(
        0.0 * tf.reduce_sum(v)
    )
    magnitude = tf.train.decoupled_decay_magnitude(train)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(magnitude) == pytest.approx(0.1 * 2.0, rel=1e-6)  # 0.1 * ||ones(4)||


def test_plan_of_plain_optimizers_and_momentum_overrides():
    a = tf.get_variable("a", initializer=np.ones(2, np.float32), momentum=0.3)
    b = tf.get_variable("b", initializer=np.ones(2, np.float32))
    loss = tf.reduce_sum(tf.square(a)) + tf.reduce_sum(tf.square(b))
    train = slim.learning.create_train_op(loss, tf.train.MomentumOptimizer(0.1, 0.9))
    [plan] = tf.train.update_plan(train)  # through create_train_op's tensor
    assert plan.value("learning_rate") == pytest.approx(0.1) and plan.value("momentum") == pytest.approx(0.9)
    assert plan.entry(a).momentum == 0.3 and plan.entry(b).momentum == pytest.approx(0.9)
    assert not plan.entry(a).decays and plan.entry(a).decay == 0.0
    assert "VariableUpdate 'a'" in repr(plan) and "momentum=0.3" in repr(plan.entry(a))
    assert list(plan.scalars) == ["learning_rate", "momentum", "weight_decay", "decay_multiplier"]


def test_update_plan_errors():
    with pytest.raises(ValueError, match=r"'NoOp.*' was not built|NoOp"):
        tf.train.update_plan(tf.no_op())
    with pytest.raises(TypeError, match="Operation or a Tensor"):
        tf.train.update_plan("train")


def _record(v):
    return _core.variable_settings(v.graph._c, v._variable._node)


def test_settings_live_in_the_cpp_record():
    with tf.variable_scope("scope", lr_mult=3.0, momentum=0.7):
        a = tf.get_variable("a", [2], weight_decay=0.01)
    b = tf.get_variable("b", [2], lr_mult=0.5, regularizer=tf.regularizers.l2_regularizer(0.1))
    x = tf.placeholder(tf.float32, [None, 2])
    with slim.arg_scope(
        [slim.fully_connected],
        weights_lr_mult=2.0,
        biases_decay=0.0,
        weights_regularizer=tf.regularizers.keras_l2(0.05),
    ):
        slim.fully_connected(x, 3, scope="fc")
    c = tf.get_variable("c", [2])
    tf.train.set_lr_multipliers({"^c$": 4.0}, var_list=[c])
    weights, biases = tf.get_collection(tf.GraphKeys.MODEL_VARIABLES, "fc")
    for v, want in [
        (a, (3.0, 0.7, 0.01)),
        (b, (0.5, None, None)),
        (weights, (2.0, None, None)),
        (biases, (None, None, 0.0)),
        (c, (4.0, None, None)),
    ]:
        record = _record(v)
        assert (v.lr_mult, v.momentum, v.weight_decay) == want
        assert (record.lr_mult, record.momentum, record.weight_decay) == want
    assert (_record(b).regularizer, _record(b).l2, _record(b).penalty_convention) == ("l2_regularizer", 0.1, "half")
    assert (_record(weights).l2, _record(weights).penalty_convention) == (0.05, "full")
    assert _record(weights).role == "weights" and weights.role == "weights"
    assert "lr_mult=2.0" in repr(weights) and "role=weights" in repr(weights)
    # what the optimizer builder resolved is what the record says
    with pytest.warns(UserWarning, match="has no momentum"):
        train = tf.train.GradientDescentOptimizer(0.1).minimize(
            tf.reduce_sum(a * a) + tf.reduce_sum(c * c), var_list=[a, c]
        )
    [plan] = tf.train.update_plan(train)
    assert [e.lr_mult for e in plan.variables] == [3.0, 4.0]
    assert plan.entry(a).decay == 0.01


@pytest.mark.parametrize("bad", ["0.1", True, [1.0]])
def test_settings_reject_non_numbers(bad):
    v = tf.Variable(1.0)
    with pytest.raises(TypeError, match="lr_mult must be a number"):
        v.lr_mult = bad


@pytest.mark.parametrize("bad", [-1.0, math.inf, math.nan])
def test_settings_reject_negative_and_non_finite(bad):
    v = tf.Variable(1.0, name="v")
    with pytest.raises(ValueError, match="v: weight_decay must be finite and >= 0"):
        v.weight_decay = bad
    assert v.weight_decay is None  # unchanged
    v.weight_decay = 2  # ints are numbers
    assert v.weight_decay == 2.0 and isinstance(v.weight_decay, float)
    v.weight_decay = None
    assert _record(v).weight_decay is None
