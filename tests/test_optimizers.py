"""Optimizers: trajectories against independent numpy implementations of
TF1's (and TF contrib's) update rules, docs/SEMANTICS.md section 6, with its setup
(p0 = [1, -0.5, 0.25, 2, -1.5], lr 0.1, five gradient vectors whose
coordinate 2 is ~1e-3 so epsilon matters and coordinate 4 is always 0 so only
weight decay moves it); slots, per-variable hints, decay conventions, L2
regularization vs decoupled decay, and the API's error paths.
"""

import math
import warnings

import numpy as np
import pytest

import slimcore as tf
import slimcore.slim as slim
from slimcore import errors, regularizers

P0 = np.array([1.0, -0.5, 0.25, 2.0, -1.5])
GRADS = np.array(
    [
        [0.30, -0.20, 1.0e-3, 0.50, 0.0],
        [-0.10, 0.40, -2.0e-3, 0.20, 0.0],
        [0.25, -0.30, 1.5e-3, -0.40, 0.0],
        [0.05, 0.10, -1.0e-3, 0.30, 0.0],
        [-0.20, 0.15, 1.2e-3, 0.10, 0.0],
    ]
)
LR = 0.1
STEPS = len(GRADS)
# Cosine schedule of docs/SEMANTICS.md section 6.5: lr_t = 0.1 * (1 + cos(pi t / 5)) / 2, t = 0..4.
COSINE_LRS = [LR * 0.5 * (1 + math.cos(math.pi * t / STEPS)) for t in range(STEPS)]


# ---- independent numpy implementations (float64) -----------------------------------------
# Each returns the parameters after every step and the final slots. `shrink[t]`
# is the decoupled decay fraction of step t (p <- p - shrink[t] p, before the
# update, whose gradient is the one given: computed at the undecayed point).
def _lrs(lr, n):
    return list(lr) if isinstance(lr, (list, tuple)) else [lr] * n


def _shrinks(shrink, n):
    return [0.0] * n if shrink is None else _lrs(shrink, n)


def np_sgd(p, grads, lr, shrink=None):
    p, out = p.copy(), []
    for g, a, d in zip(grads, _lrs(lr, len(grads)), _shrinks(shrink, len(grads))):
        p = p - d * p
        p = p - a * g
        out.append(p)
    return np.array(out), {}


def np_momentum(p, grads, lr, mu, nesterov=False, shrink=None):
    p, acc, out = p.copy(), np.zeros_like(p), []
    for g, a, d in zip(grads, _lrs(lr, len(grads)), _shrinks(shrink, len(grads))):
        p = p - d * p
        acc = mu * acc + g
        p = p - a * (g + mu * acc) if nesterov else p - a * acc
        out.append(p)
    return np.array(out), {"momentum": acc}


def np_adam(p, grads, lr, b1=0.9, b2=0.999, eps=1e-8, shrink=None):
    """TF1: eps-hat added to the uncorrected sqrt(v)."""
    p, m, v, out = p.copy(), np.zeros_like(p), np.zeros_like(p), []
    for t, (g, a, d) in enumerate(zip(grads, _lrs(lr, len(grads)), _shrinks(shrink, len(grads))), 1):
        p = p - d * p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p = p - a * math.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)
        out.append(p)
    return np.array(out), {"m": m, "v": v}


def np_adam_torch(p, grads, lr, b1=0.9, b2=0.999, eps=1e-8, shrink=None):
    """PyTorch: eps added to the bias-corrected sqrt(v_hat) (only to show the difference)."""
    p, m, v, out = p.copy(), np.zeros_like(p), np.zeros_like(p), []
    for t, (g, a, d) in enumerate(zip(grads, _lrs(lr, len(grads)), _shrinks(shrink, len(grads))), 1):
        p = p - d * p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p = p - a / (1 - b1**t) * m / (np.sqrt(v) / math.sqrt(1 - b2**t) + eps)
        out.append(p)
    return np.array(out), {}


def np_rmsprop(p, grads, lr, rho=0.9, mu=0.0, eps=1e-10, centered=False, shrink=None):
    """TF1: rms starts at 1, eps inside the sqrt, lr inside the momentum."""
    p, ms, mg, mom, out = p.copy(), np.ones_like(p), np.zeros_like(p), np.zeros_like(p), []
    for g, a, d in zip(grads, _lrs(lr, len(grads)), _shrinks(shrink, len(grads))):
        p = p - d * p
        ms = rho * ms + (1 - rho) * g * g
        denom = ms
        if centered:
            mg = rho * mg + (1 - rho) * g
            denom = ms - mg * mg
        mom = mu * mom + a * g / np.sqrt(denom + eps)
        p = p - mom
        out.append(p)
    slots = {"rms": ms, "momentum": mom}
    if centered:
        slots["mg"] = mg
    return np.array(out), slots


def np_adagrad(p, grads, lr, init=0.1, shrink=None):
    p, acc, out = p.copy(), np.full_like(p, init), []
    for g, a, d in zip(grads, _lrs(lr, len(grads)), _shrinks(shrink, len(grads))):
        p = p - d * p
        acc = acc + g * g
        p = p - a * g / np.sqrt(acc)
        out.append(p)
    return np.array(out), {"accumulator": acc}


# ---- running slimcore --------------------------------------------------------------------
def trajectory(make_opt, grads=GRADS, p0=P0, feeds=None, **apply_kwargs):
    """Applies grads[t] (fed) for every t; returns (params after each step, final
    slots by name, the optimizer, the variable)."""
    w = tf.Variable(p0.astype(np.float32), name="w")
    g = tf.placeholder(tf.float32, [len(p0)], name="g")
    opt = make_opt()
    train = opt.apply_gradients([(g, w)], **apply_kwargs)
    out = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for t, grad in enumerate(grads):
            feed = {g: grad.astype(np.float32)}
            if feeds is not None:
                feed.update(feeds(t))
            sess.run(train, feed)
            out.append(sess.run(w))
        slots = {name: sess.run(opt.get_slot(w, name)) for name in opt.get_slot_names()}
    return np.array(out), slots, opt, w


