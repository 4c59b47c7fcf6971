"""Optimizers that reproduce PyTorch and Keras 3: 5-step trajectories of
slimcore's fused optimizer against numpy transcriptions of the peers'
documented update rules (torch.optim's algorithm boxes; Keras 3's
``update_step`` and ``_apply_weight_decay``), to float32 tolerance.

The problem: least squares 0.5/N ||X w - Y||^2 from W0, whose gradient
depends on w, so every step's rule shows in the next one. torch's coupled
``weight_decay`` (g <- g + wd p) is slimcore's l2_regularizer(wd) in the loss
(gradient wd p); decoupled decay is the optimizers' own.
"""

import numpy as np
import pytest

import slimcore as sc
from slimcore import _core, regularizers
from slimcore.keras import optimizers as keras_optimizers

RNG = np.random.default_rng(15)
X = RNG.normal(size=(12, 4)).astype(np.float32)
Y = RNG.normal(size=(12, 3)).astype(np.float32)
W0 = RNG.normal(size=(4, 3)).astype(np.float32)
STEPS = 5


def grad(w, wd=0.0):
    """The loss's gradient at w (float64), plus torch's coupled weight decay."""
    return X.T.astype(np.float64) @ (X @ w - Y) / X.shape[0] + wd * w


def slimcore_trajectory(make_optimizer, coupled_wd=0.0, keep_op=None):
    """Weights after each of STEPS steps of slimcore's optimizer."""
    graph = sc.Graph()
    with graph.as_default():
        regularizer = regularizers.l2_regularizer(coupled_wd) if coupled_wd else None
        w = sc.get_variable("w", initializer=W0, regularizer=regularizer)
        residual = sc.matmul(sc.constant(X), w) - Y
        loss = 0.5 * sc.reduce_sum(sc.square(residual)) / X.shape[0]
        if coupled_wd:
            loss = loss + sc.losses.get_regularization_loss()
        train = make_optimizer().minimize(loss)
        if keep_op is not None:
            keep_op.append(train)
        with sc.Session(graph=graph) as sess:
            sess.run(sc.global_variables_initializer())
            out = []
            for _ in range(STEPS):
                sess.run(train)
                out.append(sess.run(w))
    return np.array(out)


def reference_trajectory(step, state):
    """STEPS steps of `step(p, g, t, state) -> p` from W0 in float64."""
    p, out = W0.astype(np.float64), []
    for t in range(1, STEPS + 1):
        p = step(p, t, state)
        out.append(p.copy())
    return np.array(out)


def assert_same(ours, reference):
    assert np.abs(reference - W0).max() > 1e-3  # the run moved the weights
    np.testing.assert_allclose(ours, reference, rtol=2e-5, atol=2e-6)


# ---- torch.optim ----------------------------------------------------------------------------------
def torch_adam_step(lr, b1, b2, eps, wd=0.0, decoupled=False):
    """torch.optim.Adam (wd coupled) / AdamW (wd decoupled: p <- p - lr wd p), amsgrad=False."""

    def step(p, t, s):
        g = grad(p, 0.0 if decoupled else wd)
        if decoupled:
            p = p - lr * wd * p
        s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g * g
        m_hat = s["m"] / (1 - b1**t)
        v_hat = s["v"] / (1 - b2**t)
        return p - lr * m_hat / (np.sqrt(v_hat) + eps)

    return step


@pytest.mark.parametrize("eps", [1e-8, 1e-3, 0.5])
def test_torch_adam(eps):
    lr, b1, b2 = 0.05, 0.9, 0.999
    ours = slimcore_trajectory(lambda: sc.train.AdamOptimizer(lr, b1, b2, eps, epsilon_convention="pytorch"))
    assert_same(ours, reference_trajectory(torch_adam_step(lr, b1, b2, eps), {}))


def test_torch_adam_with_coupled_weight_decay():
    lr, b1, b2, eps, wd = 0.05, 0.8, 0.99, 1e-3, 0.3
    ours = slimcore_trajectory(
        lambda: sc.train.AdamOptimizer(lr, b1, b2, eps, epsilon_convention="pytorch"), coupled_wd=wd
    )
    assert_same(ours, reference_trajectory(torch_adam_step(lr, b1, b2, eps, wd), {}))


@pytest.mark.parametrize("eps", [1e-8, 1e-3])
def test_torch_adamw(eps):
    lr, b1, b2, wd = 0.05, 0.9, 0.999, 0.2
    ours = slimcore_trajectory(
        lambda: sc.train.AdamWOptimizer(wd, lr, b1, b2, eps, decay_convention="lr", epsilon_convention="pytorch")
    )
    assert_same(ours, reference_trajectory(torch_adam_step(lr, b1, b2, eps, wd, decoupled=True), {}))


