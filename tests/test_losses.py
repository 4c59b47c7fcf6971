"""tf.losses: per-element formulas, weighting and all reductions against
independent numpy, gradients, collections and names, and the seed-000 trap."""

import numpy as np
import pytest

import slimcore as sc
from gradcheck import check_gradients

R = sc.losses.Reduction
RNG = np.random.default_rng(0)


def _reduce(losses, weights, reduction):
    """TF1's compute_weighted_loss, written independently in numpy."""
    w = np.broadcast_to(np.asarray(weights, np.float64), losses.shape)
    s = np.sum(losses * w)

    def div(a, b):
        return 0.0 if b == 0 else a / b

    return {
        R.NONE: losses * w,
        R.SUM: s,
        R.MEAN: div(s, np.sum(w)),
        R.SUM_OVER_BATCH_SIZE: div(s, losses.size),
        R.SUM_BY_NONZERO_WEIGHTS: div(s, np.count_nonzero(w)),
    }[reduction]


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


B, D = 4, 3
LABELS = RNG.uniform(0, 1, (B, D))
PREDS = RNG.uniform(0, 1, (B, D))
LOGITS = RNG.normal(0, 2, (B, D))
BINARY = (RNG.uniform(0, 1, (B, D)) > 0.5).astype(np.float64)

# name -> (build(labels, predictions, **kw), numpy per-element loss, labels, predictions)
ELEMENTWISE = {
    "absolute_difference": (sc.losses.absolute_difference, lambda y, p: np.abs(p - y), LABELS, PREDS),
    "mean_squared_error": (sc.losses.mean_squared_error, lambda y, p: (p - y) ** 2, LABELS, PREDS),
    "huber_loss": (
        lambda y, p, **k: sc.losses.huber_loss(y, p, delta=0.3, **k),
        lambda y, p: np.where(np.abs(p - y) <= 0.3, 0.5 * (p - y) ** 2, 0.3 * (np.abs(p - y) - 0.3) + 0.5 * 0.09),
        LABELS,
        PREDS,
    ),
    "log_loss": (
        sc.losses.log_loss,
        lambda y, p: -y * np.log(p + 1e-7) - (1 - y) * np.log(1 - p + 1e-7),
        BINARY,
        PREDS,
    ),
    "hinge_loss": (
        lambda y, x, **k: sc.losses.hinge_loss(y, x, **k),
        lambda y, x: np.maximum(0, 1 - (2 * y - 1) * x),
        BINARY,
        LOGITS,
    ),
    "sigmoid_cross_entropy": (
        lambda y, x, **k: sc.losses.sigmoid_cross_entropy(y, x, **k),
        lambda z, x: np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x))),
        BINARY,
        LOGITS,
    ),
}
WEIGHTS = {
    "scalar": 2.5,
    "scalar_zero": 0.0,
    "per_example": np.array([[1.0], [0.0], [2.0], [0.5]]),
    "per_element": np.where(RNG.uniform(0, 1, (B, D)) > 0.3, RNG.uniform(0.5, 2, (B, D)), 0.0),
    "all_zero": np.zeros((B, D)),
}


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
@pytest.mark.parametrize("weights", sorted(WEIGHTS))
@pytest.mark.parametrize("reduction", R.all())
def test_elementwise_losses_all_reductions_and_weights(name, weights, reduction):
    build, formula, labels, preds = ELEMENTWISE[name]
    w = WEIGHTS[weights]
    loss = build(
        sc.constant(labels, dtype=sc.float32),
        sc.constant(preds, dtype=sc.float32),
        weights=w if np.isscalar(w) else sc.constant(w, dtype=sc.float32),
        reduction=reduction,
    )
    with sc.Session() as sess:
        got = sess.run(loss)
    want = _reduce(formula(labels, preds), w, reduction)
    np.testing.assert_allclose(got, want, rtol=2e-5, atol=1e-6)
    assert sc.losses.get_losses() == [loss]  # collected whatever the reduction


