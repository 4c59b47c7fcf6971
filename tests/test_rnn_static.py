"""tf.nn.static_rnn and static_bidirectional_rnn: sequence_length masking as
TF1 (zeros past the end, state copied through), variable names, errors, a
regularized sequence classifier on the 8x8 digits whose loss falls."""

import numpy as np
import pytest

import slimcore.compat.v1 as tf
from rnn_reference import np_gru, np_lstm, randomize
from slimcore.app.datasets import load_digits

rnn = tf.nn.rnn_cell


def np_unroll(step, xs, state, lengths=None):
    """numpy static_rnn: TF1's _rnn_step rule for examples past their length."""
    outputs = []
    for t, x in enumerate(xs):
        out, new_state = step(x, state)
        if lengths is not None:
            done = (t >= lengths)[:, None]
            out = np.where(done, 0.0, out)
            if isinstance(state, tuple):
                new_state = tuple(np.where(done, s, n) for s, n in zip(state, new_state))
            else:
                new_state = np.where(done, state, new_state)
        outputs.append(out)
        state = new_state
    return outputs, state


def test_static_rnn_sequence_length_zeros_and_copies_state():
    rng = np.random.default_rng(0)
    steps, batch, depth = 5, 4, 3
    x = tf.placeholder(tf.float32, [None, steps, depth])  # unknown batch: zero state of tf.shape(x)[0]
    lengths = tf.placeholder(tf.int32, [None])
    cell = rnn.BasicLSTMCell(6)
    outputs, state = tf.nn.static_rnn(cell, tf.unstack(x, axis=1), dtype=tf.float32, sequence_length=lengths)
    assert len(outputs) == steps and outputs[0].shape.as_list() == [None, 6]
    assert [v.name for v in tf.global_variables()] == ["rnn/basic_lstm_cell/kernel:0", "rnn/basic_lstm_cell/bias:0"]
    feed_x = rng.standard_normal((batch, steps, depth)).astype(np.float32)
    feed_len = np.array([5, 0, 2, 3], np.int32)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        w = randomize(sess, cell, rng)
        got_out, (c, h) = sess.run((outputs, state), {x: feed_x, lengths: feed_len})
    zero = (np.zeros((batch, 6)), np.zeros((batch, 6)))
    ref_out, (ref_c, ref_h) = np_unroll(lambda a, s: np_lstm(a, s, w), list(feed_x.transpose(1, 0, 2)), zero, feed_len)
    for t in range(steps):
        np.testing.assert_allclose(got_out[t], ref_out[t], rtol=1e-5, atol=1e-6, err_msg=f"step {t}")
        assert not got_out[t][t >= feed_len].any()  # zeros past each example's end
    np.testing.assert_allclose(c, ref_c, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h, ref_h, rtol=1e-5, atol=1e-6)
    # the final state is each example's state at its last step (not zeroed)
    np.testing.assert_allclose(h[2], got_out[1][2], rtol=1e-6)
    np.testing.assert_array_equal(h[1], 0.0)
    # without sequence_length: every step runs, and the full-length example agrees
    no_len, _ = tf.nn.static_rnn(cell, tf.unstack(x, axis=1), dtype=tf.float32, scope="rnn")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for v, value in zip(cell.variables, (w["kernel"], w["bias"])):
            v.load(value, sess)
        full = sess.run(no_len, {x: feed_x})
    np.testing.assert_allclose(full[4][0], got_out[4][0], rtol=1e-6)
    assert len(tf.global_variables()) == 2  # the second static_rnn reused the cell's variables