def test_tf_epsilon_convention_is_not_torch_s():
    """The default keeps TF1's eps-hat: at eps=1e-3 it is visibly not torch's Adam
    (so the torch tests above would fail without the convention)."""
    lr, b1, b2, eps = 0.05, 0.9, 0.999, 1e-3
    tf_rule = slimcore_trajectory(lambda: sc.train.AdamOptimizer(lr, b1, b2, eps))
    torch_rule = reference_trajectory(torch_adam_step(lr, b1, b2, eps), {})
    assert np.abs(tf_rule - torch_rule).max() > 1e-3


def torch_sgd_step(lr, momentum=0.0, dampening=0.0, nesterov=False, wd=0.0):
    """torch.optim.SGD: g <- g + wd p; b <- g (t = 1) else momentum b + (1-dampening) g;
    g <- g + momentum b (nesterov) else b; p <- p - lr g."""

    def step(p, t, s):
        g = grad(p, wd)
        if momentum:
            s["b"] = g if t == 1 else momentum * s["b"] + (1 - dampening) * g
            g = g + momentum * s["b"] if nesterov else s["b"]
        return p - lr * g

    return step


@pytest.mark.parametrize("momentum,nesterov", [(0.0, False), (0.9, False), (0.9, True)])
@pytest.mark.parametrize("wd", [0.0, 0.1])
def test_torch_sgd(momentum, nesterov, wd):
    """torch.optim.SGD(lr, momentum, dampening=0, weight_decay=wd, nesterov): slimcore's
    TF1 momentum (a <- mu a + g from a = 0 gives torch's b = g at t = 1) with wd
    as an L2 penalty in the loss."""
    lr = 0.1

    def make():
        if momentum:
            return sc.train.MomentumOptimizer(lr, momentum, use_nesterov=nesterov)
        return sc.train.GradientDescentOptimizer(lr)

    ours = slimcore_trajectory(make, coupled_wd=wd)
    assert_same(ours, reference_trajectory(torch_sgd_step(lr, momentum, 0.0, nesterov, wd), {}))


def torch_rmsprop_step(lr, alpha, eps, momentum=0.0, centered=False):
    """torch.optim.RMSprop: v <- alpha v + (1-alpha) g^2 (v starts at 0); centered:
    ga <- alpha ga + (1-alpha) g, v~ = v - ga^2; b <- momentum b + g / (sqrt(v~) + eps),
    p <- p - lr b (momentum 0: p <- p - lr g / (sqrt(v~) + eps))."""

    def step(p, t, s):
        g = grad(p)
        s["v"] = alpha * s.get("v", 0.0) + (1 - alpha) * g * g
        v = s["v"]
        if centered:
            s["ga"] = alpha * s.get("ga", 0.0) + (1 - alpha) * g
            v = v - s["ga"] ** 2
        update = g / (np.sqrt(v) + eps)
        if momentum:
            s["b"] = momentum * s.get("b", 0.0) + update
            update = s["b"]
        return p - lr * update

    return step


@pytest.mark.parametrize("centered", [False, True])
@pytest.mark.parametrize("momentum", [0.0, 0.5])
@pytest.mark.parametrize("eps", [1e-8, 0.1])
def test_torch_rmsprop(centered, momentum, eps):
    lr, alpha = 0.01, 0.9
    ours = slimcore_trajectory(
        lambda: sc.train.RMSPropOptimizer(
            lr, alpha, momentum, eps, centered=centered, epsilon_convention="pytorch", initial_rms=0.0
        )
    )
    assert_same(ours, reference_trajectory(torch_rmsprop_step(lr, alpha, eps, momentum, centered), {}))


def test_tf_rmsprop_epsilon_is_not_torch_s():
    lr, alpha, eps = 0.01, 0.9, 0.1
    tf_rule = slimcore_trajectory(lambda: sc.train.RMSPropOptimizer(lr, alpha, 0.0, eps, initial_rms=0.0))
    torch_rule = reference_trajectory(torch_rmsprop_step(lr, alpha, eps), {})
    assert np.abs(tf_rule - torch_rule).max() > 1e-3


def torch_adagrad_step(lr, initial_accumulator_value, eps=1e-10):
    """torch.optim.Adagrad (lr_decay=0): sum <- sum + g^2; p <- p - lr g / (sqrt(sum) + eps)."""

    def step(p, t, s):
        g = grad(p)
        s["sum"] = s.get("sum", initial_accumulator_value) + g * g
        return p - lr * g / (np.sqrt(s["sum"]) + eps)

    return step


