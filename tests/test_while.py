"""tf.while_loop and tf.nn.dynamic_rnn: forward and gradients against numpy."""

import collections

import numpy as np
import pytest

import slimcore as tf
from slimcore.ops import nest
from slimcore.ops.while_ops import while_loop
from slimcore.rnn_dynamic import dynamic_rnn


def run(fetches, feed=None, init=False):
    with tf.Session() as sess:
        if init:
            sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed)


def finite_difference(f, x, eps=1e-3):
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[i] = eps
        g[i] = (f(x + d) - f(x - d)) / (2 * eps)
    return g


def test_nest_flatten_and_pack():
    pair = collections.namedtuple("pair", "c h")
    s = [1, (2, pair(3, 4)), {"b": 6, "a": 5}]
    assert nest.flatten(s) == [1, 2, 3, 4, 5, 6]
    packed = nest.pack_sequence_as(s, [10, 20, 30, 40, 50, 60])
    assert packed == [10, (20, pair(30, 40)), {"a": 50, "b": 60}]
    assert isinstance(packed[1][1], pair)
    with pytest.raises(ValueError, match="same nested structure"):
        nest.assert_same_structure([1, 2], [1, [2]])


def test_power_forward_and_gradient():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [3])
        k = tf.placeholder(tf.int32, [])
        _, y = while_loop(lambda i, acc: i < k, lambda i, acc: (i + 1, acc * x), [0, tf.ones([3])])
        (g,) = tf.gradients(tf.reduce_sum(y), [x])
        xv = np.array([0.5, -1.5, 2.0], np.float32)
        for kv in (0, 1, 4):
            yv, gv = run([y, g], {x: xv, k: kv})
            np.testing.assert_allclose(yv, xv**kv, rtol=1e-6)
            np.testing.assert_allclose(gv, kv * xv ** max(kv - 1, 0) if kv else 0 * xv, rtol=1e-5)


def test_cumulative_product_gradient_vs_finite_differences():
    # acc_t = acc_{t-1} * w[t] via a captured tensor indexed by the counter.
    w0 = np.array([1.3, -0.7, 2.1, 0.4], np.float32)
    with tf.Graph().as_default():
        w = tf.placeholder(tf.float32, [4])
        a = tf.placeholder(tf.float32, [])
        _, prods, total = while_loop(
            lambda i, p, s: i < 4,
            lambda i, p, s: (i + 1, p * tf.gather(w, i), s + p * tf.gather(w, i) * a),
            [tf.constant(0), tf.constant(1.0), tf.constant(0.0)],
        )
        gw, ga = tf.gradients(total, [w, a])
        out = run([prods, total, gw, ga], {w: w0, a: 0.5})
    np.testing.assert_allclose(out[0], np.prod(w0), rtol=1e-6)
    np.testing.assert_allclose(out[1], 0.5 * np.cumprod(w0).sum(), rtol=1e-6)
    np.testing.assert_allclose(
        out[2], finite_difference(lambda v: 0.5 * np.cumprod(v).sum(), w0.astype(np.float64)), rtol=1e-3
    )
    np.testing.assert_allclose(out[3], np.cumprod(w0).sum(), rtol=1e-5)


def test_lone_loop_var_and_maximum_iterations():
    with tf.Graph().as_default():
        r = while_loop(lambda v: v < 100.0, lambda v: v * 2.0, [tf.constant(1.0)])
        m = while_loop(lambda v: v < 100.0, lambda v: v * 2.0, [tf.constant(1.0)], maximum_iterations=3)
        same = while_loop(lambda v: v < 10.0, lambda v: [v + 1.0], [tf.constant(1.0)], return_same_structure=True)
        assert isinstance(same, list)
        rv, mv, sv = run([r, m, same[0]])
    assert rv == 128.0 and mv == 8.0 and sv == 10.0


