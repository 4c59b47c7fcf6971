"""Epilogue fusion (cpp/src/fusion_pass.h): producer -> [BiasAdd] -> [Relu | Relu6]
chains run as one step and give the unfused numbers bit for bit, forward and
gradients; a fetched intermediate keeps its chain unfused.

Fusion is on by default; SLIMCORE_FUSION=0 (read when a plan is made) turns it
off, which is the unfused reference here. That fusion happened at all is seen
in the allocation count: a fused chain allocates no buffers for the outputs of
the BiasAdd and the activation.
"""

import numpy as np
import pytest

import slimcore as sc
from gradcheck import check_gradients
from slimcore import _core


def sample(shape, dtype=np.float64, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def run_twice(monkeypatch, build, feeds_np):
    """(fused, unfused) values of y = build(*placeholders) and of the
    gradients of sum(y^2) with respect to the placeholders, each in a fresh
    graph and session."""
    results = []
    for fusion in ("1", "0"):
        monkeypatch.setenv("SLIMCORE_FUSION", fusion)
        graph = sc.Graph()
        with graph.as_default():
            phs = [sc.placeholder(sc.as_dtype(a.dtype), a.shape) for a in feeds_np]
            y = build(*phs)
            grads = [g for g in sc.gradients(sc.reduce_sum(y * y), phs) if g is not None]
            with sc.Session(graph=graph) as sess:
                results.append(sess.run([y, *grads], dict(zip(phs, feeds_np))))
    return results


def dense(act, bias=True, add=False):
    def build(x, w, b):
        y = sc.matmul(x, w)
        if bias:
            y = y + b if add else sc.nn.bias_add(y, b)
        return act(y) if act else y

    return build


ACTS = {"relu": sc.nn.relu, "relu6": sc.nn.relu6, "none": None}


@pytest.mark.parametrize("act", ["relu", "relu6", "none"])
@pytest.mark.parametrize("bias", ["bias_add", "add", None])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("m,k,n", [(1, 3, 17), (17, 65, 3), (129, 17, 65)])
def test_matmul_chain_fused_equals_unfused(monkeypatch, act, bias, dtype, m, k, n):
    if act == "none" and not bias:
        pytest.skip("no epilogue: nothing to fuse")
    feeds = [sample((m, k), dtype) * 3, sample((k, n), dtype, 1), sample((n,), dtype, 2) * 3]
    fused, unfused = run_twice(monkeypatch, dense(ACTS[act], bias is not None, bias == "add"), feeds)
    for a, b in zip(fused, unfused):
        np.testing.assert_array_equal(a, b)
    pre = feeds[0] @ feeds[1] + (feeds[2] if bias else 0)
    want = {"relu": np.maximum(pre, 0), "relu6": np.clip(pre, 0, 6), "none": pre}[act]
    np.testing.assert_allclose(fused[0], want, rtol=1e-4 if dtype == np.float32 else 1e-12, atol=1e-4)


@pytest.mark.parametrize("transpose_a", [False, True])
@pytest.mark.parametrize("m,k,n", [(3, 129, 65), (129, 3, 17)])  # c^T = b a^T, then b^T
def test_transposed_matmul_chain_fused_equals_unfused(monkeypatch, transpose_a, m, k, n):
    def build(x, w, b):
        return sc.nn.relu(sc.nn.bias_add(sc.matmul(x, w, transpose_a=transpose_a, transpose_b=True), b))

    feeds = [
        sample((k, m) if transpose_a else (m, k), np.float32),
        sample((n, k), np.float32, 1),
        sample((n,), np.float32, 2),
    ]
    fused, unfused = run_twice(monkeypatch, build, feeds)
    for a, b in zip(fused, unfused):
        np.testing.assert_array_equal(a, b)
    x = feeds[0].T if transpose_a else feeds[0]
    np.testing.assert_allclose(fused[0], np.maximum(x @ feeds[1].T + feeds[2], 0), rtol=1e-4, atol=1e-4)


def conv_chain(strides, ksize, act, bias=True):
    def build(x, f, b):
        y = sc.nn.conv2d(x, f, strides, "SAME")
        if bias:
            y = sc.nn.bias_add(y, b)
        return act(y)

    return build


@pytest.mark.parametrize("ksize,strides", [(5, 1), (3, 2), (1, 1)])
@pytest.mark.parametrize("act", ["relu", "relu6"])
@pytest.mark.parametrize("bias", [True, False])
def test_conv2d_chain_fused_equals_unfused(monkeypatch, ksize, strides, act, bias):
    feeds = [
        sample((3, 9, 7, 5), np.float32) * 2,
        sample((ksize, ksize, 5, 17), np.float32, 1),
        sample((17,), np.float32, 2),
    ]
    fused, unfused = run_twice(monkeypatch, conv_chain(strides, ksize, ACTS[act], bias), feeds)
    for a, b in zip(fused, unfused):
        np.testing.assert_array_equal(a, b)


def test_depthwise_chain_fused_after_the_kernel_equals_unfused(monkeypatch):
    def build(x, f, b):
        return sc.nn.relu6(sc.nn.bias_add(sc.nn.depthwise_conv2d(x, f, [1, 1, 1, 1], "SAME"), b))

    feeds = [sample((2, 6, 6, 3), np.float32) * 3, sample((3, 3, 3, 2), np.float32, 1), sample((6,), np.float32, 2)]
    fused, unfused = run_twice(monkeypatch, build, feeds)
    for a, b in zip(fused, unfused):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("is_training", [True, False])
@pytest.mark.parametrize("act", ["relu", "relu6"])
def test_batch_norm_chain_fused_equals_unfused(monkeypatch, is_training, act):
    def build(x, scale, offset, mean, var):
        if is_training:
            y = sc.nn.fused_batch_norm(x, scale, offset, is_training=True)[0]
        else:
            y = sc.nn.fused_batch_norm(x, scale, offset, mean, var, is_training=False)[0]
        return ACTS[act](y)

    c = 19
    feeds = [
        sample((4, 5, 3, c), np.float32) * 3 + 1,
        sample((c,), np.float32, 1) * 2,
        sample((c,), np.float32, 2) * 3,
        sample((c,), np.float32, 3),
        np.abs(sample((c,), np.float32, 4)) + 0.5,
    ]
    fused, unfused = run_twice(monkeypatch, build, feeds)
    for a, b in zip(fused, unfused):
        np.testing.assert_array_equal(a, b)


def test_fused_gradients_match_finite_differences():
    check_gradients(
        lambda x, w, b: sc.nn.relu6(sc.nn.bias_add(sc.matmul(x, w), b)),
        [sample((5, 4)) * 3, sample((4, 3), seed=1), sample((3,), seed=2)],
    )
    check_gradients(
        lambda x, f, b: sc.nn.relu(sc.nn.bias_add(sc.nn.conv2d(x, f, 1, "SAME"), b)),
        [sample((2, 5, 5, 2)), sample((3, 3, 2, 3), seed=1), sample((3,), seed=2)],
    )
    check_gradients(
        lambda x, s, o: sc.nn.relu6(sc.nn.fused_batch_norm(x, s, o, is_training=True)[0]),
        [sample((3, 2, 2, 3)) * 2, sample((3,), seed=1) * 3, sample((3,), seed=2) * 3],
        rtol=1e-5,
        atol=1e-7,
    )


def first_run_allocations(monkeypatch, fusion, fetch_pre=False, add=False):
    monkeypatch.setenv("SLIMCORE_FUSION", fusion)
    graph = sc.Graph()
    with graph.as_default():
        x = sc.placeholder(sc.float32, [8, 6])
        w = sc.constant(sample((6, 5), np.float32))
        b = sc.constant(sample((5,), np.float32))
        pre = sc.matmul(x, w)
        y = sc.nn.relu(pre + b if add else sc.nn.bias_add(pre, b))
        fetches = [y, pre] if fetch_pre else [y]
        with sc.Session(graph=graph) as sess:
            before = _core.testing.allocation_count()
            out = sess.run(fetches, {x: sample((8, 6), np.float32)})
            return _core.testing.allocation_count() - before, out


def vec(n):
    return sc.constant(sample((n,), np.float32, 5))


# Chains on x [2, 6, 6, 4] and the buffers fusion saves (the bias constants
# are made after the producer: the chain then runs at the BiasAdd's place).
CHAINS = {
    "matmul+bias_add+relu": (
        lambda x: sc.nn.relu(sc.nn.bias_add(sc.reshape(x, [-1, 4]) @ np.ones((4, 3), np.float32), vec(3))),
        2,
    ),
    "matmul+add+relu6": (lambda x: sc.nn.relu6(sc.reshape(x, [-1, 4]) @ np.ones((4, 3), np.float32) + vec(3)), 2),
    "matmul+bias_add": (lambda x: sc.nn.bias_add(sc.reshape(x, [-1, 4]) @ np.ones((4, 3), np.float32), vec(3)), 1),
    "conv2d+bias_add+relu": (
        lambda x: sc.nn.relu(sc.nn.bias_add(sc.nn.conv2d(x, np.ones((3, 3, 4, 8), np.float32), 1, "SAME"), vec(8))),
        2,
    ),
    "conv2d+relu6": (lambda x: sc.nn.relu6(sc.nn.conv2d(x, np.ones((1, 1, 4, 8), np.float32), 1, "SAME")), 1),
    "depthwise+bias_add+relu6": (
        lambda x: sc.nn.relu6(
            sc.nn.bias_add(sc.nn.depthwise_conv2d(x, np.ones((3, 3, 4, 2), np.float32), [1, 1, 1, 1], "SAME"), vec(8))
        ),
        2,
    ),
    "batch_norm+relu6": (
        lambda x: sc.nn.relu6(sc.nn.fused_batch_norm(x, np.ones(4, np.float32), np.zeros(4, np.float32))[0]),
        1,
    ),
}


def first_run(monkeypatch, fusion, build, fetch_pre=False):
    """Allocations of the first run of build(x) and its gradient, and the results.

    Buffer planning (buffer_planner.h) is off here: with it, buffers are shared
    by liveness and the count no longer tells which steps allocate their own.
    """
    monkeypatch.setenv("SLIMCORE_FUSION", fusion)
    monkeypatch.setenv("SLIMCORE_PLAN_BUFFERS", "0")
    graph = sc.Graph()
    with graph.as_default():
        x = sc.placeholder(sc.float32, [2, 6, 6, 4])
        y = build(x)
        fetches = [y, *sc.gradients(sc.reduce_sum(y * y), [x])]
        if fetch_pre:
            fetches.append(y.op.inputs[0])
        with sc.Session(graph=graph) as sess:
            before = _core.testing.allocation_count()
            out = sess.run(fetches, {x: sample((2, 6, 6, 4), np.float32)})
            return _core.testing.allocation_count() - before, out


@pytest.mark.parametrize("chain", list(CHAINS))
def test_a_fused_chain_allocates_no_buffers_for_the_absorbed_steps(monkeypatch, chain):
    build, saved = CHAINS[chain]
    fused, fused_out = first_run(monkeypatch, "1", build)
    unfused, unfused_out = first_run(monkeypatch, "0", build)
    assert unfused - fused == saved
    for a, b in zip(fused_out, unfused_out):
        np.testing.assert_array_equal(a, b)


# The activation's input fetched: the activation stays a step of its own
# (the MatMul still absorbs the BiasAdd: one buffer saved).
@pytest.mark.parametrize("chain,saved", [("matmul+bias_add+relu", 1), ("conv2d+relu6", 0), ("batch_norm+relu6", 0)])
def test_a_fetched_intermediate_disables_the_fusion_and_holds_its_value(monkeypatch, chain, saved):
    build, _ = CHAINS[chain]
    fused, (y, _, pre) = first_run(monkeypatch, "1", build, fetch_pre=True)
    unfused, _ = first_run(monkeypatch, "0", build, fetch_pre=True)
    assert unfused - fused == saved
    assert (pre < 0).any()  # the pre-activation, not the activation's output
    np.testing.assert_array_equal(y, np.clip(pre, 0, 6 if chain != "matmul+bias_add+relu" else np.inf))


def test_an_add_that_broadcasts_otherwise_is_not_a_bias():
    x = sc.placeholder(sc.float64, [3, 4])
    w = sc.constant(sample((4, 1), seed=1))
    b = sc.constant(sample((5,), seed=2))
    y = sc.nn.relu(sc.matmul(x, w) + b)  # [3, 1] + [5] -> [3, 5]: not an epilogue
    data = sample((3, 4))
    with sc.Session() as sess:
        got = sess.run(y, {x: data})
    np.testing.assert_allclose(got, np.maximum(data @ sample((4, 1), seed=1) + sample((5,), seed=2), 0), rtol=1e-12)


def test_an_intermediate_read_twice_stays_unfused():
    x = sc.placeholder(sc.float64, [3, 4])
    w = sc.constant(sample((4, 2), seed=1))
    pre = sc.matmul(x, w)
    y = sc.nn.relu(pre) + pre  # pre read by Relu and by Add
    data = sample((3, 4))
    with sc.Session() as sess:
        got = sess.run(y, {x: data})
    p = data @ sample((4, 2), seed=1)
    np.testing.assert_allclose(got, np.maximum(p, 0) + p, rtol=1e-12)


def test_a_wrong_bias_length_fails_naming_the_bias_add():
    x = sc.placeholder(sc.float32, [2, 3])
    b = sc.placeholder(sc.float32, [None])
    y = sc.nn.relu(sc.nn.bias_add(sc.matmul(x, sc.constant(np.ones((3, 4), np.float32))), b, name="my_bias"))
    with sc.Session() as sess:
        with pytest.raises(sc.errors.InvalidArgumentError, match=r"my_bias.*bias of shape"):
            sess.run(y, {x: np.ones((2, 3), np.float32), b: np.ones(5, np.float32)})


def test_fused_steady_state_training_allocates_nothing():
    x = sc.placeholder(sc.float32, [16, 10])
    w1 = sc.Variable(sample((10, 12), np.float32) * 0.3)
    b1 = sc.Variable(np.zeros(12, np.float32))
    w2 = sc.Variable(sample((12, 3), np.float32, 1) * 0.3)
    h = sc.nn.relu6(sc.nn.bias_add(sc.matmul(x, w1), b1))
    loss = sc.reduce_sum(sc.square(sc.matmul(h, w2)))
    variables = [w1, b1, w2]
    grads = sc.gradients(loss, variables)
    step = sc.group(*[sc.assign_sub(v, g * 1e-3) for v, g in zip(variables, grads)])
    data = sample((16, 10), np.float32)
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())
        sess.run(step, {x: data})
        before = _core.testing.allocation_count()
        for _ in range(4):
            sess.run(step, {x: data})
        assert _core.testing.allocation_count() == before