TRAJECTORIES = {
    "sgd": (lambda: tf.train.GradientDescentOptimizer(LR), lambda: np_sgd(P0, GRADS, LR)),
    "momentum": (lambda: tf.train.MomentumOptimizer(LR, 0.9), lambda: np_momentum(P0, GRADS, LR, 0.9)),
    "nesterov": (
        lambda: tf.train.MomentumOptimizer(LR, 0.9, use_nesterov=True),
        lambda: np_momentum(P0, GRADS, LR, 0.9, nesterov=True),
    ),
    "adam": (lambda: tf.train.AdamOptimizer(LR), lambda: np_adam(P0, GRADS, LR)),
    "adam_eps1e-3": (lambda: tf.train.AdamOptimizer(LR, epsilon=1e-3), lambda: np_adam(P0, GRADS, LR, eps=1e-3)),
    "adam_betas": (
        lambda: tf.train.AdamOptimizer(LR, beta1=0.5, beta2=0.9),
        lambda: np_adam(P0, GRADS, LR, b1=0.5, b2=0.9),
    ),
    "rmsprop": (lambda: tf.train.RMSPropOptimizer(LR), lambda: np_rmsprop(P0, GRADS, LR)),
    "rmsprop_momentum": (
        lambda: tf.train.RMSPropOptimizer(LR, decay=0.8, momentum=0.7, epsilon=1e-6),
        lambda: np_rmsprop(P0, GRADS, LR, rho=0.8, mu=0.7, eps=1e-6),
    ),
    "rmsprop_centered": (
        lambda: tf.train.RMSPropOptimizer(LR, momentum=0.5, centered=True),
        lambda: np_rmsprop(P0, GRADS, LR, mu=0.5, centered=True),
    ),
    "adagrad": (lambda: tf.train.AdagradOptimizer(LR), lambda: np_adagrad(P0, GRADS, LR)),
    "adagrad_init": (
        lambda: tf.train.AdagradOptimizer(LR, initial_accumulator_value=0.01),
        lambda: np_adagrad(P0, GRADS, LR, init=0.01),
    ),
    # TF contrib's decoupled decay: p <- p - wd p, not scaled by the learning rate.
    "adamw": (lambda: tf.train.AdamWOptimizer(0.01, LR), lambda: np_adam(P0, GRADS, LR, shrink=0.01)),
    "momentumw": (
        lambda: tf.train.MomentumWOptimizer(0.01, LR, 0.9),
        lambda: np_momentum(P0, GRADS, LR, 0.9, shrink=0.01),
    ),
    "momentumw_nesterov": (
        lambda: tf.train.MomentumWOptimizer(0.01, LR, 0.9, use_nesterov=True),
        lambda: np_momentum(P0, GRADS, LR, 0.9, nesterov=True, shrink=0.01),
    ),
    "sgdw": (
        lambda: tf.train.extend_with_decoupled_weight_decay(tf.train.GradientDescentOptimizer)(0.02, LR),
        lambda: np_sgd(P0, GRADS, LR, shrink=0.02),
    ),
    "rmspropw": (
        lambda: tf.train.extend_with_decoupled_weight_decay(tf.train.RMSPropOptimizer)(0.02, LR, centered=True),
        lambda: np_rmsprop(P0, GRADS, LR, centered=True, shrink=0.02),
    ),
    "adagradw": (
        lambda: tf.train.extend_with_decoupled_weight_decay(tf.train.AdagradOptimizer)(0.02, LR),
        lambda: np_adagrad(P0, GRADS, LR, shrink=0.02),
    ),
}


@pytest.mark.parametrize("case", sorted(TRAJECTORIES))
def test_trajectory_matches_numpy(case):
    make_opt, reference = TRAJECTORIES[case]
    got, slots, _, _ = trajectory(make_opt)
    want, want_slots = reference()
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=2e-7)
    assert sorted(slots) == sorted(want_slots)
    for name, value in want_slots.items():
        np.testing.assert_allclose(slots[name], value, rtol=2e-5, atol=1e-9, err_msg=name)


def test_every_case_moves_the_weights():
    # The cases above are not vacuous: each trajectory leaves p0 and differs from plain SGD.
    sgd, _ = np_sgd(P0, GRADS, LR)
    for case, (_, reference) in TRAJECTORIES.items():
        want, _ = reference()
        assert np.abs(want[-1] - P0).max() > 0.05, case
        if case != "sgd":
            assert np.abs(want - sgd).max() > 1e-3, case


def test_decayed_zero_gradient_coordinate_matches_semantics():
    # docs/SEMANTICS.md section 6.4: contrib AdamW(wd=0.01) moves the g=0 coordinate to -1.42648508.
    got, _, _, _ = trajectory(lambda: tf.train.AdamWOptimizer(0.01, LR))
    assert got[-1, 4] == pytest.approx(-1.42648508, abs=1e-6)
    plain, _, _, _ = trajectory(lambda: tf.train.AdamOptimizer(LR))
    assert plain[-1, 4] == -1.5


def test_adam_uses_epsilon_hat_not_torch_placement():
    # eps = 1e-3 with |g| ~ 1e-3 makes the placement visible (docs/SEMANTICS.md trap 8.7).
    got, _, _, _ = trajectory(lambda: tf.train.AdamOptimizer(LR, epsilon=1e-3))
    tf1, _ = np_adam(P0, GRADS, LR, eps=1e-3)
    torch_like, _ = np_adam_torch(P0, GRADS, LR, eps=1e-3)
    np.testing.assert_allclose(got, tf1, rtol=2e-6, atol=2e-7)
    gap = np.abs(got - torch_like).max()
    assert gap > 0.04, gap  # docs/SEMANTICS.md: 0.051 with its gradients
    # The conversion eps_hat = eps * sqrt(1 - b2^t) would make them agree: not what TF1 does.
    assert np.abs(tf1 - torch_like)[:, 2].max() > 0.01


