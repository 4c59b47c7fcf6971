"""Regularizers: values and gradients against independent numpy formulas, TF1's
validation, sum_regularizer / apply_regularization, REGULARIZATION_LOSSES, and
the seed programs' regularization code (seeds 001 and 002)."""

import warnings

import numpy as np
import pytest

import slimcore as sc
from gradcheck import check_gradients
from slimcore import regularizers as reg
from slimcore.ops import nn_ops

REG = sc.GraphKeys.REGULARIZATION_LOSSES

RNG = np.random.default_rng(20240601)
W = RNG.uniform(0.1, 1.0, size=(5, 7)) * RNG.choice([-1.0, 1.0], size=(5, 7))  # no zeros


# Independent formulas (docs/SEMANTICS.md section 4).
def np_l1(s, w):
    return s * np.sum(np.abs(w))


def np_l2_tf(s, w):
    return s * np.sum(w**2) / 2.0


def np_l2_keras(factor, w):
    return factor * np.sum(w**2)


def run(t, feed=None):
    with sc.Session() as sess:
        return sess.run(t, feed)


def penalty_and_grad(regularizer, w=W, dtype=sc.float64):
    x = sc.placeholder(dtype, w.shape)
    p = regularizer(x)
    (g,) = sc.gradients(p, [x])
    return run([p, g], {x: w.astype(dtype.as_numpy_dtype)})


CASES = [
    # (regularizer, penalty formula, gradient formula)
    (lambda: reg.l1_regularizer(0.3), lambda w: np_l1(0.3, w), lambda w: 0.3 * np.sign(w)),
    (lambda: reg.l2_regularizer(0.3), lambda w: np_l2_tf(0.3, w), lambda w: 0.3 * w),
    (
        lambda: reg.l1_l2_regularizer(0.3, 0.7),
        lambda w: np_l1(0.3, w) + np_l2_tf(0.7, w),
        lambda w: 0.3 * np.sign(w) + 0.7 * w,
    ),
    (lambda: reg.keras_l1(0.3), lambda w: np_l1(0.3, w), lambda w: 0.3 * np.sign(w)),
    (lambda: reg.keras_l2(0.3), lambda w: np_l2_keras(0.3, w), lambda w: 2 * 0.3 * w),
    (
        lambda: reg.keras_l1_l2(0.3, 0.7),
        lambda w: np_l1(0.3, w) + np_l2_keras(0.7, w),
        lambda w: 0.3 * np.sign(w) + 2 * 0.7 * w,
    ),
    (lambda: reg.l1(), lambda w: np_l1(0.01, w), lambda w: 0.01 * np.sign(w)),
    (lambda: reg.l2(), lambda w: np_l2_keras(0.01, w), lambda w: 0.02 * w),
    (lambda: reg.l1_l2(), lambda w: np_l1(0.01, w) + np_l2_keras(0.01, w), lambda w: 0.01 * np.sign(w) + 0.02 * w),
    (lambda: reg.L1(0.2), lambda w: np_l1(0.2, w), lambda w: 0.2 * np.sign(w)),
    (lambda: reg.L2(0.2), lambda w: np_l2_keras(0.2, w), lambda w: 0.4 * w),
    (lambda: reg.L1L2(l2=0.2), lambda w: np_l2_keras(0.2, w), lambda w: 0.4 * w),
]
IDS = [
    "l1",
    "l2",
    "l1_l2",
    "keras_l1",
    "keras_l2",
    "keras_l1_l2",
    "l1_default",
    "l2_default",
    "l1_l2_default",
    "L1",
    "L2",
    "L1L2",
]