def test_static_rnn_initial_state_scope_and_gradient_through_lengths():
    rng = np.random.default_rng(1)
    cell = rnn.GRUCell(3)
    xs = [tf.placeholder(tf.float64, [2, 2]) for _ in range(3)]
    h0 = tf.placeholder(tf.float64, [2, 3])
    outputs, state = tf.nn.static_rnn(cell, xs, initial_state=h0, sequence_length=[1, 3], scope="enc")
    assert cell.variables[0].name == "enc/gru_cell/gates/kernel:0"
    loss = tf.reduce_sum(state * state) + tf.add_n([tf.reduce_sum(o) for o in outputs])
    g_h0, g_x2 = tf.gradients(loss, [h0, xs[2]])
    feed = {x: rng.standard_normal((2, 2)) for x in xs}
    feed[h0] = rng.standard_normal((2, 3))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        w = randomize(sess, cell, rng)
        got_state, gh, gx = sess.run((state, g_h0, g_x2), feed)
        eps = 1e-6
        numeric = np.zeros((2, 3))
        for idx in np.ndindex(2, 3):
            for sign in (1, -1):
                moved = dict(feed)
                moved[h0] = feed[h0].copy()
                moved[h0][idx] += sign * eps
                numeric[idx] += sign * sess.run(loss, moved) / (2 * eps)
    _, ref = np_unroll(lambda a, s: np_gru(a, s, w), [feed[x] for x in xs], feed[h0], np.array([1, 3]))
    np.testing.assert_allclose(got_state, ref, rtol=1e-10)
    np.testing.assert_allclose(gh, numeric, rtol=1e-5, atol=1e-8)
    np.testing.assert_array_equal(gx[0], 0.0)  # example 0 ended at step 1: step 2's input does not matter
    assert np.abs(gx[1]).sum() > 0


def test_static_rnn_errors():
    cell = rnn.GRUCell(2)
    x = tf.placeholder(tf.float32, [3, 4])
    with pytest.raises(TypeError, match="inputs must be a sequence"):
        tf.nn.static_rnn(cell, x, dtype=tf.float32)
    with pytest.raises(ValueError, match="inputs must not be empty"):
        tf.nn.static_rnn(cell, [], dtype=tf.float32)
    with pytest.raises(ValueError, match="dtype must be specified"):
        tf.nn.static_rnn(cell, [x])
    with pytest.raises(ValueError, match="sequence_length must be a vector"):
        tf.nn.static_rnn(cell, [x], dtype=tf.float32, sequence_length=[[1, 2, 3]])
    with pytest.raises(ValueError, match="must be accessible via shape inference"):
        tf.nn.static_rnn(cell, [tf.placeholder(tf.float32, [3, None])], dtype=tf.float32)
    with pytest.raises(ValueError, match="disagree on the batch size"):
        tf.nn.static_rnn(cell, [x, tf.placeholder(tf.float32, [5, 4])], dtype=tf.float32)
    with pytest.raises(TypeError, match=r"'cell'.*not an RNNCell"):
        tf.nn.static_rnn(object(), [x], dtype=tf.float32)


def test_static_bidirectional_rnn_matches_numpy_with_lengths():
    rng = np.random.default_rng(2)
    steps, batch, depth = 4, 3, 2
    xs = [tf.placeholder(tf.float32, [batch, depth]) for _ in range(steps)]
    fw, bw = rnn.GRUCell(3), rnn.BasicLSTMCell(2)
    lengths = np.array([4, 2, 1], np.int32)
    outputs, state_fw, state_bw = tf.nn.static_bidirectional_rnn(fw, bw, xs, dtype=tf.float32, sequence_length=lengths)
    assert fw.variables[0].name == "bidirectional_rnn/fw/gru_cell/gates/kernel:0"
    assert bw.variables[0].name == "bidirectional_rnn/bw/basic_lstm_cell/kernel:0"
    assert outputs[0].shape.as_list() == [batch, 5]
    feed = [rng.standard_normal((batch, depth)).astype(np.float32) for _ in xs]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        wf, wb = randomize(sess, fw, rng), randomize(sess, bw, rng)
        got, got_fw, got_bw = sess.run((outputs, state_fw, state_bw), dict(zip(xs, feed)))
    ref_fw, ref_state_fw = np_unroll(lambda a, s: np_gru(a, s, wf), feed, np.zeros((batch, 3)), lengths)

    def reverse(seq):  # tf.reverse_sequence on the time axis, per example within its length
        out = [s.copy() for s in seq]
        for b, n in enumerate(lengths):
            for t in range(n):
                out[t][b] = seq[n - 1 - t][b]
        return out

    zero = (np.zeros((batch, 2)), np.zeros((batch, 2)))
    rev_out, ref_state_bw = np_unroll(lambda a, s: np_lstm(a, s, wb), reverse(feed), zero, lengths)
    ref_bw = reverse(rev_out)
    for t in range(steps):
        np.testing.assert_allclose(got[t], np.concatenate([ref_fw[t], ref_bw[t]], 1), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_fw, ref_state_fw, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_bw.h, ref_state_bw[1], rtol=1e-5, atol=1e-6)
    # the backward output at step 0 has read the whole (per-example) sequence
    assert not np.allclose(got[0][:, 3:], 0)