@pytest.mark.parametrize("initial", [0.1, 1.0])
def test_torch_adagrad(initial):
    """torch.optim.Adagrad(lr, initial_accumulator_value, eps=1e-10): TF1's Adagrad
    has no epsilon; torch's 1e-10 next to sqrt(sum) >= sqrt(initial) changes the
    step by < 1e-9 relative, below float32 resolution (TF1's Adagrad, like
    slimcore's, refuses initial_accumulator_value=0)."""
    lr = 0.1
    ours = slimcore_trajectory(lambda: sc.train.AdagradOptimizer(lr, initial))
    assert_same(ours, reference_trajectory(torch_adagrad_step(lr, initial), {}))


# ---- Keras 3 --------------------------------------------------------------------------------------
def keras_adamw_step(lr, wd, b1=0.9, b2=0.999, eps=1e-7):
    """Keras 3 AdamW: p <- p - p wd lr (_apply_weight_decay, before the step); then
    m += (g - m)(1-b1); v += (g^2 - v)(1-b2); alpha = lr sqrt(1-b2^t)/(1-b1^t);
    p <- p - alpha m / (sqrt(v) + eps)."""

    def step(p, t, s):
        g = grad(p)
        p = p - p * wd * lr
        m, v = s.get("m", 0.0), s.get("v", 0.0)
        s["m"] = m + (g - m) * (1 - b1)
        s["v"] = v + (g * g - v) * (1 - b2)
        alpha = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
        return p - alpha * s["m"] / (np.sqrt(s["v"]) + eps)

    return step


def test_keras_adamw_defaults():
    ours = slimcore_trajectory(lambda: keras_optimizers.AdamW(learning_rate=0.05))
    assert_same(ours, reference_trajectory(keras_adamw_step(0.05, 0.004), {}))


def test_keras_adamw_and_adam_weight_decay():
    lr, wd = 0.05, 0.5
    reference = reference_trajectory(keras_adamw_step(lr, wd, 0.8, 0.99, 1e-3), {})
    adamw = slimcore_trajectory(lambda: keras_optimizers.AdamW(lr, wd, 0.8, 0.99, 1e-3))
    adam = slimcore_trajectory(lambda: keras_optimizers.Adam(lr, 0.8, 0.99, 1e-3, weight_decay=wd))
    assert_same(adamw, reference)
    assert_same(adam, reference)
    no_decay = slimcore_trajectory(lambda: keras_optimizers.Adam(lr, 0.8, 0.99, 1e-3))
    assert np.abs(no_decay - reference).max() > 1e-3  # the decay matters


def keras_sgd_step(lr, momentum=0.0, nesterov=False, wd=0.0):
    """Keras 3 SGD: p <- p - p wd lr; m <- momentum m - lr g; p <- p + m
    (nesterov: p <- p + momentum m - lr g); momentum 0: p <- p - lr g."""

    def step(p, t, s):
        g = grad(p)
        p = p - p * wd * lr
        if not momentum:
            return p - lr * g
        s["m"] = momentum * s.get("m", 0.0) - lr * g
        return p + (momentum * s["m"] - lr * g if nesterov else s["m"])

    return step


@pytest.mark.parametrize("momentum,nesterov", [(0.0, False), (0.9, False), (0.9, True)])
@pytest.mark.parametrize("wd", [None, 0.3])
def test_keras_sgd(momentum, nesterov, wd):
    lr = 0.1
    ours = slimcore_trajectory(lambda: keras_optimizers.SGD(lr, momentum=momentum, nesterov=nesterov, weight_decay=wd))
    assert_same(ours, reference_trajectory(keras_sgd_step(lr, momentum, nesterov, wd or 0.0), {}))


# ---- the choice itself ----------------------------------------------------------------------------
def test_the_plan_and_repr_show_the_convention():
    ops = []
    slimcore_trajectory(
        lambda: sc.train.AdamWOptimizer(0.1, 0.01, decay_convention="lr", epsilon_convention="pytorch"),
        keep_op=ops,
    )
    [plan] = sc.train.update_plan(ops[0])
    assert plan.epsilon_convention == "pytorch"
    assert "epsilon_convention=pytorch" in repr(plan)
    opt = sc.train.AdamOptimizer(epsilon_convention="pytorch")
    assert "epsilon_convention='pytorch'" in repr(opt)
    assert "epsilon_convention" not in repr(sc.train.AdamOptimizer())


def test_reprs_name_the_conventions():
    rms = sc.train.RMSPropOptimizer(0.1, epsilon_convention="pytorch", initial_rms=0.0)
    assert "epsilon_convention='pytorch'" in repr(rms) and "initial_rms=0.0" in repr(rms)
    assert "initial_rms" not in repr(sc.train.RMSPropOptimizer(0.1))
    sgd = keras_optimizers.SGD(0.1, 0.9, weight_decay=0.01)
    assert repr(sgd).startswith("<SGD 'SGD'") and "decay_convention='lr'" in repr(sgd)


