"""slimcore.keras: Sequential build/fit/evaluate/predict, Keras' penalties
(model.losses, REGULARIZATION_LOSSES, the training loss), losses and
optimizers against numpy, names, and every error path."""

import warnings

import numpy as np
import pytest

import slimcore
import slimcore.compat.v1 as tf
from slimcore import keras
from slimcore.app import datasets


@pytest.fixture(scope="module")
def digits():
    return datasets.load_digits()


@pytest.fixture(autouse=True)
def seeded():
    np.random.seed(0)
    tf.set_random_seed(0)


def softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def mlp(hidden=32, l2=1e-3, **first):
    return keras.models.Sequential(
        [
            keras.layers.Dense(hidden, activation="relu", kernel_regularizer=keras.regularizers.l2(l2), **first),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )


# ---- the workflow on a real task --------------------------------------------------------
@pytest.mark.slow
def test_sequential_learns_digits(digits):
    model = mlp(input_shape=(64,))
    assert model.built and model.input.name == "dense_input:0"
    assert model.output.shape.as_list() == [None, 10]
    assert [v.name for v in model.weights] == ["dense/kernel:0", "dense/bias:0", "dense_1/kernel:0", "dense_1/bias:0"]
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(digits.x_train, digits.y_train, batch_size=32, epochs=8, verbose=0)
    assert list(history.history) == ["loss", "accuracy", "data_loss", "penalty", "decay"]
    assert history.epoch == list(range(8))
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    loss, accuracy = model.evaluate(digits.x_test, digits.y_test, verbose=0)
    assert accuracy > 0.9 and model.metrics_names == ["loss", "accuracy"]
    probabilities = model.predict(digits.x_test)
    assert probabilities.shape == (len(digits.x_test), 10) and probabilities.dtype == np.float32
    np.testing.assert_allclose(probabilities.sum(1), 1.0, rtol=1e-5)
    # predict is the numpy forward pass with the trained weights
    w1, b1, w2, b2 = model.get_weights()
    expected = softmax(np.maximum(digits.x_test @ w1 + b1, 0) @ w2 + b2)
    np.testing.assert_allclose(probabilities, expected, rtol=1e-4, atol=1e-6)
    assert accuracy == pytest.approx(np.mean(expected.argmax(1) == digits.y_test), abs=1e-6)
    # evaluate's loss: Keras' mean cross-entropy plus the penalty 1e-3 * sum(W1^2)
    ce = -np.mean(np.log(expected[np.arange(len(expected)), digits.y_test]))
    assert loss == pytest.approx(ce + 1e-3 * np.sum(w1.astype(np.float64) ** 2), rel=1e-4)


def test_builds_from_the_data_and_validation_split(digits):
    model = mlp()
    assert not model.built and model.losses == [] and model.weights == []
    with pytest.raises(AttributeError, match="not built"):
        _ = model.output
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["acc"])
    history = model.fit(digits.x_train, digits.y_train, epochs=2, validation_split=0.25, verbose=0)
    assert model.built and model.input.shape.as_list() == [None, 64]
    assert set(history.history) == {"loss", "acc", "val_loss", "val_acc", "data_loss", "penalty", "decay"}
    assert history.params["samples"] == int(len(digits.x_train) * 0.75)
    assert len(model.losses) == 1


def test_verbose_fit_prints_one_line_per_epoch(digits, capsys):
    model = mlp(input_shape=(64,))
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["acc"])
    model.fit(digits.x_train[:64], digits.y_train[:64], epochs=2)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("Epoch 1/2 - loss: ") and " - acc: " in lines[0]


def test_summary_and_count_params(capsys):
    model = mlp(input_shape=(64,))
    model.summary()
    out = capsys.readouterr().out
    assert "dense (Dense)" in out and "(None, 32)" in out and "Total params: 2410" in out
    assert model.count_params() == 64 * 32 + 32 + 32 * 10 + 10


