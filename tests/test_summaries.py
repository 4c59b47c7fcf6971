"""tf.summary (scalar, histogram, image, text, merge, merge_all) and FileWriter,
read back with TensorBoard's own reader (event_accumulator)."""

import bisect
import io
import os
import sys

import numpy as np
import pytest
from PIL import Image
from tensorboard.backend.event_processing import event_accumulator

import slimcore as tf
import slimcore.compat.v1 as tf1

DBL_MAX = sys.float_info.max


def _read(logdir):
    acc = event_accumulator.EventAccumulator(str(logdir), size_guidance=dict.fromkeys(("tensors", "images"), 0))
    acc.Reload()
    return acc


def _write_run(logdir, summary_tensor, feed=None, step=0):
    with tf.Session() as sess:
        value = sess.run(summary_tensor, feed)
    with tf.summary.FileWriter(str(logdir)) as writer:
        writer.add_summary(value, step)
    return _read(logdir)


def test_scalar_tags_follow_name_scopes_and_families_as_tf1(tmp_path):
    x = tf.constant(2.5)
    with tf.name_scope("train"):
        a = tf.summary.scalar("loss", x)
        b = tf.summary.scalar("loss", x * 2.0)
        c = tf.summary.scalar("loss", x, family="fam")
    d = tf.summary.scalar("bad name!", x)
    assert [t.op.name for t in (a, b, c, d)] == ["train/loss", "train/loss_1", "train/fam/loss", "bad_name_"]
    assert a.dtype == tf.string and a.shape.ndims == 0
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == [a, b, c, d]
    acc = _write_run(tmp_path, tf.summary.merge_all(), step=7)
    assert sorted(acc.Tags()["scalars"]) == ["bad_name_", "fam/train/fam/loss", "train/loss", "train/loss_1"]
    (event,) = acc.Scalars("train/loss_1")
    assert (event.step, event.value) == (7, 5.0)


def test_scalar_rejects_non_scalars_strings_and_string_collections():
    with pytest.raises(ValueError, match="must be a scalar"):
        tf.summary.scalar("v", tf.constant([1.0, 2.0]))
    with pytest.raises(TypeError, match="real-number"):
        tf.summary.scalar("s", tf.constant(b"x"))
    with pytest.raises(ValueError, match=r"pass \[.mine.\]"):
        tf.summary.scalar("c", tf.constant(1.0), collections="mine")
    p = tf.placeholder(tf.float32)  # unknown shape: checked when run, as TF1
    s = tf.summary.scalar("p", p)
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError, match="not the same shape"):
        sess.run(s, {p: np.ones(3, np.float32)})


def test_collections_argument_chooses_the_collections():
    x = tf.constant(1.0)
    mine = tf.summary.scalar("a", x, collections=["mine", "other"])
    none = tf.summary.scalar("b", x, collections=[])
    assert tf.get_collection("mine") == [mine] and tf.get_collection("other") == [mine]
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == []
    assert none.op.name == "b"
    assert tf.summary.merge_all() is None
    assert tf.summary.merge_all("mine") is not None


def _tf1_limits():
    """TF1's default bucket limits, written out from histogram.cc's loop."""
    pos, v = [], 1.0e-12
    while v < 1.0e20:
        pos.append(v)
        v *= 1.1
    pos.append(DBL_MAX)
    return [-p for p in reversed(pos)] + [0.0] + pos


def _tf1_histogram(values):
    """Histogram::Add per value (upper_bound), then EncodeToProto collapsing runs of empty buckets."""
    limits = _tf1_limits()
    counts = [0.0] * len(limits)
    for v in values:
        counts[bisect.bisect_right(limits, v)] += 1.0
    out_limits, out_counts, i = [], [], 0
    while i < len(limits):
        end, count = limits[i], counts[i]
        i += 1
        if count <= 0.0:
            while i < len(limits) and counts[i] <= 0.0:
                end, count = limits[i], counts[i]
                i += 1
        out_limits.append(end)
        out_counts.append(count)
    return out_limits, out_counts


def test_histogram_of_a_single_zero_is_tf1s_three_buckets(tmp_path):
    acc = _write_run(tmp_path, tf.summary.histogram("zero", tf.constant([0.0])))
    h = acc.Histograms("zero")[0].histogram_value
    assert list(h.bucket_limit) == [0.0, 1e-12, DBL_MAX]
    assert list(h.bucket) == [0.0, 1.0, 0.0]
    assert (h.min, h.max, h.num, h.sum, h.sum_squares) == (0.0, 0.0, 1.0, 0.0, 0.0)


