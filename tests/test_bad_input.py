"""The bad-input battery: every way a user can hand slimcore a wrong value,
one row each, and the error it must get.

Each row builds (and, for run-time errors, runs) the smallest program that
makes the mistake, then asserts the exception's type and that its message
names the argument, tensor, op or value at fault: an error that does not say
what to fix is a bug here. The CLI rows run ``slimcore.app.cli.main`` and
assert argparse's convention: exit code 2, no traceback, stderr naming the
option. `.ci/sanitize` runs this file under ASan + UBSan.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import slimcore as sc
from slimcore import slim
from slimcore.app import cli
from slimcore.errors import InvalidArgumentError, NonFiniteError, TypeMismatchError


def _zeros(shape, dtype=sc.float32):
    return sc.zeros(shape, dtype=dtype)


def _run(fetch, feeds=None):
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())
        return sess.run(fetch, feeds)


def _run_affine(value):
    """Feeds `value` to x [?, 3] of x * 2."""
    x = sc.placeholder(sc.float32, [None, 3], name="x")
    return _run(x * 2.0, {x: value})


def _run_labels(value):
    """Feeds `value` to labels: int32 [?]."""
    labels = sc.placeholder(sc.int32, [None], name="labels")
    return _run(labels + 1, {labels: value})


def _sparse_xent_out_of_range():
    labels = sc.placeholder(sc.int64, [None], name="labels")
    logits = sc.placeholder(sc.float32, [None, 3], name="logits")
    loss = sc.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    return _run(loss, {labels: np.array([0, 5]), logits: np.zeros((2, 3), np.float32)})


def _nan_gradient_step():
    x = sc.placeholder(sc.float32, [None, 2], name="x")
    w = sc.get_variable("w", [2, 1], initializer=sc.ones_initializer())
    train_op = sc.train.GradientDescentOptimizer(0.1).minimize(sc.reduce_sum(sc.matmul(x, w)))
    return _run(train_op, {x: np.array([[np.nan, 1.0]], np.float32)})


def _missing_feed():
    x = sc.placeholder(sc.float32, [None, 3], name="x")
    return _run(x * 2.0)


def _feed_dict_not_a_dict():
    x = sc.placeholder(sc.float32, [None, 3], name="x")
    return _run(x * 2.0, [(x, np.zeros((1, 3), np.float32))])


def _feed_of_another_graph():
    other = sc.Graph()
    with other.as_default():
        z = sc.placeholder(sc.float32, [None, 3], name="z")
    x = sc.placeholder(sc.float32, [None, 3], name="x")
    return _run(x * 2.0, {x: np.zeros((1, 3), np.float32), z: np.zeros((1, 3), np.float32)})


NAN = float("nan")

# (id, program, exception type, regex the message must match: it names the culprit)
RAISING = [
    # ---- ops: shapes and dtypes ------------------------------------------------
    ("matmul-inner-dims", lambda: sc.matmul(_zeros([2, 3]), _zeros([4, 5])), InvalidArgumentError, r"MatMul.*3 vs 4"),
    ("matmul-dtypes", lambda: sc.matmul(_zeros([2, 3]), _zeros([3, 5], sc.int32)), TypeMismatchError, r"MatMul.*int32"),
    ("matmul-rank", lambda: sc.matmul(_zeros([3]), _zeros([3, 5])), InvalidArgumentError, r"MatMul.*rank 2.*\[3\]"),
    (
        "conv2d-input-rank",
        lambda: sc.nn.conv2d(_zeros([2, 8, 8]), _zeros([3, 3, 1, 4]), [1, 1, 1, 1], "SAME"),
        InvalidArgumentError,
        r"Conv2D.*input must have rank 4",
    ),
    (
        "conv2d-channels",
        lambda: sc.nn.conv2d(_zeros([2, 8, 8, 2]), _zeros([3, 3, 1, 4]), [1, 1, 1, 1], "SAME"),
        InvalidArgumentError,
        r"input channels \(2.*in_channels \(1",
    ),
    (
        "conv2d-padding",
        lambda: sc.nn.conv2d(_zeros([2, 8, 8, 1]), _zeros([3, 3, 1, 4]), [1, 1, 1, 1], "SAMEE"),
        ValueError,
        r"padding.*'SAMEE'",
    ),
    (
        "conv2d-strides",
        lambda: sc.nn.conv2d(_zeros([2, 8, 8, 1]), _zeros([3, 3, 1, 4]), [1, 0, 1, 1], "SAME"),
        InvalidArgumentError,
        r"strides must be positive",
    ),
    (
        "conv2d-window-too-big",
        lambda: sc.nn.conv2d(_zeros([2, 2, 2, 1]), _zeros([3, 3, 1, 4]), [1, 1, 1, 1], "VALID"),
        InvalidArgumentError,
        r"window.*larger than the input height 2",
    ),
    (
        "max_pool-ksize",
        lambda: sc.nn.max_pool(_zeros([1, 4, 4, 1]), [1, 0, 2, 1], [1, 1, 1, 1], "SAME"),
        InvalidArgumentError,
        r"MaxPool.*ksize",
    ),
    (
        "reshape-count",
        lambda: sc.reshape(_zeros([2, 3]), [4]),
        InvalidArgumentError,
        r"6 elements \(shape \[2, 3\]\) to shape \[4\]",
    ),
    ("reshape-two-inferred", lambda: sc.reshape(_zeros([2, 3]), [-1, -1]), ValueError, r"shape \[-1, -1\].*one -1"),
    ("reshape-negative", lambda: sc.reshape(_zeros([2, 3]), [-2, 3]), ValueError, r"invalid shape \[-2, 3\]"),
    ("add-broadcast", lambda: _zeros([2, 3]) + _zeros([4, 5]), InvalidArgumentError, r"\[2, 3\] and \[4, 5\]"),
    ("reduce-axis", lambda: sc.reduce_sum(_zeros([2, 3]), axis=5), InvalidArgumentError, r"axis 5 is out of range"),
    ("placeholder-dim", lambda: sc.placeholder(sc.float32, [-2]), ValueError, r"dimension -2"),
    # ---- losses: labels that do not match the logits --------------------------------
    (
        "sparse-xent-label-shape",
        lambda: sc.losses.sparse_softmax_cross_entropy(_zeros([3], sc.int64), _zeros([2, 5])),
        InvalidArgumentError,
        r"logits \[2, 5\], labels \[3\]",
    ),
    (
        "sparse-xent-label-dtype",
        lambda: sc.losses.sparse_softmax_cross_entropy(_zeros([2]), _zeros([2, 5])),
        TypeMismatchError,
        r"labels must be int32 or int64.*float32",
    ),
    (
        "softmax-xent-shapes",
        lambda: sc.losses.softmax_cross_entropy(_zeros([2, 4]), _zeros([2, 5])),
        ValueError,
        r"\(2, 5\) \(logits\) and \(2, 4\) \(onehot_labels\)",
    ),
    (
        "nn-softmax-xent-shapes",
        lambda: sc.nn.softmax_cross_entropy_with_logits(labels=_zeros([2, 4]), logits=_zeros([2, 5])),
        InvalidArgumentError,
        r"logits \[2, 5\] and labels \[2, 4\]",
    ),
    (
        "sigmoid-xent-shapes",
        lambda: sc.nn.sigmoid_cross_entropy_with_logits(labels=_zeros([2, 4]), logits=_zeros([2, 5])),
        InvalidArgumentError,
        r"logits \[2, 5\] and labels \[2, 4\]",
    ),
    (
        "mse-shapes",
        lambda: sc.losses.mean_squared_error(_zeros([2, 4]), _zeros([2, 5])),
        ValueError,
        r"\(predictions\).*\(labels\)",
    ),
    # ---- run-time values ----------------------------------------------------------
    ("sparse-xent-label-out-of-range", _sparse_xent_out_of_range, InvalidArgumentError, r"label value of 5.*\[0, 3\)"),
    ("nan-gradient", _nan_gradient_step, NonFiniteError, r"NaN or Inf in the gradients of w"),
    # ---- regularizers -----------------------------------------------------------
    ("l2-negative", lambda: slim.l2_regularizer(-1.0), ValueError, r"l2_regularizer.*scale.*-1"),
    ("l2-nan", lambda: slim.l2_regularizer(NAN), ValueError, r"l2_regularizer.*scale.*nan"),
    ("l2-string", lambda: slim.l2_regularizer("abc"), TypeError, r"l2_regularizer: scale.*'abc'"),
    ("l1-negative", lambda: slim.l1_regularizer(-1.0), ValueError, r"l1_regularizer.*scale"),
    ("l1_l2-nan", lambda: sc.regularizers.l1_l2_regularizer(1.0, NAN), ValueError, r"l1_l2_regularizer.*scale"),
    ("keras-l2-negative", lambda: sc.regularizers.keras_l2(-1.0), ValueError, r"argument l2.*-1"),
    (
        "regularizer-not-callable",
        lambda: sc.layers.dense(_zeros([2, 3]), 4, kernel_regularizer="l2"),
        TypeError,
        r"'kernel' \(e.g. kernel_regularizer.*must be a callable.*'l2'",
    ),
    # ---- initializers -----------------------------------------------------------
    ("truncated-normal-stddev", lambda: sc.truncated_normal_initializer(stddev=-1.0), ValueError, r"stddev.*-1"),
    ("random-normal-stddev-nan", lambda: sc.random_normal_initializer(stddev=NAN), ValueError, r"stddev.*nan"),
    (
        "random-uniform-bounds",
        lambda: sc.random_uniform_initializer(minval=1.0, maxval=0.0),
        ValueError,
        r"maxval.*minval",
    ),
    ("variance-scaling-mode", lambda: sc.variance_scaling_initializer(mode="bad"), ValueError, r"`mode`.*'bad'"),
    ("variance-scaling-scale", lambda: sc.variance_scaling_initializer(scale=-1.0), ValueError, r"`scale`.*-1"),
    (
        "variance-scaling-distribution",
        lambda: sc.variance_scaling_initializer(distribution="bad"),
        ValueError,
        r"`distribution`.*'bad'",
    ),
    ("constant-string", lambda: sc.constant_initializer("abc"), TypeError, r"constant_initializer.*'abc'"),
    # ---- optimizers -------------------------------------------------------------
    ("sgd-lr-negative", lambda: sc.train.GradientDescentOptimizer(-1.0), ValueError, r"learning_rate.*-1"),
    ("sgd-lr-nan", lambda: sc.train.GradientDescentOptimizer(NAN), ValueError, r"learning_rate.*nan"),
    ("sgd-lr-string", lambda: sc.train.GradientDescentOptimizer("abc"), TypeError, r"learning_rate.*'abc'"),
    ("momentum-negative", lambda: sc.train.MomentumOptimizer(0.1, -1.0), ValueError, r"momentum.*-1"),
    ("adam-beta1", lambda: sc.train.AdamOptimizer(0.1, beta1=1.5), ValueError, r"beta1.*1.5"),
    ("adam-beta2", lambda: sc.train.AdamOptimizer(0.1, beta2=-0.1), ValueError, r"beta2.*-0.1"),
    ("adam-epsilon", lambda: sc.train.AdamOptimizer(0.1, epsilon=-1.0), ValueError, r"epsilon.*-1"),
    ("rmsprop-decay", lambda: sc.train.RMSPropOptimizer(0.1, decay=2.0), ValueError, r"decay.*2"),
    (
        "adagrad-accumulator",
        lambda: sc.train.AdagradOptimizer(0.1, initial_accumulator_value=-1.0),
        ValueError,
        r"initial_accumulator_value.*-1",
    ),
    ("adamw-weight-decay", lambda: sc.train.AdamWOptimizer(-1.0, 0.1), ValueError, r"weight_decay.*-1"),
    # ---- per-variable settings ----------------------------------------------------
    ("variable-lr_mult", lambda: sc.get_variable("w", [2], lr_mult=-1.0), ValueError, r"lr_mult.*-1"),
    ("variable-weight_decay", lambda: sc.get_variable("w", [2], weight_decay=NAN), ValueError, r"weight_decay.*nan"),
    ("variable-lr_mult-string", lambda: sc.get_variable("w", [2], lr_mult="x"), TypeError, r"lr_mult.*'x'"),
    (
        "get_variable-regularizer",
        lambda: sc.get_variable("w", [2], regularizer="l2"),
        TypeError,
        r"get_variable\('w'\): regularizer must be a callable.*'l2'",
    ),
    ("scope-lr_mult", lambda: sc.variable_scope("s", lr_mult=-1.0).__enter__(), ValueError, r"lr_mult.*-1"),
    ("variable-shape-unknown", lambda: sc.get_variable("w", [None, 2]), ValueError, r"\(w\) must be fully defined"),
    ("fully_connected-units", lambda: slim.fully_connected(_zeros([2, 3]), 0), ValueError, r"num_outputs.*0"),
    ("dropout-keep_prob", lambda: sc.nn.dropout(_zeros([2, 3]), keep_prob=1.5), ValueError, r"keep_prob.*1.5"),
    # ---- feeds ------------------------------------------------------------------
    ("feed-missing", _missing_feed, InvalidArgumentError, r"feed a value for placeholder tensor 'x'.*\[\?, 3\]"),
    ("feed_dict-not-a-dict", _feed_dict_not_a_dict, TypeError, r"feed_dict must be a dict.*got list"),
    ("feed-other-graph", _feed_of_another_graph, ValueError, r"z:0 is not an element of this graph"),
    (
        "feed-wrong-shape",
        lambda: _run_affine(np.zeros((2, 4), np.float32)),
        InvalidArgumentError,
        r"shape \[2, 4\] for Tensor 'x:0', which has shape \[\?, 3\]",
    ),
    (
        "feed-wrong-rank",
        lambda: _run_affine(np.zeros(6, np.float32)),
        InvalidArgumentError,
        r"shape \[6\] for Tensor 'x:0'",
    ),
    ("feed-string", lambda: _run_affine("abc"), ValueError, r"dtype <U3 to Tensor 'x:0' of dtype float32"),
    ("feed-ragged", lambda: _run_affine([[1, 2, 3], [1, 2]]), ValueError, r"cannot feed list to Tensor 'x:0'"),
    ("feed-nan-into-int", lambda: _run_labels(np.array([np.nan])), ValueError, r"NaN or infinity to Tensor 'labels:0'"),
    ("feed-int-overflow", lambda: _run_labels(np.array([2**40])), ValueError, r"'labels:0' do not fit in int32"),
]


@pytest.mark.parametrize("program,error,message", [pytest.param(*row[1:], id=row[0]) for row in RAISING])
def test_bad_input_raises_naming_the_culprit(program, error, message):
    with pytest.raises(error, match=message):
        program()


# ---- the command line: exit 2, no traceback, the option named ------------------


# {tmp}: a fresh folder; {file}: a plain file in it; {not_npz}: a text file named
# .npz; {huge_label}: an npz whose labels hold class id 1e9.
CLI_ROWS = [
    ("seed-negative", ["train", "--seed", "-1"], "--seed"),
    ("seed-not-int", ["train", "--seed", "abc"], "--seed"),
    ("checkpoint-dir-is-file", ["train", "--checkpoint-dir", "{file}"], "--checkpoint-dir"),
    ("checkpoint-dir-under-file", ["train", "--checkpoint-dir", "{file}/sub"], "--checkpoint-dir"),
    ("data-missing", ["train", "--quiet", "--data", "{tmp}/none.npz"], "--data"),
    ("data-not-npz", ["train", "--quiet", "--data", "{not_npz}"], "--data"),
    ("data-label-1e9", ["train", "--quiet", "--data", "{huge_label}"], "--data.*class id 1000000000"),
    ("test-data-without-data", ["train", "--quiet", "--test-data", "{huge_label}"], "--test-data"),
    ("epochs-0", ["train", "--epochs", "0"], "--epochs"),
    ("batch-size-0", ["train", "--batch-size", "0"], "--batch-size"),
    ("learning-rate-negative", ["train", "--learning-rate", "-1"], "--learning-rate"),
    ("learning-rate-nan", ["train", "--learning-rate", "nan"], "--learning-rate"),
    ("weight-decay-inf", ["train", "--weight-decay", "inf"], "--weight-decay"),
    ("l2-negative", ["train", "--l2", "-1"], "--l2"),
    ("scales-malformed", ["sweep", "--scales", "0.1,abc"], "--scales"),
    ("scales-negative", ["sweep", "--scales", "0.1,-1"], "--scales"),
    ("scales-empty", ["sweep", "--scales", ","], "--scales"),
    ("model-unknown", ["train", "--model", "nope"], "--model"),
    ("optimizer-unknown", ["train", "--optimizer", "nope"], "--optimizer"),
]


def _cli_files(tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("not a folder")
    not_npz = tmp_path / "text.npz"
    not_npz.write_text("not an npz")
    huge_label = tmp_path / "huge.npz"
    x = np.random.default_rng(0).random((20, 4)).astype(np.float32)
    np.savez(huge_label, x=x, y=np.r_[np.zeros(19), 1e9])
    return {"tmp": str(tmp_path), "file": str(a_file), "not_npz": str(not_npz), "huge_label": str(huge_label)}


@pytest.mark.parametrize("argv,option", [pytest.param(*row[1:], id=row[0]) for row in CLI_ROWS])
def test_bad_cli_argument_exits_2_naming_the_option(argv, option, tmp_path, capsys):
    files = _cli_files(tmp_path)
    try:
        code = cli.main([arg.format(**files) for arg in argv])
    except SystemExit as e:  # argparse's own refusals
        code = e.code
    captured = capsys.readouterr()
    assert code == 2
    err = captured.err.strip().splitlines()
    assert "Traceback" not in captured.err
    assert err[-1].startswith("slimcore") and "error" in err[-1]
    assert re.search(option, err[-1]), captured.err
    assert "training" not in captured.out  # refused before any training started


# ---- feeds that are right but awkward: the values must arrive intact ------------------


def _feed_layouts():
    base = np.arange(12, dtype=np.float32).reshape(4, 3) + 0.5
    raw = np.zeros(base.nbytes + 1, np.uint8)
    raw[1:] = np.frombuffer(base.tobytes(), np.uint8)
    misaligned = np.frombuffer(raw.data, dtype=np.float32, offset=1).reshape(4, 3)
    assert not misaligned.flags.aligned
    transposed = np.ascontiguousarray(base.T).T
    assert not transposed.flags.c_contiguous
    reversed_rows = np.ascontiguousarray(base[::-1])[::-1]
    assert reversed_rows.strides[0] < 0
    every_other = np.repeat(base, 2, axis=1)[:, ::2]
    layouts = {"misaligned": misaligned, "transposed": transposed, "negative-stride": reversed_rows}
    return base, {**layouts, "strided": every_other}


@pytest.mark.parametrize("layout", ["misaligned", "transposed", "negative-stride", "strided"])
def test_awkward_feed_layouts_give_the_right_results(layout):
    base, layouts = _feed_layouts()
    value = layouts[layout]
    np.testing.assert_array_equal(value, base)
    weights = np.array([[1.0, 0.0], [2.0, 1.0], [0.0, 3.0]], np.float32)
    x = sc.placeholder(sc.float32, [None, 3], name="x")
    product, echoed = _run([sc.matmul(x, sc.constant(weights)), x], {x: value})
    np.testing.assert_allclose(product, base @ weights, rtol=1e-6)
    np.testing.assert_array_equal(echoed, base)


def test_the_engine_refuses_a_misaligned_or_strided_buffer():
    # Session.run copies such feeds; the binding itself checks, so no other
    # caller can hand a kernel an unaligned or strided view.
    _, layouts = _feed_layouts()
    x = sc.placeholder(sc.float32, [None, 3], name="x")
    y = x * 2.0
    with sc.Session() as sess:
        for layout in ("misaligned", "transposed"):
            with pytest.raises(TypeError, match=r"feed for x must be an aligned C-contiguous float32 array"):
                sess._c.run([(x._node, x._index, layouts[layout])], [y._ref], [])


def test_a_tensor_fed_by_object_and_by_name_takes_the_later_value_with_a_warning():
    x = sc.placeholder(sc.float32, [None, 3], name="x")
    y = x * 2.0
    first, second = np.ones((1, 3), np.float32), np.full((1, 3), 5.0, np.float32)
    with sc.Session() as sess:
        with pytest.warns(UserWarning, match=r"Tensor 'x:0' is fed twice.*later value"):
            np.testing.assert_array_equal(sess.run(y, {x: first, "x:0": second}), 2 * second)
        with pytest.warns(UserWarning, match=r"Tensor 'x:0' is fed twice"):
            np.testing.assert_array_equal(sess.run(y, {"x:0": second, x: first}), 2 * first)
        # The engine itself refuses one tensor fed twice (C++ callers have no dict to dedupe them).
        with pytest.raises(InvalidArgumentError, match=r"Tensor 'x:0' is fed twice"):
            sess._c.run([(x._node, x._index, first), (x._node, x._index, second)], [y._ref], [])


def test_a_nan_gradient_step_leaves_the_weights_unchanged():
    x = sc.placeholder(sc.float32, [None, 2], name="x")
    w = sc.get_variable("w", [2, 1], initializer=sc.ones_initializer())
    train_op = sc.train.GradientDescentOptimizer(0.1).minimize(sc.reduce_sum(sc.matmul(x, w)))
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())
        with pytest.raises(NonFiniteError, match=r"gradients of w"):
            sess.run(train_op, {x: np.array([[np.nan, 1.0]], np.float32)})
        np.testing.assert_array_equal(sess.run(w), np.ones((2, 1), np.float32))
        sess.run(train_op, {x: np.array([[1.0, 1.0]], np.float32)})  # a finite step still trains
        np.testing.assert_allclose(sess.run(w), np.full((2, 1), 0.9, np.float32), rtol=1e-6)
