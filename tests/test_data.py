"""tf.data (slimcore.data): datasets, iterators, get_next through Session.run, OutOfRangeError."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import slimcore.compat.v1 as tf
from slimcore import data


def _drain(sess, fetch, feed_dict=None) -> list:
    out = []
    while True:
        try:
            out.append(sess.run(fetch, feed_dict))
        except tf.errors.OutOfRangeError:
            return out


def test_slices_batch_and_out_of_range():
    with tf.Graph().as_default():
        x = np.arange(10, dtype=np.float32).reshape(5, 2)
        y = np.arange(5, dtype=np.int64)
        ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(2)
        assert ds.output_types == (tf.float32, tf.int64)
        assert ds.output_shapes[0].as_list() == [None, 2]
        bx, by = tf.compat.v1.data.make_one_shot_iterator(ds).get_next()
        assert bx.shape.as_list() == [None, 2] and by.dtype == tf.int64
        total = tf.reduce_sum(bx)  # get_next feeds a downstream op without feed_dict
        with tf.Session() as sess:
            got = _drain(sess, (bx, by, total))
            assert [b[1].tolist() for b in got] == [[0, 1], [2, 3], [4]]
            np.testing.assert_array_equal(np.concatenate([b[0] for b in got]), x)
            assert [float(b[2]) for b in got] == [float(x[:2].sum()), float(x[2:4].sum()), float(x[4:].sum())]
            with pytest.raises(tf.errors.OutOfRangeError, match="End of sequence"):  # stays at the end
                sess.run(bx)


def test_drop_remainder_static_batch_dim():
    with tf.Graph().as_default():
        ds = tf.data.Dataset.range(7).batch(3, drop_remainder=True)
        nxt = ds.make_one_shot_iterator().get_next()
        assert nxt.shape.as_list() == [3]
        with tf.Session() as sess:
            assert [v.tolist() for v in _drain(sess, nxt)] == [[0, 1, 2], [3, 4, 5]]


def test_out_of_range_is_an_op_error_of_tf1_class():
    assert issubclass(tf.errors.OutOfRangeError, tf.errors.OpError)


def test_repeat_take_skip_zip_concatenate():
    with tf.Graph().as_default():
        a = tf.data.Dataset.range(4)
        b = tf.data.Dataset.from_tensor_slices(np.array([10, 11, 12], dtype=np.int32))
        cases = {
            "repeat": (a.repeat(2), [0, 1, 2, 3, 0, 1, 2, 3]),
            "take": (a.take(2), [0, 1]),
            "take_all": (a.take(-1), [0, 1, 2, 3]),
            "skip": (a.skip(3), [3]),
            "skip_all": (a.skip(-1), []),
            "repeat_take": (a.repeat().take(6), [0, 1, 2, 3, 0, 1]),
            "concat": (a.take(1).concatenate(a.skip(3)), [0, 3]),
            "shard": (tf.data.Dataset.range(7).shard(3, 1), [1, 4]),
        }
        nexts = {k: ds.make_one_shot_iterator().get_next() for k, (ds, _) in cases.items()}
        zipped = tf.data.Dataset.zip((a, b)).make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            for key, (_, expected) in cases.items():
                assert [int(v) for v in _drain(sess, nexts[key])] == expected, key
            assert [(int(i), int(j)) for i, j in _drain(sess, zipped)] == [(0, 10), (1, 11), (2, 12)]


def test_from_tensors_dict_structure():
    with tf.Graph().as_default():
        ds = tf.data.Dataset.from_tensors({"img": np.ones((2, 3), np.float32), "label": 4})
        assert ds.output_types == {"img": tf.float32, "label": tf.int32}  # Python int: int32, as TF1
        nxt = ds.make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            value = sess.run(nxt)
            assert value["label"] == 4 and value["img"].shape == (2, 3)
            with pytest.raises(tf.errors.OutOfRangeError):
                sess.run(nxt)


def _order(seed, buffer_size, n=20, graph_seed=None):
    with tf.Graph().as_default():
        if graph_seed is not None:
            tf.set_random_seed(graph_seed)
        ds = tf.data.Dataset.range(n).shuffle(buffer_size, seed=seed).repeat(2)
        nxt = ds.make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            return [int(v) for v in _drain(sess, nxt)]


def test_shuffle_deterministic_with_seed_and_reshuffles_each_epoch():
    order = _order(seed=3, buffer_size=20)
    assert order == _order(seed=3, buffer_size=20)
    assert order != _order(seed=4, buffer_size=20)
    first, second = order[:20], order[20:]
    assert sorted(first) == list(range(20)) and sorted(second) == list(range(20))
    assert first != second and first != list(range(20))
    assert _order(seed=None, buffer_size=20, graph_seed=7) == _order(seed=None, buffer_size=20, graph_seed=7)


def test_shuffle_buffer_semantics():
    # buffer 1: no shuffling at all; buffer k: the first output is one of the first k inputs,
    # and element i never comes out before position i - k + 1.
    assert _order(seed=1, buffer_size=1, n=10) == list(range(10)) * 2
    for seed in range(5):
        order = _order(seed=seed, buffer_size=3, n=12)[:12]
        assert order[0] < 3
        assert all(pos >= value - 2 for pos, value in enumerate(order))


def test_initializable_iterator_reinitialized_with_new_feed():
    with tf.Graph().as_default():
        ph = tf.placeholder(tf.float32, [None, 2])
        ds = tf.data.Dataset.from_tensor_slices(ph).batch(2)
        it = ds.make_initializable_iterator()
        nxt = it.get_next()
        with tf.Session() as sess:
            with pytest.raises(tf.errors.FailedPreconditionError, match="not been initialized"):
                sess.run(nxt)
            sess.run(it.initializer, feed_dict={ph: np.zeros((3, 2))})
            assert [v.shape for v in _drain(sess, nxt)] == [(2, 2), (1, 2)]
            sess.run(it.initializer, feed_dict={ph: np.ones((4, 2))})
            got = _drain(sess, nxt)
            assert len(got) == 2 and all((v == 1).all() for v in got)


def test_one_shot_iterator_refuses_placeholders():
    with tf.Graph().as_default():
        ph = tf.placeholder(tf.float32, [None])
        with pytest.raises(ValueError, match="make_initializable_iterator"):
            tf.data.Dataset.from_tensor_slices(ph).make_one_shot_iterator()
        with pytest.raises(ValueError, match="does not have an initializer"):
            _ = tf.data.Dataset.range(2).make_one_shot_iterator().initializer


def test_position_is_per_session_and_shared_by_get_next_ops():
    with tf.Graph().as_default():
        it = tf.data.Dataset.range(5).make_one_shot_iterator()
        a, b = it.get_next(), it.get_next()
        with tf.Session() as s1, tf.Session() as s2:
            assert int(s1.run(a)) == 0 and int(s1.run(b)) == 1 and int(s1.run(a)) == 2
            assert int(s2.run(a)) == 0  # a new session starts over, as TF1's per-session resource


def test_reinitializable_iterator_switches_datasets():
    with tf.Graph().as_default():
        train = tf.data.Dataset.range(3)
        val = tf.data.Dataset.range(10, 12)
        it = tf.data.Iterator.from_structure(train.output_types, train.output_shapes)
        nxt = it.get_next()
        init_train, init_val = it.make_initializer(train), it.make_initializer(val)
        with pytest.raises(TypeError, match="Expected output types"):
            it.make_initializer(tf.data.Dataset.from_tensors(np.float32(1)))
        with tf.Session() as sess:
            sess.run(init_train)
            assert [int(v) for v in _drain(sess, nxt)] == [0, 1, 2]
            sess.run(init_val)
            assert [int(v) for v in _drain(sess, nxt)] == [10, 11]


def test_map_with_slimcore_ops_is_traced_once():
    calls = []

    def fn(x, y):
        calls.append(type(x).__name__)
        return tf.cast(x, tf.float32) / 255.0, y * 2

    with tf.Graph().as_default():
        x = np.array([[0, 255], [51, 102]], dtype=np.uint8)
        ds = tf.data.Dataset.from_tensor_slices((x, np.array([1, 2], np.int64))).map(fn)
        assert ds.output_types == (tf.float32, tf.int64) and ds.output_shapes[0].as_list() == [2]
        nxt = ds.make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            got = _drain(sess, nxt)
    assert calls == ["Tensor"]  # TF1's tracing: one call, on symbolic tensors
    np.testing.assert_allclose(np.stack([g[0] for g in got]), x.astype(np.float32) / 255.0, rtol=1e-6)
    assert [int(g[1]) for g in got] == [2, 4]


def test_map_constants_and_outer_graph_tensors():
    with tf.Graph().as_default():
        ds = tf.data.Dataset.range(2).map(lambda i: (i + 1, 7.0))  # a Python constant beside a tensor
        assert ds.output_types == (tf.int64, tf.float32)
        nxt = ds.make_one_shot_iterator().get_next()
        outer = tf.constant(3.0)
        with pytest.raises(TypeError, match="outer graph"):
            tf.data.Dataset.range(2).map(lambda i: tf.cast(i, tf.float32) * outer)
        with tf.Session() as sess:
            assert [(int(a), float(b)) for a, b in _drain(sess, nxt)] == [(1, 7.0), (2, 7.0)]


def test_map_numpy_function_and_filter():
    with tf.Graph().as_default():
        ds = tf.data.Dataset.range(6).map(lambda i: np.full((2,), i * 10, np.float32))
        assert ds.output_types == tf.float32 and ds.output_shapes.as_list() == [2]
        ds = ds.filter(lambda v: v[0] > 15.0)
        nxt = ds.make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            assert [float(v[0]) for v in _drain(sess, nxt)] == [20.0, 30.0, 40.0, 50.0]


def test_map_with_py_func_over_a_fed_placeholder():
    # A numpy function over placeholders goes through tf.py_func inside the map (as in TF1).
    with tf.Graph().as_default():
        ph = tf.placeholder(tf.float32, [None])
        with pytest.raises(TypeError, match="py_func"):
            tf.data.Dataset.from_tensor_slices(ph).map(lambda v: np.sqrt(v))
        ds = tf.data.Dataset.from_tensor_slices(ph).map(lambda v: tf.py_func(np.sqrt, [v], tf.float32))
        it = ds.make_initializable_iterator()
        nxt = it.get_next()
        with tf.Session() as sess:
            sess.run(it.initializer, feed_dict={ph: [4.0, 9.0]})
            assert [float(v) for v in _drain(sess, nxt)] == [2.0, 3.0]


def test_map_error_surfaces_with_tf1_class_naming_the_op():
    def bad(i):
        if int(i) == 2:
            raise ValueError("element two is bad")
        return np.float32(i)

    with tf.Graph().as_default():
        nxt = tf.data.Dataset.range(4).map(bad).make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            sess.run(nxt), sess.run(nxt)
            with pytest.raises(tf.errors.InvalidArgumentError, match="element two is bad") as info:
                sess.run(nxt)
            assert "IteratorGetNext" in str(info.value)


def test_numpy_map_shape_change_is_loud():
    with tf.Graph().as_default():
        ds = tf.data.Dataset.range(3).map(lambda i: np.zeros(int(i) + 1, np.float32))
        nxt = ds.make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            sess.run(nxt)
            with pytest.raises(tf.errors.InvalidArgumentError, match="first element"):
                sess.run(nxt)


def test_padded_batch_pads_to_the_longest_or_the_given_size():
    def gen():
        for n in (2, 3, 1):
            yield np.arange(1, n + 1, dtype=np.int32), n

    with tf.Graph().as_default():
        ds = tf.data.Dataset.from_generator(gen, (tf.int32, tf.int32), ([None], []))
        a = ds.padded_batch(2, ([None], [])).make_one_shot_iterator().get_next()
        b = ds.padded_batch(3, ([4], []), padding_values=(-1, 0)).make_one_shot_iterator().get_next()
        assert a[0].shape.as_list() == [None, None] and b[0].shape.as_list() == [None, 4]
        with tf.Session() as sess:
            got = _drain(sess, a)
            assert got[0][0].tolist() == [[1, 2, 0], [1, 2, 3]] and got[1][0].tolist() == [[1]]
            assert sess.run(b)[0].tolist() == [[1, 2, -1, -1], [1, 2, 3, -1], [1, -1, -1, -1]]
        with pytest.raises(ValueError, match="rank"):
            ds.padded_batch(2, ([None, None], []))


def test_batch_of_different_shapes_raises():
    def gen():
        yield np.zeros(2, np.float32)
        yield np.zeros(3, np.float32)

    with tf.Graph().as_default():
        ds = tf.data.Dataset.from_generator(gen, tf.float32, tf.TensorShape([None])).batch(2)
        nxt = ds.make_one_shot_iterator().get_next()
        with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError, match="Cannot batch tensors"):
            sess.run(nxt)


def test_from_generator_converts_and_checks_shapes():
    def gen():
        yield [1, 2], 0.5
        yield [3, 4, 5], 1.5

    with tf.Graph().as_default():
        ds = tf.data.Dataset.from_generator(gen, (tf.int64, tf.float32), ([2], []))
        assert ds.output_shapes[0].as_list() == [2]
        a, b = ds.make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            va, vb = sess.run((a, b))
            assert va.dtype == np.int64 and va.tolist() == [1, 2] and vb.dtype == np.float32
            with pytest.raises(tf.errors.InvalidArgumentError, match="incompatible with output_shapes"):
                sess.run(a)


def test_prefetch_yields_the_same_elements_and_errors_in_order():
    def gen():
        yield from range(5)
        raise RuntimeError("generator broke")

    with tf.Graph().as_default():
        plain = tf.data.Dataset.range(20).map(lambda i: np.float32(i) * 2).batch(3)
        a = plain.make_one_shot_iterator().get_next()
        b = plain.prefetch(1).make_one_shot_iterator().get_next()
        c = tf.data.Dataset.from_generator(gen, tf.int64, []).prefetch(2).make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            for x, y in zip(_drain(sess, a), _drain(sess, b)):
                np.testing.assert_array_equal(x, y)
            assert [int(sess.run(c)) for _ in range(5)] == [0, 1, 2, 3, 4]
            with pytest.raises(tf.errors.UnknownError, match="generator broke"):
                sess.run(c)


def test_prefetch_prepares_the_next_element_on_another_thread():
    prepared = {}
    second_ready = threading.Event()

    def work(i):
        prepared[int(i)] = threading.current_thread().name
        if int(i) == 1:
            second_ready.set()
        return np.float32(i)

    with tf.Graph().as_default():
        nxt = tf.data.Dataset.range(5).map(work).prefetch(1).make_one_shot_iterator().get_next()
        prepared.clear()  # map() ran the pipeline once for the element type
        with tf.Session() as sess:
            assert float(sess.run(nxt)) == 0.0
            # element 1 is prepared without another run asking for it
            assert second_ready.wait(timeout=10)
            assert prepared[1] == "slimcore-prefetch" != threading.current_thread().name


def _prefetch_threads() -> list:
    return [t for t in threading.enumerate() if t.name == "slimcore-prefetch"]


def test_prefetch_thread_stops_when_iterator_restarts():
    with tf.Graph().as_default():
        ph = tf.placeholder(tf.int64, [None])
        it = tf.data.Dataset.from_tensor_slices(ph).repeat().prefetch(1).make_initializable_iterator()
        nxt = it.get_next()
        with tf.Session() as sess:
            for _ in range(3):
                sess.run(it.initializer, feed_dict={ph: np.arange(4)})
                assert int(sess.run(nxt)) == 0
            current = _prefetch_threads()
            for t in current:
                t.join(timeout=0.5)  # the replaced runs' threads end; the current one blocks on its full queue
            assert sum(t.is_alive() for t in current) == 1
        for t in current:  # closing the session ends the last one
            t.join(timeout=5)
        assert not any(t.is_alive() for t in current)


def test_training_from_a_dataset_reduces_the_loss():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]], np.float32)).astype(np.float32)
    with tf.Graph().as_default():
        tf.set_random_seed(0)
        ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(64, seed=1).batch(16).repeat(30).prefetch(1)
        bx, by = ds.make_one_shot_iterator().get_next()
        pred = tf.layers.dense(bx, 1)
        loss = tf.losses.mean_squared_error(by, pred)
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            losses = []
            while True:
                try:
                    losses.append(sess.run([train, loss])[1])
                except tf.errors.OutOfRangeError:
                    break
    assert len(losses) == 30 * 4
    assert np.mean(losses[-4:]) < 0.01 * np.mean(losses[:4])


def test_readers_npy_npz_and_image_folder(tmp_path):
    arr = np.arange(12, dtype=np.float32).reshape(4, 3)
    np.save(tmp_path / "a.npy", arr)
    np.savez(tmp_path / "b.npz", x=arr, y=np.arange(4))
    pil = pytest.importorskip("PIL.Image")
    for cls, value in (("cat", 10), ("dog", 200)):
        (tmp_path / "img" / cls).mkdir(parents=True)
        for i in range(2):
            pil.fromarray(np.full((5, 4, 3), value + i, np.uint8)).save(tmp_path / "img" / cls / f"{i}.png")
    with tf.Graph().as_default():
        rows = data.npy_dataset(str(tmp_path / "a.npy")).make_one_shot_iterator().get_next()
        pair = data.npz_dataset(str(tmp_path / "b.npz"), keys=("x", "y")).make_one_shot_iterator().get_next()
        imgs = data.image_folder_dataset(str(tmp_path / "img"), image_size=(3, 2)).batch(4)
        assert imgs.output_shapes[0].as_list() == [None, 3, 2, 3]
        image, label = imgs.make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            np.testing.assert_array_equal(np.stack(_drain(sess, rows)), arr)
            assert [int(p[1]) for p in _drain(sess, pair)] == [0, 1, 2, 3]
            im, lab = sess.run((image, label))
    assert lab.tolist() == [0, 0, 1, 1] and im.dtype == np.uint8
    assert im[:, 0, 0, 0].tolist() == [10, 11, 200, 201]
    with pytest.raises(ValueError, match="has no array 'z'"):
        data.npz_dataset(str(tmp_path / "b.npz"), keys=("z",))
    with pytest.raises(ValueError, match="does not exist"):
        data.npy_dataset(str(tmp_path / "missing.npy"))


def test_argument_errors():
    ds = data.Dataset.range(3)
    with pytest.raises(ValueError, match="batch_size"):
        ds.batch(0)
    with pytest.raises(ValueError, match="buffer_size"):
        ds.shuffle(0)
    with pytest.raises(ValueError, match="index must be in"):
        ds.shard(2, 2)
    with pytest.raises(ValueError, match="different first dimensions"):
        data.Dataset.from_tensor_slices((np.zeros(2), np.zeros(3)))
    with pytest.raises(ValueError, match="scalar"):
        data.Dataset.from_tensor_slices(np.float32(1))
    with pytest.raises(RuntimeError, match="get_next"):
        iter(ds)
    with pytest.raises(AttributeError, match="out of scope"):
        _ = tf.data.TFRecordDataset


def test_tf1_names_and_signatures():
    import inspect

    assert tf.data.Dataset is data.Dataset and tf.compat.v1.data.Iterator is data.Iterator
    assert tf.data.experimental.AUTOTUNE == -1
    expected = {
        "batch": ["self", "batch_size", "drop_remainder"],
        "shuffle": ["self", "buffer_size", "seed", "reshuffle_each_iteration"],
        "map": ["self", "map_func", "num_parallel_calls"],
        "repeat": ["self", "count"],
        "prefetch": ["self", "buffer_size"],
        "take": ["self", "count"],
        "skip": ["self", "count"],
        "shard": ["self", "num_shards", "index"],
        "padded_batch": ["self", "batch_size", "padded_shapes", "padding_values", "drop_remainder"],
        "from_generator": ["generator", "output_types", "output_shapes", "args"],
        "make_initializable_iterator": ["self", "shared_name"],
    }
    for name, params in expected.items():
        assert list(inspect.signature(getattr(tf.data.Dataset, name)).parameters) == params, name
    for name in ("make_one_shot_iterator", "make_initializable_iterator", "get_output_types", "get_output_shapes"):
        assert callable(getattr(tf.compat.v1.data, name))
    assert list(inspect.signature(tf.data.Iterator.from_structure).parameters) == [
        "output_types",
        "output_shapes",
        "shared_name",
        "output_classes",
    ]