def test_nested_structure_and_shape_invariants():
    pair = collections.namedtuple("pair", "c h")
    with tf.Graph().as_default():
        # A tensor that grows: its invariant has an unknown dimension.
        _, (grown, st) = while_loop(
            lambda i, s: i < 3,
            lambda i, s: (
                i + 1,
                (tf.concat([s[0], tf.reshape(tf.cast(i, tf.float32), [1])], 0), pair(s[1].c + 1.0, s[1].h * 2.0)),
            ),
            [tf.constant(0), (tf.zeros([0]), pair(tf.constant(0.0), tf.constant(1.0)))],
            shape_invariants=[
                tf.TensorShape([]),
                (tf.TensorShape([None]), pair(tf.TensorShape([]), tf.TensorShape([]))),
            ],
        )
        assert isinstance(st, pair)
        assert grown.shape.as_list() == [None]
        gv, cv, hv = run([grown, st.c, st.h])
    np.testing.assert_array_equal(gv, [0, 1, 2])
    assert (cv, hv) == (3.0, 8.0)


def test_shape_change_without_invariant_raises():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="shape_invariants"):
            while_loop(lambda s: tf.size(s) < 3, lambda s: tf.concat([s, s], 0), [tf.zeros([1])])
        # TF1's rule: a result less specific than the invariant ([?] for [2]) is refused too.
        with pytest.raises(ValueError, match=r"enters the loop with shape \(2,\)"):
            while_loop(lambda s: True, lambda s: tf.placeholder_with_default(s, [None]), [tf.zeros([2])])
        with pytest.raises(ValueError, match="not compatible with the initial shape"):
            while_loop(lambda s: True, lambda s: s, [tf.zeros([2])], shape_invariants=[tf.TensorShape([3])])
        with pytest.raises(TypeError, match="parallel_iterations"):
            while_loop(lambda s: True, lambda s: s, [tf.zeros([2])], parallel_iterations=0)
        with pytest.raises(ValueError, match="maximum_iterations must be a scalar"):
            while_loop(lambda s: True, lambda s: s, [tf.zeros([2])], maximum_iterations=[3])


def test_errors():
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="cond must be callable"):
            while_loop(1, lambda v: v, [1.0])
        with pytest.raises(ValueError, match="No loop variables"):
            while_loop(lambda: True, list, [])
        with pytest.raises(TypeError, match="boolean scalar"):
            while_loop(lambda v: v, lambda v: v, [tf.constant(1.0)])
        with pytest.raises(TypeError, match="int32"):
            while_loop(lambda v: v < 3, lambda v: tf.cast(v, tf.float32), [tf.constant(1)])


def test_variable_in_body_gets_gradient_and_back_prop_false_gives_none():
    with tf.Graph().as_default():
        w = tf.Variable(1.5)
        _, y = while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * w), [0, tf.constant(2.0)])
        (gw,) = tf.gradients(y, [w])
        _, y2 = while_loop(lambda i, v: i < 3, lambda i, v: (i + 1, v * w), [0, tf.constant(2.0)], back_prop=False)
        assert tf.gradients(y2, [w]) == [None]
        yv, gv = run([y, gw], init=True)
    np.testing.assert_allclose(yv, 2 * 1.5**3, rtol=1e-6)
    np.testing.assert_allclose(gv, 2 * 3 * 1.5**2, rtol=1e-6)


def test_nested_loops():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [])

        def outer(i, acc):
            _, inner = while_loop(lambda j, a: j < 2, lambda j, a: (j + 1, a * x), [0, acc])
            return i + 1, inner

        _, y = while_loop(lambda i, acc: i < 3, outer, [0, tf.constant(1.0)])
        (g,) = tf.gradients(y, [x])
        yv, gv = run([y, g], {x: 1.1})
    np.testing.assert_allclose(yv, 1.1**6, rtol=1e-5)
    np.testing.assert_allclose(gv, 6 * 1.1**5, rtol=1e-5)


