"""tf.summary.audio and tf.summary.tensor_summary as TF1 writes them (read back
with TensorBoard's reader and Python's own `wave`), the `collections` argument
of every summary op, and slim.summaries (tf_slim/summaries.py) with tf-slim's
names and tags."""

import io
import wave

import numpy as np
import pytest
from tensorboard.backend.event_processing import event_accumulator
from tensorboard.util import tensor_util

import slimcore as tf
import slimcore.compat.v1 as tf1
import slimcore.slim as slim


@pytest.fixture(autouse=True)
def fresh_graph():
    with tf.Graph().as_default() as g:
        yield g


def _summary(tensor, feed=None):
    with tf.Session() as sess:
        return tf.summary.Summary.FromString(sess.run(tensor, feed))


def _read(logdir, summary_tensor, feed=None):
    with tf.Session() as sess:
        value = sess.run(summary_tensor, feed)
    with tf.summary.FileWriter(str(logdir)) as writer:
        writer.add_summary(value, 3)
    acc = event_accumulator.EventAccumulator(str(logdir), size_guidance=dict.fromkeys(("tensors", "audio"), 0))
    acc.Reload()
    return acc


def _tf1_pcm(x):
    """TF1's FloatToInt16Sample: clamp(roundf(x * 32768), -32768, 32767)."""
    scaled = np.asarray(x, np.float32).astype(np.float64) * 32768.0
    return np.clip(np.sign(scaled) * np.floor(np.abs(scaled) + 0.5), -32768, 32767).astype(np.int16)


# ---- tf.summary.audio ---------------------------------------------------------------------
def test_audio_writes_tf1s_16_bit_wav_clips_with_tf1s_tags(tmp_path):
    rng = np.random.default_rng(0)
    clips = rng.uniform(-1.2, 1.2, size=(4, 50, 2)).astype(np.float32)  # beyond [-1, 1]: clamped
    clips[0, :3, 0] = [0.5 / 32768, -0.5 / 32768, 1.5 / 32768]  # halves round away from zero
    with tf.name_scope("eval"):
        op = tf.summary.audio("speech", tf.constant(clips), sample_rate=8000.0)
    assert op.op.name == "eval/speech" and op in tf.get_collection(tf.GraphKeys.SUMMARIES)
    summary = _summary(op)
    assert [v.tag for v in summary.value] == ["eval/speech/audio/0", "eval/speech/audio/1", "eval/speech/audio/2"]
    for i, value in enumerate(summary.value):
        audio = value.audio
        assert (audio.sample_rate, audio.num_channels, audio.length_frames) == (8000.0, 2, 50)
        assert audio.content_type == "audio/wav"
        with wave.open(io.BytesIO(audio.encoded_audio_string)) as wav:
            assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate(), wav.getnframes()) == (2, 2, 8000, 50)
            pcm = np.frombuffer(wav.readframes(50), "<i2").reshape(50, 2)
        np.testing.assert_array_equal(pcm, _tf1_pcm(clips[i]))
    assert list(_tf1_pcm(clips[0, :3, 0])) == [1, -1, 2]
    acc = _read(tmp_path, op)
    assert sorted(acc.Tags()["audio"]) == ["eval/speech/audio/0", "eval/speech/audio/1", "eval/speech/audio/2"]
    (event,) = acc.Audio("eval/speech/audio/1")
    assert event.step == 3 and event.sample_rate == 8000.0 and event.length_frames == 50


def test_audio_of_2d_clips_is_one_channel_and_max_outputs_one_drops_the_index():
    clips = tf.placeholder(tf.float32, [None, 20])
    rate = tf.placeholder(tf.float32, [])
    op = tf.summary.audio("a", clips, rate, max_outputs=1, family="sound")
    values = np.linspace(-1, 1, 40, dtype=np.float32).reshape(2, 20)
    summary = _summary(op, {clips: values, rate: 16000.4})
    (value,) = summary.value
    assert value.tag == "sound/sound/a/audio"
    assert value.audio.num_channels == 1 and value.audio.sample_rate == pytest.approx(16000.4)
    with wave.open(io.BytesIO(value.audio.encoded_audio_string)) as wav:
        assert wav.getframerate() == 16000  # lrintf of the rate
        np.testing.assert_array_equal(np.frombuffer(wav.readframes(20), "<i2"), _tf1_pcm(values[0]))


