"""Random ops taking tensors (issue 13): a 1-D int shape tensor, 0-D tensor
mean/stddev/minval/maxval, integer random_uniform; TF1's seeds and errors."""

import numpy as np
import pytest

import slimcore.compat.v1 as tf

FLOAT_OPS = [tf.random_normal, tf.truncated_normal, tf.random_uniform]


def _run(fetch, feed=None, graph=None):
    with tf.Session(graph=graph or tf.get_default_graph()) as sess:
        return sess.run(fetch, feed)


@pytest.mark.parametrize("op", FLOAT_OPS)
@pytest.mark.parametrize("shape_dtype", [tf.int32, tf.int64])
def test_a_fed_shape_tensor_sets_the_run_time_shape(op, shape_dtype):
    shape = tf.placeholder(shape_dtype, [3])
    t = op(shape, seed=1)
    assert t.shape.as_list() == [None, None, None]
    assert t.op.type.endswith("FromShape")
    with tf.Session() as sess:
        assert sess.run(t, {shape: [2, 0, 5]}).shape == (2, 0, 5)
        assert sess.run(t, {shape: [4, 1, 3]}).shape == (4, 1, 3)


def test_static_shape_from_what_the_graph_knows_of_the_shape_tensor():
    assert tf.random_normal(tf.constant([2, 5])).shape.as_list() == [2, 5]
    n = tf.placeholder(tf.int32, [])
    t = tf.random_uniform([n, 3], seed=2)  # a list holding a tensor is packed, as TF1
    assert t.shape.as_list() == [None, 3]
    assert _run(t, {n: 4}).shape == (4, 3)
    # tf.shape(z): the static shape of z (the shape-ops lane adds tf.shape; the
    # Shape op type is what the rule reads, whoever builds it).
    if hasattr(tf, "shape"):
        z = tf.placeholder(tf.float32, [None, 7])
        noise = tf.random_normal(tf.shape(z))
        assert noise.shape.as_list() == [None, 7]
        assert _run(noise, {z: np.zeros((3, 7))}).shape == (3, 7)


def test_tensor_mean_and_stddev_are_graph_ops_on_a_standard_draw():
    """TF1 builds mean + stddev * z: with the same seeds, the draw with
    tensors is exactly 2 + 3 * the standard draw."""
    for op in (tf.random_normal, tf.truncated_normal):
        g1, g2 = tf.Graph(), tf.Graph()
        with g1.as_default():
            tf.set_random_seed(5)
            z = op([1000], seed=9)
        with g2.as_default():
            tf.set_random_seed(5)
            m = tf.placeholder(tf.float32, [])
            t = op([1000], mean=m, stddev=tf.constant(3.0), seed=9)
            assert t.op.type == "Add" and t.op.name == op.__name__  # TF1 names the sum after the call
        base = _run(z, graph=g1)
        np.testing.assert_allclose(_run(t, {m: 2.0}, graph=g2), 2.0 + 3.0 * base, rtol=1e-6, atol=1e-6)


def test_tensor_minval_maxval_uniform():
    g1, g2 = tf.Graph(), tf.Graph()
    with g1.as_default():
        tf.set_random_seed(1)
        u = tf.random_uniform([500], seed=4)
    with g2.as_default():
        tf.set_random_seed(1)
        lo = tf.placeholder(tf.float64, [])
        t = tf.random_uniform([500], minval=lo, maxval=tf.constant(5.0, tf.float64), dtype=tf.float64, seed=4)
    base = _run(u, graph=g1).astype(np.float64)
    out = _run(t, {lo: -1.0}, graph=g2)
    assert out.dtype == np.float64 and out.min() >= -1.0 and out.max() < 5.0
    np.testing.assert_allclose(out, -1.0 + 6.0 * base, rtol=1e-6, atol=1e-6)