def test_histogram_matches_tf1s_bucketing(tmp_path):
    values = np.random.default_rng(0).normal(0.0, 3.0, size=(7, 5)).astype(np.float32)
    values[0, 0] = -0.0
    values[1, 1] = 1.0e-12  # exactly on a limit: goes to the next bucket (upper_bound)
    acc = _write_run(tmp_path, tf.summary.histogram("w", tf.constant(values)))
    h = acc.Histograms("w")[0].histogram_value
    flat = values.astype(np.float64).reshape(-1)
    limits, counts = _tf1_histogram(flat)
    assert list(h.bucket_limit) == limits
    assert list(h.bucket) == counts
    assert h.num == 35 and sum(h.bucket) == 35
    np.testing.assert_allclose([h.min, h.max, h.sum, h.sum_squares], [flat.min(), flat.max(), flat.sum(), flat @ flat])


def test_histogram_nan_raises_when_run():
    p = tf.placeholder(tf.float32, [2])
    s = tf.summary.histogram("h", p)
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError, match="Nan in summary histogram for: h"):
        sess.run(s, {p: np.array([1.0, np.nan], np.float32)})


def _decode(image_value):
    return np.asarray(Image.open(io.BytesIO(image_value.encoded_image_string)))


def test_image_float_scaling_tags_and_max_outputs(tmp_path):
    batch = np.zeros((3, 2, 3, 3), np.float32)
    batch[0] = np.arange(18, dtype=np.float32).reshape(2, 3, 3) / 4.0  # non-negative: x * 255 / max
    batch[1] = np.linspace(-2.0, 1.0, 18, dtype=np.float32).reshape(2, 3, 3)  # signed: x * 127 / max|x| + 128
    batch[1, 0, 0, 1] = np.inf  # a non-finite pixel is painted red
    acc = _write_run(tmp_path, tf.summary.image("img", tf.constant(batch), max_outputs=2))
    assert acc.Tags()["images"] == ["img/image/0", "img/image/1"]
    first = acc.Images("img/image/0")[0]
    assert (first.height, first.width) == (2, 3)
    np.testing.assert_array_equal(_decode(first), (batch[0] * np.float32(255.0 / batch[0].max())).astype(np.uint8))
    finite = np.isfinite(batch[1]).all(axis=-1)
    scale = np.float32(127.0 / np.abs(batch[1][finite]).max())
    want = (np.where(np.isfinite(batch[1]), batch[1], 0) * scale + np.float32(128.0)).astype(np.uint8)
    want[0, 0] = [255, 0, 0]
    np.testing.assert_array_equal(_decode(acc.Images("img/image/1")[0]), want)


def test_image_uint8_passes_through_and_single_output_tag(tmp_path):
    pixels = np.random.default_rng(1).integers(0, 256, size=(2, 4, 5, 1), dtype=np.uint8)
    acc = _write_run(tmp_path, tf.summary.image("g", tf.constant(pixels), max_outputs=1))
    assert acc.Tags()["images"] == ["g/image"]
    np.testing.assert_array_equal(_decode(acc.Images("g/image")[0]), pixels[0, :, :, 0])


def test_image_rejects_bad_shapes_and_dtypes():
    with pytest.raises(ValueError, match=r"\[batch, h, w, 1\|3\|4\]"):
        tf.summary.image("a", tf.zeros([2, 4, 4, 2]))
    with pytest.raises(ValueError, match=r"\[batch, h, w, 1\|3\|4\]"):
        tf.summary.image("a", tf.zeros([4, 4, 3]))
    with pytest.raises(TypeError, match="uint8 or float"):
        tf.summary.image("a", tf.zeros([1, 4, 4, 3], tf.int32))
    with pytest.raises(ValueError, match="max_outputs"):
        tf.summary.image("a", tf.zeros([1, 4, 4, 3]), max_outputs=0)


def test_text_is_read_back_by_the_text_plugin_format(tmp_path):
    s = tf.summary.text("notes", tf.constant([b"hello", b"world"]))
    acc = _write_run(tmp_path, s, step=3)
    (event,) = acc.Tensors("notes")
    assert event.step == 3
    assert list(event.tensor_proto.string_val) == [b"hello", b"world"]
    assert [d.size for d in event.tensor_proto.tensor_shape.dim] == [2]
    assert acc.SummaryMetadata("notes").plugin_data.plugin_name == "text"
    with pytest.raises(ValueError, match="to have dtype string"):
        tf.summary.text("n", tf.constant(1.0))


def test_merge_keeps_order_and_rejects_duplicate_tags():
    x = tf.constant(1.0)
    a, b = tf.summary.scalar("a", x), tf.summary.scalar("b", x)
    merged = tf.summary.merge([b, a])
    assert merged.op.name == "Merge/MergeSummary"
    from tensorboardX.proto.summary_pb2 import Summary

    with tf.Session() as sess:
        assert [v.tag for v in Summary.FromString(sess.run(merged)).value] == ["b", "a"]
        with pytest.raises(tf.errors.InvalidArgumentError, match="Duplicate tag a"):
            sess.run(tf.summary.merge([a, a]))
    with pytest.raises(ValueError, match="empty"):
        tf.summary.merge([])
    with pytest.raises(TypeError, match="not a serialized Summary"):
        tf.summary.merge([x])


