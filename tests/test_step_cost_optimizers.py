"""tf.train.AdadeltaOptimizer, FtrlOptimizer and ProximalGradientDescentOptimizer:
trajectories against numpy transcriptions of TF1's kernels (training_ops.cc:
ApplyAdadelta, ApplyFtrl / ApplyFtrlV2, ApplyProximalGradientDescent) over
several steps, in float32 as TF1 computes them; TF1's slot names and
defaults; the per-variable lr multiplier and decoupled decay; the update plan
and the regularization report listing the update rule's l1/l2."""

import numpy as np
import pytest

import slimcore as tf
import slimcore.compat.v1 as v1

N = 8192 + 37  # more than one block of the fused pass, and a tail
STEPS = 4
f32 = np.float32


def grads(seed, n=N, scale=1.0):
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal(n) * scale).astype(f32) for _ in range(STEPS)]


def initial(n=N):
    return np.random.default_rng(99).standard_normal(n).astype(f32)


def run_trajectory(make_opt, gs, p0, lr_mult=None, weight_decay=None):
    """The variable and its slots (in get_slot_names order) after each step."""
    with tf.Graph().as_default():
        w = tf.Variable(p0, name="w")
        if lr_mult is not None:
            w.lr_mult = lr_mult
        if weight_decay is not None:
            w.weight_decay = weight_decay
        g = tf.placeholder(tf.float32, [len(p0)])
        opt = make_opt()
        train = opt.apply_gradients([(g, w)])
        slots = [opt.get_slot(w, name) for name in opt.get_slot_names()]
        out = []
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for grad in gs:
                sess.run(train, {g: grad})
                out.append(sess.run([w] + slots))
    return out


# ---- numpy references: TF1's kernels, element by element, float32 --------------------------
def adadelta_ref(p, gs, lr, rho=0.95, eps=1e-8):
    lr, rho, eps = f32(lr), f32(rho), f32(eps)
    p = p.copy()
    accum = np.zeros_like(p)
    accum_update = np.zeros_like(p)
    out = []
    for g in gs:
        accum = accum * rho + g * g * (f32(1) - rho)
        update = np.sqrt(accum_update + eps) / np.sqrt(accum + eps) * g
        p = p - update * lr
        accum_update = accum_update * rho + update * update * (f32(1) - rho)
        out.append([p, accum, accum_update])  # slot names sorted: accum, accum_update
    return out


def ftrl_ref(p, gs, lr, lr_power=-0.5, init_acc=0.1, l1=0.0, l2=0.0, l2_shrinkage=0.0):
    lr, lr_power, l1, l2, l2s = f32(lr), f32(lr_power), f32(l1), f32(l2), f32(l2_shrinkage)
    p = p.copy()
    accum = np.full_like(p, f32(init_acc))
    linear = np.zeros_like(p)

    def pw(x):
        return np.sqrt(x) if lr_power == f32(-0.5) else np.power(x, -lr_power).astype(f32)

    out = []
    for g in gs:
        gs_ = g + f32(2) * l2s * p
        new_accum = accum + gs_ * gs_
        linear = linear + gs_ - (pw(new_accum) - pw(accum)) / lr * p
        quadratic = pw(new_accum) / lr + f32(2) * l2
        p = np.where(np.abs(linear) > l1, (l1 * np.sign(linear) - linear) / quadratic, f32(0)).astype(f32)
        accum = new_accum
        out.append([p, accum, linear])  # slot names sorted: accum, linear
    return out


def proximal_ref(p, gs, lr, l1=0.0, l2=0.0):
    lr, l1, l2 = f32(lr), f32(l1), f32(l2)
    p = p.copy()
    out = []
    for g in gs:
        q = p - g * lr
        if l1 > 0:
            p = (np.sign(q) * np.maximum(np.abs(q) - lr * l1, f32(0)) / (f32(1) + lr * l2)).astype(f32)
        else:
            p = (q / (f32(1) + lr * l2)).astype(f32)
        out.append([p])
    return out


def assert_trajectories(got, want, rtol=2e-5, atol=1e-6):
    assert len(got) == len(want)
    for step, (g_step, w_step) in enumerate(zip(got, want)):
        assert len(g_step) == len(w_step)
        for k, (g, w) in enumerate(zip(g_step, w_step)):
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, err_msg=f"step {step}, tensor {k}")