def test_audio_errors_name_the_problem():
    with pytest.raises(ValueError, match="3-D or 2-D"):
        tf.summary.audio("a", tf.zeros([1, 2, 3, 4]), 8000)
    with pytest.raises(TypeError, match="float32"):
        tf.summary.audio("a", tf.zeros([1, 2], dtype=tf.int32), 8000)
    with pytest.raises(ValueError, match="max_outputs"):
        tf.summary.audio("a", tf.zeros([1, 2]), 8000, max_outputs=0)
    rate = tf.placeholder(tf.float32, [])
    op = tf.summary.audio("a", tf.zeros([1, 2]), rate)
    with tf.Session() as sess, pytest.raises(Exception, match="sample_rate must be > 0"):
        sess.run(op, {rate: 0.0})


# ---- tf.summary.tensor_summary ------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64", "uint8", "bool"])
def test_tensor_summary_holds_the_whole_tensor(tmp_path, dtype):
    value = (np.arange(12).reshape(3, 4) % 3).astype(dtype)
    op = tf.summary.tensor_summary("t", tf.constant(value))
    (summary_value,) = _summary(op).value
    assert summary_value.tag == "t"
    got = tensor_util.make_ndarray(summary_value.tensor)
    assert got.dtype == np.dtype(dtype) and got.shape == (3, 4)
    np.testing.assert_array_equal(got, value)
    acc = _read(tmp_path, op)
    (event,) = acc.Tensors("t")
    np.testing.assert_array_equal(tensor_util.make_ndarray(event.tensor_proto), value)


def test_tensor_summary_strings_and_metadata():
    meta = tf1.SummaryMetadata(plugin_data=tf1.SummaryMetadata.PluginData(plugin_name="custom", content=b"\x01"))
    op = tf.summary.tensor_summary(
        "words",
        tf.constant([b"a", b"bc"]),
        summary_description="two words",
        summary_metadata=meta,
        family="f",
        display_name="Words",
    )
    assert op.op.name == "f/words"
    (value,) = _summary(op).value
    assert value.tag == "f/f/words"
    assert list(tensor_util.make_ndarray(value.tensor)) == [b"a", b"bc"]
    assert value.metadata.summary_description == "two words" and value.metadata.display_name == "Words"
    assert value.metadata.plugin_data.plugin_name == "custom" and value.metadata.plugin_data.content == b"\x01"
    assert meta.display_name == ""  # the caller's proto is copied, not changed
    with pytest.raises(TypeError, match="SummaryMetadata"):
        tf.summary.tensor_summary("x", tf.constant(1.0), summary_metadata="meta")


# ---- collections, as TF1's summary_op_util.collect ----------------------------------------
def _every_summary(collections):
    x = tf.constant([[[[0.5]]]])
    return [
        tf.summary.scalar("s", tf.constant(1.0), collections=collections),
        tf.summary.histogram("h", x, collections=collections),
        tf.summary.image("i", x, collections=collections),
        tf.summary.audio("a", tf.zeros([1, 4]), 8000, collections=collections),
        tf.summary.text("t", tf.constant("hi"), collections=collections),
        tf.summary.tensor_summary("ts", x, collections=collections),
    ]


def test_summaries_go_to_the_given_collections_only():
    ops = _every_summary(["mine", "theirs"])
    assert tf.get_collection("mine") == ops and tf.get_collection("theirs") == ops
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == []
    merged = tf.summary.merge(ops, collections=["merged"])
    assert tf.get_collection("merged") == [merged]
    assert tf.summary.merge_all("mine") is not None and tf.summary.merge_all() is None