class _TanhCell:
    """A minimal RNNCell (TF1's BasicRNNCell formula): h' = tanh([x, h] W + b)."""

    def __init__(self, units):
        self.units = units

    @property
    def state_size(self):
        return self.units

    @property
    def output_size(self):
        return self.units

    def zero_state(self, batch_size, dtype):
        return tf.fill(tf.stack([batch_size, self.units]), tf.constant(0.0, dtype))

    def __call__(self, inputs, state):
        with tf.variable_scope("tanh_cell", reuse=tf.AUTO_REUSE):
            d = inputs.shape.as_list()[-1]
            w = tf.get_variable("kernel", [d + self.units, self.units])
            b = tf.get_variable("bias", [self.units], initializer=tf.zeros_initializer())
        h = tf.tanh(tf.matmul(tf.concat([inputs, state], 1), w) + b)
        return h, h


def _numpy_rnn(x, lengths, w, b, h0):
    batch, steps, _ = x.shape
    h = h0.copy()
    outs = np.zeros((batch, steps, w.shape[1]), np.float64)
    for t in range(steps):
        new = np.tanh(np.concatenate([x[:, t], h], 1) @ w + b)
        live = (t < lengths)[:, None]
        outs[:, t] = np.where(live, new, 0.0)
        h = np.where(live, new, h)
    return outs, h


