"""An optimizer step is all or nothing: a NaN or Inf gradient, or new values
that overflow float32, raise NonFiniteError naming the variable and leave
every variable, every slot, Adam's beta powers and the global step exactly as
they were; a good step after a failed one is bit-identical to the same step
without the failure.

Two paths keep that promise (ops/optimizer_ops.cpp): a train op whose
variables fill at least half of the arenas it writes computes the new values
into shadow arenas and swaps them in (PATHS "shadow"); one that trains a
small part of the arenas updates in place after checking the gradients (and,
when an overflow bound says so, a dry run): PATHS "in_place", made by a large
trainable variable that the op does not train."""

import hashlib

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
    "adadelta": lambda lr: tf.train.AdadeltaOptimizer(lr),
    "ftrl": lambda lr: tf.train.FtrlOptimizer(
        lr, l1_regularization_strength=0.01, l2_shrinkage_regularization_strength=0.1
    ),
    "proximal": lambda lr: tf.train.ProximalGradientDescentOptimizer(lr, 0.01, 0.1),
}
# Rules whose step moves a weight by about lr (a huge lr overflows it): not
# Adadelta (its step is about lr sqrt(epsilon)) nor Ftrl (p is recomputed from
# the slots).
MOVED_BY_LR = sorted(set(OPTIMIZERS) - {"adadelta", "ftrl"})


# The size of a trainable variable that the train op leaves alone: 4 * LARGE
# makes the op's variables less than half of the arena (the in-place path).
PATHS = {"shadow": SMALL, "in_place": 4 * LARGE}


class Setup:
    """Two variables (a small one first, a multi-block one second), their
    gradients and the learning rate fed, one train op that counts steps; a
    third trainable variable `c` (of `bystander` elements) that it does not
    train."""

    def __init__(self, make_opt, p0=1.0, bystander=PATHS["shadow"]):
        rng = np.random.default_rng(0)
        self.graph = tf.Graph()
        with self.graph.as_default():
            self.a = tf.Variable((p0 * (1 + rng.random(SMALL))).astype(np.float32), name="a")
            self.c0 = rng.random(bystander).astype(np.float32)
            self.c = tf.Variable(self.c0, name="c")
            self.b = tf.Variable((p0 * (1 + rng.random(LARGE))).astype(np.float32), name="b")
            self.ga = tf.placeholder(tf.float32, [SMALL])
            self.gb = tf.placeholder(tf.float32, [LARGE])
            self.lr = tf.placeholder(tf.float32, [])
            self.step = tf.train.get_or_create_global_step()
            self.opt = make_opt(self.lr)
            self.train = self.opt.apply_gradients([(self.ga, self.a), (self.gb, self.b)], global_step=self.step)
            self.state_tensors = [self.a, self.b, self.c, self.step] + self.opt.variables()
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


# Where the bad gradient sits in b: in the scalar tail of its last block, or in
# a lane of a whole vector (the pass checks vectors and the tail apart).
POSITIONS = {"tail": LARGE - 3, "vector": 2 * 8192 + 16 * 5 + 9}


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("position", sorted(POSITIONS))
def test_nonfinite_gradient_in_a_later_block_changes_nothing(name, value, path, position):
    s = Setup(OPTIMIZERS[name], bystander=PATHS[path])
    s.run(*gradients(1))  # slots and beta powers away from their initial values
    before = s.state()
    ga, gb = gradients(2)
    gb[POSITIONS[position]] = value  # the last block of the second variable: all others come first
    with pytest.raises(errors.NonFiniteError, match=r"gradients of b\b.*no variable or slot was changed"):
        s.run(ga, gb)
    assert_identical(before, s.state())


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize("name", MOVED_BY_LR)
def test_learning_rate_that_overflows_a_weight_changes_nothing(name, path):
    # Weights near float32's maximum (3.4e38) pushed up by lr 1e38: every rule
    # moves them by about lr here, past the maximum to inf.
    s = Setup(OPTIMIZERS[name], p0=1.5e38, bystander=PATHS[path])
    ga, gb = gradients(1)
    s.run(-np.abs(ga) * 1e-30, -np.abs(gb) * 1e-30, lr=1e-30)  # a good step first
    before = s.state()
    with pytest.raises(errors.NonFiniteError, match=r"NaN or Inf values in a, b.*no variable or slot was changed"):
        s.run(-np.abs(ga), -np.abs(gb), lr=1e38)
    assert_identical(before, s.state())