@pytest.mark.parametrize("weights", ["scalar", "per_example", "zeros"])
@pytest.mark.parametrize("reduction", R.all())
def test_cross_entropies(weights, reduction):
    onehot = np.eye(D)[RNG.integers(0, D, B)]
    ids = onehot.argmax(1)
    w = {"scalar": 0.7, "per_example": np.array([1.0, 0.0, 2.0, 3.0]), "zeros": np.zeros(B)}[weights]
    per_example = -(onehot * np.log(_softmax(LOGITS))).sum(-1)
    dense = sc.losses.softmax_cross_entropy(
        onehot, sc.constant(LOGITS, dtype=sc.float32), weights=w, reduction=reduction
    )
    sparse = sc.losses.sparse_softmax_cross_entropy(
        ids, sc.constant(LOGITS, dtype=sc.float32), weights=w, reduction=reduction
    )
    with sc.Session() as sess:
        got_dense, got_sparse = sess.run([dense, sparse])
    want = _reduce(per_example, w, reduction)
    np.testing.assert_allclose(got_dense, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_sparse, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("smoothing", [0.1, 0.2])
def test_label_smoothing_formulas_differ_per_loss(smoothing):
    onehot = np.eye(D)[[0, 2, 1, 1]]
    soft = sc.losses.softmax_cross_entropy(onehot, sc.constant(LOGITS, dtype=sc.float32), label_smoothing=smoothing)
    sig = sc.losses.sigmoid_cross_entropy(onehot, sc.constant(LOGITS, dtype=sc.float32), label_smoothing=smoothing)
    with sc.Session() as sess:
        got_soft, got_sig = sess.run([soft, sig])
    z = onehot * (1 - smoothing) + smoothing / D
    np.testing.assert_allclose(got_soft, np.mean(-(z * np.log(_softmax(LOGITS))).sum(-1)), rtol=1e-5)
    z = onehot * (1 - smoothing) + 0.5 * smoothing
    x = LOGITS
    np.testing.assert_allclose(got_sig, np.mean(np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))), rtol=1e-5)


def test_cosine_distance_and_pairwise():
    y = RNG.normal(size=(2, 5, 3))
    y /= np.linalg.norm(y, axis=2, keepdims=True)
    p = RNG.normal(size=(2, 5, 3))
    p /= np.linalg.norm(p, axis=2, keepdims=True)
    cos = sc.losses.cosine_distance(
        sc.constant(y, dtype=sc.float32), sc.constant(p, dtype=sc.float32), axis=2, reduction=R.NONE
    )
    assert cos.shape.as_list() == [2, 5, 1]
    lab, pred = RNG.normal(size=(3, 4)), RNG.normal(size=(3, 4))
    pair = sc.losses.mean_pairwise_squared_error(
        sc.constant(lab, dtype=sc.float32), sc.constant(pred, dtype=sc.float32)
    )
    with sc.Session() as sess:
        got_cos, got_pair = sess.run([cos, pair])
    np.testing.assert_allclose(got_cos, 1 - (y * p).sum(2, keepdims=True), rtol=1e-5, atol=1e-6)
    d = pred - lab
    n = d.shape[1]
    want = sum(np.mean([(d[b, i] - d[b, j]) ** 2 for i in range(n) for j in range(n) if i != j]) for b in range(3))
    np.testing.assert_allclose(got_pair, want, rtol=1e-5)
    with pytest.raises(ValueError, match="axis"):
        sc.losses.cosine_distance(y, p)


def test_stable_for_extreme_logits():
    logits = np.array([[1e4, 0.0, -1e4], [-1e4, 1e4, 0.0]], np.float32)
    onehot = np.array([[0, 0, 1], [0, 1, 0]], np.float32)
    ce = sc.losses.softmax_cross_entropy(onehot, logits, reduction=R.NONE)
    sce = sc.losses.sparse_softmax_cross_entropy([2, 1], logits, reduction=R.NONE)
    sig = sc.losses.sigmoid_cross_entropy(onehot, logits, reduction=R.NONE)
    x = sc.constant(logits)
    grads = sc.gradients(sc.losses.softmax_cross_entropy(onehot, x), [x])
    with sc.Session() as sess:
        values = sess.run([ce, sce, sig, grads])
    np.testing.assert_allclose(values[0], [2e4, 0.0])
    np.testing.assert_allclose(values[1], [2e4, 0.0])
    assert np.all(np.isfinite(values[2])) and np.all(np.isfinite(values[3][0]))


def test_nan_propagates():
    loss = sc.losses.mean_squared_error([1.0, 2.0], sc.constant([np.nan, 1.0]))
    with sc.Session() as sess:
        assert np.isnan(sess.run(loss))


@pytest.mark.parametrize(
    "name", ["mean_squared_error", "huber_loss", "log_loss", "sigmoid_cross_entropy", "absolute_difference"]
)
def test_gradients_against_finite_differences(name):
    build, _, labels, preds = ELEMENTWISE[name]
    w = WEIGHTS["per_element"]
    # Losses compute in float32 as TF1 does, so the check is at float32 precision.
    check_gradients(
        lambda p: sc.cast(
            build(
                sc.constant(labels, dtype=sc.float32), sc.cast(p, sc.float32), weights=sc.constant(w, dtype=sc.float32)
            ),
            sc.float64,
        ),
        [preds + 0.013],
        eps=1e-3,
        rtol=2e-2,
        atol=2e-3,
    )