def test_rmsprop_rms_starts_at_one_and_adagrad_at_initial_value():
    w = tf.Variable(P0.astype(np.float32), name="w")
    v = tf.Variable(P0.astype(np.float32), name="v")
    rms = tf.train.RMSPropOptimizer(LR, centered=True)
    ada = tf.train.AdagradOptimizer(LR, initial_accumulator_value=0.25)
    rms.minimize(tf.reduce_sum(w * w), var_list=[w])
    ada.minimize(tf.reduce_sum(v * v), var_list=[v])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(rms.get_slot(w, "rms")), np.ones(5, np.float32))
        np.testing.assert_array_equal(sess.run(rms.get_slot(w, "mg")), np.zeros(5, np.float32))
        np.testing.assert_array_equal(sess.run(rms.get_slot(w, "momentum")), np.zeros(5, np.float32))
        np.testing.assert_array_equal(sess.run(ada.get_slot(v, "accumulator")), np.full(5, 0.25, np.float32))


def test_rmsprop_differs_from_torch_rmsprop():
    # docs/SEMANTICS.md trap 8.8: rms starting at 0, eps outside the sqrt gives another algorithm.
    got, _, _, _ = trajectory(lambda: tf.train.RMSPropOptimizer(LR, decay=0.99, epsilon=1e-8))
    p, sq = P0.copy(), np.zeros(5)
    for g in GRADS:
        sq = 0.99 * sq + 0.01 * g * g
        p = p - LR * g / (np.sqrt(sq) + 1e-8)
    assert np.abs(got[-1] - p).max() > 0.3


@pytest.mark.parametrize("bad", [0.0, -0.1, float("nan")])
def test_adagrad_initial_accumulator_must_be_positive(bad):
    with pytest.raises(ValueError, match="initial_accumulator_value"):
        tf.train.AdagradOptimizer(LR, initial_accumulator_value=bad)


# ---- slots -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make_opt, names, var_names",
    [
        (lambda: tf.train.MomentumOptimizer(LR, 0.9), ["momentum"], {"momentum": "w/Momentum:0"}),
        (lambda: tf.train.AdamOptimizer(LR), ["m", "v"], {"m": "w/Adam:0", "v": "w/Adam_1:0"}),
        (
            lambda: tf.train.RMSPropOptimizer(LR),
            ["momentum", "rms"],
            {"rms": "w/RMSProp:0", "momentum": "w/RMSProp_1:0"},
        ),
        (
            lambda: tf.train.RMSPropOptimizer(LR, centered=True),
            ["mg", "momentum", "rms"],
            {"rms": "w/RMSProp:0", "mg": "w/RMSProp_1:0", "momentum": "w/RMSProp_2:0"},
        ),
        (lambda: tf.train.AdagradOptimizer(LR), ["accumulator"], {"accumulator": "w/Adagrad:0"}),
        (lambda: tf.train.GradientDescentOptimizer(LR), [], {}),
        (lambda: tf.train.AdamWOptimizer(0.01, LR), ["m", "v"], {"m": "w/AdamW:0", "v": "w/AdamW_1:0"}),
    ],
)
def test_slot_names_are_tf1s(make_opt, names, var_names):
    w = tf.Variable(P0.astype(np.float32), name="w")
    other = tf.Variable(P0.astype(np.float32), name="other")
    opt = make_opt()
    opt.minimize(tf.reduce_sum(w * w), var_list=[w])
    assert opt.get_slot_names() == names
    for slot, var_name in var_names.items():
        s = opt.get_slot(w, slot)
        assert s.name == var_name
        assert s.shape.as_list() == [5]
        assert not s.trainable
        assert s not in tf.trainable_variables()
        assert s in tf.global_variables()
        assert opt.get_slot(other, slot) is None  # not optimized by this op
    assert opt.get_slot(w, "no_such_slot") is None


def test_adam_beta_powers_advance_per_step():
    w = tf.Variable(P0.astype(np.float32), name="w")
    opt = tf.train.AdamOptimizer(LR, beta1=0.8, beta2=0.95)
    train = opt.minimize(tf.reduce_sum(w * w))
    b1p, b2p = opt._get_beta_accumulators()
    assert b1p.name == "beta1_power:0" and b2p.name == "beta2_power:0"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for t in range(1, 4):
            assert sess.run(b1p) == pytest.approx(0.8**t, rel=1e-6)
            assert sess.run(b2p) == pytest.approx(0.95**t, rel=1e-6)
            sess.run(train)


def test_two_variables_share_one_fused_step():
    # Two variables of different sizes in one train op, each against numpy.
    rng = np.random.default_rng(3)
    a0, b0 = rng.normal(size=(37, 3)), rng.normal(size=11)
    ga, gb = rng.normal(size=(STEPS, 37, 3)), rng.normal(size=(STEPS, 11))
    a = tf.Variable(a0.astype(np.float32), name="a")
    b = tf.Variable(b0.astype(np.float32), name="b")
    pa, pb = tf.placeholder(tf.float32, [37, 3]), tf.placeholder(tf.float32, [11])
    train = tf.train.AdamOptimizer(LR).apply_gradients([(pa, a), (pb, b)])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for t in range(STEPS):
            sess.run(train, {pa: ga[t].astype(np.float32), pb: gb[t].astype(np.float32)})
        got_a, got_b = sess.run([a, b])
    np.testing.assert_allclose(
        got_a, np_adam(a0.ravel(), ga.reshape(STEPS, -1), LR)[0][-1].reshape(37, 3), rtol=2e-5, atol=2e-6
    )
    np.testing.assert_allclose(got_b, np_adam(b0, gb, LR)[0][-1], rtol=2e-5, atol=2e-6)


AWKWARD = {
    "momentumw": (
        lambda: tf.train.MomentumWOptimizer(0.01, LR, 0.9),
        lambda p0, grads: np_momentum(p0, grads, LR, 0.9, shrink=0.01),
    ),
    "nesterov": (
        lambda: tf.train.MomentumOptimizer(LR, 0.9, use_nesterov=True),
        lambda p0, grads: np_momentum(p0, grads, LR, 0.9, nesterov=True),
    ),
    "adamw": (
        lambda: tf.train.AdamWOptimizer(0.01, LR, epsilon=1e-3),
        lambda p0, grads: np_adam(p0, grads, LR, eps=1e-3, shrink=0.01),
    ),
    "rmsprop_centered": (
        lambda: tf.train.RMSPropOptimizer(LR, momentum=0.5, centered=True),
        lambda p0, grads: np_rmsprop(p0, grads, LR, mu=0.5, centered=True),
    ),
    "adagrad": (lambda: tf.train.AdagradOptimizer(LR), lambda p0, grads: np_adagrad(p0, grads, LR)),
    "sgd": (lambda: tf.train.GradientDescentOptimizer(LR), lambda p0, grads: np_sgd(p0, grads, LR)),
}