def test_static_bidirectional_rnn_without_lengths_and_errors():
    xs = [tf.placeholder(tf.float32, [2, 3]) for _ in range(3)]
    outputs, _, _ = tf.nn.static_bidirectional_rnn(rnn.GRUCell(2), rnn.GRUCell(2), xs, dtype=tf.float32, scope="bi")
    assert len(outputs) == 3 and outputs[2].shape.as_list() == [2, 4]
    assert sorted(v.name.split("/")[1] for v in tf.global_variables()) == ["bw"] * 4 + ["fw"] * 4
    with pytest.raises(TypeError, match="'cell_bw'"):
        tf.nn.static_bidirectional_rnn(rnn.GRUCell(2), None, xs, dtype=tf.float32)
    with pytest.raises(ValueError, match="inputs must not be empty"):
        tf.nn.static_bidirectional_rnn(rnn.GRUCell(2), rnn.GRUCell(2), [], dtype=tf.float32)


def test_digit_rows_classifier_trains_with_regularized_kernels():
    """The 8x8 digits read as 8 rows of 8 by a 2-layer LSTM (dropout between
    layers driven by a keep_prob placeholder); L2 on every RNN variable through
    the variable scope's regularizer enters REGULARIZATION_LOSSES and the
    total loss, and the training loss falls."""
    data = load_digits()
    x = tf.placeholder(tf.float32, [None, 8, 8])
    y = tf.placeholder(tf.int64, [None])
    keep = tf.placeholder_with_default(1.0, [])
    with tf.variable_scope("classifier", regularizer=tf.contrib.layers.l2_regularizer(1e-4)):
        cell = rnn.MultiRNNCell(
            [rnn.DropoutWrapper(rnn.BasicLSTMCell(32), output_keep_prob=keep, seed=1), rnn.GRUCell(32)]
        )
        outputs, _ = tf.nn.static_rnn(cell, tf.unstack(x, axis=1), dtype=tf.float32)
    logits = tf.layers.dense(outputs[-1], 10)
    tf.losses.sparse_softmax_cross_entropy(y, logits)
    penalties = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    names = sorted(p.name for p in penalties)
    assert "classifier/rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel/Regularizer/l2_regularizer:0" in names
    assert "classifier/rnn/multi_rnn_cell/cell_1/gru_cell/candidate/kernel/Regularizer/l2_regularizer:0" in names
    assert len(penalties) == 6  # the scope's regularizer reaches every cell variable (TF1), not the dense layer
    total = tf.losses.get_total_loss()
    train = tf.train.AdamOptimizer(0.01).minimize(total)
    rows = {r["variable"]: r for r in tf.train.regularization_report(train)}
    kernel_row = rows["classifier/rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel"]
    assert kernel_row["in_loss"] and kernel_row["penalty"]["kind"] is not None and kernel_row["role"] == "weights"
    assert rows["classifier/rnn/multi_rnn_cell/cell_1/gru_cell/gates/bias"]["role"] == "biases"
    images = data.x_train.reshape(-1, 8, 8)
    rng = np.random.default_rng(0)
    tf.set_random_seed(0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        eval_feed = {x: images[:400], y: data.y_train[:400]}
        before = sess.run(total, eval_feed)
        kernel = sess.run(cell.variables[0])
        reg = sess.run(tf.losses.get_regularization_loss())
        for _ in range(60):
            batch = rng.choice(len(images), 64, replace=False)
            sess.run(train, {x: images[batch], y: data.y_train[batch], keep: 0.9})
        after = sess.run(total, eval_feed)
        accuracy = np.mean(sess.run(logits, {x: data.x_test.reshape(-1, 8, 8)}).argmax(1) == data.y_test)
    assert reg > 1e-4 * 0.5 * np.sum(kernel.astype(np.float64) ** 2)  # the kernel's ½λ‖w‖² is in there
    assert after < 0.4 * before, (before, after)  # 2.3 -> about 0.6 in 60 steps
    assert accuracy > 0.6  # about 0.79 (chance: 0.1)
