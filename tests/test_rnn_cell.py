"""tf.nn.rnn_cell: each cell against a numpy reimplementation of TF 1.15's
formulas over several steps, its variable names, shapes and initial values,
gradients against finite differences, wrappers and errors."""

import numpy as np
import pytest

import slimcore as sc
import slimcore.compat.v1 as tf
from rnn_reference import np_basic_rnn, np_gru, np_lstm, randomize
from slimcore.ops import rnn_cell

rnn = tf.nn.rnn_cell


def unroll(cell, steps, batch, depth, dtype=tf.float32):
    """Calls the cell `steps` times by hand (shared variables), from its zero state."""
    xs = [tf.placeholder(dtype, [batch, depth]) for _ in range(steps)]
    state = cell.zero_state(batch, dtype)
    outputs = []
    with tf.variable_scope("rnn") as scope:
        for t, x in enumerate(xs):
            if t:
                scope.reuse_variables()
            out, state = cell(x, state)
            outputs.append(out)
    return xs, outputs, state


CASES = {
    "basic_rnn": (lambda: rnn.BasicRNNCell(5), np_basic_rnn, lambda n: np.zeros((n, 5))),
    "basic_lstm": (
        lambda: rnn.BasicLSTMCell(5),
        np_lstm,
        lambda n: (np.zeros((n, 5)), np.zeros((n, 5))),
    ),
    "basic_lstm_forget_0.3": (
        lambda: rnn.BasicLSTMCell(5, forget_bias=0.3),
        lambda x, s, w: np_lstm(x, s, w, forget_bias=0.3),
        lambda n: (np.zeros((n, 5)), np.zeros((n, 5))),
    ),
    "lstm": (lambda: rnn.LSTMCell(5), np_lstm, lambda n: (np.zeros((n, 5)), np.zeros((n, 5)))),
    "lstm_peephole_clip_proj": (
        lambda: rnn.LSTMCell(5, use_peepholes=True, cell_clip=0.4, num_proj=3, proj_clip=0.2, forget_bias=0.5),
        lambda x, s, w: np_lstm(x, s, w, forget_bias=0.5, peep=True, cell_clip=0.4, proj_clip=0.2),
        lambda n: (np.zeros((n, 5)), np.zeros((n, 3))),
    ),
    "gru": (lambda: rnn.GRUCell(5), np_gru, lambda n: np.zeros((n, 5))),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_cell_matches_numpy_over_steps(case):
    make, reference, zero = CASES[case]
    rng = np.random.default_rng(1)
    cell = make()
    batch, depth, steps = 3, 4, 4
    xs, outputs, state = unroll(cell, steps, batch, depth)
    feed_x = [rng.standard_normal((batch, depth)).astype(np.float32) for _ in range(steps)]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        w = randomize(sess, cell, rng, scale=1.0)
        got_out, got_state = sess.run((outputs, state), dict(zip(xs, feed_x)))
    s = zero(batch)
    for t in range(steps):
        out, s = reference(feed_x[t].astype(np.float64), s, w)
        np.testing.assert_allclose(got_out[t], out, rtol=1e-5, atol=1e-5, err_msg=f"output at step {t}")
    np.testing.assert_allclose(
        np.concatenate(np.atleast_2d(*got_state), 1) if isinstance(s, tuple) else got_state,
        np.concatenate(s, 1) if isinstance(s, tuple) else s,
        rtol=1e-5,
        atol=1e-5,
    )


def test_cell_clip_and_proj_clip_bind():
    """The clips are active in the numpy comparison above (not vacuous): with
    large weights |c| reaches cell_clip and |m| proj_clip."""
    rng = np.random.default_rng(2)
    cell = rnn.LSTMCell(5, use_peepholes=True, cell_clip=0.4, num_proj=3, proj_clip=0.2)
    xs, _, state = unroll(cell, 3, 3, 4)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        randomize(sess, cell, rng, scale=2.0)
        c, m = sess.run(state, {x: rng.standard_normal((3, 4)) for x in xs})
    assert np.abs(c).max() == pytest.approx(0.4) and np.abs(m).max() == pytest.approx(0.2)


# ---- variables: names, shapes, initial values, reuse ------------------------------------------


def test_variable_names_shapes_and_initial_values():
    x = tf.placeholder(tf.float32, [2, 6])
    cells = {
        "basic_rnn_cell": rnn.BasicRNNCell(4),
        "basic_lstm_cell": rnn.BasicLSTMCell(4),
        "lstm_cell": rnn.LSTMCell(4, use_peepholes=True, num_proj=3),
        "gru_cell": rnn.GRUCell(4),
    }
    for cell in cells.values():
        with tf.variable_scope("rnn"):
            cell(x, cell.zero_state(2, tf.float32))
    shapes = {v.name: v.shape.as_list() for v in tf.global_variables()}
    assert shapes == {
        "rnn/basic_rnn_cell/kernel:0": [10, 4],
        "rnn/basic_rnn_cell/bias:0": [4],
        "rnn/basic_lstm_cell/kernel:0": [10, 16],
        "rnn/basic_lstm_cell/bias:0": [16],
        "rnn/lstm_cell/kernel:0": [9, 16],
        "rnn/lstm_cell/bias:0": [16],
        "rnn/lstm_cell/w_f_diag:0": [4],
        "rnn/lstm_cell/w_i_diag:0": [4],
        "rnn/lstm_cell/w_o_diag:0": [4],
        "rnn/lstm_cell/projection/kernel:0": [4, 3],
        "rnn/gru_cell/gates/kernel:0": [10, 8],
        "rnn/gru_cell/gates/bias:0": [8],
        "rnn/gru_cell/candidate/kernel:0": [10, 4],
        "rnn/gru_cell/candidate/bias:0": [4],
    }
    assert {v.name for v in tf.trainable_variables()} == set(shapes)
    assert not tf.get_collection(tf.GraphKeys.MODEL_VARIABLES)  # as tf.layers: not model variables
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = {v.name: sess.run(v) for v in tf.global_variables()}
    for name, value in values.items():
        if name.endswith("gates/bias:0"):
            np.testing.assert_array_equal(value, 1.0)  # GRU gates start open
        elif name.endswith("bias:0"):
            np.testing.assert_array_equal(value, 0.0)  # forget_bias is added at run time, not here
        elif name.endswith("kernel:0"):
            fan_in, fan_out = value.shape
            limit = np.sqrt(6.0 / (fan_in + fan_out))  # glorot_uniform, get_variable's default
            assert np.abs(value).max() <= limit and np.abs(value).max() > 0.5 * limit and value.std() > 0.3 * limit
    roles = {v.name: v.role for v in tf.global_variables()}
    assert roles["rnn/basic_lstm_cell/kernel:0"] == "weights" and roles["rnn/basic_lstm_cell/bias:0"] == "biases"


def test_initializer_arguments_and_scope_initializer():
    x = tf.placeholder(tf.float32, [2, 3])
    with tf.variable_scope("a", initializer=tf.constant_initializer(0.25)):
        cell = rnn.LSTMCell(2, use_peepholes=True, initializer=tf.constant_initializer(0.5))
        cell(x, cell.zero_state(2, tf.float32))
        gru = rnn.GRUCell(
            2, kernel_initializer=tf.constant_initializer(0.125), bias_initializer=tf.constant_initializer(0.375)
        )
        gru(x, gru.zero_state(2, tf.float32))
        basic = rnn.BasicLSTMCell(2)  # no initializer of its own: the scope's
        basic(x, basic.zero_state(2, tf.float32))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        v = {w.name.split(":")[0]: sess.run(w) for w in tf.global_variables()}
    np.testing.assert_array_equal(v["a/lstm_cell/kernel"], 0.5)
    np.testing.assert_array_equal(v["a/lstm_cell/w_f_diag"], 0.5)
    np.testing.assert_array_equal(v["a/lstm_cell/bias"], 0.0)  # the bias is always zeros-initialised
    np.testing.assert_array_equal(v["a/gru_cell/gates/kernel"], 0.125)
    np.testing.assert_array_equal(v["a/gru_cell/gates/bias"], 0.375)
    np.testing.assert_array_equal(v["a/gru_cell/candidate/bias"], 0.375)
    np.testing.assert_array_equal(v["a/basic_lstm_cell/kernel"], 0.25)


def test_reuse_unique_names_scope_and_name_arguments():
    x = tf.placeholder(tf.float32, [2, 3])
    a, b = rnn.GRUCell(2), rnn.GRUCell(2)
    a(x, a.zero_state(2, tf.float32))
    b(x, b.zero_state(2, tf.float32))
    a(x, a.zero_state(2, tf.float32))  # a's variables, reused wherever it is called
    with tf.variable_scope("elsewhere"):
        a(x, a.zero_state(2, tf.float32))
    named = rnn.BasicRNNCell(2, name="my_rnn")
    named(x, named.zero_state(2, tf.float32))
    scoped = rnn.BasicRNNCell(2)
    scoped(x, scoped.zero_state(2, tf.float32), scope="explicit")
    names = sorted(v.name for v in tf.global_variables())
    assert names == sorted(
        [
            "gru_cell/gates/kernel:0",
            "gru_cell/gates/bias:0",
            "gru_cell/candidate/kernel:0",
            "gru_cell/candidate/bias:0",
            "gru_cell_1/gates/kernel:0",
            "gru_cell_1/gates/bias:0",
            "gru_cell_1/candidate/kernel:0",
            "gru_cell_1/candidate/bias:0",
            "my_rnn/kernel:0",
            "my_rnn/bias:0",
            "explicit/kernel:0",
            "explicit/bias:0",
        ]
    )
    assert a.variables[0].name == "gru_cell/gates/kernel:0" and len(a.trainable_variables) == 4
    # reuse=True: the cell finds existing variables instead of making new ones
    again = rnn.BasicRNNCell(2, name="my_rnn", reuse=True)
    again(x, again.zero_state(2, tf.float32))
    assert len(tf.global_variables()) == 12 and again.variables[0] is named.variables[0]


def test_multi_rnn_cell_scopes_state_and_numbers():
    rng = np.random.default_rng(3)
    cell = rnn.MultiRNNCell([rnn.BasicLSTMCell(4), rnn.GRUCell(3)])
    assert cell.state_size == (rnn.LSTMStateTuple(4, 4), 3) and cell.output_size == 3
    xs, outputs, state = unroll(cell, 3, 2, 5)
    assert [v.name for v in cell.variables] == [
        "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel:0",
        "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias:0",
        "rnn/multi_rnn_cell/cell_1/gru_cell/gates/kernel:0",
        "rnn/multi_rnn_cell/cell_1/gru_cell/gates/bias:0",
        "rnn/multi_rnn_cell/cell_1/gru_cell/candidate/kernel:0",
        "rnn/multi_rnn_cell/cell_1/gru_cell/candidate/bias:0",
    ]
    assert len(tf.global_variables()) == 6
    feed = [rng.standard_normal((2, 5)) for _ in xs]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        w0 = {k: randomize(sess, inner, rng) for k, inner in enumerate(cell._cells)}
        got_out, got_state = sess.run((outputs, state), dict(zip(xs, feed)))
    s0, s1 = (np.zeros((2, 4)), np.zeros((2, 4))), np.zeros((2, 3))
    for t in range(3):
        h0, s0 = np_lstm(feed[t], s0, w0[0])
        h1, s1 = np_gru(h0, s1, w0[1])
        np.testing.assert_allclose(got_out[t], h1, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_state[0].c, s0[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_state[1], s1, rtol=1e-5, atol=1e-6)


def test_state_is_tuple_false_equals_the_tuple_state():
    rng = np.random.default_rng(4)
    x = tf.placeholder(tf.float32, [2, 3])
    with pytest.warns(DeprecationWarning, match="state_is_tuple"):
        flat_cell = rnn.LSTMCell(4, num_proj=2, state_is_tuple=False, name="flat")
    tuple_cell = rnn.LSTMCell(4, num_proj=2, name="tup")
    assert flat_cell.state_size == 6 and tuple_cell.state_size == (4, 2)
    multi = rnn.MultiRNNCell([rnn.GRUCell(2), rnn.GRUCell(2)], state_is_tuple=False)
    assert multi.state_size == 4
    out_f, st_f = flat_cell(x, flat_cell.zero_state(2, tf.float32))
    out_f, st_f = flat_cell(x, st_f)
    out_t, st_t = tuple_cell(x, tuple_cell.zero_state(2, tf.float32))
    out_t, st_t = tuple_cell(x, st_t)
    _, st_m = multi(x, multi.zero_state(2, tf.float32))
    assert st_f.shape.as_list() == [2, 6] and st_m.shape.as_list() == [2, 4]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for a, b in zip(flat_cell.variables, tuple_cell.variables):
            sess.run(b.assign(a))
        feed = {x: rng.standard_normal((2, 3))}
        (of, sf), (ot, (c, m)) = sess.run(((out_f, st_f), (out_t, st_t)), feed)
    np.testing.assert_allclose(of, ot, rtol=1e-6)
    np.testing.assert_allclose(sf, np.concatenate([c, m], 1), rtol=1e-6)


def test_zero_state_int_and_tensor_batch():
    cell = rnn.MultiRNNCell([rnn.BasicLSTMCell(3), rnn.LSTMCell(4, num_proj=2)])
    z = cell.zero_state(5, tf.float32)
    assert [t.shape.as_list() for t in rnn_cell.flatten(z)] == [[5, 3], [5, 3], [5, 4], [5, 2]]
    assert isinstance(z[0], rnn.LSTMStateTuple) and z[0].dtype == tf.float32
    x = tf.placeholder(tf.float32, [None, 7])
    zt = cell.zero_state(tf.shape(x)[0], tf.float64)
    assert [t.shape.as_list() for t in rnn_cell.flatten(zt)] == [[None, 3], [None, 3], [None, 4], [None, 2]]
    with tf.Session() as sess:
        values = sess.run(rnn_cell.flatten(zt), {x: np.ones((6, 7))})
    assert [v.shape for v in values] == [(6, 3), (6, 3), (6, 4), (6, 2)]
    assert all(v.dtype == np.float64 and not v.any() for v in values)
    assert [t.shape.as_list() for t in rnn_cell.flatten(cell.get_initial_state(inputs=x))] == [[None, 3]] * 2 + [
        [None, 4],
        [None, 2],
    ]


def test_lstm_state_tuple():
    s = rnn.LSTMStateTuple(c=tf.zeros([1, 2]), h=tf.zeros([1, 2], dtype=tf.float64))
    assert s.c is s[0] and s.h is s[1]
    with pytest.raises(TypeError, match="Inconsistent internal state"):
        _ = s.dtype


class MinimalCell(rnn.RNNCell):
    """A user's cell written against TF1's interface: h' = tanh(x W + h)."""

    def __init__(self, units):
        super().__init__()
        self._units = units

    @property
    def state_size(self):
        return self._units

    @property
    def output_size(self):
        return self._units

    def build(self, inputs_shape):
        self._w = self.add_variable("w", [inputs_shape[-1], self._units], regularizer=tf.nn.l2_loss)

    def call(self, inputs, state):
        out = tf.tanh(tf.matmul(inputs, self._w) + state)
        return out, out


def test_user_subclass_builds_once_and_regularizes():
    cell = MinimalCell(3)
    xs = [tf.placeholder(tf.float32, [2, 4]) for _ in range(3)]
    outputs, _ = tf.nn.static_rnn(cell, xs, dtype=tf.float32)
    assert [v.name for v in tf.global_variables()] == ["rnn/minimal_cell/w:0"] and cell.built
    assert [p.name for p in tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)] == [
        "rnn/minimal_cell/w/Regularizer/L2Loss:0"
    ]
    assert len(outputs) == 3


# ---- gradients vs finite differences (float64) -------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: rnn.BasicRNNCell(3),
        lambda: rnn.BasicLSTMCell(3, forget_bias=0.7),
        lambda: rnn.LSTMCell(3, use_peepholes=True, num_proj=2, cell_clip=5.0),
        lambda: rnn.GRUCell(3),
        lambda: rnn.MultiRNNCell([rnn.GRUCell(2), rnn.BasicLSTMCell(3)]),
    ],
    ids=["basic_rnn", "basic_lstm", "lstm_peep_proj", "gru", "multi"],
)
def test_gradients_match_finite_differences(make):
    rng = np.random.default_rng(5)
    cell = make()
    xs = [tf.placeholder(tf.float64, [2, 2]) for _ in range(3)]
    outputs, state = tf.nn.static_rnn(cell, xs, dtype=tf.float64)
    ends = outputs + rnn_cell.flatten(state)
    weights = [rng.standard_normal(t.shape.as_list()) for t in ends]
    loss = tf.add_n([tf.reduce_sum(t * w) for t, w in zip(ends, weights)])
    params = cell.variables
    grads = tf.gradients(loss, params + xs)
    feed = {x: rng.standard_normal((2, 2)) for x in xs}
    eps = 1e-6
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = [sess.run(p) + rng.uniform(-0.3, 0.3, p.shape.as_list()) for p in params]
        for p, v in zip(params, values):
            p.load(v, sess)
        analytic = sess.run(grads, feed)
        for k, (p, v) in enumerate(zip(params, values)):
            numeric = np.zeros_like(v)
            for idx in np.ndindex(v.shape):
                for sign in (1, -1):
                    moved = v.copy()
                    moved[idx] += sign * eps
                    p.load(moved, sess)
                    numeric[idx] += sign * sess.run(loss, feed) / (2 * eps)
            p.load(v, sess)
            np.testing.assert_allclose(analytic[k], numeric, rtol=1e-5, atol=1e-7, err_msg=p.name)
        for k, x in enumerate(xs):
            numeric = np.zeros((2, 2))
            for idx in np.ndindex(2, 2):
                for sign in (1, -1):
                    moved = dict(feed)
                    moved[x] = feed[x].copy()
                    moved[x][idx] += sign * eps
                    numeric[idx] += sign * sess.run(loss, moved) / (2 * eps)
            np.testing.assert_allclose(analytic[len(params) + k], numeric, rtol=1e-5, atol=1e-7)