@pytest.mark.parametrize("case", sorted(AWKWARD))
@pytest.mark.parametrize("n", [1, 7, 16, 17, 33, 8191, 8192, 8193, 40000, 70001])
def test_awkward_sizes_and_threads(case, n):
    # Sizes around the vector widths (4, 8, 16), the kernel's 8192-float block and
    # its threading threshold: vector body, scalar tail and the blocks all follow the rule.
    make_opt, reference = AWKWARD[case]
    rng = np.random.default_rng(n)
    p0, grads = rng.normal(size=n), rng.normal(size=(3, n))
    want, _ = reference(p0, grads)
    for threads in (1, 2):
        tf.reset_default_graph()
        saved = tf.get_num_threads()
        tf.set_num_threads(threads)
        try:
            got, _, _, _ = trajectory(make_opt, grads=grads, p0=p0)
        finally:
            tf.set_num_threads(saved)
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-6)


def test_nan_in_one_block_leaves_every_block_unchanged():
    n = 3 * 8192
    w = tf.Variable(np.ones(n, np.float32), name="w")
    g = tf.placeholder(tf.float32, [n])
    train = tf.train.GradientDescentOptimizer(LR).apply_gradients([(g, w)])
    grad = np.ones(n, np.float32)
    grad[8192 + 5] = np.nan
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(errors.NonFiniteError, match="w"):
            sess.run(train, {g: grad})
        got = sess.run(w)
    np.testing.assert_array_equal(got, 1.0)  # all or nothing: the blocks before and after the NaN too


# ---- hyperparameters as numbers, tensors and callables ---------------------------------------
def test_hyperparameters_as_numbers_tensors_and_callables_agree():
    want, _ = np_adam(P0, GRADS, LR, b1=0.8, b2=0.99, eps=1e-4)
    as_numbers, _, _, _ = trajectory(lambda: tf.train.AdamOptimizer(LR, 0.8, 0.99, 1e-4))
    as_tensors, _, _, _ = trajectory(
        lambda: tf.train.AdamOptimizer(tf.constant(LR), tf.constant(0.8), tf.constant(0.99), tf.constant(1e-4))
    )
    as_callables, _, _, _ = trajectory(
        lambda: tf.train.AdamOptimizer(lambda: LR, lambda: 0.8, lambda: 0.99, lambda: 1e-4)
    )
    for got in (as_numbers, as_tensors, as_callables):
        np.testing.assert_allclose(got, want, rtol=2e-6, atol=2e-7)


def test_learning_rate_placeholder_changes_per_step():
    lrs = [0.1, 0.05, 0.2, 0.0, 0.1]
    lr = tf.placeholder(tf.float32, [], name="lr")
    got, _, _, _ = trajectory(lambda: tf.train.MomentumOptimizer(lr, 0.9), feeds=lambda t: {lr: lrs[t]})
    want, _ = np_momentum(P0, GRADS, lrs, 0.9)
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=2e-7)


def test_learning_rate_schedule_tensor():
    step = tf.train.get_or_create_global_step()
    lr = tf.train.cosine_decay(LR, step, STEPS)
    got, _, _, _ = trajectory(lambda: tf.train.GradientDescentOptimizer(lr), global_step=step)
    want, _ = np_sgd(P0, GRADS, COSINE_LRS)
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=2e-7)


def test_negative_learning_rate_tensor_fails_at_run():
    lr = tf.placeholder(tf.float32, [])
    w = tf.Variable(P0.astype(np.float32))
    train = tf.train.GradientDescentOptimizer(lr).minimize(tf.reduce_sum(w))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for bad in (-0.1, float("nan"), float("inf")):
            with pytest.raises(ValueError, match="learning rate"):
                sess.run(train, {lr: bad})
        np.testing.assert_array_equal(sess.run(w), P0.astype(np.float32))