def test_default_collection_is_summaries_and_an_empty_list_is_none():
    ops = _every_summary(None)
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == ops
    keys_before = set(tf.get_default_graph().get_all_collection_keys())
    _every_summary([])
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == ops
    assert set(tf.get_default_graph().get_all_collection_keys()) == keys_before


@pytest.mark.parametrize("index", range(6))
def test_a_string_collection_raises_instead_of_one_collection_per_character(index):
    with pytest.raises(ValueError, match=r"pass \['mine'\]"):
        _every_summary("mine")  # raises at the first op
    makers = [
        lambda c: tf.summary.scalar("s", tf.constant(1.0), collections=c),
        lambda c: tf.summary.histogram("h", tf.constant([1.0]), collections=c),
        lambda c: tf.summary.image("i", tf.zeros([1, 2, 2, 1]), collections=c),
        lambda c: tf.summary.audio("a", tf.zeros([1, 4]), 8000, collections=c),
        lambda c: tf.summary.text("t", tf.constant("hi"), collections=c),
        lambda c: tf.summary.tensor_summary("ts", tf.constant(1.0), collections=c),
    ]
    with pytest.raises(ValueError, match="one collection per character"):
        makers[index]("mine")
    assert tf.get_collection("m") == []


# ---- slim.summaries -------------------------------------------------------------------------
def test_slim_summaries_are_named_after_the_tensor_op_as_tf_slim():
    x = tf.placeholder(tf.float32, [None, 4])
    with tf.variable_scope("fc"):
        y = slim.fully_connected(x, 3, scope="fc1")
    weights = slim.get_model_variables()
    histograms = slim.summaries.add_histogram_summaries(weights, prefix="vars")
    assert [t.op.name for t in histograms] == ["vars/fc/fc1/weights", "vars/fc/fc1/biases"]
    total = tf.reduce_sum(y, name="total")
    scalar = slim.summaries.add_scalar_summary(total, "Total Loss")
    assert scalar.op.name == "Total_Loss"  # tf.summary's clean_tag
    zero = slim.summaries.add_zero_fraction_summary(y)
    assert zero.op.name == "fc/fc1/Relu/Fraction_of_Zero_Values"
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == [*histograms, scalar, zero]
    images = slim.summaries.add_image_summaries([tf.zeros([2, 3, 3, 1], name="pics")], prefix="in")
    assert [t.op.name for t in images] == ["in/pics"]
    scalars = slim.summaries.add_scalar_summaries([total, tf.constant(2.0, name="two")])
    # named after the op itself, the summary's name scope is taken: TF1 uniquifies it, tag and all
    assert [t.op.name for t in scalars] == ["total_1", "two_1"]
    zeros = slim.summaries.add_zero_fraction_summaries([y], prefix="act")
    assert [t.op.name for t in zeros] == ["act/fc/fc1/Relu/Fraction_of_Zero_Values"]


def test_slim_zero_fraction_summary_value():
    x = tf.placeholder(tf.float32, [2, 3])
    op = slim.summaries.add_zero_fraction_summary(x, name="x")
    (value,) = _summary(op, {x: [[0.0, 1.0, 0.0], [2.0, 0.0, 0.0]]}).value
    assert value.tag == "x/Fraction_of_Zero_Values" and value.simple_value == pytest.approx(4 / 6)
    assert tf1.nn.zero_fraction is tf.nn.zero_fraction


def test_slim_print_summary_prints_when_the_summary_is_computed(capfd):
    loss = tf.constant(1.25, name="loss")
    op = slim.summaries.add_scalar_summary(loss, print_summary=True)
    assert tf.get_collection(tf.GraphKeys.SUMMARIES) == [op]
    assert "loss[" not in capfd.readouterr().err
    (value,) = _summary(tf.summary.merge_all()).value
    assert (value.tag, value.simple_value) == ("loss_1", 1.25)  # the op "loss" holds the name
    assert "loss[1.25]" in capfd.readouterr().err
