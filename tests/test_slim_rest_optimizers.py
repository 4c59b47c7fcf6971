"""Keras 3's ``weight_decay=`` on RMSprop and Adagrad (keras/src/optimizers/
{rmsprop,adagrad}.py ``update_step`` after base_optimizer.py's
``_apply_weight_decay``: p <- p - p wd lr first) and torch.optim.SGD's
``dampening`` (torch/optim/sgd.py: buf = g at the first step, then
buf <- mu buf + (1 - dampening) g): 5-step trajectories against numpy
transcriptions of the peers' rules, as tests/test_torch_conventions.py does."""

import numpy as np
import pytest

import slimcore as sc
from slimcore.keras import optimizers as keras_optimizers
from test_torch_conventions import assert_same, grad, reference_trajectory, slimcore_trajectory, torch_sgd_step


# ---- Keras 3 RMSprop / Adagrad with weight_decay ------------------------------------------------
def keras_rmsprop_step(lr, wd, rho=0.9, momentum=0.0, eps=1e-7, centered=False):
    """Keras 3 RMSprop: p <- p - p wd lr; v <- rho v + (1-rho) g^2 (v from 0);
    centered: a <- rho a + (1-rho) g, den = v - a^2 + eps, else v + eps;
    inc = lr g / sqrt(den); momentum: m <- momentum m + inc, p <- p - m; else p <- p - inc."""

    def step(p, t, s):
        g = grad(p)
        p = p - p * wd * lr
        s["v"] = rho * s.get("v", 0.0) + (1 - rho) * g * g
        den = s["v"] + eps
        if centered:
            s["a"] = rho * s.get("a", 0.0) + (1 - rho) * g
            den = den - s["a"] ** 2
        increment = lr * g / np.sqrt(den)
        if momentum:
            s["m"] = momentum * s.get("m", 0.0) + increment
            return p - s["m"]
        return p - increment

    return step


@pytest.mark.parametrize("momentum,centered", [(0.0, False), (0.5, False), (0.5, True)])
@pytest.mark.parametrize("wd", [None, 0.4])
def test_keras_rmsprop_weight_decay(momentum, centered, wd):
    lr = 0.02
    ours = slimcore_trajectory(
        lambda: keras_optimizers.RMSprop(lr, rho=0.8, momentum=momentum, centered=centered, weight_decay=wd)
    )
    assert_same(ours, reference_trajectory(keras_rmsprop_step(lr, wd or 0.0, 0.8, momentum, 1e-7, centered), {}))


def keras_adagrad_step(lr, wd, initial=0.1):
    """Keras 3 Adagrad: p <- p - p wd lr; acc <- acc + g^2 (acc from `initial`);
    p <- p - lr g / sqrt(acc) (Keras' epsilon, 1e-7, is below float32 resolution
    next to acc >= 0.1 and is not applied by slimcore)."""

    def step(p, t, s):
        g = grad(p)
        p = p - p * wd * lr
        s["acc"] = s.get("acc", initial) + g * g
        return p - lr * g / np.sqrt(s["acc"])

    return step


@pytest.mark.parametrize("wd", [None, 0.4])
def test_keras_adagrad_weight_decay(wd):
    lr = 0.1
    ours = slimcore_trajectory(lambda: keras_optimizers.Adagrad(lr, initial_accumulator_value=0.2, weight_decay=wd))
    assert_same(ours, reference_trajectory(keras_adagrad_step(lr, wd or 0.0, 0.2), {}))


def test_keras_decay_matters_and_reprs_say_so():
    lr, wd = 0.02, 0.4
    with_decay = slimcore_trajectory(lambda: keras_optimizers.RMSprop(lr, weight_decay=wd))
    without = slimcore_trajectory(lambda: keras_optimizers.RMSprop(lr))
    assert np.abs(with_decay - without).max() > 1e-3
    assert "weight_decay=0.4" in repr(keras_optimizers.RMSprop(lr, weight_decay=wd))
    assert "decay_convention='lr'" in repr(keras_optimizers.Adagrad(lr, weight_decay=wd))
    plain = keras_optimizers.Adagrad(lr)
    assert "weight_decay" not in repr(plain) and isinstance(plain, sc.train.AdagradOptimizer)
    with pytest.raises(ValueError, match="weight_decay must be finite, >= 0"):
        keras_optimizers.RMSprop(lr, weight_decay=-1.0)