@pytest.mark.parametrize("make, penalty, grad", CASES, ids=IDS)
def test_value_and_gradient_float64(make, penalty, grad):
    p, g = penalty_and_grad(make())
    assert p.dtype == np.float64 and p.shape == ()
    assert p == pytest.approx(penalty(W), rel=1e-12)
    np.testing.assert_allclose(g, grad(W), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("make, penalty, grad", CASES, ids=IDS)
def test_value_and_gradient_float32(make, penalty, grad):
    w32 = W.astype(np.float32)
    p, g = penalty_and_grad(make(), w32, sc.float32)
    assert p.dtype == np.float32
    assert p == pytest.approx(penalty(w32.astype(np.float64)), rel=1e-6)
    np.testing.assert_allclose(g, grad(w32.astype(np.float64)), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("make", [c[0] for c in CASES], ids=IDS)
def test_gradient_matches_finite_differences(make):
    check_gradients(lambda x: make()(x), [W.copy()])


def test_keras_l2_is_exactly_twice_tf_l2():
    tf_p, tf_g = penalty_and_grad(reg.l2_regularizer(0.05))
    k_p, k_g = penalty_and_grad(reg.keras_l2(0.05))
    assert k_p / tf_p == pytest.approx(2.0, rel=1e-14)
    np.testing.assert_allclose(k_g, 2 * tf_g, rtol=1e-14)


def test_tf_l2_is_scale_times_nn_l2_loss():
    x = sc.placeholder(sc.float64, W.shape)
    a, b = run([reg.l2_regularizer(0.25)(x), 0.25 * nn_ops.l2_loss(x)], {x: W})
    assert a == pytest.approx(b, rel=1e-14)


def test_penalty_of_a_variable_and_of_numpy():
    v = sc.Variable(W, name="w")
    p = reg.l2_regularizer(0.5)(v)
    q = reg.l1_regularizer(0.5)(W)
    with sc.Session() as sess:
        sess.run(v.initializer)
        pv, qv = sess.run([p, q])
    assert pv == pytest.approx(np_l2_tf(0.5, W), rel=1e-12)
    assert qv == pytest.approx(np_l1(0.5, W), rel=1e-12)


# ---- tensor scales ------------------------------------------------------------------------------
def test_seed_001_constant_tensor_scale_in_get_variable():
    # Seed 001, answer 1, as written.
    weight_decay = sc.constant(0.0005, dtype=sc.float32)
    w = sc.get_variable(name="weight", shape=[4, 4, 256, 512], regularizer=reg.l2_regularizer(weight_decay))
    (loss,) = sc.get_collection(REG)
    assert loss.name == "weight/Regularizer/l2_regularizer:0"
    with sc.Session() as sess:
        sess.run(w.initializer)
        wv, lv = sess.run([w, loss])
    assert lv == pytest.approx(np_l2_tf(0.0005, wv.astype(np.float64)), rel=1e-5)


def test_placeholder_scale_is_read_at_run_time():
    scale = sc.placeholder(sc.float64, [])
    r = reg.l2_regularizer(scale)
    assert r.scale is scale and scale.name in repr(r)
    x = sc.constant(W)
    p = r(x)
    assert run(p, {scale: 0.1}) == pytest.approx(np_l2_tf(0.1, W), rel=1e-12)
    assert run(p, {scale: 0.0}) == 0.0


def test_tensor_scale_dtype_must_match_the_weights():
    with pytest.raises(TypeError):
        reg.l2_regularizer(sc.constant(0.1))(sc.constant(W))  # float32 scale, float64 weights


# ---- TF1 validation ------------------------------------------------------------------------------
@pytest.mark.parametrize("factory", [reg.l1_regularizer, reg.l2_regularizer])
@pytest.mark.parametrize("scale", [1, 0, np.int64(2), True])
def test_integer_scale_raises(factory, scale):
    with pytest.raises(ValueError, match="integer"):
        factory(scale)


@pytest.mark.parametrize("factory", [reg.l1_regularizer, reg.l2_regularizer])
@pytest.mark.parametrize("scale", [-0.1, float("nan")])
def test_negative_or_nan_scale_raises(factory, scale):
    with pytest.raises(ValueError, match="less than 0"):
        factory(scale)


def test_non_numeric_scale_raises_type_error():
    with pytest.raises(TypeError):
        reg.l2_regularizer("0.1")


@pytest.mark.parametrize(
    "s1, s2, message",
    [
        (1, 0.5, "cannot be an integer: 1"),
        (0.5, 1, "cannot be an integer: 1"),
        (-0.5, 0.5, "less than 0"),
        (0.5, -0.5, "less than 0"),
    ],
)
def test_l1_l2_validation(s1, s2, message):
    with pytest.raises(ValueError, match=f"l1_l2_regularizer: .*{message}"):
        reg.l1_l2_regularizer(s1, s2)


@pytest.mark.parametrize(
    "factory, kind", [(reg.l1_regularizer, "l1_regularizer"), (reg.l2_regularizer, "l2_regularizer")]
)
def test_zero_scale_returns_none_but_reports_itself_and_warns(factory, kind):
    with pytest.warns(UserWarning, match="disables regularization"):
        r = factory(0.0)
    assert r(sc.constant(W)) is None
    assert r.kind == kind and r.scale == 0.0
    assert kind in repr(r) and "0.0" in repr(r)


def test_zero_scale_regularizer_adds_nothing_in_get_variable():
    with pytest.warns(UserWarning, match="scale 0 disables regularization"):
        zero = reg.l2_regularizer(0.0)
    v = sc.get_variable("v", [3], regularizer=zero)
    assert sc.get_collection(REG) == [] and v.regularization_loss is None


def test_nonzero_scales_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        reg.l2_regularizer(0.1)
        reg.l1_l2_regularizer(0.1, 0.2)
        reg.keras_l2(0.0)


def test_l1_l2_with_one_zero_scale_is_the_single_regularizer():
    x = sc.placeholder(sc.float64, W.shape)
    only_l2 = reg.l1_l2_regularizer(0.0, 0.5)
    only_l1 = reg.l1_l2_regularizer(0.3, 0.0)
    assert only_l2.kind == "l2_regularizer" and only_l2.scale == 0.5
    assert only_l1.kind == "l1_regularizer" and only_l1.scale == 0.3
    p2, p1 = only_l2(x), only_l1(x)
    assert p2.op.name == "l1_l2_regularizer" and p1.op.name == "l1_l2_regularizer_1"  # TF's scope
    v2, v1 = run([p2, p1], {x: W})
    assert v2 == pytest.approx(np_l2_tf(0.5, W), rel=1e-12)
    assert v1 == pytest.approx(np_l1(0.3, W), rel=1e-12)
    with pytest.warns(UserWarning, match="scale 0 disables regularization"):
        assert reg.l1_l2_regularizer(0.0, 0.0)(x) is None


def test_l1_l2_reports_both_scales():
    r = reg.l1_l2_regularizer(0.3, 0.7)
    assert r.kind == "l1_l2_regularizer" and r.scale == (0.3, 0.7)
    assert "0.3 * sum|w|" in repr(r) and "0.7 * sum(w^2) / 2" in repr(r)


def test_conventions_are_visible():
    tf_l2, k_l2 = reg.l2_regularizer(0.1), reg.keras_l2(0.1)
    assert tf_l2.half and not k_l2.half
    assert tf_l2.convention == reg.HALF and k_l2.convention == reg.FULL
    assert "0.1 * sum(w^2) / 2" in repr(tf_l2)
    assert "0.1 * sum(w^2)" in repr(k_l2) and "/ 2" not in repr(k_l2)


def test_penalty_op_names():
    x = sc.constant(W)
    assert reg.l2_regularizer(0.1)(x).op.name == "l2_regularizer"
    assert reg.l2_regularizer(0.1, scope="wd")(x).op.name == "wd"
    assert reg.l2_regularizer(0.1)(x, name="decay").op.name == "decay"
    assert reg.l1_regularizer(0.1)(x).op.name == "l1_regularizer"


# ---- Keras validation and zero factors -----------------------------------------------------------
@pytest.mark.parametrize("bad", [-0.01, float("inf"), float("nan"), "0.01", None])
@pytest.mark.parametrize("factory", [reg.keras_l1, reg.keras_l2, reg.L2, reg.l2])
def test_keras_factor_validation(factory, bad):
    with pytest.raises(ValueError, match="non-negative"):
        factory(bad)


def test_keras_accepts_integers():
    assert reg.keras_l2(1).l2 == 1.0


def test_keras_zero_factor_gives_a_zero_penalty_not_none():
    x = sc.constant(W)
    for r in (reg.keras_l2(0.0), reg.keras_l1(0.0), reg.L1L2()):
        p = r(x)
        assert p is not None
        assert run(p) == 0.0


# ---- sum_regularizer ------------------------------------------------------------------------------
def test_sum_regularizer_drops_none_members():
    s = reg.sum_regularizer([reg.l1_regularizer(0.1), None, reg.l2_regularizer(0.2)])
    x = sc.placeholder(sc.float64, W.shape)
    p = s(x)
    assert p.op.name == "sum_regularizer"
    assert run(p, {x: W}) == pytest.approx(np_l1(0.1, W) + np_l2_tf(0.2, W), rel=1e-12)
    (g,) = sc.gradients(p, [x])
    np.testing.assert_allclose(run(g, {x: W}), 0.1 * np.sign(W) + 0.2 * W, rtol=1e-12)


def test_sum_regularizer_skips_members_returning_none():
    with pytest.warns(UserWarning, match="scale 0 disables regularization"):
        zero = reg.l2_regularizer(0.0)
    x = sc.constant(W)
    assert run(reg.sum_regularizer([reg.l1_regularizer(0.1), zero])(x)) == pytest.approx(np_l1(0.1, W), rel=1e-12)
    assert reg.sum_regularizer([zero])(x) is None


def test_sum_regularizer_of_nothing_is_none():
    assert reg.sum_regularizer([]) is None
    assert reg.sum_regularizer([None, None]) is None


def test_sum_regularizer_rejects_non_callables():
    with pytest.raises(TypeError, match="not callable"):
        reg.sum_regularizer([reg.l2_regularizer(0.1), 0.1])


# ---- apply_regularization -------------------------------------------------------------------------
def test_apply_regularization_adds_one_summed_scalar():
    a = sc.Variable(W, name="a")
    b = sc.Variable(W[:2] * 3.0, name="b")
    total = reg.apply_regularization(reg.l2_regularizer(0.1), [a, b])
    assert sc.get_collection(REG) == [total]
    assert total.name == "get_regularization_penalty:0" and total.shape.ndims == 0
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())
        value = sess.run(total)
    assert value == pytest.approx(np_l2_tf(0.1, W) + np_l2_tf(0.1, W[:2] * 3.0), rel=1e-12)


def test_apply_regularization_gradient():
    x = sc.placeholder(sc.float64, W.shape)
    y = sc.placeholder(sc.float64, [3])
    total = reg.apply_regularization(reg.keras_l2(0.5), [x, y])
    gx, gy = sc.gradients(total, [x, y])
    yv = np.array([1.0, -2.0, 3.0])
    gxv, gyv = run([gx, gy], {x: W, y: yv})
    np.testing.assert_allclose(gxv, 2 * 0.5 * W, rtol=1e-12)
    np.testing.assert_allclose(gyv, 2 * 0.5 * yv, rtol=1e-12)


def test_apply_regularization_defaults_to_the_weights_collection():
    w = sc.Variable(W, name="w")
    sc.Variable(np.ones(3), name="not_in_weights")
    sc.add_to_collection(sc.GraphKeys.WEIGHTS, w)
    total = reg.apply_regularization(reg.l1_regularizer(0.2))
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())
        assert sess.run(total) == pytest.approx(np_l1(0.2, W), rel=1e-12)