# ---- penalties ---------------------------------------------------------------------------
def test_model_losses_use_keras_scaling():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((7, 5)).astype(np.float32)
    model = keras.models.Sequential(
        [
            keras.layers.Dense(
                4,
                input_shape=(5,),
                activation="tanh",
                kernel_regularizer=keras.regularizers.l1(0.02),
                bias_regularizer=keras.regularizers.l2(0.3),
                bias_initializer="ones",
            ),
            keras.layers.Dense(
                3,
                kernel_regularizer=keras.regularizers.l1_l2(l1=0.01, l2=0.05),
                activity_regularizer=keras.regularizers.l2(0.1),
            ),
        ]
    )
    assert len(model.losses) == 4
    sess = keras.backend.get_session()
    keras.backend.initialize_uninitialized(sess)
    w1, b1, w2, b2 = model.get_weights()
    values = sess.run(model.losses, {model.input: x})
    y = np.tanh(x @ w1 + b1) @ w2 + b2
    np.testing.assert_allclose(
        values,
        [
            0.02 * np.abs(w1).sum(),  # l1: l1 * sum|w|
            0.3 * np.sum(b1**2),  # l2: l2 * sum(w^2), no 1/2
            0.01 * np.abs(w2).sum() + 0.05 * np.sum(w2**2),
            0.1 * np.sum(y**2) / len(x),  # activity: divided by the batch size
        ],
        rtol=1e-5,
    )


def test_penalties_are_in_the_collection_with_every_layer_family():
    x = tf.placeholder(tf.float32, [None, 6])
    h = tf.layers.dense(x, 5, kernel_regularizer=tf.contrib.layers.l2_regularizer(0.1))  # "dense"
    model = keras.models.Sequential(
        [keras.layers.Dense(4, input_shape=(5,), kernel_regularizer=keras.regularizers.l2(0.1))]
    )
    out = tf.contrib.slim.fully_connected(h, 3, weights_regularizer=tf.contrib.slim.l2_regularizer(0.1), scope="fc")
    assert model.layers[0].name == "dense_1"  # no clash with tf.layers' "dense"
    penalties = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert [p.name for p in penalties] == [
        "dense/kernel/Regularizer/l2_regularizer:0",
        "dense_1/kernel/Regularizer/add:0",  # Keras' L1L2.__call__: 0. + l2 * sum(square(w))
        "fc/kernel/Regularizer/l2_regularizer:0",
    ]
    assert penalties[1] is model.losses[0]
    tf.losses.mean_squared_error(tf.zeros_like(out), out)
    total = tf.losses.get_total_loss()
    kernels = [v for v in tf.trainable_variables() if v.op.name in ("dense/kernel", "dense_1/kernel", "fc/weights")]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        data = np.random.default_rng(2).random((3, 6)).astype(np.float32)
        k1, k2, k3 = sess.run(kernels)
        value, mse = sess.run([total, tf.get_collection(tf.GraphKeys.LOSSES)[0]], {x: data})
    expected = mse + 0.1 * np.sum(k1**2) / 2 + 0.1 * np.sum(k2**2) + 0.1 * np.sum(k3**2) / 2
    assert value == pytest.approx(expected, rel=1e-5)