# ---- trajectories -------------------------------------------------------------------------
@pytest.mark.parametrize("lr, rho, eps", [(1.0, 0.95, 1e-8), (0.5, 0.9, 1e-6)])
def test_adadelta_follows_tf1(lr, rho, eps):
    gs, p0 = grads(1), initial()
    got = run_trajectory(lambda: tf.train.AdadeltaOptimizer(lr, rho, eps), gs, p0)
    assert_trajectories(got, adadelta_ref(p0, gs, lr, rho, eps))


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"l2_regularization_strength": 0.3},
        {"l1_regularization_strength": 0.5, "l2_regularization_strength": 0.1},
        {"learning_rate_power": -0.3, "l1_regularization_strength": 0.2},
        {"learning_rate_power": 0.0, "initial_accumulator_value": 0.5},
        {"l2_shrinkage_regularization_strength": 0.05, "l1_regularization_strength": 0.1},
    ],
)
def test_ftrl_follows_tf1(kwargs):
    gs, p0 = grads(2), initial()
    got = run_trajectory(lambda: tf.train.FtrlOptimizer(0.3, **kwargs), gs, p0)
    ref = ftrl_ref(
        p0,
        gs,
        0.3,
        kwargs.get("learning_rate_power", -0.5),
        kwargs.get("initial_accumulator_value", 0.1),
        kwargs.get("l1_regularization_strength", 0.0),
        kwargs.get("l2_regularization_strength", 0.0),
        kwargs.get("l2_shrinkage_regularization_strength", 0.0),
    )
    assert_trajectories(got, ref, rtol=1e-4, atol=1e-5)


def test_ftrl_l1_makes_exact_zeros_where_tf1_does():
    gs, p0 = grads(3, scale=0.3), initial()
    got = run_trajectory(lambda: tf.train.FtrlOptimizer(0.3, l1_regularization_strength=1.0), gs, p0)
    ref = ftrl_ref(p0, gs, 0.3, l1=1.0)
    for (w, _, _), (w_ref, _, _) in zip(got, ref):
        zeros = w == 0
        assert 0.1 < zeros.mean() < 1.0  # the l1 strength zeroes a good share, not all
        np.testing.assert_array_equal(zeros, w_ref == 0)


@pytest.mark.parametrize("l1, l2", [(0.0, 0.0), (0.0, 0.5), (0.8, 0.0), (0.8, 0.3)])
def test_proximal_gradient_descent_follows_tf1(l1, l2):
    gs, p0 = grads(4), initial()
    got = run_trajectory(lambda: tf.train.ProximalGradientDescentOptimizer(0.1, l1, l2), gs, p0)
    ref = proximal_ref(p0, gs, 0.1, l1, l2)
    assert_trajectories(got, ref)
    if l1 > 0:
        zeros = got[-1][0] == 0
        assert zeros.any() and not zeros.all()
        np.testing.assert_array_equal(zeros, ref[-1][0] == 0)


# ---- per-variable settings go through the same builder ---------------------------------------
def test_lr_mult_scales_the_learning_rate_of_every_new_rule():
    gs, p0 = grads(5), initial()
    pairs = [
        (lambda: tf.train.AdadeltaOptimizer(1.0), lambda lr: adadelta_ref(p0, gs, lr)),
        (lambda: tf.train.FtrlOptimizer(0.4, l1_regularization_strength=0.1), lambda lr: ftrl_ref(p0, gs, lr, l1=0.1)),
        (
            lambda: tf.train.ProximalGradientDescentOptimizer(0.4, 0.1, 0.2),
            lambda lr: proximal_ref(p0, gs, lr, 0.1, 0.2),
        ),
    ]
    for (make, ref), lr in zip(pairs, (1.0, 0.4, 0.4)):
        got = run_trajectory(make, gs, p0, lr_mult=0.25)
        assert_trajectories(got, ref(lr * 0.25), rtol=1e-4, atol=1e-5)


def test_own_weight_decay_shrinks_before_the_proximal_step():
    # p <- (1 - d) p first (contrib convention, s = 1), then the rule.
    gs, p0 = grads(6), initial()
    got = run_trajectory(lambda: tf.train.ProximalGradientDescentOptimizer(0.1, 0.0, 0.5), gs, p0, weight_decay=0.1)
    p = p0.copy()
    for step, g in enumerate(gs):
        p = ((f32(0.9) * p - f32(0.1) * g) / (f32(1) + f32(0.1) * f32(0.5))).astype(f32)
        np.testing.assert_allclose(got[step][0], p, rtol=2e-5, atol=1e-6)


# ---- TF1's surface ------------------------------------------------------------------------
def test_slot_names_and_variables_are_tf1s():
    with tf.Graph().as_default():
        w = tf.Variable(np.ones(3, f32), name="w")
        loss = tf.reduce_sum(w * w)
        ada = v1.train.AdadeltaOptimizer()
        ada.minimize(loss)
        assert ada.get_slot_names() == ["accum", "accum_update"]
        assert ada.get_slot(w, "accum").name == "w/Adadelta:0"
        assert ada.get_slot(w, "accum_update").name == "w/Adadelta_1:0"
        ftrl = v1.train.FtrlOptimizer(0.1)
        ftrl.minimize(loss)
        assert ftrl.get_slot_names() == ["accum", "linear"]
        assert ftrl.get_slot(w, "accum").name == "w/Ftrl:0"
        assert ftrl.get_slot(w, "linear").name == "w/Ftrl_1:0"
        named = v1.train.FtrlOptimizer(0.1, accum_name="acc", linear_name="lin")
        named.minimize(loss)
        assert named.get_slot(w, "accum").name == "w/acc:0"
        assert named.get_slot(w, "linear").name == "w/lin:0"
        prox = v1.train.ProximalGradientDescentOptimizer(0.1)
        prox.minimize(loss)
        assert prox.get_slot_names() == [] and prox.variables() == []
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            np.testing.assert_array_equal(sess.run(ftrl.get_slot(w, "accum")), np.full(3, 0.1, f32))
            np.testing.assert_array_equal(sess.run(ftrl.get_slot(w, "linear")), np.zeros(3, f32))
            np.testing.assert_array_equal(sess.run(ada.get_slot(w, "accum_update")), np.zeros(3, f32))