def test_apply_regularization_without_weights_raises():
    sc.get_variable("v", [2])  # not in GraphKeys.WEIGHTS
    with pytest.raises(ValueError, match=r"^No weights to regularize\.$"):
        reg.apply_regularization(reg.l2_regularizer(0.1))
    with pytest.raises(ValueError, match="No weights to regularize"):
        reg.apply_regularization(reg.l2_regularizer(0.1), [])


def test_apply_regularization_counts_none_penalties_as_zero():
    with pytest.warns(UserWarning, match="scale 0 disables regularization"):
        zero = reg.l2_regularizer(0.0)
    x = sc.constant(W)
    total = reg.apply_regularization(zero, [x])
    assert run(total) == 0.0 and total.dtype == sc.float64
    assert sc.get_collection(REG) == [total]


def test_apply_regularization_rejects_non_scalar_penalties():
    with pytest.raises(ValueError, match="scalar Tensor instead of a Tensor with rank 2"):
        reg.apply_regularization(lambda w: w * 2.0, [sc.constant(W)])
    assert sc.get_collection(REG) == []


def test_apply_regularization_rejects_a_missing_regularizer():
    with pytest.raises(TypeError, match="callable"):
        reg.apply_regularization(reg.sum_regularizer([]), [sc.constant(W)])