# ---- per-variable hints ------------------------------------------------------------------
def test_lr_mult_momentum_and_weight_decay_hints():
    rng = np.random.default_rng(1)
    gw, gb = rng.normal(size=(STEPS, 5)), rng.normal(size=(STEPS, 5))
    w = tf.get_variable("w", [5], initializer=tf.constant_initializer(P0), lr_mult=2.0, momentum=0.5, weight_decay=0.01)
    b = tf.get_variable("b", [5], initializer=tf.constant_initializer(P0))
    pw, pb = tf.placeholder(tf.float32, [5]), tf.placeholder(tf.float32, [5])
    train = tf.train.MomentumOptimizer(LR, 0.9).apply_gradients([(pw, w), (pb, b)])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for t in range(STEPS):
            sess.run(train, {pw: gw[t], pb: gb[t]})
        got_w, got_b = sess.run([w, b])
    # w: lr 0.2, its own momentum 0.5, its own decoupled decay (contrib rule: not scaled by lr).
    np.testing.assert_allclose(got_w, np_momentum(P0, gw, 2 * LR, 0.5, shrink=0.01)[0][-1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_b, np_momentum(P0, gb, LR, 0.9)[0][-1], rtol=1e-5, atol=1e-6)


def test_weight_decay_hint_replaces_the_optimizers_decay():
    # biases_decay=0.0 means "no decay on this variable", also under AdamW (None: the optimizer's).
    w = tf.get_variable("w", [5], initializer=tf.constant_initializer(P0))
    b = tf.get_variable("b", [5], initializer=tf.constant_initializer(P0), weight_decay=0.0)
    c = tf.get_variable("c", [5], initializer=tf.constant_initializer(P0), weight_decay=0.03)
    gs = [tf.placeholder(tf.float32, [5]) for _ in range(3)]
    train = tf.train.AdamWOptimizer(0.01, LR).apply_gradients(list(zip(gs, [w, b, c])))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for t in range(STEPS):
            sess.run(train, dict.fromkeys(gs, GRADS[t]))
        got = sess.run([w, b, c])
    for value, shrink in zip(got, (0.01, 0.0, 0.03)):
        np.testing.assert_allclose(value, np_adam(P0, GRADS, LR, shrink=shrink)[0][-1], rtol=2e-6, atol=2e-7)


def test_slim_layer_hints_reach_the_optimizer():
    x = tf.constant(np.ones((1, 3), np.float32))
    y = slim.fully_connected(
        x,
        2,
        activation_fn=None,
        weights_initializer=tf.constant_initializer(1.0),
        weights_lr_mult=3.0,
        biases_lr_mult=0.0,
        scope="fc",
    )
    w, b = tf.trainable_variables()
    train = tf.train.GradientDescentOptimizer(LR).minimize(tf.reduce_sum(y))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        np.testing.assert_allclose(sess.run(w), np.full((3, 2), 1 - 3 * LR), rtol=1e-6)
        np.testing.assert_array_equal(sess.run(b), np.zeros(2))


def test_momentum_hint_under_an_optimizer_without_momentum_warns():
    w = tf.get_variable("w", [5], initializer=tf.constant_initializer(P0), momentum=0.5)
    with pytest.warns(UserWarning, match="momentum"):
        tf.train.AdamOptimizer(LR).minimize(tf.reduce_sum(w * w))


# ---- decoupled decay: decay_var_list, conventions, conversion --------------------------------
def test_decay_var_list_excludes_the_others():
    w = tf.Variable(P0.astype(np.float32), name="w")
    b = tf.Variable(P0.astype(np.float32), name="b")
    gw, gb = tf.placeholder(tf.float32, [5]), tf.placeholder(tf.float32, [5])
    train = tf.train.MomentumWOptimizer(0.01, LR, 0.9).apply_gradients([(gw, w), (gb, b)], decay_var_list=[w])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for t in range(STEPS):
            sess.run(train, {gw: GRADS[t], gb: GRADS[t]})
        got_w, got_b = sess.run([w, b])
    np.testing.assert_allclose(got_w, np_momentum(P0, GRADS, LR, 0.9, shrink=0.01)[0][-1], rtol=2e-6, atol=2e-7)
    np.testing.assert_allclose(got_b, np_momentum(P0, GRADS, LR, 0.9)[0][-1], rtol=2e-6, atol=2e-7)
    assert got_b[4] == -1.5 and got_w[4] > -1.5 + 0.07  # only w decays


def test_decay_var_list_through_minimize():
    w = tf.Variable(P0.astype(np.float32), name="w")
    b = tf.Variable(P0.astype(np.float32), name="b")
    train = tf.train.AdamWOptimizer(0.1, LR).minimize(tf.reduce_sum(w * 0.0 + b * 0.0), decay_var_list=[b])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        np.testing.assert_array_equal(sess.run(w), P0.astype(np.float32))
        np.testing.assert_allclose(sess.run(b), 0.9 * P0, rtol=1e-6)


def test_decay_var_list_entry_not_trained_raises():
    w = tf.Variable(P0.astype(np.float32), name="w")
    other = tf.Variable(P0.astype(np.float32), name="other")
    with pytest.raises(ValueError, match="other"):
        tf.train.AdamWOptimizer(0.1, LR).minimize(tf.reduce_sum(w * w), var_list=[w], decay_var_list=[other])


def test_decay_var_list_on_a_plain_optimizer_raises():
    w = tf.Variable(P0.astype(np.float32), name="w")
    with pytest.raises(TypeError, match="decay_var_list"):
        tf.train.AdamOptimizer(LR).minimize(tf.reduce_sum(w * w), decay_var_list=[w])


def _cosine_run(make_opt):
    step = tf.train.get_or_create_global_step()
    lr = tf.train.cosine_decay(LR, step, STEPS)
    return trajectory(lambda: make_opt(lr), global_step=step)[0]


@pytest.mark.parametrize(
    "convention, wd, shrinks",
    [
        ("contrib", 0.01, [0.01] * STEPS),  # constant: does not follow the schedule
        ("lr", 0.1, [a * 0.1 for a in COSINE_LRS]),  # PyTorch/Keras: lr_t * wd
        ("schedule", 0.01, [a / LR * 0.01 for a in COSINE_LRS]),  # the paper: (lr_t / lr_0) * wd
    ],
)
def test_decay_conventions_under_a_cosine_schedule(convention, wd, shrinks):
    got = _cosine_run(lambda lr: tf.train.AdamWOptimizer(wd, lr, decay_convention=convention, base_learning_rate=LR))
    want, _ = np_adam(P0, GRADS, COSINE_LRS, shrink=shrinks)
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=2e-7)
    # The g=0 coordinate shows the decay alone: docs/SEMANTICS.md 6.5's -1.42649 (constant) / -1.45549 (scheduled).
    expected = {"contrib": -1.42649, "lr": -1.45549, "schedule": -1.45549}[convention]
    assert got[-1, 4] == pytest.approx(expected, abs=2e-5)


def test_schedule_convention_with_a_tensor_learning_rate_needs_the_base():
    step = tf.train.get_or_create_global_step()
    lr = tf.train.cosine_decay(LR, step, STEPS)
    with pytest.raises(ValueError, match="base_learning_rate"):
        tf.train.AdamWOptimizer(0.01, lr, decay_convention="schedule")
    with pytest.raises(ValueError, match="decay_convention"):
        tf.train.AdamWOptimizer(0.01, LR, decay_convention="torch")