def test_merge_all_scope_filters_by_name():
    x = tf.constant(1.0)
    with tf.name_scope("train"):
        tf.summary.scalar("loss", x)
    tf.summary.scalar("other", x)
    from tensorboardX.proto.summary_pb2 import Summary

    with tf.Session() as sess:
        value = sess.run(tf.summary.merge_all(scope="train"))
    assert [v.tag for v in Summary.FromString(value).value] == ["train/loss"]


def test_file_writer_writes_the_graph_for_tensorboard(tmp_path):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.Variable(tf.ones([3, 2]), name="w")
    y = tf.matmul(x, w, name="y")
    writer = tf.summary.FileWriter(str(tmp_path), graph=tf.get_default_graph())
    writer.close()
    graph_def = _read(tmp_path).Graph()
    nodes = {n.name: n for n in graph_def.node}
    assert set(nodes) == {op.name for op in tf.get_default_graph().get_operations()}
    assert nodes["y"].op == y.op.type and list(nodes["y"].input) == ["x", "w/read"]
    dims = [d.size for d in nodes["x"].attr["_output_shapes"].list.shape[0].dim]
    assert dims == [-1, 3]


def test_file_writer_flush_reopen_and_separate_files(tmp_path):
    s = tf.summary.scalar("v", tf.constant(1.0))
    with tf.Session() as sess:
        value = sess.run(s)
    w1 = tf.summary.FileWriter(str(tmp_path), flush_secs=3600, max_queue=100)
    w2 = tf.summary.FileWriter(str(tmp_path))
    assert w1.get_logdir() == str(tmp_path)
    w1.add_summary(value, 1)
    w1.flush()  # readable before close
    assert [e.step for e in _read(tmp_path).Scalars("v")] == [1]
    w1.close()
    w1.add_summary(value, 2)  # dropped by a closed writer, as TF1
    w1.reopen()
    w1.add_summary(value, 3)
    w1.close()
    w2.close()
    files = [f for f in os.listdir(tmp_path) if f.startswith("events.out.tfevents.")]
    assert len(files) == 3  # w1, w1 reopened, w2: never the same file
    assert sorted(e.step for e in _read(tmp_path).Scalars("v")) == [1, 3]


def test_file_writer_writes_plugin_metadata_once_per_tag(tmp_path):
    s = tf.summary.text("t", tf.constant(b"x"))
    with tf.Session() as sess:
        value = sess.run(s)
    from tensorboardX.proto.summary_pb2 import Summary

    writer = tf.summary.FileWriter(str(tmp_path))
    writer.add_summary(value, 0)
    writer.add_summary(Summary.FromString(value), 1)  # a proto is accepted too
    writer.close()
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader

    (path,) = [os.path.join(tmp_path, f) for f in os.listdir(tmp_path)]
    summaries = [e.summary for e in EventFileLoader(path).Load() if e.HasField("summary")]
    assert [v.HasField("metadata") for s_ in summaries for v in s_.value] == [True, False]


def test_file_writer_argument_errors(tmp_path):
    with pytest.raises(ValueError, match="session"):
        tf.summary.FileWriter(str(tmp_path), session=object())
    writer = tf.summary.FileWriter(str(tmp_path))
    with pytest.raises(ValueError, match="exactly one"):
        writer.add_graph(None)
    with pytest.raises(TypeError, match="Summary"):
        writer.add_summary(3.0)
    writer.close()


def test_tf1_namespace_exposes_summary():
    assert tf1.summary is tf.summary
    assert tf1.summary.FileWriter is tf.summary.FileWriter
    import slimcore.compat.v1.summary as mod

    assert mod is tf.summary


def test_hand_built_summary_protos_as_tf1_programs_write_them(tmp_path):
    summary = tf1.Summary(value=[tf1.Summary.Value(tag="eval/accuracy", simple_value=0.75)])
    assert tf1.Summary is tf.summary.Summary and tf1.Event is tf.summary.Event
    with tf.summary.FileWriter(str(tmp_path)) as writer:
        writer.add_session_log(tf1.SessionLog(status=tf1.SessionLog.START), 12)  # purges steps >= 12 seen before
        writer.add_summary(summary, 12)
    (event,) = _read(tmp_path).Scalars("eval/accuracy")
    assert (event.step, event.value) == (12, 0.75)
    with pytest.raises(AttributeError, match="no attribute 'NoSuchProto'"):
        tf.summary.NoSuchProto  # noqa: B018


def test_an_unclosed_writer_is_flushed_when_collected(tmp_path):
    import gc

    writer = tf.summary.FileWriter(str(tmp_path), flush_secs=3600)
    writer.add_summary(tf1.Summary(value=[tf1.Summary.Value(tag="a", simple_value=1.0)]), 1)
    del writer
    gc.collect()
    assert [e.step for e in _read(tmp_path).Scalars("a")] == [1]