def test_cross_entropy_gradients():
    onehot = np.eye(D)[[0, 2, 1, 1]]
    check_gradients(lambda x: sc.nn.softmax_cross_entropy_with_logits_v2(labels=onehot, logits=x), [LOGITS.copy()])
    check_gradients(
        lambda x: sc.nn.sparse_softmax_cross_entropy_with_logits(labels=np.array([0, 2, 1, 1]), logits=x),
        [LOGITS.copy()],
    )
    check_gradients(
        lambda x, z: sc.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x), [LOGITS.copy(), BINARY * 0.8 + 0.1]
    )
    # v2 sends gradient into soft labels; v1 does not.
    soft = _softmax(RNG.normal(size=(B, D)))
    check_gradients(lambda y: sc.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=LOGITS), [soft])
    y = sc.constant(soft)
    assert sc.gradients(sc.nn.softmax_cross_entropy_with_logits(labels=y, logits=LOGITS), [y]) == [None]


def test_names_and_collections():
    logits = sc.placeholder(sc.float32, [None, 3])
    labels = sc.placeholder(sc.float32, [None, 3])
    loss = sc.losses.softmax_cross_entropy(labels, logits)
    assert loss.name == "softmax_cross_entropy_loss/value:0"
    quiet = sc.losses.mean_squared_error(labels, logits, loss_collection=None)
    assert sc.losses.get_losses() == [loss]
    with sc.name_scope("tower"):
        scoped = sc.losses.absolute_difference(labels, logits)
    assert sc.losses.get_losses(scope="tower") == [scoped]
    assert quiet not in sc.losses.get_losses()


def test_seed_000_trap_cross_entropy_vs_total_loss():
    """The loss a tf.losses function returns leaves out the penalties; the
    total loss adds exactly the sum of REGULARIZATION_LOSSES."""
    from slimcore import regularizers

    x = sc.placeholder(sc.float32, [None, 4])
    labels = sc.placeholder(sc.int64, [None])
    with sc.variable_scope("net", regularizer=regularizers.l2_regularizer(0.05)):
        w1 = sc.get_variable("w1", [4, 5])
        w2 = sc.get_variable("w2", [5, 3])
    logits = sc.matmul(sc.tanh(sc.matmul(x, w1)), w2)
    cross_entropy = sc.losses.sparse_softmax_cross_entropy(labels, logits)
    total = sc.losses.get_total_loss()
    reg_total = sc.losses.get_regularization_loss()
    assert len(sc.losses.get_regularization_losses()) == 2
    assert [t.name for t in sc.losses.get_regularization_losses()] == [
        "net/w1/Regularizer/l2_regularizer:0",
        "net/w2/Regularizer/l2_regularizer:0",
    ]
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())
        feed = {x: RNG.normal(size=(6, 4)), labels: RNG.integers(0, 3, 6)}
        ce, tot, r, wv1, wv2 = sess.run([cross_entropy, total, reg_total, w1, w2], feed)
    penalty = 0.05 * (np.sum(wv1.astype(np.float64) ** 2) + np.sum(wv2.astype(np.float64) ** 2)) / 2
    np.testing.assert_allclose(r, penalty, rtol=1e-5)
    np.testing.assert_allclose(tot - ce, penalty, rtol=1e-4)


def test_total_loss_helpers():
    assert sc.losses.get_regularization_loss().op.type == "Const"
    with pytest.raises(ValueError, match="no losses"):
        sc.losses.get_total_loss()
    a = sc.constant(1.5)
    sc.losses.add_loss(a)
    sc.add_to_collection(sc.GraphKeys.REGULARIZATION_LOSSES, sc.constant(0.25))
    with sc.Session() as sess:
        assert sess.run(sc.losses.get_total_loss()) == 1.75
        assert sess.run(sc.losses.get_total_loss(add_regularization_losses=False)) == 1.5


def test_bad_input():
    logits = sc.placeholder(sc.float32, [None, 3])
    with pytest.raises(ValueError, match="Reduction"):
        sc.losses.mean_squared_error(logits, logits, reduction="mean")
    with pytest.raises(ValueError, match="broadcast"):
        sc.losses.mean_squared_error(np.zeros((4, 3)), np.zeros((4, 3)), weights=np.ones(4))
    with pytest.raises(ValueError, match="incompatible"):
        sc.losses.softmax_cross_entropy(np.zeros((4, 2)), np.zeros((4, 3)))
    with pytest.raises(ValueError, match="shape"):
        sc.losses.sparse_softmax_cross_entropy(np.zeros((4, 2), np.int64), np.zeros((4, 3)))
    with pytest.raises(TypeError):
        sc.losses.sparse_softmax_cross_entropy(np.zeros(4), np.zeros((4, 3)))
    labels = sc.placeholder(sc.int64, [None])
    loss = sc.losses.sparse_softmax_cross_entropy(labels, logits)
    with sc.Session() as sess:
        with pytest.raises(ValueError, match=r"label value of 7.*\[0, 3\)"):
            sess.run(loss, {logits: np.zeros((2, 3)), labels: [0, 7]})
        with pytest.raises(ValueError, match="label value of -1"):
            sess.run(loss, {logits: np.zeros((2, 3)), labels: [-1, 0]})
    with pytest.raises(ValueError, match="named arguments"):
        sc.nn.softmax_cross_entropy_with_logits(np.zeros(3), np.zeros(3))
