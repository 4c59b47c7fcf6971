"""tf.nn.dropout: the Dropout op (counter-based seeded mask, second output)
and its gradient.

The fraction kept and the 1/keep_prob scaling on large tensors, the
gradient using the forward run's mask (and finite differences in fresh
sessions, which repeat the mask), determinism across sessions, new masks on
successive runs, TF1's seed rules, thread-count independence, noise_shape
broadcasting, keep_prob as a tensor, and every error path.
"""

import numpy as np
import pytest

import slimcore as sc
from slimcore.framework.ops import _op
from slimcore.ops import random_ops


def positive(shape, dtype=np.float32, seed=0):
    """Values in [0.5, 1.5): never 0, so y != 0 exactly where the mask keeps."""
    return (np.random.default_rng(seed).random(shape) + 0.5).astype(dtype)


def run(fetches, feed=None, runs=1):
    with sc.Session() as sess:
        out = [sess.run(fetches, feed) for _ in range(runs)]
    return out[0] if runs == 1 else out


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("keep_prob", [0.1, 0.5, 0.9])
def test_fraction_kept_and_scaling(keep_prob, dtype):
    x = positive((1000, 500), dtype)
    y = sc.nn.dropout(x, keep_prob, seed=1)
    mask = y.op.outputs[1]
    out, m = run([y, mask])
    kept = out != 0
    n = x.size
    assert abs(kept.mean() - keep_prob) < 5 * np.sqrt(keep_prob * (1 - keep_prob) / n)
    scale = dtype(1.0 / keep_prob)
    np.testing.assert_array_equal(out[kept], x[kept] * scale)  # x * (1/keep_prob), as TF 1.15
    assert out.dtype == dtype and m.dtype == dtype
    np.testing.assert_array_equal(m, np.where(kept, scale, dtype(0)))


def test_keep_prob_one_and_rate_zero_return_x_itself():
    x = sc.placeholder(sc.float32, [3, 4])
    assert sc.nn.dropout(x, 1.0) is x
    assert sc.nn.dropout(x, 1) is x
    assert sc.nn.dropout(x, rate=0.0) is x


def test_rate_is_one_minus_keep_prob():
    x = positive((50, 40))
    a = run(sc.nn.dropout(x, keep_prob=0.75, seed=4))
    sc.reset_default_graph()
    b = run(sc.nn.dropout(x, rate=0.25, seed=4))
    np.testing.assert_array_equal(a, b)


def test_gradient_uses_the_forward_mask():
    x = sc.placeholder(sc.float32, [300, 70])
    r = sc.placeholder(sc.float32, [300, 70])
    y = sc.nn.dropout(x, 0.6, seed=2)
    (dx,) = sc.gradients(y, [x], grad_ys=r)
    data, cot = positive((300, 70)), np.random.default_rng(1).standard_normal((300, 70)).astype(np.float32)
    with sc.Session() as sess:
        for _ in range(3):  # a new mask each run, and each run's gradient uses its own
            out, g = sess.run([y, dx], {x: data, r: cot})
            mask = (out != 0).astype(np.float32)
            np.testing.assert_array_equal(g, cot * mask * np.float32(1 / 0.6))