def test_manual_weight_decay_equals_apply_regularization():
    # The last answer of seed 002, against apply_regularization.
    sc.get_variable("w1", [6, 4])
    sc.get_variable("w2", [4, 2])
    weight_decay = 0.001
    manual = weight_decay * sc.add_n([nn_ops.l2_loss(sc.cast(v, sc.float32)) for v in sc.trainable_variables()])
    applied = reg.apply_regularization(reg.l2_regularizer(weight_decay), sc.trainable_variables())
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())
        m, a, (w1, w2) = sess.run([manual, applied, sc.trainable_variables()])
    expected = np_l2_tf(weight_decay, w1.astype(np.float64)) + np_l2_tf(weight_decay, w2.astype(np.float64))
    assert m == pytest.approx(expected, rel=1e-5) and a == pytest.approx(expected, rel=1e-5)


# ---- get_variable and the REGULARIZATION_LOSSES collection -------------------------------------
def test_scope_regularizer_applies_to_every_get_variable():
    # Seed 002, answer 0, method 2.
    with sc.variable_scope("x", regularizer=reg.l2_regularizer(0.1)):
        var1 = sc.get_variable(name="v1", shape=[1], dtype=sc.float32)
        var2 = sc.get_variable(name="v2", shape=[1], dtype=sc.float32)
        with sc.variable_scope("inner"):
            var3 = sc.get_variable(name="v3", shape=[2, 2])
        var4 = sc.get_variable(name="b", shape=[2], regularizer=sc.no_regularizer)
    reg_losses = sc.get_collection(REG)
    assert [t.name for t in reg_losses] == [
        "x/v1/Regularizer/l2_regularizer:0",
        "x/v2/Regularizer/l2_regularizer:0",
        "x/inner/v3/Regularizer/l2_regularizer:0",
    ]
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())
        losses, vs = sess.run([reg_losses, [var1, var2, var3, var4]])
    for loss, v in zip(losses, vs):
        assert loss == pytest.approx(np_l2_tf(0.1, v.astype(np.float64)), rel=1e-5)
    assert sc.get_collection(REG, "x/inner") == [reg_losses[2]]


