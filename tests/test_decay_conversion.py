"""convert_decay: conversions give the same training trajectories; refusals explain."""

import numpy as np
import pytest

import slimcore as sc
from slimcore import regularizers

RNG = np.random.default_rng(0)
X = RNG.normal(size=(16, 5)).astype(np.float32)
Y = RNG.normal(size=(16, 3)).astype(np.float32)
W0 = RNG.normal(size=(5, 3)).astype(np.float32)


def trajectory(optimizer_fn, regularizer=None, steps=8):
    """Weights after each step of least squares on (X, Y) from W0."""
    graph = sc.Graph()
    with graph.as_default():
        w = sc.get_variable("w", initializer=W0, regularizer=regularizer)
        loss = sc.reduce_mean(sc.square(sc.matmul(sc.constant(X), w) - Y)) + sc.losses.get_regularization_loss()
        train = optimizer_fn().minimize(loss)
        with sc.Session(graph=graph) as sess:
            sess.run(sc.global_variables_initializer())
            out = []
            for _ in range(steps):
                sess.run(train)
                out.append(sess.run(w))
    return np.array(out)


def test_sgd_l2_equals_decoupled_decay_times_lr():
    lam, lr = 0.3, 0.05
    coupled = trajectory(lambda: sc.train.GradientDescentOptimizer(lr), regularizers.l2_regularizer(lam))
    wd = sc.convert_decay(lam, "tf_l2", "decoupled", learning_rate=lr)
    assert wd == pytest.approx(lr * lam)
    SGDW = sc.train.extend_with_decoupled_weight_decay(sc.train.GradientDescentOptimizer)  # noqa: N806 -- a class
    decoupled = trajectory(lambda: SGDW(wd, lr))
    np.testing.assert_allclose(decoupled, coupled, rtol=1e-5, atol=1e-6)
    no_decay = trajectory(lambda: sc.train.GradientDescentOptimizer(lr))
    assert np.abs(no_decay - coupled).max() > 1e-2  # the decay matters


def test_keras_l2_is_half_of_tf_l2_under_adam():
    lam = 0.2
    tf_run = trajectory(lambda: sc.train.AdamOptimizer(0.05), regularizers.l2_regularizer(lam))
    keras_value = sc.convert_decay(lam, "tf_l2", "keras_l2")
    assert keras_value == pytest.approx(lam / 2)
    keras_run = trajectory(lambda: sc.train.AdamOptimizer(0.05), regularizers.keras_l2(keras_value))
    np.testing.assert_allclose(keras_run, tf_run, rtol=1e-5, atol=1e-6)


def test_decoupled_conventions_convert_with_the_learning_rate():
    lr, torch_wd = 0.05, 0.4
    contrib_wd = sc.convert_decay(torch_wd, "decoupled_lr", "decoupled", learning_rate=lr)
    assert contrib_wd == pytest.approx(lr * torch_wd)
    torch_like = trajectory(lambda: sc.train.AdamWOptimizer(torch_wd, lr, decay_convention="lr"))
    contrib = trajectory(lambda: sc.train.AdamWOptimizer(contrib_wd, lr))
    np.testing.assert_allclose(contrib, torch_like, rtol=1e-5, atol=1e-6)
    assert sc.convert_decay(0.01, "decoupled", "decoupled_schedule") == 0.01


@pytest.mark.parametrize(
    "src,dst,lr",
    [
        ("tf_l2", "keras_l2", None),
        ("decoupled", "decoupled_lr", 0.1),
        ("tf_l2", "decoupled", 0.1),
        ("keras_l2", "decoupled_lr", 0.3),
    ],
)
def test_round_trips(src, dst, lr):
    there = sc.convert_decay(0.0123, src, dst, learning_rate=lr)
    assert sc.convert_decay(there, dst, src, learning_rate=lr) == pytest.approx(0.0123)


def test_refusals_explain():
    with pytest.raises(ValueError, match=r"not equivalent under 'adam'.*only for plain SGD"):
        sc.convert_decay(1e-4, "tf_l2", "decoupled", learning_rate=0.1, optimizer="adam")
    with pytest.raises(ValueError, match="not equivalent under 'momentum'"):
        sc.convert_decay(1e-4, "decoupled_lr", "keras_l2", learning_rate=0.1, optimizer="momentum")
    with pytest.raises(ValueError, match="needs learning_rate"):
        sc.convert_decay(1e-4, "tf_l2", "decoupled")
    with pytest.raises(ValueError, match="unknown convention"):
        sc.convert_decay(1e-4, "pytorch", "decoupled")
    with pytest.raises(ValueError, match="value"):
        sc.convert_decay(-1.0, "tf_l2", "keras_l2")