def test_conversion_rule_contrib_equals_lr_times_torch_decay():
    # contrib weight_decay = lr * PyTorch weight_decay gives the same trajectory (constant lr).
    contrib, _, _, _ = trajectory(lambda: tf.train.AdamWOptimizer(LR * 0.1, LR))
    torch_style, _, _, _ = trajectory(lambda: tf.train.AdamWOptimizer(0.1, LR, decay_convention="lr"))
    np.testing.assert_allclose(contrib, torch_style, rtol=1e-6, atol=1e-7)
    # Porting the number unchanged is the trap: 1/lr times the decay (docs/SEMANTICS.md trap 8.3: 0.654).
    same_number, _, _, _ = trajectory(lambda: tf.train.AdamWOptimizer(0.1, LR))
    assert np.abs(same_number - torch_style).max() > 0.5
    m_contrib, _, _, _ = trajectory(lambda: tf.train.MomentumWOptimizer(LR * 0.1, LR, 0.9))
    m_lr, _, _, _ = trajectory(lambda: tf.train.MomentumWOptimizer(0.1, LR, 0.9, decay_convention="lr"))
    np.testing.assert_allclose(m_contrib, m_lr, rtol=1e-6, atol=1e-7)


def test_lr_convention_scales_by_the_variables_lr_mult():
    w = tf.get_variable("w", [5], initializer=tf.constant_initializer(P0), lr_mult=0.5)
    g = tf.placeholder(tf.float32, [5])
    train = tf.train.AdamWOptimizer(0.1, LR, decay_convention="lr").apply_gradients([(g, w)])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for t in range(STEPS):
            sess.run(train, {g: GRADS[t]})
        got = sess.run(w)
    np.testing.assert_allclose(got, np_adam(P0, GRADS, LR * 0.5, shrink=LR * 0.5 * 0.1)[0][-1], rtol=2e-6, atol=2e-7)


# ---- L2 regularization vs decoupled decay ----------------------------------------------------
def _l2_run(make_opt, lam, steps=STEPS):
    """Trains loss = <g_t, w> + l2_regularizer(lam)(w) (gradient g_t + lam w)."""
    w = tf.Variable(P0.astype(np.float32), name="w")
    g = tf.placeholder(tf.float32, [5])
    penalty = regularizers.l2_regularizer(lam)(w) if lam else tf.constant(0.0)
    train = make_opt().minimize(tf.reduce_sum(w * g) + penalty)
    out = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for t in range(steps):
            sess.run(train, {g: GRADS[t]})
            out.append(sess.run(w))
    return np.array(out)


def test_l2_equals_decoupled_decay_lambda_lr_with_plain_sgd():
    lam = 0.3
    coupled = _l2_run(lambda: tf.train.GradientDescentOptimizer(LR), lam)
    sgdw = tf.train.extend_with_decoupled_weight_decay(tf.train.GradientDescentOptimizer)
    tf.reset_default_graph()
    decoupled = _l2_run(lambda: sgdw(lam * LR, LR), 0.0)
    np.testing.assert_allclose(coupled, decoupled, rtol=1e-6, atol=1e-7)
    # and with the lr convention the same lambda is the number to give
    tf.reset_default_graph()
    decoupled_lr = _l2_run(lambda: sgdw(lam, LR, decay_convention="lr"), 0.0)
    np.testing.assert_allclose(coupled, decoupled_lr, rtol=1e-6, atol=1e-7)
    # and the penalty did something
    tf.reset_default_graph()
    assert np.abs(coupled - _l2_run(lambda: tf.train.GradientDescentOptimizer(LR), 0.0)).max() > 0.1


@pytest.mark.parametrize(
    "name, make_coupled, make_decoupled, min_gap",
    [
        (
            "momentum",
            lambda: tf.train.MomentumOptimizer(LR, 0.9),
            lambda wd: tf.train.MomentumWOptimizer(wd, LR, 0.9),
            0.05,
        ),
        ("adam", lambda: tf.train.AdamOptimizer(LR), lambda wd: tf.train.AdamWOptimizer(wd, LR), 0.2),
    ],
)
def test_l2_differs_from_decoupled_decay_with_momentum_and_adam(name, make_coupled, make_decoupled, min_gap):
    lam = 0.3
    coupled = _l2_run(make_coupled, lam)
    tf.reset_default_graph()
    decoupled = _l2_run(lambda: make_decoupled(lam * LR), 0.0)
    # Independent numpy: coupled L2 feeds lam * p through the optimizer's state.
    p, want_coupled = P0.copy(), []
    if name == "momentum":
        acc = np.zeros(5)
        for g in GRADS:
            acc = 0.9 * acc + g + lam * p
            p = p - LR * acc
            want_coupled.append(p)
        want_decoupled, _ = np_momentum(P0, GRADS, LR, 0.9, shrink=lam * LR)
    else:
        m, v = np.zeros(5), np.zeros(5)
        for t, g in enumerate(GRADS, 1):
            g = g + lam * p
            m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
            p = p - LR * math.sqrt(1 - 0.999**t) / (1 - 0.9**t) * m / (np.sqrt(v) + 1e-8)
            want_coupled.append(p)
        want_decoupled, _ = np_adam(P0, GRADS, LR, shrink=lam * LR)
    np.testing.assert_allclose(coupled, np.array(want_coupled), rtol=2e-6, atol=2e-6)
    np.testing.assert_allclose(decoupled, want_decoupled, rtol=2e-6, atol=2e-7)
    gap = np.abs(coupled - decoupled).max()
    assert gap == pytest.approx(np.abs(np.array(want_coupled) - want_decoupled).max(), rel=1e-3)
    assert gap > min_gap, f"{name}: L2 vs decoupled decay differ by {gap}"
    # On the g=0 coordinate Adam's coupled L2 is normalised away (docs/SEMANTICS.md trap 8.2: -1.0044 vs -1.4265).
    if name == "adam":
        assert coupled[-1, 4] > decoupled[-1, 4] + 0.2


# ---- the API: minimize, compute/apply_gradients, errors ---------------------------------------
def test_minimize_increments_global_step():
    w = tf.Variable(P0.astype(np.float32), name="w")
    step = tf.train.get_or_create_global_step()
    train = tf.train.GradientDescentOptimizer(LR).minimize(tf.reduce_sum(w * w), global_step=step)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for t in range(3):
            assert sess.run(step) == t
            sess.run(train)
        assert sess.run(step) == 3
        np.testing.assert_allclose(sess.run(w), P0 * (1 - 2 * LR) ** 3, rtol=1e-6)