def test_keras_regularizer_in_get_variable_doubles_the_penalty():
    a = sc.get_variable(
        "a", [3, 3], initializer=sc.constant_initializer(W[:3, :3].ravel()), regularizer=reg.l2_regularizer(0.05)
    )
    b = sc.get_variable(
        "b", [3, 3], initializer=sc.constant_initializer(W[:3, :3].ravel()), regularizer=reg.keras_l2(0.05)
    )
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())
        pa, pb = sess.run([a.regularization_loss, b.regularization_loss])
    assert b.regularization_loss.name == "b/Regularizer/add:0"  # Keras' ops, as TF1
    assert pb == pytest.approx(2 * pa, rel=1e-6)


def test_seed_002_apply_regularization_to_a_tf_variable_and_get_variable():
    # Seed 002, answer 0, method 1.
    var1 = sc.get_variable(name="v1", shape=[1], dtype=sc.float32)
    var2 = sc.Variable(name="v2", initial_value=1.0, dtype=sc.float32)
    regularizer = reg.l1_regularizer(0.1)
    reg_term = reg.apply_regularization(regularizer, [var1, var2])
    assert reg_term.shape.ndims == 0
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())
        v1, term = sess.run([var1, reg_term])
    assert term == pytest.approx(0.1 * (abs(v1[0]) + 1.0), rel=1e-6)


def test_seed_002_answer_3_regularizes_the_penalties_themselves():
    """The answer applies apply_regularization to the REGULARIZATION_LOSSES
    tensors: that is regularizer(penalty), not the sum of the penalties."""
    regularizer = reg.l2_regularizer(scale=0.1)
    weights = sc.get_variable(name="weights", shape=[4, 3], regularizer=regularizer)
    reg_variables = sc.get_collection(REG)
    reg_term = reg.apply_regularization(regularizer, reg_variables)
    assert sc.get_collection(REG) == reg_variables + [reg_term]
    with sc.Session() as sess:
        sess.run(weights.initializer)
        w, penalty, term = sess.run([weights, reg_variables[0], reg_term])
    expected_penalty = np_l2_tf(0.1, w.astype(np.float64))
    assert penalty == pytest.approx(expected_penalty, rel=1e-6)
    assert term == pytest.approx(0.1 * expected_penalty**2 / 2, rel=1e-5)
    assert term != pytest.approx(penalty)


def test_activity_regularization_added_by_hand():
    # Seed 002: a regularizer applied to an activation, added to the collection.
    x = sc.placeholder(sc.float64, [4, 3])
    regularizer = reg.l2_regularizer(0.1)
    y = sc.sigmoid(x)
    act_reg = regularizer(y)
    sc.add_to_collection(sc.GraphKeys.REGULARIZATION_LOSSES, act_reg)
    assert sc.get_collection(REG) == [act_reg]
    total = sc.add_n(sc.get_collection(REG))
    (gx,) = sc.gradients(total, [x])
    xv = RNG.standard_normal((4, 3))
    value, grad = run([total, gx], {x: xv})
    yv = 1 / (1 + np.exp(-xv))
    assert value == pytest.approx(np_l2_tf(0.1, yv), rel=1e-12)
    np.testing.assert_allclose(grad, 0.1 * yv * yv * (1 - yv), rtol=1e-10)
