"""regularization_report: rows, what the train op applies, the text table."""

import warnings

import numpy as np
import pytest

import slimcore as tf
import slimcore.slim as slim


def _network():
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.placeholder(tf.int64, [None])
    with slim.arg_scope([slim.fully_connected], weights_regularizer=slim.l2_regularizer(0.1)):
        h = slim.fully_connected(x, 8, scope="fc1", weights_lr_mult=2.0, biases_decay=0.0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            logits = slim.fully_connected(
                h, 3, activation_fn=None, scope="fc2", weights_regularizer=slim.l2_regularizer(0.0)
            )
    return tf.losses.sparse_softmax_cross_entropy(y, logits)


def test_report_of_a_train_op_shows_missing_penalties_and_decay():
    loss = _network()
    opt = tf.train.AdamWOptimizer(1e-4, 0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        train = slim.learning.create_train_op(loss, opt)
    report = tf.train.regularization_report(train)
    rows = {r["variable"]: r for r in report.as_dicts()}
    assert list(rows) == ["fc1/weights", "fc1/biases", "fc2/weights", "fc2/biases"]
    w1 = rows["fc1/weights"]
    # slim's l2_regularizer is TF1's half-sum convention, s * sum(w^2) / 2, named as such.
    assert w1["penalty"] == {"kind": "l2_regularizer", "scale": 0.1, "convention": "half"}
    assert w1["in_loss"] is False  # the seed-000 trap, visible
    assert w1["decay"] == 1e-4 and w1["convention"] == "contrib" and w1["lr_mult"] == 2.0
    assert w1["updated"] is True and w1["role"] == "weights"
    # A zero-scale regularizer is a row with scale 0, not nothing.
    assert rows["fc2/weights"]["penalty"]["scale"] == 0.0
    assert rows["fc1/biases"]["penalty"]["kind"] is None
    text = str(report)
    assert "fc1/weights" in text and "l2_regularizer(0.1)" in text and "NO" in text


def test_report_with_total_loss_marks_penalties_applied():
    _network()
    train = tf.train.GradientDescentOptimizer(0.1).minimize(tf.losses.get_total_loss())
    rows = {r["variable"]: r for r in tf.train.regularization_report(train)}
    assert rows["fc1/weights"]["in_loss"] is True
    assert rows["fc1/weights"]["decay"] is None  # plain SGD decays nothing


def test_report_without_train_op_and_errors():
    _network()
    report = tf.train.regularization_report()
    assert len(report) == 4 and all(r["updated"] is None for r in report)
    with pytest.raises(ValueError, match="not built by a slimcore optimizer"):
        tf.train.regularization_report(tf.no_op())


def _single_weight(regularizer=None):
    w = tf.get_variable("w", initializer=np.full((3,), 2.0, np.float32), regularizer=regularizer)
    w.role = "weights"
    zero_data_loss = tf.reduce_sum(w * 0.0)  # the data gradient is 0: only decay moves w
    return w, zero_data_loss


@pytest.mark.parametrize("convention", ["contrib", "lr"])
def test_shrink_factor_matches_one_measured_step_of_decoupled_decay(convention):
    w, loss = _single_weight()
    train = tf.train.AdamWOptimizer(0.01, 0.1, decay_convention=convention).minimize(loss)
    row = tf.train.regularization_report(train).rows[0]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(w)
        sess.run(train)
        after = sess.run(w)
    np.testing.assert_allclose(after / before, row["shrink_per_step"], rtol=1e-6)
    assert row["shrink_per_step"] == pytest.approx(1 - 0.01 * (0.1 if convention == "lr" else 1.0))
    assert row["mechanism"] == "decoupled decay"
    shrink = 1 - 0.01 * (0.1 if convention == "lr" else 1.0)
    assert row["half_life"] == pytest.approx(np.log(0.5) / np.log(shrink))  # steps until w halves


def test_shrink_factor_matches_a_measured_sgd_step_of_l2_penalty():
    w, loss = _single_weight(slim.l2_regularizer(0.5))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss + tf.losses.get_regularization_loss())
    row = tf.train.regularization_report(train).rows[0]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(w)
        sess.run(train)
        after = sess.run(w)
    assert row["lambda_grad"] == 0.5 and row["mechanism"] == "loss penalty"
    np.testing.assert_allclose(after / before, row["shrink_per_step"], rtol=1e-6)  # 1 - lr * lambda


def test_notes_adaptive_coupled_and_double_counting_and_json():
    import json

    w, loss = _single_weight(tf.regularizers.keras_l2(0.1))
    w.weight_decay = 1e-3
    with pytest.warns(tf.train.DoubleDecayWarning) as caught:
        train = tf.train.AdamOptimizer(0.01).minimize(loss + tf.losses.get_regularization_loss())
    assert caught[0].filename == __file__  # the warning points at the user's line
    report = tf.train.regularization_report(train)
    row = report.rows[0]
    assert row["lambda_grad"] == pytest.approx(0.2)  # Keras l2: gradient 2 * l * w
    assert row["mechanism"] == "both" and row["shrink_per_step"] is None
    text = " ".join(report.notes)
    assert "rescales gradients per coordinate" in text and "counted twice" in text
    data = json.loads(report.to_json())
    assert data["rows"][0]["variable"] == "w" and data["summary"]["weights"]["variables"] == 1


def test_scheduled_learning_rate_at_a_step():
    _w, loss = _single_weight()
    step = tf.train.get_or_create_global_step()
    lr = tf.train.exponential_decay(0.1, step, 10, 0.5)
    train = tf.train.AdamWOptimizer(0.01, lr, decay_convention="lr", base_learning_rate=0.1).minimize(
        loss, global_step=step
    )
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        at_10 = tf.train.regularization_report(train, session=sess, step=10)
    assert at_10.learning_rate == pytest.approx(0.05)
    assert at_10.rows[0]["shrink_per_step"] == pytest.approx(1 - 0.05 * 0.01)
    assert tf.train.regularization_report(train).rows[0]["shrink_per_step"] is None  # unknown without a session


def test_double_counting_warns_and_exclusions_by_pattern_and_role():
    loss = _network()
    total = tf.losses.get_total_loss()
    with pytest.warns(tf.train.DoubleDecayWarning, match="fc1/weights.*counted twice"):
        tf.train.AdamWOptimizer(1e-4, 0.01).minimize(total)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt = tf.train.AdamWOptimizer(1e-4, 0.01, exclude_from_weight_decay=["weights"], exclude_roles=["biases"])
        train = opt.minimize(total)  # penalized weights excluded from decay: no double counting
    rows = {r["variable"]: r for r in tf.train.regularization_report(train)}
    assert rows["fc1/weights"]["decay"] is None and rows["fc2/biases"]["decay"] is None
    with pytest.raises(ValueError, match="'kernel' matches none"):
        tf.train.AdamWOptimizer(1e-4, 0.01, exclude_from_weight_decay=["kernel"]).minimize(total)
    with pytest.raises(ValueError, match="unknown role"):
        tf.train.AdamWOptimizer(1e-4, 0.01, exclude_roles=["bias"])
    with pytest.raises(tf.train.DoubleDecayError):
        tf.train.AdamWOptimizer(1e-4, 0.01).minimize(total, regularization_check="error")
    del loss


def test_hints_by_name_pattern():
    _network()
    matched = tf.train.set_lr_multipliers({"biases": 2.0, "fc2/": 0.5})
    assert [v.op.name for v in matched["biases"]] == ["fc1/biases", "fc2/biases"]
    assert {v.op.name: v.lr_mult for v in tf.trainable_variables()} == {
        "fc1/weights": 2.0,
        "fc1/biases": 2.0,
        "fc2/weights": 0.5,
        "fc2/biases": 0.5,
    }
    tf.train.set_weight_decay({"weights": 1e-4})
    tf.train.set_momentum({"fc1": 0.5})
    assert tf.trainable_variables()[0].weight_decay == 1e-4 and tf.trainable_variables()[0].momentum == 0.5
    with pytest.raises(ValueError, match="'kernel' matches no variable"):
        tf.train.set_lr_multipliers({"kernel": 2.0})
    with pytest.raises(ValueError, match=">= 0"):
        tf.train.set_weight_decay({"weights": -1.0})
    with pytest.raises(ValueError, match="regular expression"):
        tf.train.set_lr_multipliers({"(": 1.0})


def test_empty_decay_var_list_keeps_contribs_numbers_and_warns():
    w = tf.Variable(np.full(3, 2.0, np.float32), name="w")
    loss = tf.reduce_sum(w * 0.0)
    with pytest.warns(UserWarning, match=r"decay_var_list=\[\] means every variable decays"):
        train = tf.train.AdamWOptimizer(0.1, 0.01).minimize(loss, decay_var_list=[])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        np.testing.assert_allclose(sess.run(w), 2.0 * 0.9, rtol=1e-6)  # decayed: w -= 0.1 * w
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tf.train.AdamWOptimizer(0.1, 0.01).minimize(loss, decay_var_list=[w])  # explicit list: silent
