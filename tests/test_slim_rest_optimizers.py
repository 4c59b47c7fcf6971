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
from test_torch_conventions import assert_same, grad, reference_trajectory, slimcore_trajectory


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