def test_finite_differences_in_fresh_sessions():
    # A new session repeats the mask, so y(x) is one linear map across evaluations.
    x0 = np.random.default_rng(3).standard_normal((3, 4))
    r = np.random.default_rng(4).standard_normal((3, 4))
    x = sc.placeholder(sc.float64, [3, 4])
    keep = sc.placeholder(sc.float64, [])
    y = sc.nn.dropout(x, keep, seed=5)
    gx, gk = sc.gradients(y, [x, keep], grad_ys=sc.constant(r))

    def f(xv, kv):
        return np.sum(r * run(y, {x: xv, keep: kv}))

    ax, ak = run([gx, gk], {x: x0, keep: 0.7})
    h = 1e-6
    num = np.zeros_like(x0)
    for i in np.ndindex(*x0.shape):
        e = np.zeros_like(x0)
        e[i] = h
        num[i] = (f(x0 + e, 0.7) - f(x0 - e, 0.7)) / (2 * h)
    np.testing.assert_allclose(ax, num, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(ak, (f(x0, 0.7 + h) - f(x0, 0.7 - h)) / (2 * h), rtol=1e-6)


def test_same_seed_repeats_in_new_sessions_and_runs_draw_new_masks():
    x = positive((64, 64))
    y = sc.nn.dropout(x, 0.5, seed=7)
    a1, a2 = run(y, runs=2)
    b1, b2 = run(y, runs=2)
    np.testing.assert_array_equal(a1, b1)
    np.testing.assert_array_equal(a2, b2)
    assert not np.array_equal(a1 != 0, a2 != 0)


def test_graph_seed_rules():
    def build():
        g = sc.Graph()
        with g.as_default():
            random_ops.set_random_seed(11)
            x = sc.constant(positive((32, 32)))
            return g, [sc.nn.dropout(x, 0.5), sc.nn.dropout(x, 0.5)]

    (g1, ys1), (g2, ys2) = build(), build()
    with sc.Session(graph=g1) as s1, sc.Session(graph=g2) as s2:
        v1, v2 = s1.run(ys1), s2.run(ys2)
    np.testing.assert_array_equal(v1[0], v2[0])
    np.testing.assert_array_equal(v1[1], v2[1])
    assert not np.array_equal(v1[0], v1[1])  # op seeds differ
    y = sc.nn.dropout(sc.constant(positive((4, 4))), 0.5, seed=3)
    assert (y.op.get_attr("seed"), y.op.get_attr("seed2")) == (random_ops.DEFAULT_GRAPH_SEED, 3)


def test_mask_does_not_depend_on_the_thread_count():
    x = positive((200, 1000))
    y = sc.nn.dropout(x, 0.3, noise_shape=None, seed=9)
    z = sc.nn.dropout(x.reshape(200, 10, 100), 0.3, noise_shape=[200, 1, 100], seed=9)
    try:
        sc.set_num_threads(1)
        one = run([y, z])
        sc.set_num_threads(2)
        two = run([y, z])
    finally:
        sc.set_num_threads(2)
    np.testing.assert_array_equal(one[0], two[0])
    np.testing.assert_array_equal(one[1], two[1])


@pytest.mark.parametrize(
    "shape,noise_shape",
    [
        ((8, 5, 5, 16), [8, 1, 1, 16]),  # whole feature maps
        ((8, 5, 5, 16), [None, 1, 1, None]),
        ((8, 5, 5, 16), [16]),  # aligned right: one draw per channel
        ((6, 7, 9), [6, 1, 9]),
        ((6, 7, 9), [1, 7, 1]),
        ((6, 7, 9), [1, 1, 1]),  # all or nothing
        ((6, 7, 9), [6, 7, 1]),
        ((300, 1, 257), [300, 1, 1]),  # above the parallel threshold, broadcast inner run
        ((1, 4, 1, 3), [1, 4, 1, 1]),
    ],
)
def test_noise_shape_broadcasts_one_draw(shape, noise_shape):
    x = positive(shape)
    y = sc.nn.dropout(x, 0.5, noise_shape=noise_shape, seed=12)
    out, mask = run([y, y.op.outputs[1]])
    padded = [1] * (len(shape) - len(noise_shape)) + list(noise_shape)
    assert mask.shape == tuple(s if n is None else n for s, n in zip(shape, padded))
    np.testing.assert_array_equal(out, x * mask)  # numpy broadcasting of the drawn mask
    assert set(np.unique(mask)) <= {0.0, 2.0}


def test_noise_shape_fraction_and_gradient():
    x = sc.placeholder(sc.float32, [None, 4, 4, 64])
    y = sc.nn.dropout(x, 0.25, noise_shape=[None, 1, 1, 64], seed=1)
    assert y.op.outputs[1].shape.as_list() == [None, 1, 1, 64]
    (dx,) = sc.gradients(sc.reduce_sum(y), [x])
    out, mask, g = run([y, y.op.outputs[1], dx], {x: positive((500, 4, 4, 64))})
    assert mask.shape == (500, 1, 1, 64)
    assert abs((mask != 0).mean() - 0.25) < 5 * np.sqrt(0.25 * 0.75 / mask.size)
    np.testing.assert_array_equal(g, np.broadcast_to(mask, g.shape))
    np.testing.assert_array_equal(out != 0, np.broadcast_to(mask != 0, out.shape))


def test_keep_prob_tensor_fed_at_run_time():
    x = sc.placeholder(sc.float32, [100, 100])
    keep = sc.placeholder(sc.float32, [])
    y = sc.nn.dropout(x, keep_prob=keep, seed=3)
    data = positive((100, 100))
    with sc.Session() as sess:
        train = sess.run(y, {x: data, keep: 0.5})
        assert abs((train != 0).mean() - 0.5) < 0.03
        np.testing.assert_array_equal(train[train != 0], data[train != 0] * 2)
        np.testing.assert_array_equal(sess.run(y, {x: data, keep: 1.0}), data)  # test time
        for bad in [0.0, -0.5, 1.5, np.nan]:
            with pytest.raises(ValueError, match="keep_prob must be in the range"):
                sess.run(y, {x: data, keep: bad})
    # TF2's rate as a tensor: keep_prob = 1 - rate.
    rate = sc.placeholder(sc.float32, [])
    z = sc.nn.dropout(x, rate=rate, seed=3)
    with sc.Session() as sess:
        np.testing.assert_array_equal(sess.run(z, {x: data, rate: 0.5}), train)


def test_steady_state_runs_allocate_no_buffers():
    from slimcore import _core

    x = sc.placeholder(sc.float32, [None, 32])
    w = sc.Variable(np.ones(32, np.float32))
    y = sc.nn.dropout(x * w, 0.8, seed=1)
    (g,) = sc.gradients(sc.reduce_sum(y * y), [w])
    step = sc.assign_sub(w, g * 0.001)
    data = positive((64, 32))
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())
        sess.run(step.op, {x: data})
        before = _core.testing.allocation_count()
        for _ in range(5):
            sess.run(step.op, {x: data})
        assert _core.testing.allocation_count() == before