def test_fit_loss_and_step_include_the_penalties():
    """One full-batch SGD step: the reported loss is mean CE + l2 * sum(W^2) at the
    initial weights, and the update uses its gradient X^T (p - y) / N + 2 l2 W."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((20, 4)).astype(np.float32)
    y = rng.integers(0, 3, 20)
    l2, lr = 0.05, 0.5
    model = keras.models.Sequential(
        [keras.layers.Dense(3, activation="softmax", input_shape=(4,), kernel_regularizer=keras.regularizers.l2(l2))]
    )
    model.compile(keras.optimizers.SGD(learning_rate=lr), "sparse_categorical_crossentropy")
    w0, b0 = model.get_weights()
    history = model.fit(x, y, batch_size=20, epochs=1, shuffle=False, verbose=0)
    p = softmax(x.astype(np.float64) @ w0 + b0)
    ce = -np.mean(np.log(p[np.arange(20), y]))
    assert history.history["loss"][0] == pytest.approx(ce + l2 * np.sum(w0.astype(np.float64) ** 2), rel=1e-5)
    dz = (p - np.eye(3)[y]) / 20
    w1, b1 = model.get_weights()
    np.testing.assert_allclose(w1, w0 - lr * (x.T @ dz + 2 * l2 * w0), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(b1, b0 - lr * dz.sum(0), rtol=1e-4, atol=1e-6)


def test_training_guard_is_satisfied_and_shared_layers_reuse_weights():
    dense = keras.layers.Dense(2, kernel_regularizer=keras.regularizers.l2(0.1))
    x = tf.placeholder(tf.float32, [None, 3])
    a, b = dense(x), dense(x)
    assert len(tf.trainable_variables()) == 2 and dense.losses == [dense.weights[0].regularization_loss]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        data = np.ones((1, 3), np.float32)
        np.testing.assert_array_equal(*sess.run([a, b], {x: data}))
    model = mlp(input_shape=(64,))
    with warnings.catch_warnings():
        warnings.simplefilter("error", slimcore.train.RegularizationNotAppliedWarning)
        model.compile("adam", "sparse_categorical_crossentropy")


# ---- losses against numpy --------------------------------------------------------------------
def _evaluate(model, loss, x, y):
    model.compile("sgd", loss)
    return model.evaluate(x, y, verbose=0), model.predict(x)


def test_crossentropies_from_softmax_logits_and_from_probabilities():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((9, 4)).astype(np.float32)
    y = rng.integers(0, 3, 9)
    onehot = np.eye(3, dtype=np.float32)[y]
    for activation in ("softmax", lambda z: tf.nn.softmax(z) * 1.0):  # fused path / clipped-log path
        keras.backend.clear_session()
        model = keras.models.Sequential([keras.layers.Dense(3, activation=activation, input_shape=(4,))])
        loss, p = _evaluate(model, "sparse_categorical_crossentropy", x, y)
        expected = -np.mean(np.log(np.clip(p[np.arange(9), y], 1e-7, 1 - 1e-7)))
        assert loss == pytest.approx(expected, rel=1e-5)
        loss, p = _evaluate(model, "categorical_crossentropy", x, onehot)
        assert loss == pytest.approx(expected, rel=1e-5)


def test_binary_crossentropy_and_mse():
    rng = np.random.default_rng(5)
    x = rng.standard_normal((8, 4)).astype(np.float32)
    y = (rng.random((8, 2)) > 0.5).astype(np.float32)
    for activation in ("sigmoid", lambda z: tf.sigmoid(z) * 1.0):
        keras.backend.clear_session()
        model = keras.models.Sequential([keras.layers.Dense(2, activation=activation, input_shape=(4,))])
        loss, p = _evaluate(model, "binary_crossentropy", x, y)
        q = np.clip(p.astype(np.float64), 1e-7, 1 - 1e-7)
        expected = -np.mean(y * np.log(q + 1e-7) + (1 - y) * np.log(1 - q + 1e-7))
        assert loss == pytest.approx(expected, rel=1e-4)
        for name in ("mse", "mean_squared_error"):
            loss, p = _evaluate(model, name, x, y)
            assert loss == pytest.approx(np.mean((p - y) ** 2), rel=1e-5)


def test_binary_targets_of_shape_n_and_binary_accuracy():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((10, 3)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.float32)
    model = keras.models.Sequential([keras.layers.Dense(1, activation="sigmoid", input_shape=(3,))])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    _loss, accuracy = model.evaluate(x, y, verbose=0)
    p = model.predict(x)[:, 0]
    assert accuracy == pytest.approx(np.mean((p > 0.5) == y))


# ---- optimizers ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["sgd", "adam", "rmsprop", "adagrad", "Adam"])
@pytest.mark.slow
def test_optimizer_names_train(digits, name):
    model = mlp(input_shape=(64,))
    model.compile(name, "sparse_categorical_crossentropy")
    lr_scale = {"sgd": 5, "adagrad": 5}.get(name.lower(), 1)
    model.optimizer._learning_rate *= lr_scale
    history = model.fit(digits.x_train, digits.y_train, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_keras_optimizer_defaults_and_rmsprop_starts_at_zero():
    assert keras.optimizers.get("adam")._epsilon == 1e-7
    assert keras.optimizers.get("sgd")._learning_rate == 0.01
    momentum = keras.optimizers.SGD(lr=0.1, momentum=0.9, nesterov=True)
    assert isinstance(momentum, slimcore.train.MomentumOptimizer) and momentum._use_nesterov
    own = slimcore.train.AdamOptimizer(0.01)
    assert keras.optimizers.get(own) is own
    # RMSprop: ms starts at 0, so the first step is lr g / sqrt(0.1 g^2 + eps).
    w = tf.Variable(np.array([1.0, -2.0], np.float32))
    loss = tf.reduce_sum(w * np.array([0.5, 3.0], np.float32))
    step = keras.optimizers.RMSprop(learning_rate=0.01).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step)
        g = np.array([0.5, 3.0])
        np.testing.assert_allclose(sess.run(w), [1.0, -2.0] - 0.01 * g / np.sqrt(0.1 * g**2 + 1e-7), rtol=1e-5)


def test_optimizer_errors():
    with pytest.raises(ValueError, match="Unknown optimizer"):
        keras.optimizers.get("adamax")
    with pytest.raises(ValueError, match="decay"):
        keras.optimizers.Adam(decay=0.1)
    with pytest.raises(ValueError, match="amsgrad"):
        keras.optimizers.Adam(amsgrad=True)
    with pytest.raises(ValueError, match="not both"):
        keras.optimizers.SGD(learning_rate=0.1, lr=0.2)
    with pytest.warns(UserWarning, match="epsilon"):
        keras.optimizers.Adagrad(epsilon=1e-3)


# ---- names ---------------------------------------------------------------------------------
def test_layer_names_follow_tf_keras_and_clear_session():
    a, b, c = keras.layers.Dense(1), keras.layers.Dense(1), keras.layers.Flatten()
    assert (a.name, b.name, c.name) == ("dense", "dense_1", "flatten")
    assert keras.models.Sequential().name == "sequential"
    keras.backend.clear_session()
    assert keras.layers.Dense(1).name == "dense"
    with pytest.raises(ValueError, match="unique names"):
        keras.models.Sequential([keras.layers.Dense(1, name="x"), keras.layers.Dense(1, name="x")])


# ---- errors -----------------------------------------------------------------------------------
def test_bad_inputs_name_the_argument(digits):
    model = mlp(input_shape=(64,))
    model.compile("adam", "sparse_categorical_crossentropy")
    x, y = digits.x_train[:20], digits.y_train[:20]
    with pytest.raises(ValueError, match=r"^x: expected an array of shape \(None, 64\)"):
        model.fit(x[:, :63], y, verbose=0)
    with pytest.raises(ValueError, match=r"^x: "):
        model.predict(x.reshape(20, 8, 8))
    with pytest.raises(ValueError, match=r"^y: class ids must be in \[0, 10\).*\[10\]"):
        model.fit(x, np.where(np.arange(20) == 3, 10, y), verbose=0)
    with pytest.raises(ValueError, match=r"^y: class ids must be in"):
        model.evaluate(x, -np.ones(20), verbose=0)
    with pytest.raises(ValueError, match=r"^y: class ids must be integers"):
        model.fit(x, y + 0.5, verbose=0)
    with pytest.raises(ValueError, match=r"^y: expected 20 targets"):
        model.fit(x, y[:19], verbose=0)
    with pytest.raises(ValueError, match=r"^validation_data\[1\]: class ids"):
        model.fit(x, y, validation_data=(x, y + 10), verbose=0)
    with pytest.raises(ValueError, match="batch_size"):
        model.fit(x, y, batch_size=0, verbose=0)
    with pytest.raises(ValueError, match="callbacks"):
        model.fit(x, y, callbacks=[object()], verbose=0)
    with pytest.raises(TypeError, match="nb_epoch"):
        model.fit(x, y, nb_epoch=3)
    with pytest.raises(ValueError, match="empty"):
        model.predict(np.zeros((0, 64), np.float32))


def test_targets_that_do_not_fit_the_loss():
    model = keras.models.Sequential([keras.layers.Dense(3, activation="softmax", input_shape=(4,))])
    model.compile("adam", "categorical_crossentropy")
    x = np.zeros((5, 4), np.float32)
    with pytest.raises(ValueError, match=r"^y: expected targets of shape \(None, 3\).*sparse_categorical"):
        model.fit(x, np.array([0, 1, 2, 0, 1]), verbose=0)
    model.compile("adam", "sparse_categorical_crossentropy")
    with pytest.raises(ValueError, match="one-hot targets go with categorical_crossentropy"):
        model.fit(x, np.eye(3)[[0, 1, 2, 0, 1]], verbose=0)


def test_compile_and_layer_errors():
    model = mlp(input_shape=(64,))
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(np.zeros((2, 64)), np.zeros(2), verbose=0)
    with pytest.raises(RuntimeError, match="compile"):
        model.evaluate(np.zeros((2, 64)), np.zeros(2), verbose=0)
    with pytest.raises(ValueError, match="loss is required"):
        model.compile("adam")
    with pytest.raises(ValueError, match="Unknown loss"):
        model.compile("adam", "hinge_squared")
    with pytest.raises(ValueError, match="Unknown metric"):
        model.compile("adam", "mse", metrics=["f1"])
    with pytest.raises(ValueError, match="metrics must be a list"):
        model.compile("adam", "mse", metrics="accuracy")
    with pytest.raises(ValueError, match="loss_weights"):
        model.compile("adam", "mse", loss_weights=[1.0])
    with pytest.raises(ValueError, match="units"):
        keras.layers.Dense(0)
    with pytest.raises(ValueError, match="kernel_initializer: unknown initializer 'xavier'"):
        keras.layers.Dense(3, kernel_initializer="xavier")
    with pytest.raises(ValueError, match="Unknown activation"):
        keras.layers.Dense(3, activation="swishy")
    with pytest.raises(ValueError, match="Unknown regularizer"):
        keras.layers.Dense(3, kernel_regularizer="l3")
    with pytest.raises(TypeError, match="Keyword argument not understood: 'kernel_size'"):
        keras.layers.Dense(3, kernel_size=3)
    with pytest.raises(ValueError, match="rate"):
        keras.layers.Dropout(1.0)
    with pytest.raises(ValueError, match="input_shape"):
        keras.layers.Dense(3, input_shape=(0,))
    with pytest.raises(TypeError, match="Layer"):
        keras.models.Sequential([tf.layers.dense])
    with pytest.raises(ValueError, match="non-negative"):
        keras.regularizers.l2(-0.1)


def test_set_weights_roundtrip_and_errors():
    model = mlp(input_shape=(64,))
    weights = [np.full(w.shape, i, np.float32) for i, w in enumerate(model.get_weights())]
    model.set_weights(weights)
    for a, b in zip(model.get_weights(), weights):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="4 weights"):
        model.set_weights(weights[:3])
    with pytest.raises(ValueError, match="shape"):
        model.set_weights([w.T for w in weights])


# ---- layers whose kernels come from other branches ---------------------------------------------
@pytest.mark.slow
def test_dropout_trains_only_inside_fit(digits):
    model = keras.models.Sequential(
        [
            keras.layers.Dense(
                64, activation="relu", input_shape=(64,), activity_regularizer=keras.regularizers.l2(1e-4)
            ),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(digits.x_train, digits.y_train, epochs=5, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    # the inference path's activity penalty stays the only one in the collection
    assert tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES) == model.losses
    first, second = model.predict(digits.x_test), model.predict(digits.x_test)
    np.testing.assert_array_equal(first, second)  # no dropout at inference
    w1, b1, w2, b2 = model.get_weights()
    np.testing.assert_allclose(first, softmax(np.maximum(digits.x_test @ w1 + b1, 0) @ w2 + b2), rtol=1e-4, atol=1e-6)
    assert model.evaluate(digits.x_test, digits.y_test, verbose=0)[1] > 0.85


def test_conv2d_flatten_pooling_model(digits):
    x = digits.x_train.reshape(-1, 8, 8, 1)
    model = keras.models.Sequential(
        [
            keras.layers.Conv2D(
                8,
                (3, 3),
                padding="same",
                activation="relu",
                input_shape=(8, 8, 1),
                kernel_regularizer=keras.regularizers.l2(1e-3),
            ),
            keras.layers.MaxPooling2D((2, 2)),
            keras.layers.Flatten(),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    assert [v.name for v in model.weights][:2] == ["conv2d/kernel:0", "conv2d/bias:0"]
    assert model.layers[1].output_shape == (None, 4, 4, 8)
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["acc"])
    history = model.fit(x, digits.y_train, epochs=4, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    kernel = model.get_weights()[0]
    (penalty,) = keras.backend.get_session().run(model.losses)
    assert penalty == pytest.approx(1e-3 * np.sum(kernel.astype(np.float64) ** 2), rel=1e-5)
    assert model.evaluate(digits.x_test.reshape(-1, 8, 8, 1), digits.y_test, verbose=0)[1] > 0.8


def test_fit_history_splits_data_loss_penalty_and_decay():
    import numpy as np
    import pytest

    import slimcore.compat.v1 as tf

    keras = tf.keras
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 6)).astype(np.float32), rng.integers(0, 3, 64)
    model = keras.models.Sequential(
        [
            keras.layers.Dense(8, activation="relu", input_shape=(6,), kernel_regularizer=keras.regularizers.l2(0.01)),
            keras.layers.Dense(3, kernel_regularizer=keras.regularizers.l2(0.01)),
        ]
    )
    # L2 penalties and AdamW's decay on the same kernels: compile builds the train op and warns.
    with pytest.warns(tf.train.DoubleDecayWarning, match=r"dense/kernel, dense_1/kernel .* counted twice"):
        model.compile(optimizer=tf.train.AdamWOptimizer(1e-3, 0.01), loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=2, batch_size=16, verbose=0).history
    for key in ("loss", "data_loss", "penalty", "decay"):
        assert len(history[key]) == 2, key
    for total, data, penalty in zip(history["loss"], history["data_loss"], history["penalty"]):
        assert penalty > 0 and abs(total - (data + penalty)) < 1e-5
    assert all(d > 0 for d in history["decay"])


def test_hand_written_loop_forgetting_model_losses_warns():
    import numpy as np
    import pytest

    import slimcore.compat.v1 as tf

    keras = tf.keras
    model = keras.models.Sequential(
        [keras.layers.Dense(3, input_shape=(4,), kernel_regularizer=keras.regularizers.l2(0.1))]
    )
    labels = tf.placeholder(tf.int64, [None])
    data_loss = tf.losses.sparse_softmax_cross_entropy(labels, model.output)
    assert len(model.losses) == 1 and model.losses[0] in tf.losses.get_regularization_losses()
    with pytest.warns(tf.train.RegularizationNotAppliedWarning, match="kernel"):
        tf.train.GradientDescentOptimizer(0.1).minimize(data_loss)
    total = data_loss + tf.add_n(model.losses)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tf.train.GradientDescentOptimizer(0.1).minimize(total)
    del np