def test_defaults_and_positional_order_are_tf1s():
    ada = tf.train.AdadeltaOptimizer()
    assert (ada._learning_rate, ada._rho, ada._epsilon, ada.get_name()) == (0.001, 0.95, 1e-08, "Adadelta")
    ftrl = tf.train.FtrlOptimizer(0.1, -0.4, 0.2, 0.3, 0.4, False, "F", None, None, 0.5)
    assert (ftrl._learning_rate_power, ftrl._initial_accumulator_value, ftrl._l1, ftrl._l2, ftrl._l2_shrinkage) == (
        -0.4,
        0.2,
        0.3,
        0.4,
        0.5,
    )
    assert ftrl.get_name() == "F"
    prox = tf.train.ProximalGradientDescentOptimizer(0.1, 0.2, 0.3, False, "P")
    assert (prox._l1, prox._l2, prox.get_name()) == (0.2, 0.3, "P")
    assert tf.train.ProximalGradientDescentOptimizer(0.1).get_name() == "ProximalGradientDescent"


@pytest.mark.parametrize(
    "make, arg",
    [
        (lambda: tf.train.FtrlOptimizer(0.1, learning_rate_power=0.5), "learning_rate_power"),
        (lambda: tf.train.FtrlOptimizer(0.1, initial_accumulator_value=-1.0), "initial_accumulator_value"),
        (lambda: tf.train.FtrlOptimizer(0.1, l1_regularization_strength=-1.0), "l1_regularization_strength"),
        (lambda: tf.train.FtrlOptimizer(0.1, l2_regularization_strength=-1.0), "l2_regularization_strength"),
        (
            lambda: tf.train.FtrlOptimizer(0.1, l2_shrinkage_regularization_strength=-1.0),
            "l2_shrinkage_regularization_strength",
        ),
        (lambda: tf.train.ProximalGradientDescentOptimizer(0.1, -0.1), "l1_regularization_strength"),
        (lambda: tf.train.ProximalGradientDescentOptimizer(0.1, 0.0, float("nan")), "l2_regularization_strength"),
        (lambda: tf.train.AdadeltaOptimizer(0.1, rho=1.5), "rho"),
        (lambda: tf.train.AdadeltaOptimizer(-0.1), "learning_rate"),
    ],
)
def test_bad_hyperparameters_raise_naming_the_argument(make, arg):
    with pytest.raises(ValueError, match=arg):
        make()


def test_exported_in_tf_train_and_compat_v1():
    for name in ("AdadeltaOptimizer", "FtrlOptimizer", "ProximalGradientDescentOptimizer"):
        assert getattr(v1.train, name) is getattr(tf.train, name)
        assert name in tf.train.__all__


# ---- the update plan and the regularization report -----------------------------------------
def test_update_plan_and_report_list_the_update_rules_regularization():
    with tf.Graph().as_default():
        w = tf.Variable(np.ones(4, f32), name="w")
        b = tf.Variable(np.ones(2, f32), name="b")
        loss = tf.reduce_sum(w * w) + tf.reduce_sum(b)
        train = tf.train.FtrlOptimizer(0.1, l1_regularization_strength=0.5, l2_regularization_strength=0.25).minimize(
            loss
        )
        (plan,) = tf.train.update_plan(train)
        assert plan.algorithm == "ftrl"
        assert [plan.value(k) for k in ("lr_power", "l1", "l2", "l2_shrinkage")] == [-0.5, 0.5, 0.25, 0.0]
        assert plan.entry(w).update_regularization == {"l1": 0.5, "l2": 0.25}
        assert "update_l1=0.5" in repr(plan.entry(w))
        report = tf.train.regularization_report(train)
        row = next(r for r in report.rows if r["variable"] == "w")
        assert row["in_update"] == {"l1": 0.5, "l2": 0.25}
        assert row["mechanism"] == "update rule"
        assert "l1=0.5 l2=0.25" in str(report)

        prox = tf.train.ProximalGradientDescentOptimizer(0.1, 0.0, 0.5).minimize(loss)
        row = next(r for r in tf.train.regularization_report(prox).rows if r["variable"] == "w")
        assert row["in_update"] == {"l2": 0.5}
        assert row["shrink_per_step"] == pytest.approx(1 / (1 + 0.1 * 0.5))

        ada = tf.train.AdadeltaOptimizer(1.0).minimize(loss)
        (plan,) = tf.train.update_plan(ada)
        assert plan.algorithm == "adadelta" and plan.entry(w).update_regularization == {}
        assert [plan.value(k) for k in ("learning_rate", "rho", "epsilon")] == [1.0, 0.95, 1e-08]