def test_empty_and_scalar_inputs():
    empty = run(sc.nn.dropout(np.zeros((0, 3), np.float32), 0.5, seed=1))
    assert empty.shape == (0, 3)
    scalar = run(sc.nn.dropout(np.float32(2.0), 0.5, seed=1))
    assert scalar.shape == () and scalar in (0.0, 4.0)


# ---- errors --------------------------------------------------------------------------------
def test_argument_errors():
    x = sc.placeholder(sc.float32, [4, 5])
    for bad in [0, 0.0, -0.1, 1.5]:
        with pytest.raises(ValueError, match="keep_prob must be a scalar tensor or a float in the range"):
            sc.nn.dropout(x, bad)
    for bad in [1.0, -0.1, 2]:
        with pytest.raises(ValueError, match="rate must be a scalar tensor or a float in the range"):
            sc.nn.dropout(x, rate=bad)
    with pytest.raises(ValueError, match="both 'keep_prob'"):
        sc.nn.dropout(x, 0.5, rate=0.5)
    with pytest.raises(ValueError, match="pass keep_prob"):
        sc.nn.dropout(x)
    with pytest.raises(TypeError, match="keep_prob must be a number"):
        sc.nn.dropout(x, True)
    with pytest.raises(TypeError, match="keep_prob must be a number"):
        sc.nn.dropout(x, "0.5")
    with pytest.raises(TypeError, match="float32 or float64"):
        sc.nn.dropout(sc.placeholder(sc.int32, [3]), 0.5)
    with pytest.raises(TypeError):
        sc.nn.dropout(x, sc.placeholder(sc.float64, []))
    with pytest.raises(ValueError, match="must be a scalar"):
        sc.nn.dropout(x, sc.placeholder(sc.float32, [1]))
    with pytest.raises(TypeError, match="seed must be an int"):
        sc.nn.dropout(x, 0.5, seed=1.5)


def test_noise_shape_errors():
    x = sc.placeholder(sc.float32, [4, 5])
    with pytest.raises(ValueError, match="more dimensions than x"):
        sc.nn.dropout(x, 0.5, noise_shape=[1, 4, 5])
    with pytest.raises(ValueError, match="does not broadcast"):
        sc.nn.dropout(x, 0.5, noise_shape=[4, 3])
    with pytest.raises(ValueError, match="does not broadcast"):
        sc.nn.dropout(x, 0.5, noise_shape=[-2, 5])
    with pytest.raises(TypeError, match="ints or None"):
        sc.nn.dropout(x, 0.5, noise_shape=[4, 5.0])
    with pytest.raises(TypeError, match="computed shape tensor"):
        sc.nn.dropout(x, 0.5, noise_shape=sc.constant([4, 5]))
    # An unknown dimension is checked when the graph runs.
    u = sc.placeholder(sc.float32, [None, 5])
    y = sc.nn.dropout(u, 0.5, noise_shape=[3, 1])
    with pytest.raises(ValueError, match="does not broadcast"):
        run(y, {u: np.ones((4, 5), np.float32)})
    np.testing.assert_array_equal(run(y, {u: np.zeros((3, 5), np.float32)}), np.zeros((3, 5)))


def test_raw_op_errors():
    x = sc.constant(np.ones((2, 3), np.float32))
    with pytest.raises(ValueError, match=r"keep_prob must be in the range \(0, 1\], got 1.5$"):
        _op("Dropout", [x], {"keep_prob": 1.5, "seed": 1, "seed2": 2})
    with pytest.raises(ValueError, match="must have x's rank 2"):
        _op("Dropout", [x], {"keep_prob": 0.5, "seed": 1, "seed2": 2, "noise_shape": [3]})
    with pytest.raises(ValueError, match="negative dimension"):
        _op("Dropout", [x], {"keep_prob": 0.5, "seed": 1, "seed2": 2, "noise_shape": [2, -3]})
    with pytest.raises(ValueError, match="optional scalar keep_prob"):
        _op("Dropout", [x, x, x], {"seed": 1, "seed2": 2})
    with pytest.raises(TypeError, match="keep_prob must have x's dtype"):
        _op("Dropout", [x, sc.constant(0.5, dtype=sc.float64)], {"seed": 1, "seed2": 2})