@pytest.mark.parametrize("path", sorted(PATHS))
def test_overflow_from_ordinary_weights_changes_nothing(path):
    # Weights ~1 after a normal step (the overflow bound, not the first-step
    # check, is what catches it): lr 1e38 * |g| 10 = 1e39 > float32's max.
    s = Setup(OPTIMIZERS["momentum"], bystander=PATHS[path])
    ga, gb = gradients(1)
    s.run(ga, gb)
    s.run(ga, gb)
    before = s.state()
    gb_big = gb.copy()
    gb_big[-1] = 10.0
    with pytest.raises(errors.NonFiniteError, match=r"NaN or Inf values in b\b"):
        s.run(ga * 0, gb_big, lr=1e38)
    assert_identical(before, s.state())


@pytest.mark.parametrize("path", sorted(PATHS))
def test_slot_overflow_from_a_finite_gradient_changes_nothing(path):
    # g = 1e30 is finite but (1 - b2) g^2 overflows Adam's v.
    s = Setup(OPTIMIZERS["adam"], bystander=PATHS[path])
    s.run(*gradients(1))
    before = s.state()
    ga, gb = gradients(2)
    gb[LARGE // 2] = 1e30
    with pytest.raises(errors.NonFiniteError, match=r"values in b\b"):
        s.run(ga, gb)
    assert_identical(before, s.state())


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_good_step_after_a_failed_one_is_as_without_the_failure(name, path):
    ga1, gb1 = gradients(1)
    ga2, gb2 = gradients(2)
    clean = Setup(OPTIMIZERS[name], bystander=PATHS[path])
    clean.run(ga1, gb1)
    clean.run(ga2, gb2)
    failed = Setup(OPTIMIZERS[name], bystander=PATHS[path])
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


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_checked_step_is_bit_identical_to_the_unchecked_one(name, path):
    # The checks change no number: the same steps with check_finite=False give
    # the same bits, and the variable the op does not train keeps its value.
    def run(check_finite):
        make = OPTIMIZERS[name]

        def opt(lr):
            o = make(lr)
            o._check_finite = check_finite
            return o

        s = Setup(opt, bystander=PATHS[path])
        for seed in (1, 2, 3):
            s.run(*gradients(seed))
        return s.state(), s.c0

    (checked, c0), (unchecked, _) = run(True), run(False)
    assert_identical(checked, unchecked)
    assert_identical([c0], [checked[2]])


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


def test_large_step_streams_its_new_values_and_stays_all_or_nothing():
    # From 2^24 parameters on the step goes through the shadows again (below,
    # from 2^18, in place) and writes them with non-temporal stores. Gradients
    # are made when fed and states kept as digests: 64 MB an array.
    n = (1 << 24) + 7

    def grad(seed, bad_at=None):
        g = np.random.default_rng(seed).standard_normal(n, dtype=np.float32)
        if bad_at is not None:
            g[bad_at] = np.nan
        return g

    def digest(arrays):
        return [hashlib.sha256(np.ascontiguousarray(x).tobytes()).hexdigest() for x in arrays]

    states = []
    for check_finite in (True, False):
        with tf.Graph().as_default():
            w = tf.Variable(np.ones(n, np.float32), name="w")
            g = tf.placeholder(tf.float32, [n])
            opt = tf.train.AdamOptimizer(0.1, check_finite=check_finite)
            train = opt.apply_gradients([(g, w)])
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                sess.run(train, {g: grad(0)})
                if check_finite:
                    before = digest(sess.run([w] + opt.variables()))
                    with pytest.raises(errors.NonFiniteError, match=r"gradients of w\b"):
                        sess.run(train, {g: grad(1, bad_at=n - 1)})
                    assert digest(sess.run([w] + opt.variables())) == before
                sess.run(train, {g: grad(1)})
                sess.run(train, {g: grad(2)})
                states.append(digest(sess.run([w] + opt.variables())))
    assert states[0] == states[1]


def test_ops_after_the_train_op_in_the_same_run_read_the_new_values():
    # The shadow path swaps arenas: the run's views of the variables follow
    # (TF1: a read under control_dependencies([train_op]) sees the update).
    with tf.Graph().as_default():
        w = tf.Variable(np.full(LARGE, 2.0, np.float32), name="w")
        train = tf.train.GradientDescentOptimizer(0.5).minimize(tf.reduce_sum(w))
        with tf.control_dependencies([train]):
            after = tf.identity(w)
            doubled = w * 2.0
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got_after, got_doubled = sess.run([after, doubled])
            np.testing.assert_array_equal(got_after, np.full(LARGE, 1.5, np.float32))
            np.testing.assert_array_equal(got_doubled, np.full(LARGE, 3.0, np.float32))
            np.testing.assert_array_equal(sess.run(w), np.full(LARGE, 1.5, np.float32))
            # assign, Saver-style reads and further steps see the swapped arena
            sess.run(tf.assign(w, np.zeros(LARGE, np.float32)))
            sess.run(train)
            np.testing.assert_array_equal(sess.run(w), np.full(LARGE, -0.5, np.float32))