def test_compute_gradients_then_apply_gradients():
    w = tf.Variable(P0.astype(np.float32), name="w")
    opt = tf.train.MomentumOptimizer(LR, 0.9)
    grads_and_vars = opt.compute_gradients(tf.reduce_sum(w * w * w))
    assert len(grads_and_vars) == 1 and grads_and_vars[0][1] is w
    train = opt.apply_gradients([(g * 0.5, v) for g, v in grads_and_vars])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(grads_and_vars[0][0]), 3 * P0**2, rtol=1e-6)
        p, acc = P0.copy(), np.zeros(5)
        for _ in range(STEPS):
            sess.run(train)
            acc = 0.9 * acc + 0.5 * 3 * p**2
            p = p - LR * acc
        np.testing.assert_allclose(sess.run(w), p, rtol=1e-5)


def test_variable_without_gradient_warns_and_is_skipped():
    w = tf.Variable(P0.astype(np.float32), name="w")
    unused = tf.Variable(P0.astype(np.float32), name="unused")
    opt = tf.train.AdamOptimizer(LR)
    with pytest.warns(tf.train.NoGradientWarning, match="unused"):
        train = opt.minimize(tf.reduce_sum(w * w))
    assert opt.get_slot(unused, "m") is None
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        np.testing.assert_array_equal(sess.run(unused), P0.astype(np.float32))
        assert not np.allclose(sess.run(w), P0)


def test_all_gradients_none_raises():
    w = tf.Variable(P0.astype(np.float32), name="w")
    x = tf.Variable(1.0, name="x")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tf.train.NoGradientWarning)
        with pytest.raises(ValueError, match="No gradients"):
            tf.train.GradientDescentOptimizer(LR).minimize(x * 2.0, var_list=[w])
        with pytest.raises(ValueError, match="No gradients"):
            tf.train.GradientDescentOptimizer(LR).apply_gradients([(None, w)])


@pytest.mark.parametrize(
    "argument,make",
    [
        ("learning_rate", lambda: tf.train.GradientDescentOptimizer(-0.1)),
        ("learning_rate", lambda: tf.train.GradientDescentOptimizer(float("nan"))),
        ("learning_rate", lambda: tf.train.GradientDescentOptimizer(float("inf"))),
        ("momentum", lambda: tf.train.MomentumOptimizer(LR, -0.9)),
        ("momentum", lambda: tf.train.MomentumOptimizer(LR, float("nan"))),
        ("learning_rate", lambda: tf.train.AdamOptimizer(-1e-3)),
        ("beta1", lambda: tf.train.AdamOptimizer(LR, beta1=1.0)),
        ("beta2", lambda: tf.train.AdamOptimizer(LR, beta2=-0.1)),
        ("epsilon", lambda: tf.train.AdamOptimizer(LR, epsilon=float("nan"))),
        ("decay", lambda: tf.train.RMSPropOptimizer(LR, decay=-0.1)),
        ("decay", lambda: tf.train.RMSPropOptimizer(LR, decay=1.5)),
        ("decay", lambda: tf.train.RMSPropOptimizer(LR, decay=float("nan"))),
        ("learning_rate", lambda: tf.train.AdagradOptimizer(-LR)),
        ("weight_decay", lambda: tf.train.AdamWOptimizer(-0.01, LR)),
        ("weight_decay", lambda: tf.train.AdamWOptimizer(float("nan"), LR)),
        ("weight_decay", lambda: tf.train.MomentumWOptimizer(-0.01, LR, 0.9)),
        ("learning_rate", lambda: tf.train.MomentumWOptimizer(0.01, -LR, 0.9)),
    ],
)
def test_bad_hyperparameters_raise_at_construction(argument, make):
    with pytest.raises(ValueError, match=rf"^{argument} must be finite, >= 0\.0"):  # names the argument
        make()


@pytest.mark.parametrize("bad", ["0.1", None, True, [0.1]])
def test_hyperparameter_of_wrong_type_raises(bad):
    with pytest.raises(TypeError, match="learning_rate"):
        tf.train.GradientDescentOptimizer(bad)


def test_var_list_entry_not_a_variable_raises():
    w = tf.Variable(P0.astype(np.float32), name="w")
    loss = tf.reduce_sum(w * w)
    with pytest.raises(TypeError, match="Variable"):
        tf.train.GradientDescentOptimizer(LR).minimize(loss, var_list=[w, w * 2.0])
    with pytest.raises(TypeError, match="Variable"):
        tf.train.GradientDescentOptimizer(LR).minimize(loss, var_list=["w"])
    with pytest.raises(TypeError, match="Variable"):
        tf.train.GradientDescentOptimizer(LR).apply_gradients([(tf.constant(P0.astype(np.float32)), w * 1.0)])


def test_empty_var_list_raises():
    tf.Variable(P0.astype(np.float32), name="w")
    with pytest.raises(ValueError, match="No variables"):
        tf.train.GradientDescentOptimizer(LR).minimize(tf.constant(1.0), var_list=[])


def test_mismatched_gradient_shape_raises():
    w = tf.Variable(P0.astype(np.float32), name="w")
    with pytest.raises(ValueError, match="shape"):
        tf.train.GradientDescentOptimizer(LR).apply_gradients([(tf.zeros([4]), w)])
    with pytest.raises(ValueError, match="shape"):
        tf.train.GradientDescentOptimizer(LR).apply_gradients([(tf.zeros([5, 1]), w)])


def test_mismatched_fed_gradient_shape_raises_at_run():
    w = tf.Variable(P0.astype(np.float32), name="w")
    g = tf.placeholder(tf.float32, [None])
    train = tf.train.GradientDescentOptimizer(LR).apply_gradients([(g, w)])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(ValueError, match="shape"):
            sess.run(train, {g: np.zeros(4, np.float32)})
        np.testing.assert_array_equal(sess.run(w), P0.astype(np.float32))