def test_non_scalar_tensor_parameters_are_refused():
    with pytest.raises(ValueError, match="scalar"):
        tf.random_normal([3], mean=tf.constant([1.0, 2.0, 3.0]))


@pytest.mark.parametrize("dtype", [tf.int32, tf.int64])
def test_integer_uniform_covers_minval_to_maxval_exclusive(dtype):
    t = tf.random_uniform([4000], minval=-3, maxval=5, dtype=dtype, seed=7)
    assert t.dtype == dtype and t.op.type == "RandomUniformInt" and t.shape.as_list() == [4000]
    v = _run(t)
    assert v.dtype == dtype.as_numpy_dtype
    assert set(np.unique(v).tolist()) == set(range(-3, 5))
    counts = np.bincount(v + 3)
    assert counts.min() > 400  # 500 expected per value


def test_integer_uniform_with_tensor_bounds_and_shape_and_run_time_check():
    shape = tf.placeholder(tf.int64, [2])
    lo = tf.placeholder(tf.int64, [])
    hi = tf.placeholder(tf.int64, [])
    t = tf.random_uniform(shape, lo, hi, dtype=tf.int64, seed=3)
    assert t.shape.as_list() == [None, None]
    with tf.Session() as sess:
        v = sess.run(t, {shape: [3, 4], lo: 2**40, hi: 2**40 + 3})
        assert v.shape == (3, 4) and v.min() >= 2**40 and v.max() < 2**40 + 3
        with pytest.raises(tf.errors.InvalidArgumentError, match="Need minval < maxval: 5 >= 5"):
            sess.run(t, {shape: [1, 1], lo: 5, hi: 5})


def test_integer_uniform_errors_as_tf1():
    with pytest.raises(ValueError, match="Must specify maxval for integer dtype int64"):
        tf.random_uniform([2], dtype=tf.int64)
    with pytest.raises(TypeError):
        tf.random_uniform([2], maxval=3, dtype=tf.bool)
    with pytest.raises(TypeError):
        tf.random_uniform([2], minval=tf.constant(0, tf.int64), maxval=3, dtype=tf.int32)


def test_same_seeds_same_numbers_in_a_new_session_and_streams_continue():
    tf.set_random_seed(11)
    shape = tf.placeholder(tf.int32, [1])
    t = tf.random_normal(shape, seed=1)
    i = tf.random_uniform(shape, maxval=1000, dtype=tf.int32, seed=1)
    with tf.Session() as sess:
        first = sess.run([t, i], {shape: [6]})
        second = sess.run([t, i], {shape: [6]})
    with tf.Session() as sess:
        again = sess.run([t, i], {shape: [6]})
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], second[0]) and not np.array_equal(first[1], second[1])


def test_shape_tensor_errors():
    with pytest.raises(TypeError, match="int32 or int64"):
        tf.random_normal(tf.constant([2.0, 3.0]))
    with pytest.raises(ValueError, match="1-D"):
        tf.random_normal(tf.placeholder(tf.int32, [2, 2]))
    shape = tf.placeholder(tf.int32, [2])
    t = tf.random_normal(shape, name="noise")
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError, match=r"noise.*negative"):
        sess.run(t, {shape: [2, -1]})


def test_no_gradient_through_random_ops_with_tensor_parameters_except_mean_and_stddev():
    mean = tf.Variable(1.0)
    std = tf.Variable(2.0)
    shape = tf.placeholder(tf.int32, [1])
    t = tf.random_normal(shape, mean=mean, stddev=std, seed=3)
    z = tf.random_normal(shape, seed=3)
    gm, gs = tf.gradients(tf.reduce_sum(t), [mean, std])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        vm, vs, vz = sess.run([gm, gs, z], {shape: [50]})
    assert vm == pytest.approx(50.0)
    # d/dstddev sum(mean + stddev * z) = sum(z): the standard draw of the same seeds.
    assert vs == pytest.approx(float(np.sum(vz)), rel=1e-5, abs=1e-5)