# ---- DropoutWrapper, ResidualWrapper -------------------------------------------------------


def test_dropout_wrapper_keep_one_is_the_cell_and_adds_no_scope():
    rng = np.random.default_rng(6)
    x = tf.placeholder(tf.float32, [4, 3])
    inner = rnn.BasicLSTMCell(5)
    cell = rnn.DropoutWrapper(inner, input_keep_prob=1.0, output_keep_prob=1.0, state_keep_prob=1.0)
    assert cell.state_size == inner.state_size and cell.output_size == 5
    assert cell.cell is inner and cell.wrapped_cell is inner
    with tf.variable_scope("rnn"):
        out, _ = cell(x, cell.zero_state(4, tf.float32))
        ref_out, _ = inner(x, inner.zero_state(4, tf.float32))
    assert [v.name for v in cell.variables] == ["rnn/basic_lstm_cell/kernel:0", "rnn/basic_lstm_cell/bias:0"]
    assert not [op for op in tf.get_default_graph().get_operations() if op.type == "Dropout"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, b = sess.run((out, ref_out), {x: rng.standard_normal((4, 3))})
    np.testing.assert_array_equal(a, b)


def test_dropout_wrapper_tensor_keep_prob_and_state_filter():
    rng = np.random.default_rng(7)
    keep = tf.placeholder(tf.float32, [])
    x = tf.placeholder(tf.float32, [200, 3])
    inner = rnn.BasicLSTMCell(50)
    cell = rnn.DropoutWrapper(inner, output_keep_prob=keep, state_keep_prob=keep, seed=3)
    out, state = cell(x, cell.zero_state(200, tf.float32))
    ref_out, ref_state = inner(x, inner.zero_state(200, tf.float32))
    feed_x = rng.standard_normal((200, 3))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        full = sess.run((out, state, ref_out, ref_state), {x: feed_x, keep: 1.0})
        half = sess.run((out, state, ref_out), {x: feed_x, keep: 0.5})
        half_again = sess.run(out, {x: feed_x, keep: 0.5})
    np.testing.assert_allclose(full[0], full[2], rtol=1e-6)  # keep 1.0 fed: no dropout
    np.testing.assert_allclose(full[1].c, full[3].c, rtol=1e-6)
    out_half, state_half, reference = half
    kept = out_half != 0
    assert 0.4 < kept.mean() < 0.6
    np.testing.assert_allclose(out_half[kept], 2 * reference[kept], rtol=1e-5)  # tf.nn.dropout's 1/keep scaling
    np.testing.assert_allclose(state_half.c, full[3].c, rtol=1e-6)  # the memory c is never dropped (TF1's filter)
    assert 0.4 < (state_half.h != 0).mean() < 0.6
    assert not np.array_equal(out_half != 0, state_half.h != 0)  # output and state draw their own masks
    assert not np.array_equal(half_again != 0, kept)  # a new mask per run


def test_dropout_wrapper_input_dropout_and_seed_salt():
    w = rnn.DropoutWrapper(rnn.GRUCell(2), input_keep_prob=0.5, seed=42)
    # TF1's _gen_seed: int(md5(str(seed) + salt)[:8], 16) & 0x7FFFFFFF
    import hashlib

    assert w._gen_seed("input", 0) == int(hashlib.md5(b"42input_0").hexdigest()[:8], 16) & 0x7FFFFFFF
    assert rnn.DropoutWrapper(rnn.GRUCell(2))._gen_seed("input", 0) is None
    x = tf.placeholder(tf.float32, [1000, 4])
    w(x, w.zero_state(1000, tf.float32))
    drops = [op for op in tf.get_default_graph().get_operations() if op.type == "Dropout"]
    assert len(drops) == 1 and drops[0].inputs[0].op.type == "Placeholder"


def test_variational_dropout_shares_one_mask_over_time():
    rng = np.random.default_rng(8)
    keep = 0.5
    cell = rnn.DropoutWrapper(
        rnn.BasicRNNCell(64),
        output_keep_prob=keep,
        input_keep_prob=keep,
        variational_recurrent=True,
        input_size=6,
        dtype=tf.float32,
        seed=1,
    )
    xs = [tf.placeholder(tf.float32, [3, 6]) for _ in range(3)]
    outputs, _ = tf.nn.static_rnn(cell, xs, dtype=tf.float32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = sess.run(outputs, {x: rng.standard_normal((3, 6)) for x in xs})
    masks = [g != 0 for g in got]
    assert masks[0].any() and not masks[0].all()
    for m in masks[1:]:
        np.testing.assert_array_equal(m, masks[0])  # one mask for every step
    np.testing.assert_array_equal(masks[0], masks[0][:1].repeat(3, 0))  # and, as TF1, every example


def test_residual_and_device_wrappers():
    rng = np.random.default_rng(9)
    x = tf.placeholder(tf.float32, [2, 4])
    inner = rnn.GRUCell(4)
    res = rnn.ResidualWrapper(inner)
    dev = rnn.DeviceWrapper(res, "/cpu:0")
    out, state = dev(x, dev.zero_state(2, tf.float32))
    inner_out, _ = inner(x, inner.zero_state(2, tf.float32))
    feed = {x: rng.standard_normal((2, 4))}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        o, s, io = sess.run((out, state, inner_out), feed)
    # o is a float32 sum of terms near 1 that may nearly cancel: absolute
    # float32 rounding of the terms, not relative to the result
    np.testing.assert_allclose(o, feed[x] + io, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(s, io, rtol=1e-6)
    relu = rnn.BasicRNNCell(4, activation=tf.nn.relu)
    out_relu, _ = relu(x, relu.zero_state(2, tf.float32))
    assert out_relu.op.type == "Relu"
    with pytest.raises(TypeError, match=r"callable such as tf.nn.relu"):
        rnn.GRUCell(2, activation="relu")
    narrow = rnn.ResidualWrapper(rnn.GRUCell(1))
    with pytest.raises(ValueError, match="must have the inputs' shape"):
        narrow(x, narrow.zero_state(2, tf.float32))


# ---- errors ---------------------------------------------------------------------------------


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="num_units must be a positive int"):
        rnn.BasicLSTMCell(0)
    with pytest.raises(ValueError, match="num_proj"):
        rnn.LSTMCell(3, num_proj=-1)
    with pytest.raises(ValueError, match="cell_clip"):
        rnn.LSTMCell(3, cell_clip=-1.0)
    with pytest.raises(ValueError, match="num_unit_shards"):
        rnn.LSTMCell(3, num_unit_shards=2)
    with pytest.raises(ValueError, match="Must specify at least one cell"):
        rnn.MultiRNNCell([])
    with pytest.raises(TypeError, match="cells must be a list or tuple"):
        rnn.MultiRNNCell(rnn.GRUCell(2))
    with pytest.raises(TypeError, match=r"'cells\[1\]'.*not an RNNCell"):
        rnn.MultiRNNCell([rnn.GRUCell(2), "lstm"])
    with pytest.raises(ValueError, match="state_is_tuple is not set"):
        rnn.MultiRNNCell([rnn.BasicLSTMCell(2)], state_is_tuple=False)
    with pytest.raises(ValueError, match="Parameter output_keep_prob must be between 0 and 1"):
        rnn.DropoutWrapper(rnn.GRUCell(2), output_keep_prob=1.5)
    with pytest.raises(ValueError, match="dtype must be provided"):
        rnn.DropoutWrapper(rnn.GRUCell(2), variational_recurrent=True)
    with pytest.raises(ValueError, match="input_size must be provided"):
        rnn.DropoutWrapper(rnn.GRUCell(2), input_keep_prob=0.5, variational_recurrent=True, dtype=tf.float32)
    shared = rnn.GRUCell(2)
    with pytest.warns(UserWarning, match="same object and will share weights"):
        rnn.MultiRNNCell([shared, shared])
    unknown = tf.placeholder(tf.float32, [2, None])
    cell = rnn.GRUCell(2)
    with pytest.raises(ValueError, match=r"Expected inputs.shape\[-1\] to be known"):
        cell(unknown, cell.zero_state(2, tf.float32))
    lstm = rnn.BasicLSTMCell(2)
    with pytest.raises(ValueError, match="LSTMStateTuple"):
        lstm(tf.zeros([2, 3]), tf.zeros([2, 4]))
    with pytest.raises(TypeError, match="unexpected keyword"):
        rnn.GRUCell(2, kernel_regularizer=None)


def test_tf1_names():
    assert tf.nn.rnn_cell.BasicLSTMCell is tf.contrib.rnn.BasicLSTMCell is rnn_cell.BasicLSTMCell
    assert tf.contrib.rnn.static_rnn is tf.nn.static_rnn is sc.nn.static_rnn
    assert tf.contrib.rnn.static_bidirectional_rnn is tf.nn.static_bidirectional_rnn
    for name in (
        "RNNCell",
        "BasicRNNCell",
        "LSTMCell",
        "GRUCell",
        "MultiRNNCell",
        "DropoutWrapper",
        "ResidualWrapper",
        "DeviceWrapper",
        "LSTMStateTuple",
    ):
        assert getattr(tf.nn.rnn_cell, name) is getattr(tf.contrib.rnn, name)
    with pytest.raises(AttributeError, match="not in slimcore"):
        _ = tf.contrib.rnn.LayerNormBasicLSTMCell
    import slimcore.nn.rnn_cell as imported

    assert imported is rnn_cell
