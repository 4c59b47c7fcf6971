"""An optimizer step is all or nothing: a NaN or Inf gradient, or new values
that overflow float32, raise NonFiniteError naming the variable and leave
every variable, every slot, Adam's beta powers and the global step exactly as
they were; a good step after a failed one is bit-identical to the same step
without the failure."""

import numpy as np
import pytest

import slimcore as tf
from slimcore import errors

SMALL = 5
LARGE = 3 * 8192 + 7  # several blocks of the fused pass, and a tail

OPTIMIZERS = {
    "sgd": lambda lr: tf.train.GradientDescentOptimizer(lr),
    "momentum": lambda lr: tf.train.MomentumOptimizer(lr, 0.9),
    "nesterov": lambda lr: tf.train.MomentumOptimizer(lr, 0.9, use_nesterov=True),
    "momentumw": lambda lr: tf.train.MomentumWOptimizer(1e-2, lr, 0.9),
    "adam": lambda lr: tf.train.AdamOptimizer(lr),
    "adamw": lambda lr: tf.train.AdamWOptimizer(1e-2, learning_rate=lr),
    "rmsprop": lambda lr: tf.train.RMSPropOptimizer(lr),
    "rmsprop_centered": lambda lr: tf.train.RMSPropOptimizer(lr, momentum=0.5, centered=True),
    "adagrad": lambda lr: tf.train.AdagradOptimizer(lr),
}


class Setup:
    """Two variables (a small one first, a multi-block one second), their
    gradients and the learning rate fed, one train op that counts steps."""

    def __init__(self, make_opt, p0=1.0):
        rng = np.random.default_rng(0)
        self.graph = tf.Graph()
        with self.graph.as_default():
            self.a = tf.Variable((p0 * (1 + rng.random(SMALL))).astype(np.float32), name="a")
            self.b = tf.Variable((p0 * (1 + rng.random(LARGE))).astype(np.float32), name="b")
            self.ga = tf.placeholder(tf.float32, [SMALL])
            self.gb = tf.placeholder(tf.float32, [LARGE])
            self.lr = tf.placeholder(tf.float32, [])
            self.step = tf.train.get_or_create_global_step()
            self.opt = make_opt(self.lr)
            self.train = self.opt.apply_gradients([(self.ga, self.a), (self.gb, self.b)], global_step=self.step)
            self.state_tensors = [self.a, self.b, self.step] + self.opt.variables()
            self.sess = tf.Session(graph=self.graph)
            self.sess.run(tf.global_variables_initializer())

    def run(self, ga, gb, lr=0.01):
        self.sess.run(self.train, {self.ga: ga, self.gb: gb, self.lr: lr})

    def state(self):
        return [np.array(x) for x in self.sess.run(self.state_tensors)]


def gradients(seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(SMALL).astype(np.float32), rng.standard_normal(LARGE).astype(np.float32)


def assert_identical(before, after):
    assert len(before) == len(after)
    for x, y in zip(before, after):
        np.testing.assert_array_equal(x, y)
        assert x.tobytes() == y.tobytes()  # bit-identical, -0.0 and all


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_nonfinite_gradient_in_a_later_block_changes_nothing(name, value):
    s = Setup(OPTIMIZERS[name])
    s.run(*gradients(1))  # slots and beta powers away from their initial values
    before = s.state()
    ga, gb = gradients(2)
    gb[LARGE - 3] = value  # the last block of the second variable: all others come first
    with pytest.raises(errors.NonFiniteError, match=r"gradients of b\b.*no variable or slot was changed"):
        s.run(ga, gb)
    assert_identical(before, s.state())


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_learning_rate_that_overflows_a_weight_changes_nothing(name):
    # Weights near float32's maximum (3.4e38) pushed up by lr 1e38: every rule
    # moves them by about lr here, past the maximum to inf.
    s = Setup(OPTIMIZERS[name], p0=1.5e38)
    ga, gb = gradients(1)
    s.run(-np.abs(ga) * 1e-30, -np.abs(gb) * 1e-30, lr=1e-30)  # a good step first
    before = s.state()
    with pytest.raises(errors.NonFiniteError, match=r"NaN or Inf values in a, b.*no variable or slot was changed"):
        s.run(-np.abs(ga), -np.abs(gb), lr=1e38)
    assert_identical(before, s.state())


def test_overflow_from_ordinary_weights_changes_nothing():
    # Weights ~1 after a normal step (the overflow bound, not the first-step
    # check, is what catches it): lr 1e38 * |g| 10 = 1e39 > float32's max.
    s = Setup(OPTIMIZERS["momentum"])
    ga, gb = gradients(1)
    s.run(ga, gb)
    s.run(ga, gb)
    before = s.state()
    gb_big = gb.copy()
    gb_big[-1] = 10.0
    with pytest.raises(errors.NonFiniteError, match=r"NaN or Inf values in b\b"):
        s.run(ga * 0, gb_big, lr=1e38)
    assert_identical(before, s.state())


def test_slot_overflow_from_a_finite_gradient_changes_nothing():
    # g = 1e30 is finite but (1 - b2) g^2 overflows Adam's v.
    s = Setup(OPTIMIZERS["adam"])
    s.run(*gradients(1))
    before = s.state()
    ga, gb = gradients(2)
    gb[LARGE // 2] = 1e30
    with pytest.raises(errors.NonFiniteError, match=r"values in b\b"):
        s.run(ga, gb)
    assert_identical(before, s.state())


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_good_step_after_a_failed_one_is_as_without_the_failure(name):
    ga1, gb1 = gradients(1)
    ga2, gb2 = gradients(2)
    clean = Setup(OPTIMIZERS[name])
    clean.run(ga1, gb1)
    clean.run(ga2, gb2)
    failed = Setup(OPTIMIZERS[name])
    failed.run(ga1, gb1)
    bad = gb2.copy()
    bad[-1] = np.nan
    with pytest.raises(errors.NonFiniteError):
        failed.run(ga2, bad)
    bad_a = ga2.copy()
    bad_a[0] = np.inf
    with pytest.raises(errors.NonFiniteError):
        failed.run(bad_a, gb2)
    failed.run(ga2, gb2)
    assert_identical(clean.state(), failed.state())


def test_unchecked_step_still_writes_nonfinite_values():
    # check_finite=False opts out of the checks (and their cost).
    with tf.Graph().as_default():
        w = tf.Variable(np.ones(LARGE, np.float32), name="w")
        g = tf.placeholder(tf.float32, [LARGE])
        train = tf.train.AdamOptimizer(0.1, check_finite=False).apply_gradients([(g, w)])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            grad = np.ones(LARGE, np.float32)
            grad[-1] = np.inf
            sess.run(train, {g: grad})
            got = sess.run(w)
    assert not np.isfinite(got[-1])
    assert np.isfinite(got[:-1]).all()


@pytest.mark.parametrize(
    "extra, why",
    [
        ([], "the weights' global norm is inf"),  # Adam: weights ~1e30, finite, but their squares overflow
        (["--l2", "1e-3"], "LossTensor is inf or nan"),  # the penalty overflows: the loss check stops it
    ],
)
def test_train_command_stops_when_training_diverges(tmp_path, capsys, extra, why):
    from slimcore.app import cli

    code = cli.main(
        ["train", "--epochs", "2", "--quiet", "--learning-rate", "1e30", "--checkpoint-dir", str(tmp_path), *extra]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "training diverged at epoch 1" in err and why in err and "no checkpoint was written" in err
    assert "Traceback" not in err
    assert not list(tmp_path.glob("*.safetensors"))