def test_fed_gradient_of_same_size_but_other_shape_raises():
    w = tf.Variable(np.ones((2, 3), np.float32), name="w")
    g = tf.placeholder(tf.float32, [None, None])
    train = tf.train.GradientDescentOptimizer(LR).apply_gradients([(g, w)])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(ValueError, match="shape"):
            sess.run(train, {g: np.zeros((3, 2), np.float32)})


def test_duplicate_variable_in_apply_gradients_raises():
    w = tf.Variable(P0.astype(np.float32), name="w")
    g = tf.constant(GRADS[0].astype(np.float32))
    with pytest.raises(ValueError, match="more than once"):
        tf.train.GradientDescentOptimizer(LR).apply_gradients([(g, w), (g, w)])


def test_float64_variable_raises():
    w = tf.Variable(P0, name="w64", dtype=tf.float64)
    with pytest.raises(TypeError, match="float32"):
        tf.train.GradientDescentOptimizer(LR).minimize(tf.reduce_sum(w * w))


def test_nan_gradient_raises_and_weights_stay_finite():
    w = tf.Variable(P0.astype(np.float32), name="w")
    big = tf.Variable(np.ones(20000, np.float32), name="big")
    g = tf.placeholder(tf.float32, [5])
    gb = tf.placeholder(tf.float32, [20000])
    step = tf.train.get_or_create_global_step()
    opt = tf.train.AdamOptimizer(LR)
    train = opt.apply_gradients([(g, w), (gb, big)], global_step=step)
    watched = [w, opt.get_slot(w, "m"), opt.get_slot(w, "v")]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {g: GRADS[0], gb: np.ones(20000, np.float32)})
        before = sess.run(watched)
        for value in (np.nan, np.inf, -np.inf):
            bad = GRADS[1].astype(np.float32).copy()
            bad[2] = value
            with pytest.raises(errors.NonFiniteError, match="w"):
                sess.run(train, {g: bad, gb: np.ones(20000, np.float32)})
            after = sess.run(watched)
            for x, y in zip(before, after):
                np.testing.assert_array_equal(x, y)  # w and its slots unchanged
            assert np.all(np.isfinite(sess.run(big)))
        assert sess.run(step) == 1  # the failed steps did not count
        sess.run(train, {g: GRADS[1], gb: np.ones(20000, np.float32)})  # a finite step works again
        assert sess.run(step) == 2
        assert not np.array_equal(sess.run(w), before[0])


def test_nan_check_can_be_disabled():
    w = tf.Variable(P0.astype(np.float32), name="w")
    g = tf.placeholder(tf.float32, [5])
    train = tf.train.GradientDescentOptimizer(LR, check_finite=False).apply_gradients([(g, w)])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {g: np.full(5, np.nan, np.float32)})
        assert np.isnan(sess.run(w)).all()


def test_minimize_under_control_dependencies_initialises_its_slots():
    # The batch-norm idiom: with control_dependencies(update_ops): train = opt.minimize(loss).
    w = tf.Variable(P0.astype(np.float32), name="w")
    x = tf.placeholder(tf.float32, [5])
    counter = tf.Variable(0.0, trainable=False, name="counter")
    update = tf.assign_add(counter, 1.0)
    for make in (lambda: tf.train.AdamOptimizer(LR), lambda: tf.train.RMSPropOptimizer(LR, momentum=0.9)):
        with tf.control_dependencies([update, tf.reduce_sum(x)]):
            train = make().minimize(tf.reduce_sum(w * x), var_list=[w])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())  # needs no feed, runs no update
            assert sess.run(counter) == 0.0
            sess.run(train, {x: GRADS[0]})
            assert sess.run(counter) == 1.0


def test_minimize_outside_the_variables_graph_context():
    graph = tf.Graph()
    with graph.as_default():
        w = tf.Variable(P0.astype(np.float32), name="w")
        loss = tf.reduce_sum(w * w)
    opt = tf.train.AdamOptimizer(LR)
    train = opt.minimize(loss)  # the default graph is another one
    assert opt.get_slot(w, "m").graph is graph
    with graph.as_default(), tf.Session(graph=graph) as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        np.testing.assert_allclose(sess.run(w), np_adam(P0, [2 * P0], LR)[0][-1], rtol=2e-6)


def test_optimizer_on_two_train_ops_shares_its_slots():
    w = tf.Variable(P0.astype(np.float32), name="w")
    opt = tf.train.MomentumOptimizer(LR, 0.9)
    g = tf.placeholder(tf.float32, [5])
    a = opt.apply_gradients([(g, w)])
    b = opt.apply_gradients([(g * 1.0, w)])
    assert len([v for v in tf.global_variables() if "Momentum" in v.name]) == 1
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for t in range(STEPS):
            sess.run(a if t % 2 else b, {g: GRADS[t]})
        np.testing.assert_allclose(sess.run(w), np_momentum(P0, GRADS, LR, 0.9)[0][-1], rtol=2e-6, atol=2e-7)


def test_optimizer_repr_shows_its_settings():
    assert repr(tf.train.AdamWOptimizer(0.01, LR)) == (
        "<AdamWOptimizer 'AdamW' learning_rate=0.1 beta1=0.9 beta2=0.999 epsilon=1e-08 weight_decay=0.01 "
        "decay_convention='contrib'>"
    )
    assert "use_nesterov=True" in repr(tf.train.MomentumOptimizer(LR, 0.9, use_nesterov=True))
    assert "centered=True" in repr(tf.train.RMSPropOptimizer(LR, centered=True))
    assert "initial_accumulator_value=0.1" in repr(tf.train.AdagradOptimizer(LR))


def test_optimizer_repr_and_decay_conventions_are_documented():
    assert set(tf.train.DECAY_CONVENTIONS) == {"contrib", "lr", "schedule"}
    for cls in (
        tf.train.GradientDescentOptimizer,
        tf.train.MomentumOptimizer,
        tf.train.AdamOptimizer,
        tf.train.RMSPropOptimizer,
        tf.train.AdagradOptimizer,
        tf.train.AdamWOptimizer,
        tf.train.MomentumWOptimizer,
    ):
        assert "<-" in cls.__doc__, cls  # the formula is in the docstring