def test_the_builder_refuses_an_unknown_epsilon_convention():
    """The C++ builder checks the convention too (what the Python layer validated)."""
    graph = sc.Graph()
    with graph.as_default():
        w = sc.get_variable("w", initializer=W0)
        g = sc.ones_like(w)
        with pytest.raises(Exception, match="epsilon_convention must be tf or pytorch, got 'torch'"):
            _core.optimizer_apply(
                graph._c, "sgd", [g._ref], [w._variable._node], [[]], [],
                {"learning_rate": sc.constant(0.1)._ref}, [True], "contrib", False, False, True, "update", "torch",
            )  # fmt: skip


def test_keras_adam_without_weight_decay_is_the_plain_adam():
    opt = keras_optimizers.Adam(0.01)
    assert "weight_decay" not in repr(opt)
    assert isinstance(opt, sc.train.AdamOptimizer)
    assert isinstance(keras_optimizers.get("adamw"), keras_optimizers.AdamW)


@pytest.mark.parametrize(
    "make",
    [
        lambda: sc.train.AdamOptimizer(epsilon_convention="torch"),
        lambda: sc.train.RMSPropOptimizer(0.1, epsilon_convention="keras"),
        lambda: sc.train.AdamWOptimizer(0.1, epsilon_convention=None),
    ],
)
def test_an_unknown_epsilon_convention_raises(make):
    with pytest.raises(ValueError, match="epsilon_convention must be one of"):
        make()


def test_keras_errors():
    with pytest.raises(ValueError, match="weight_decay"):
        keras_optimizers.AdamW(weight_decay=None)
    with pytest.raises(ValueError, match="weight_decay must be finite, >= 0"):
        keras_optimizers.SGD(0.1, weight_decay=-1.0)
    with pytest.raises(ValueError, match="initial_rms must be finite, >= 0"):
        sc.train.RMSPropOptimizer(0.1, initial_rms=-1.0)


def test_keras_exclude_from_weight_decay():
    """Keras 3's exclude_from_weight_decay(var_names=): the named variables keep
    their weights apart from the Adam step."""
    lr, wd = 0.05, 0.5

    def make():
        opt = keras_optimizers.AdamW(lr, wd)
        opt.exclude_from_weight_decay(var_names=["w"])
        return opt

    ours = slimcore_trajectory(make)
    assert_same(ours, reference_trajectory(keras_adamw_step(lr, 0.0), {}))


@pytest.mark.parametrize("n", [1, 37, 1000])
def test_pytorch_convention_on_vector_lanes_and_the_scalar_tail(n):
    """Awkward sizes: the kernel's SIMD body and scalar tail both follow the
    convention (loss 0.5 sum(c w^2), gradient c w, 5 steps of torch's Adam and
    centered RMSprop with momentum, eps large enough to matter)."""
    rng = np.random.default_rng(n)
    c = rng.uniform(0.1, 2.0, size=n).astype(np.float32)
    w0 = rng.normal(size=n).astype(np.float32)

    def run(opt):
        graph = sc.Graph()
        with graph.as_default():
            w = sc.get_variable("w", initializer=w0)
            train = opt.minimize(0.5 * sc.reduce_sum(c * sc.square(w)))
            with sc.Session(graph=graph) as sess:
                sess.run(sc.global_variables_initializer())
                for _ in range(STEPS):
                    sess.run(train)
                return sess.run(w)

    lr, b1, b2, eps, alpha, mu = 0.05, 0.9, 0.999, 0.01, 0.9, 0.5
    p, m, v = w0.astype(np.float64), 0.0, 0.0
    for t in range(1, STEPS + 1):
        g = c * p
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * g * g
        p = p - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    adam = run(sc.train.AdamOptimizer(lr, b1, b2, eps, epsilon_convention="pytorch"))
    np.testing.assert_allclose(adam, p, rtol=2e-5, atol=2e-6)

    p, sq, ga, buf = w0.astype(np.float64), 0.0, 0.0, 0.0
    for _ in range(STEPS):
        g = c * p
        sq, ga = alpha * sq + (1 - alpha) * g * g, alpha * ga + (1 - alpha) * g
        buf = mu * buf + g / (np.sqrt(sq - ga * ga) + eps)
        p = p - lr * buf
    rms = run(
        sc.train.RMSPropOptimizer(lr, alpha, mu, eps, centered=True, epsilon_convention="pytorch", initial_rms=0.0)
    )
    np.testing.assert_allclose(rms, p, rtol=2e-5, atol=2e-6)