def test_keras_rmsprop_exclude_from_weight_decay():
    lr, wd = 0.02, 0.4

    def make():
        opt = keras_optimizers.RMSprop(lr, weight_decay=wd)
        opt.exclude_from_weight_decay(var_names=["w"])
        return opt

    assert_same(slimcore_trajectory(make), reference_trajectory(keras_rmsprop_step(lr, 0.0), {}))


# ---- torch.optim.SGD(dampening=) ------------------------------------------------------------------
@pytest.mark.parametrize("dampening", [0.3, 1.0])
@pytest.mark.parametrize("wd", [0.0, 0.1])
def test_torch_sgd_dampening(dampening, wd):
    """torch.optim.SGD(lr, momentum, dampening, weight_decay=wd): the first step's
    buffer is g undampened, later ones mu buf + (1 - dampening) g."""
    lr, momentum = 0.1, 0.9
    ours = slimcore_trajectory(lambda: sc.train.MomentumOptimizer(lr, momentum, dampening=dampening), coupled_wd=wd)
    reference = reference_trajectory(torch_sgd_step(lr, momentum, dampening, False, wd), {})
    assert_same(ours, reference)
    undampened = reference_trajectory(torch_sgd_step(lr, momentum, 0.0, False, wd), {})
    assert np.abs(ours - undampened).max() > 1e-3  # the dampening matters
    always_dampened = reference_trajectory(_always_dampened_step(lr, momentum, dampening), {})
    if wd == 0.0:
        assert np.abs(ours - always_dampened).max() > 1e-4  # and the first step is not dampened


def _always_dampened_step(lr, momentum, dampening):
    """The rule without torch's first-step exception: buf <- mu buf + (1 - d) g from buf = 0."""

    def step(p, t, s):
        s["b"] = momentum * s.get("b", 0.0) + (1 - dampening) * grad(p)
        return p - lr * s["b"]

    return step


def test_dampening_flags_are_per_variable_and_set_after_the_first_update():
    """A variable that first trains later gets its undampened first step then,
    as torch's per-parameter momentum_buffer; the flags are listed and saved."""
    graph = sc.Graph()
    with graph.as_default():
        a = sc.get_variable("a", initializer=np.float32(1.0))
        b = sc.get_variable("b", initializer=np.float32(1.0))
        opt = sc.train.MomentumOptimizer(0.1, 0.5, dampening=0.5)
        train_a = opt.minimize(a * 2.0, var_list=[a])  # gradient 2
        train_both = opt.minimize(a * 2.0 + b * 4.0)  # gradients 2 and 4
        flags = [v for v in opt.variables() if v.op.name.endswith("_started")]
        assert sorted(f.op.name for f in flags) == ["a/Momentum_started", "b/Momentum_started"]
        assert set(flags) <= set(sc.global_variables())
        with sc.Session(graph=graph) as sess:
            sess.run(sc.global_variables_initializer())
            sess.run(train_a)  # a: buf = 2 -> a = 0.8
            sess.run(train_both)  # a: buf = 0.5*2 + 0.5*2 = 2 -> 0.6; b: first step, buf = 4 -> 0.6
            got = sess.run([a, b] + flags)
    np.testing.assert_allclose(got[:2], [0.6, 0.6], rtol=1e-6)
    assert got[2:] == [1.0, 1.0]


def test_dampening_errors_and_repr():
    with pytest.raises(ValueError, match="Nesterov momentum requires zero dampening"):
        sc.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True, dampening=0.1)
    with pytest.raises(ValueError, match="dampening"):
        sc.train.MomentumOptimizer(0.1, 0.9, dampening=1.5)
    with pytest.raises(TypeError, match="dampening must be a number"):
        sc.train.MomentumOptimizer(0.1, 0.9, dampening=sc.constant(0.1))
    assert "dampening=0.3" in repr(sc.train.MomentumOptimizer(0.1, 0.9, dampening=0.3))
    assert "dampening" not in repr(sc.train.MomentumOptimizer(0.1, 0.9))