def test_dynamic_rnn_matches_numpy_with_sequence_length_and_gradients():
    rng = np.random.default_rng(0)
    xv = rng.standard_normal((3, 5, 2)).astype(np.float32)
    lengths = np.array([5, 2, 0], np.int32)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 5, 2])
        seq = tf.placeholder(tf.int32, [None])
        outputs, state = dynamic_rnn(_TanhCell(4), x, sequence_length=seq, dtype=tf.float32)
        assert outputs.shape.as_list() == [None, 5, 4]
        names = sorted(v.op.name for v in tf.global_variables())
        assert names == ["rnn/tanh_cell/bias", "rnn/tanh_cell/kernel"]
        w, b = (
            tf.get_default_graph().get_tensor_by_name(n + ":0") for n in ["rnn/tanh_cell/kernel", "rnn/tanh_cell/bias"]
        )
        loss = tf.reduce_sum(outputs * outputs) + tf.reduce_sum(state)
        gw, gx = tf.gradients(loss, [w, x])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out, st, wv, bv, gwv, gxv = sess.run([outputs, state, w, b, gw, gx], {x: xv, seq: lengths})

    def np_loss(wm=wv, xm=xv):
        o, h = _numpy_rnn(xm.astype(np.float64), lengths, wm.astype(np.float64), bv, np.zeros((3, 4)))
        return (o * o).sum() + h.sum()

    ref_out, ref_state = _numpy_rnn(xv.astype(np.float64), lengths, wv, bv, np.zeros((3, 4)))
    np.testing.assert_allclose(out, ref_out, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(st, ref_state, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        gwv, finite_difference(lambda v: np_loss(wm=v), wv.astype(np.float64)), rtol=1e-3, atol=1e-4
    )
    np.testing.assert_allclose(
        gxv, finite_difference(lambda v: np_loss(xm=v), xv.astype(np.float64)), rtol=1e-3, atol=1e-4
    )


def test_dynamic_rnn_time_major_and_initial_state_and_errors():
    rng = np.random.default_rng(1)
    xv = rng.standard_normal((4, 2, 3)).astype(np.float32)  # [time, batch, depth]
    h0 = rng.standard_normal((2, 5)).astype(np.float32)
    with tf.Graph().as_default():
        cell = _TanhCell(5)
        outputs, state = dynamic_rnn(cell, tf.constant(xv), initial_state=tf.constant(h0), time_major=True, scope="enc")
        assert outputs.shape.as_list() == [4, 2, 5]
        with pytest.raises(ValueError, match="must give a dtype"):
            dynamic_rnn(cell, tf.constant(xv))
        with pytest.raises(ValueError, match="at least rank 3"):
            dynamic_rnn(cell, tf.zeros([4, 2]), dtype=tf.float32)
        with pytest.raises(ValueError, match="depth of inputs"):
            dynamic_rnn(cell, tf.placeholder(tf.float32, [4, 2, None]), dtype=tf.float32, time_major=True)
        with pytest.raises(ValueError, match="Time steps is not the same"):
            dynamic_rnn(cell, (tf.zeros([4, 2, 3]), tf.zeros([5, 2, 3])), dtype=tf.float32, time_major=True)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out, st = sess.run([outputs, state])
            wv, bv = sess.run(["enc/tanh_cell/kernel:0", "enc/tanh_cell/bias:0"])
    ref_out, ref_state = _numpy_rnn(xv.transpose(1, 0, 2), np.array([4, 4]), wv, bv, h0)
    np.testing.assert_allclose(out, ref_out.transpose(1, 0, 2), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(st, ref_state, rtol=1e-5, atol=1e-6)


def test_dropout_in_body_gradient_uses_the_forward_masks():
    # y = sum_t dropout(x * w, t) : d y / d w = sum over iterations of x * mask_t,
    # and y = w * that sum, so the gradient equals y / w exactly when each
    # iteration's mask is replayed in the backward pass.
    with tf.Graph().as_default():
        x = tf.constant(np.linspace(1.0, 2.0, 64).astype(np.float32))
        w = tf.Variable(1.5)
        _, y = while_loop(
            lambda i, acc: i < 6,
            lambda i, acc: (i + 1, acc + tf.reduce_sum(tf.nn.dropout(x * w, keep_prob=0.5))),
            [0, tf.constant(0.0)],
        )
        (gw,) = tf.gradients(y, [w])
        yv, gv = run([y, gw], init=True)
    assert yv != 0.0
    np.testing.assert_allclose(gv, yv / 1.5, rtol=1e-5)


_State = collections.namedtuple("_State", "c h")


class _TupleStateCell:
    """A minimal cell with a tuple state (as LSTMStateTuple): c' = c + tanh([x, h] W), h' = tanh(c')."""

    def __init__(self, units):
        self.units = units
        self.state_size = _State(units, units)
        self.output_size = units

    def zero_state(self, batch_size, dtype):
        z = tf.fill(tf.stack([batch_size, self.units]), tf.constant(0.0, dtype))
        return _State(z, z)

    def __call__(self, inputs, state):
        with tf.variable_scope("pair_cell", reuse=tf.AUTO_REUSE):
            w = tf.get_variable("kernel", [inputs.shape.as_list()[-1] + self.units, self.units])
        c = state.c + tf.tanh(tf.matmul(tf.concat([inputs, state.h], 1), w))
        h = tf.tanh(c)
        return h, _State(c, h)


def test_dynamic_rnn_tuple_state_equals_the_unrolled_graph():
    rng = np.random.default_rng(2)
    xv = rng.standard_normal((2, 4, 3)).astype(np.float32)
    with tf.Graph().as_default():
        x = tf.constant(xv)
        cell = _TupleStateCell(5)
        outputs, state = dynamic_rnn(cell, x, dtype=tf.float32)
        assert isinstance(state, _State)
        with tf.variable_scope("rnn", reuse=True):  # the same weights, unrolled by hand
            s = cell.zero_state(2, tf.float32)
            unrolled = []
            for t in range(4):
                o, s = cell(x[:, t], s)
                unrolled.append(o)
        w = tf.trainable_variables()[0]
        assert w.op.name == "rnn/pair_cell/kernel"
        grads = tf.gradients(tf.reduce_sum(outputs) + tf.reduce_sum(state.c), [w])
        ref_grads = tf.gradients(tf.add_n([tf.reduce_sum(o) for o in unrolled]) + tf.reduce_sum(s.c), [w])
        got = run([outputs, state.c, state.h, tf.stack(unrolled, 1), s.c, s.h, grads[0], ref_grads[0]], init=True)
    np.testing.assert_allclose(got[0], got[3], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(got[1], got[4], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(got[2], got[5], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(got[6], got[7], rtol=1e-5, atol=1e-6)


def test_sequence_classifier_trains_with_l2_on_its_kernel_reported():
    rng = np.random.default_rng(3)
    xv = rng.standard_normal((32, 6, 2)).astype(np.float32)
    yv = (xv[:, :, 0].sum(1) > 0).astype(np.int32)  # the sign of the summed first feature
    with tf.Graph().as_default():
        tf.set_random_seed(0)
        x = tf.placeholder(tf.float32, [None, 6, 2])
        y = tf.placeholder(tf.int32, [None])
        with tf.variable_scope("seq", regularizer=tf.regularizers.l2_regularizer(1e-3)):
            _, state = dynamic_rnn(_TanhCell(8), x, dtype=tf.float32)
            logits = tf.layers.dense(state, 2)
        tf.losses.sparse_softmax_cross_entropy(y, logits)
        total = tf.losses.get_total_loss()
        assert len(tf.losses.get_regularization_losses()) >= 1
        train = tf.train.AdamOptimizer(0.05).minimize(total)
        rows = {r["variable"]: r for r in tf.train.regularization_report(train)}
        assert rows["seq/rnn/tanh_cell/kernel"]["in_loss"] is True
        assert rows["seq/rnn/tanh_cell/kernel"]["penalty"]["scale"] == pytest.approx(1e-3)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            first = sess.run(total, {x: xv, y: yv})
            for _ in range(60):
                sess.run(train, {x: xv, y: yv})
            last = sess.run(total, {x: xv, y: yv})
    assert last < 0.5 * first


def test_runtime_errors_name_the_problem():
    with tf.Graph().as_default():
        inner = []

        def body(s):
            inner.append(s * 2.0)
            return s + 1.0

        r = while_loop(lambda s: s < 3.0, body, [tf.constant(0.0)])
        with tf.Session() as sess:
            assert sess.run(r) == 3.0
            with pytest.raises(tf.errors.InvalidArgumentError, match="inside the loop"):
                sess.run(inner[0])


def test_compat_v1_names():
    import slimcore.compat.v1 as tf1

    assert tf1.while_loop is while_loop
    assert tf1.nn.dynamic_rnn is dynamic_rnn
    assert tf1.nn.bidirectional_dynamic_rnn is tf.nn.bidirectional_dynamic_rnn
    assert (tf1.map_fn, tf1.scan, tf1.foldl, tf1.foldr) == (tf.map_fn, tf.scan, tf.foldl, tf.foldr)
    assert tf1.nest.flatten((1, [2, {"k": 3}])) == [1, 2, 3] and tf1.nest.is_nested([1])


def test_outer_control_dependencies_run_once_not_per_iteration():
    with tf.Graph().as_default():
        counter = tf.Variable(0.0)
        bump = tf.assign_add(counter, 1.0)
        with tf.control_dependencies([bump]):
            r = while_loop(lambda v: v < 5.0, lambda v: v + 1.0, [tf.constant(0.0)])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            assert sess.run(r) == 5.0
            assert sess.run(counter) == 1.0


def _numpy_lstm(x, lengths, kernel, bias, forget_bias=1.0):
    """TF1's BasicLSTMCell: i, j, f, o = split([x, h] W + b); c' = c s(f + fb) + s(i) tanh(j); h' = tanh(c') s(o)."""

    def sigmoid(v):
        return 1.0 / (1.0 + np.exp(-v))

    batch, steps, _ = x.shape
    units = kernel.shape[1] // 4
    c, h = np.zeros((batch, units)), np.zeros((batch, units))
    outs = np.zeros((batch, steps, units))
    for t in range(steps):
        i, j, f, o = np.split(np.concatenate([x[:, t], h], 1) @ kernel + bias, 4, axis=1)
        new_c = c * sigmoid(f + forget_bias) + sigmoid(i) * np.tanh(j)
        new_h = np.tanh(new_c) * sigmoid(o)
        live = (t < lengths)[:, None]
        outs[:, t] = np.where(live, new_h, 0.0)
        c, h = np.where(live, new_c, c), np.where(live, new_h, h)
    return outs, c, h


def test_dynamic_rnn_lstm_equals_static_rnn_and_numpy():
    pytest.importorskip("slimcore.ops.rnn_cell", reason="the RNN cells land with the rnn lane")
    if not hasattr(tf.nn, "static_rnn"):
        pytest.skip("static_rnn lands with the rnn lane")
    rng = np.random.default_rng(4)
    xv = rng.standard_normal((3, 5, 4)).astype(np.float32)
    lengths = np.array([5, 3, 1], np.int32)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 5, 4])
        cell = tf.nn.rnn_cell.BasicLSTMCell(6)
        outputs, state = dynamic_rnn(cell, x, sequence_length=lengths, dtype=tf.float32)
        with tf.variable_scope("", reuse=True):  # the same rnn/basic_lstm_cell weights, unrolled
            s_outputs, s_state = tf.nn.static_rnn(
                cell, tf.unstack(x, axis=1), sequence_length=lengths, dtype=tf.float32
            )
        kernel, bias = tf.trainable_variables()
        assert [kernel.op.name, bias.op.name] == ["rnn/basic_lstm_cell/kernel", "rnn/basic_lstm_cell/bias"]
        g = tf.gradients(tf.reduce_sum(outputs) + tf.reduce_sum(state.c), [kernel])[0]
        s_g = tf.gradients(tf.add_n([tf.reduce_sum(o) for o in s_outputs]) + tf.reduce_sum(s_state.c), [kernel])[0]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got = sess.run(
                [outputs, state.c, state.h, tf.stack(s_outputs, 1), s_state.c, g, s_g, kernel, bias], {x: xv}
            )
    ref_out, ref_c, ref_h = _numpy_lstm(xv.astype(np.float64), lengths, got[7], got[8])
    np.testing.assert_allclose(got[0], ref_out, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[1], ref_c, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[2], ref_h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[0], got[3], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(got[1], got[4], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(got[5], got[6], rtol=1e-5, atol=1e-6)


def test_sliced_inputs_row_per_iteration_and_their_gradient():
    from slimcore.ops.while_ops import _functional_while

    xv = np.arange(12, dtype=np.float32).reshape(4, 3) / 10
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3])
        n = tf.placeholder(tf.int32, [])
        i0, acc0 = tf.constant(0), tf.zeros([3])
        (_, acc), _, (emitted,) = _functional_while(
            lambda i, acc: i < n,
            lambda packed, rows: ([packed[0] + 1, packed[1] * rows[0] + 1.0], [rows[0] * 2.0]),
            [i0, acc0],
            [i0.shape, acc0.shape],
            None,
            True,
            [None, None],
            sliced=[x],
        )
        (gx,) = tf.gradients(tf.reduce_sum(acc) + tf.reduce_sum(emitted), [x])
        with tf.Session() as sess:
            a, e, g = sess.run([acc, emitted, gx], {x: xv, n: 3})
            with pytest.raises(tf.errors.InvalidArgumentError, match="has no row 4"):
                sess.run(acc, {x: xv, n: 5})

    def f(xm):
        acc = np.zeros(3)
        for t in range(3):
            acc = acc * xm[t] + 1.0
        return acc.sum() + 2.0 * xm[:3].sum()

    ref = np.zeros(3)
    for t in range(3):
        ref = ref * xv[t] + 1.0
    np.testing.assert_allclose(a, ref, rtol=1e-6)
    np.testing.assert_allclose(e, 2.0 * xv[:3], rtol=1e-6)
    np.testing.assert_allclose(g, finite_difference(f, xv.astype(np.float64)), rtol=1e-3, atol=1e-4)
    assert not g[3].any()  # the row no iteration read


def test_bidirectional_dynamic_rnn_matches_numpy_on_reversed_sequences():
    rng = np.random.default_rng(5)
    xv = rng.standard_normal((3, 5, 2)).astype(np.float32)
    lengths = np.array([5, 3, 0], np.int32)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 5, 2])
        (out_fw, out_bw), (st_fw, st_bw) = tf.nn.bidirectional_dynamic_rnn(
            _TanhCell(4), _TanhCell(3), x, sequence_length=lengths, dtype=tf.float32
        )
        names = sorted(v.op.name for v in tf.global_variables())
        assert names == [
            "bidirectional_rnn/bw/tanh_cell/bias",
            "bidirectional_rnn/bw/tanh_cell/kernel",
            "bidirectional_rnn/fw/tanh_cell/bias",
            "bidirectional_rnn/fw/tanh_cell/kernel",
        ]
        weights = [f"bidirectional_rnn/{d}/tanh_cell/{v}:0" for d in ("fw", "bw") for v in ("kernel", "bias")]
        (gx,) = tf.gradients(tf.reduce_sum(out_bw * out_bw) + tf.reduce_sum(st_bw), [x])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got = sess.run([out_fw, out_bw, st_fw, st_bw, gx, *weights], {x: xv})
    wf, bf, wb, bb = got[5:]

    def reverse(a):
        r = a.copy()
        for b, n in enumerate(lengths):
            r[b, :n] = a[b, :n][::-1]
        return r

    ref_fw, ref_st_fw = _numpy_rnn(xv, lengths, wf, bf, np.zeros((3, 4)))
    ref_rev, ref_st_bw = _numpy_rnn(reverse(xv), lengths, wb, bb, np.zeros((3, 3)))
    np.testing.assert_allclose(got[0], ref_fw, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[1], reverse(ref_rev), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[2], ref_st_fw, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[3], ref_st_bw, rtol=1e-5, atol=1e-6)

    def loss(xm):
        o, h = _numpy_rnn(reverse(xm), lengths, wb.astype(np.float64), bb, np.zeros((3, 3)))
        return (o * o).sum() + h.sum()

    np.testing.assert_allclose(got[4], finite_difference(loss, xv.astype(np.float64)), rtol=1e-3, atol=1e-4)


def test_map_fn_scan_foldl_foldr_against_numpy_with_gradients():
    xv = np.array([[1.0, 2.0], [0.5, -1.0], [3.0, 0.25], [-2.0, 1.5]], np.float32)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 2])
        squares = tf.map_fn(lambda r: r * r, x)
        pair = tf.map_fn(lambda rs: (rs[0] + rs[1], rs[0] * 2.0), (x, x * 3.0))
        sums = tf.scan(lambda a, r: a + r, x)  # first row is the initial value
        prods = tf.scan(lambda a, r: a * r, x, initializer=tf.ones([2]))
        back = tf.scan(lambda a, r: a * 0.5 + r, x, reverse=True)
        left = tf.foldl(lambda a, r: a * 2.0 + r, x, initializer=tf.zeros([2]))
        right = tf.foldr(lambda a, r: a * 2.0 + r, x)
        (g,) = tf.gradients(tf.reduce_sum(prods) + tf.reduce_sum(left) + tf.reduce_sum(squares), [x])
        out = run([squares, pair[0], pair[1], sums, prods, back, left, right, g], {x: xv})
    np.testing.assert_allclose(out[0], xv * xv)
    np.testing.assert_allclose(out[1], 4 * xv)
    np.testing.assert_allclose(out[2], 2 * xv)
    np.testing.assert_allclose(out[3], np.cumsum(xv, 0), rtol=1e-6)
    np.testing.assert_allclose(out[4], np.cumprod(xv, 0), rtol=1e-6)
    ref_back = np.zeros_like(xv)
    acc = xv[3]
    ref_back[3] = acc
    for t in (2, 1, 0):
        acc = acc * 0.5 + xv[t]
        ref_back[t] = acc
    np.testing.assert_allclose(out[5], ref_back, rtol=1e-6)
    np.testing.assert_allclose(out[6], xv[0] * 8 + xv[1] * 4 + xv[2] * 2 + xv[3], rtol=1e-6)
    np.testing.assert_allclose(out[7], xv[3] * 8 + xv[2] * 4 + xv[1] * 2 + xv[0], rtol=1e-6)

    def f(m):
        return np.cumprod(m, 0).sum() + (m[0] * 8 + m[1] * 4 + m[2] * 2 + m[3]).sum() + (m * m).sum()

    np.testing.assert_allclose(out[8], finite_difference(f, xv.astype(np.float64)), rtol=1e-3, atol=1e-4)
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="not scalars"):
            tf.map_fn(lambda r: r, tf.constant(1.0))
        with pytest.raises(TypeError, match="dtype says int32"):
            tf.map_fn(lambda r: r, tf.zeros([3]), dtype=tf.int32)


def test_loop_with_a_string_variable_and_a_float_gradient():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [])
        _, tag, y = while_loop(
            lambda i, s, v: i < 3,
            lambda i, s, v: (i + 1, tf.identity(s), v * x),
            [0, tf.constant(["a", "b"]), tf.constant(1.0)],
        )
        (g,) = tf.gradients(y, [x])
        tv, yv, gv = run([tag, y, g], {x: 2.0})
    assert list(tv) == [b"a", b"b"]
    assert (yv, gv) == (8.0, 12.0)


def test_gradient_of_a_loop_built_under_control_dependencies():
    # The body's gradient sub-graph runs inside WhileGrad only: outer control
    # dependencies at gradient time do not enter it (they would run per iteration).
    with tf.Graph().as_default():
        counter = tf.Variable(0.0)
        x = tf.placeholder(tf.float32, [])
        y = while_loop(lambda v: v < 10.0, lambda v: tf.tanh(v * x) + v + 1.0, [tf.constant(0.5)])
        with tf.control_dependencies([tf.assign_add(counter, 1.0)]):
            (g,) = tf.gradients(y, [x])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            gv = sess.run(g, {x: 0.3})
            assert sess.run(counter) == 1.0
    eps = 1e-3

    def f(xv):
        v = 0.5
        while v < 10.0:
            v = np.tanh(v * xv) + v + 1.0
        return v

    np.testing.assert_allclose(gv, (f(0.3 + eps) - f(0.3 - eps)) / (2 * eps), rtol=1e-2)


def test_cond_inside_a_loop_body_runs_and_differentiates_only_the_taken_branch():
    x = tf.placeholder(tf.float64, [])
    counter = tf.Variable(0.0, dtype=tf.float64)

    def odd_step(acc):
        with tf.control_dependencies([tf.assign_add(counter, 1.0)]):  # a side effect of the odd branch
            return acc + x

    def body(i, acc):
        return i + 1, tf.cond(tf.equal(i % 2, 0), lambda: acc * x, lambda: odd_step(acc))

    _, result = tf.while_loop(lambda i, a: i < 4, body, [tf.constant(0), tf.constant(1.0, tf.float64)])
    grad = tf.gradients(result, x)[0]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        value = sess.run(result, {x: 2.0})
        assert sess.run(counter) == 2.0  # the odd branch ran on i = 1 and 3 only
        # ((1 * x + x) * x) + x = 2 x^2 + x; d/dx = 4 x + 1
        assert value == 2 * 2.0**2 + 2.0
        assert sess.run(grad, {x: 2.0}) == 4 * 2.0 + 1
