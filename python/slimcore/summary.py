"""TensorBoard summaries: tf.summary (TF1) on slimcore's graph.

    loss_summary = tf.summary.scalar("loss", loss)        # a string tensor
    tf.summary.histogram("weights", w)
    merged = tf.summary.merge_all()                       # None if there are none
    writer = tf.summary.FileWriter(logdir, sess.graph)    # writes the graph too
    for step in range(n):
        summary, _ = sess.run([merged, train_op])
        writer.add_summary(summary, step)
    writer.close()                                        # `tensorboard --logdir logdir`

Each summary function adds an op whose output is a scalar string tensor
holding a serialized ``Summary`` protocol buffer, and puts it in the
``GraphKeys.SUMMARIES`` collection (or in `collections`). As TF1:

* the tag is the op's name scope: ``scalar("loss", x)`` inside
  ``name_scope("train")`` is tagged ``train/loss``, a second one
  ``train/loss_1``; with ``family="f"`` the op lives under ``f/`` and the
  tag is ``f/<scope>`` (TensorBoard's tab). Characters outside
  ``[A-Za-z0-9_./-]`` in `name` become ``_``.
* ``scalar`` writes ``simple_value`` (float); ``histogram`` TF1's
  histogram (buckets growing by 10% from 1e-12 to 1e20, mirrored for
  negatives, runs of empty buckets collapsed; NaN or Inf raises
  InvalidArgumentError when run); ``image`` at most `max_outputs` PNG
  images tagged ``<tag>/image/<i>`` (``<tag>/image`` when max_outputs is
  1), float images mapped to uint8 per image as TF1 does (non-negative:
  ``x * 255 / max``; else ``x * 127 / max|x| + 128``; non-finite pixels get
  `bad_color`); ``audio`` at most `max_outputs` 16-bit WAV clips tagged
  ``<tag>/audio/<i>``; ``text`` a string tensor under the ``text`` plugin;
  ``tensor_summary`` any tensor as a TensorProto.
* `collections` is a list (default [GraphKeys.SUMMARIES]); a string
  raises ValueError (TF1 filed the summary under one collection per
  character).
* ``merge`` concatenates summaries (a tag seen twice raises
  InvalidArgumentError); ``merge_all`` merges a collection, None when it
  is empty.

The ops are host ops (type ``PyFunc``: TF1's ``ScalarSummary``,
``HistogramSummary``, ... have no C++ kernel here); they compute in
Python when the session runs them.

``FileWriter`` writes TensorBoard event files through tensorboardX's
``EventsWriter`` (a maintained, dependency-light writer of the same
record format TensorFlow writes: length, masked CRC32C, payload). It writes
synchronously: an event is in the file after ``flush()`` (or after
`max_queue` events or `flush_secs` seconds), and everything after
``close()``.
"""

from __future__ import annotations

import itertools
import os
import re
import struct
import sys
import time
import weakref
import zlib
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from .framework import dtypes as _dtypes
from .framework.ops import (
    Graph,
    GraphKeys,
    Tensor,
    convert_to_tensor,
    get_collection,
    get_default_graph,
    name_scope,
)
from .ops.script_ops import _as_tensor_result, host_call

if TYPE_CHECKING:  # annotations only
    from collections.abc import Iterable, Sequence

    from .framework.types import TensorLike

__all__ = ["scalar", "histogram", "image", "audio", "text", "tensor_summary", "merge", "merge_all", "FileWriter"]

# TF1's protocol buffer classes under tf.summary (and tf.Summary, tf.Event, ... in
# slimcore.compat.v1), loaded on first use: the summary protos programs build by hand,
# ``tf.Summary(value=[tf.Summary.Value(tag="acc", simple_value=acc)])``.
PROTO_NAMES = ("Summary", "SummaryMetadata", "HistogramProto", "Event", "SessionLog", "SummaryDescription")


def __getattr__(name: str) -> Any:
    if name in PROTO_NAMES:
        from tensorboardX.proto import event_pb2, summary_pb2

        return getattr(summary_pb2, name, None) or getattr(event_pb2, name)
    raise AttributeError(f"module 'slimcore.summary' has no attribute {name!r}")


def _pb() -> Any:
    """tensorboardX's protocol buffers (imported on first use: `import slimcore` stays fast)."""
    from tensorboardX.proto import event_pb2, graph_pb2, summary_pb2

    class _Protos:
        Summary = summary_pb2.Summary
        SummaryMetadata = summary_pb2.SummaryMetadata
        HistogramProto = summary_pb2.HistogramProto
        Event = event_pb2.Event
        SessionLog = event_pb2.SessionLog
        GraphDef = graph_pb2.GraphDef

    return _Protos


# ---------------------------------------------------------------------------
# Tags, scopes and collections
# ---------------------------------------------------------------------------
_INVALID_TAG_CHARACTERS = re.compile(r"[^-/\w\.]")


def _clean_tag(name: str | None) -> str | None:
    """TF1's summary_op_util.clean_tag: invalid characters become '_', a leading '/' goes."""
    if name is None:
        return None
    new_name = _INVALID_TAG_CHARACTERS.sub("_", name).lstrip("/")
    return new_name


def _collect(value: Tensor, collections: Iterable[str] | None, default: list) -> None:
    """Adds `value` to each collection of `collections` (default: `default`),
    TF1's summary_op_util.collect (``for key in collections``).

    Raises:
      ValueError: `collections` is a string: TF1's loop files the summary
        under one collection per character ('mine' fills 'm', 'i', 'n', 'e'),
        so merge_all('mine') never finds it; slimcore refuses, as TF1's
        tf.Variable does for a string `collections`.
    """
    if collections is None:
        collections = default
    if isinstance(collections, (str, bytes)):
        raise ValueError(
            f"collections must be a list of collection names, got the string {collections!r} "
            f"(TF1 would file the summary under one collection per character); pass [{collections!r}]"
        )
    for key in collections:
        value.graph.add_to_collection(key, value)


def _summary_op(
    name: str,
    family: str | None,
    values: Sequence[TensorLike],
    make: Callable[[str, list], Any],
    collections: Iterable[str] | None,
) -> Tensor:
    """Adds a summary op named by TF1's summary_scope whose kernel returns
    ``make(tag, arrays).SerializeToString()``; collects it."""
    name, family = _clean_tag(name), _clean_tag(family)
    if not name:
        raise ValueError(f"a summary needs a non-empty name, got {name!r}")
    inputs = [convert_to_tensor(v) for v in values]
    graph = inputs[0].graph if inputs else get_default_graph()
    base = name if family is None else f"{family}/{name}"
    with graph.as_default(), name_scope(base) as scope:
        tag = scope.rstrip("/") if family is None else f"{family}/{scope.rstrip('/')}"

        def kernel(arrays: list) -> list:
            return [_serialized(make(tag, arrays))]

        # A name ending in "/" is taken as the op's full name (TF1): the op is named as its tag.
        op = host_call("PyFunc", kernel, inputs, {"Tout": [int(_dtypes.string._core)]}, scope, graph)
    out = op.outputs[0]
    out.set_shape([])
    _collect(out, collections, [GraphKeys.SUMMARIES])
    return out


def _serialized(summary: Any) -> Any:
    """A Summary proto as the scalar string value a host op returns."""
    return _as_tensor_result(np.array(summary.SerializeToString(), dtype=object), 0, "summary")


def _require_real(tensor: Tensor, what: str) -> None:
    if tensor.dtype == _dtypes.string or tensor.dtype.name == "bool":
        raise TypeError(f"{what}: expected a real-number tensor, got {tensor.name} of dtype {tensor.dtype.name}")


# ---------------------------------------------------------------------------
# scalar, histogram
# ---------------------------------------------------------------------------
def scalar(
    name: str, tensor: TensorLike, collections: Iterable[str] | None = None, family: str | None = None
) -> Tensor:
    """tf.summary.scalar: a Summary with one ``simple_value`` = float(tensor).

    Args:
      name: the summary's name; its tag is the name scope made from it
        (module docstring).
      tensor: a real-number scalar tensor.
      collections: the collections the summary goes in (a list; default
        [GraphKeys.SUMMARIES]).
      family: optional tag prefix (TensorBoard's tab name).

    Returns:
      A scalar string tensor, the serialized Summary.

    Raises:
      ValueError: `tensor`'s static shape is not scalar (TF1 raises when run);
        `collections` is a string.
      TypeError: `tensor` is not a real number.
    """
    tensor = convert_to_tensor(tensor)
    _require_real(tensor, "tf.summary.scalar")
    if tensor.shape.ndims is not None and tensor.shape.ndims != 0:
        raise ValueError(f"tf.summary.scalar({name!r}): tensor must be a scalar, got shape {tensor.shape}")

    def make(tag: str, arrays: list) -> Any:
        value = arrays[0]
        if value.size != 1 or value.ndim != 0:
            raise ValueError(f"tags and values not the same shape: [] != {list(value.shape)} (tag '{tag}')")
        pb = _pb()
        return pb.Summary(value=[pb.Summary.Value(tag=tag, simple_value=float(value))])

    return _summary_op(name, family, [tensor], make, collections)


def _default_bucket_limits() -> np.ndarray:
    """TF1's histogram bucket limits (tensorflow/core/lib/histogram/histogram.cc):
    1e-12 * 1.1^k up to 1e20 and DBL_MAX, mirrored for negatives, 0 between."""
    positive = []
    v = 1.0e-12
    while v < 1.0e20:
        positive.append(v)
        v *= 1.1
    positive.append(sys.float_info.max)
    negative = [-p for p in reversed(positive)]
    return np.array([*negative, 0.0, *positive], dtype=np.float64)


_BUCKET_LIMITS = _default_bucket_limits()


def _histogram_proto(values: np.ndarray) -> Any:
    """TF1's Histogram::Add over `values`, then EncodeToProto(preserve_zero_buckets=False)."""
    values = np.asarray(values, dtype=np.float64).reshape(-1)
    counts = np.bincount(np.searchsorted(_BUCKET_LIMITS, values, side="right"), minlength=len(_BUCKET_LIMITS))
    pb = _pb()
    proto = pb.HistogramProto(
        min=float(values.min()) if values.size else sys.float_info.max,
        max=float(values.max()) if values.size else -sys.float_info.max,
        num=float(values.size),
        sum=float(values.sum()),
        sum_squares=float(np.dot(values, values)),
    )
    i, n = 0, len(_BUCKET_LIMITS)
    while i < n:
        end, count = _BUCKET_LIMITS[i], counts[i]
        i += 1
        if count <= 0:  # a run of empty buckets becomes one
            while i < n and counts[i] <= 0:
                end, count = _BUCKET_LIMITS[i], counts[i]
                i += 1
        proto.bucket_limit.append(float(end))
        proto.bucket.append(float(count))
    return proto


def histogram(
    name: str, values: TensorLike, collections: Iterable[str] | None = None, family: str | None = None
) -> Tensor:
    """tf.summary.histogram: TF1's histogram of `values` (module docstring).

    The HistogramProto holds min, max, num, sum, sum of squares and the
    counts of TF1's default buckets (bucket i counts limit[i-1] <= x <
    limit[i]), each run of empty buckets collapsed into its last limit.

    Args:
      name: the summary's name (tag as in `scalar`).
      values: a real-number tensor of any shape.
      collections: as in `scalar`.
      family: as in `scalar`.

    Returns:
      A scalar string tensor, the serialized Summary.

    Raises:
      ValueError: `collections` is a string.
      TypeError: `values` is not a real number.
      InvalidArgumentError: (when run) `values` holds NaN or Inf.
    """
    tensor = convert_to_tensor(values)
    _require_real(tensor, "tf.summary.histogram")

    def make(tag: str, arrays: list) -> Any:
        data = np.asarray(arrays[0], dtype=np.float64)
        if not np.all(np.isfinite(data)):
            raise ValueError(f"Nan in summary histogram for: {tag}")
        pb = _pb()
        return pb.Summary(value=[pb.Summary.Value(tag=tag, histo=_histogram_proto(data))])

    return _summary_op(name, family, [tensor], make, collections)


# ---------------------------------------------------------------------------
# image
# ---------------------------------------------------------------------------
def _png(image: np.ndarray) -> bytes:
    """A PNG (8-bit grayscale, RGB or RGBA, no interlace) of an [h, w, c] uint8 array."""
    height, width, channels = image.shape
    color_type = {1: 0, 3: 2, 4: 6}[channels]

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = np.concatenate([np.zeros((height, 1), np.uint8), image.reshape(height, width * channels)], axis=1)
    header = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows.tobytes()))
        + chunk(b"IEND", b"")
    )


def _to_uint8(image: np.ndarray, bad_color: np.ndarray) -> np.ndarray:
    """TF1's ImageSummary NormalizeFloatImage for one [h, w, c] float image."""
    pixels = image.reshape(-1, image.shape[-1]).astype(np.float32)
    finite = np.all(np.isfinite(pixels), axis=1)
    good = pixels[finite]
    lo = np.float32(good.min()) if good.size else np.float32(np.inf)
    hi = np.float32(good.max()) if good.size else np.float32(-np.inf)
    if lo < 0:
        max_val = max(abs(lo), abs(hi))
        scale, offset = np.float32(0.0 if max_val < 1e-6 else 127.0 / max_val), np.float32(128.0)
    else:
        scale, offset = np.float32(0.0 if hi < 1e-6 else 255.0 / hi), np.float32(0.0)
    out = np.empty(pixels.shape, np.uint8)
    with np.errstate(invalid="ignore"):
        out[finite] = (pixels[finite] * scale + offset).astype(np.uint8)  # truncation, as Eigen's cast
    out[~finite] = bad_color
    return out.reshape(image.shape)


def image(
    name: str,
    tensor: TensorLike,
    max_outputs: int = 3,
    collections: Iterable[str] | None = None,
    family: str | None = None,
) -> Tensor:
    """tf.summary.image: the first `max_outputs` images of a batch as PNGs.

    Args:
      name: the summary's name (tag as in `scalar`; each image's tag is
        ``<tag>/image/<i>``, or ``<tag>/image`` when max_outputs is 1).
      tensor: [batch, height, width, channels] with 1, 3 or 4 channels;
        uint8 (written as is) or float16/32/64 (mapped to uint8 per image,
        module docstring).
      max_outputs: at most this many images (>= 1).
      collections: as in `scalar`.
      family: as in `scalar`.

    Returns:
      A scalar string tensor, the serialized Summary.

    Raises:
      ValueError: `tensor` is not 4-D with 1, 3 or 4 channels (static shape);
        max_outputs < 1; `collections` is a string.
      TypeError: a dtype other than uint8 or float.
    """
    tensor = convert_to_tensor(tensor)
    if tensor.dtype.name not in ("uint8", "float16", "float32", "float64"):
        raise TypeError(f"tf.summary.image: tensor must be uint8 or float, got {tensor.dtype.name}")
    shape = tensor.shape
    if shape.ndims is not None and (shape.ndims != 4 or shape.as_list()[-1] not in (None, 1, 3, 4)):
        raise ValueError(f"tf.summary.image({name!r}): tensor must be [batch, h, w, 1|3|4], got shape {shape}")
    if int(max_outputs) < 1:
        raise ValueError(f"tf.summary.image: max_outputs must be >= 1, got {max_outputs}")
    max_outputs = int(max_outputs)

    def make(tag: str, arrays: list) -> Any:
        batch = arrays[0]
        if batch.ndim != 4 or batch.shape[-1] not in (1, 3, 4):
            raise ValueError(f"tensor must be 4-D with last dim 1, 3, or 4, not {list(batch.shape)} (tag '{tag}')")
        bad_color = np.array([255, 0, 0, 255], np.uint8)[: batch.shape[-1]]
        pb = _pb()
        summary = pb.Summary()
        for i in range(min(batch.shape[0], max_outputs)):
            pixels = batch[i] if batch.dtype == np.uint8 else _to_uint8(batch[i], bad_color)
            height, width, channels = pixels.shape
            encoded = pb.Summary.Image(
                height=height, width=width, colorspace=channels, encoded_image_string=_png(pixels)
            )
            summary.value.add(tag=f"{tag}/image/{i}" if max_outputs > 1 else f"{tag}/image", image=encoded)
        return summary

    return _summary_op(name, family, [tensor], make, collections)


# ---------------------------------------------------------------------------
# audio
# ---------------------------------------------------------------------------
def _wav(samples: np.ndarray, sample_rate: int) -> bytes:
    """TF1's wav::EncodeAudioAsS16LEWav of [frames, channels] float samples:
    a 44-byte RIFF/WAVE header (PCM, 16 bits) and the samples as int16
    ``clamp(round(x * 32768), -32768, 32767)`` (round half away from zero,
    as roundf), little-endian, interleaved by frame."""
    channels = samples.shape[1]
    scaled = (np.asarray(samples, np.float32) * np.float32(32768.0)).astype(np.float64)  # exact, as the float product
    rounded = np.copysign(np.floor(np.abs(scaled) + 0.5), scaled)  # roundf: half away from zero
    pcm = np.clip(rounded, -32768, 32767).astype("<i2")
    data = pcm.tobytes()
    header = (
        b"RIFF"
        + struct.pack("<I", 36 + len(data))
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, channels, sample_rate, sample_rate * channels * 2, channels * 2, 16)
        + b"data"
        + struct.pack("<I", len(data))
    )
    return header + data


def audio(
    name: str,
    tensor: TensorLike,
    sample_rate: TensorLike,
    max_outputs: int = 3,
    collections: Iterable[str] | None = None,
    family: str | None = None,
) -> Tensor:
    """tf.summary.audio: the first `max_outputs` clips of a batch as 16-bit WAV
    files (TF1's AudioSummaryV2).

    Each value is tagged ``<tag>/audio/<i>`` (``<tag>/audio`` when
    max_outputs is 1) and holds sample_rate, num_channels, length_frames,
    content_type "audio/wav" and the WAV bytes (`_wav`: samples in [-1, 1]
    scaled by 32768 and clamped to int16; the header's rate is
    ``lrint(sample_rate)``, at least 1).

    Args:
      name: the summary's name (tag as in `scalar`).
      tensor: float32 [batch, frames, channels] or [batch, frames] (one
        channel), samples in [-1, 1].
      sample_rate: samples per second, a positive float scalar (or tensor).
      max_outputs: at most this many clips (>= 1).
      collections: as in `scalar`.
      family: as in `scalar`.

    Returns:
      A scalar string tensor, the serialized Summary.

    Raises:
      ValueError: `tensor` is not 2-D or 3-D (static shape); max_outputs < 1;
        (when run) sample_rate <= 0; `collections` is a string.
      TypeError: `tensor` is not float32.
    """
    tensor = convert_to_tensor(tensor)
    if tensor.dtype.name != "float32":
        raise TypeError(f"tf.summary.audio: tensor must be float32, got {tensor.dtype.name}")
    if tensor.shape.ndims is not None and tensor.shape.ndims not in (2, 3):
        raise ValueError(f"tf.summary.audio({name!r}): Tensor must be 3-D or 2-D, got shape {tensor.shape}")
    if int(max_outputs) < 1:
        raise ValueError(f"tf.summary.audio: max_outputs must be > 0, got {max_outputs}")
    max_outputs = int(max_outputs)
    rate = convert_to_tensor(sample_rate, dtype=_dtypes.float32)

    def make(tag: str, arrays: list) -> Any:
        clips, rate_value = np.asarray(arrays[0], np.float32), float(arrays[1])
        if clips.ndim not in (2, 3):
            raise ValueError(f"Tensor must be 3-D or 2-D, got: {list(clips.shape)} (tag '{tag}')")
        if not rate_value > 0.0:
            raise ValueError(f"sample_rate must be > 0, got {rate_value} (tag '{tag}')")
        if clips.ndim == 2:
            clips = clips[:, :, None]
        header_rate = max(1, int(np.rint(np.float32(rate_value))))  # lrintf
        pb = _pb()
        summary = pb.Summary()
        for i in range(min(clips.shape[0], max_outputs)):
            encoded = pb.Summary.Audio(
                sample_rate=rate_value,
                num_channels=clips.shape[2],
                length_frames=clips.shape[1],
                encoded_audio_string=_wav(clips[i], header_rate),
                content_type="audio/wav",
            )
            summary.value.add(tag=f"{tag}/audio/{i}" if max_outputs > 1 else f"{tag}/audio", audio=encoded)
        return summary

    return _summary_op(name, family, [tensor, rate], make, collections)


# ---------------------------------------------------------------------------
# text, tensor_summary, merge
# ---------------------------------------------------------------------------
# numpy dtype -> TensorFlow's DataType enum (types.proto)
_DT_ENUM = {
    np.dtype(np.float32): 1,
    np.dtype(np.float64): 2,
    np.dtype(np.int32): 3,
    np.dtype(np.uint8): 4,
    np.dtype(np.int16): 5,
    np.dtype(np.int8): 6,
    np.dtype(np.int64): 9,
    np.dtype(np.bool_): 10,
    np.dtype(np.uint16): 17,
    np.dtype(np.float16): 19,
    np.dtype(np.uint32): 22,
    np.dtype(np.uint64): 23,
}


def _tensor_proto(array: Any) -> Any:
    """TF1's Tensor::AsProtoTensorContent: strings in ``string_val``, numbers
    as their little-endian bytes in ``tensor_content``, with dtype and shape."""
    from tensorboardX.proto import tensor_pb2, tensor_shape_pb2

    data = np.asarray(array)
    shape = tensor_shape_pb2.TensorShapeProto(dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=n) for n in data.shape])
    if data.dtype == object or data.dtype.kind in "SU":
        strings = [v if isinstance(v, bytes) else str(v).encode() for v in data.reshape(-1)]
        return tensor_pb2.TensorProto(dtype=7, tensor_shape=shape, string_val=strings)  # DT_STRING
    little_endian = data.astype(data.dtype.newbyteorder("<"), copy=False)
    return tensor_pb2.TensorProto(
        dtype=_DT_ENUM[data.dtype.newbyteorder("=")], tensor_shape=shape, tensor_content=little_endian.tobytes()
    )


def text(name: str, tensor: TensorLike, collections: Iterable[str] | None = None) -> Tensor:
    """tf.summary.text: a string tensor (any shape) for TensorBoard's text plugin.

    The Summary value holds the tensor as a TensorProto (dtype DT_STRING)
    with plugin metadata ``plugin_name="text"``.

    Args:
      name: the summary's name (tag as in `scalar`).
      tensor: a string tensor.
      collections: as in `scalar`.

    Returns:
      A scalar string tensor, the serialized Summary.

    Raises:
      ValueError: `tensor` is not a string tensor (TF1's message);
        `collections` is a string.
    """
    tensor = convert_to_tensor(tensor)
    if tensor.dtype != _dtypes.string:
        raise ValueError(f"Expected tensor {tensor.name} to have dtype string, got {tensor.dtype.name}")

    def make(tag: str, arrays: list) -> Any:
        pb = _pb()
        metadata = pb.SummaryMetadata(plugin_data=pb.SummaryMetadata.PluginData(plugin_name="text"))
        return pb.Summary(value=[pb.Summary.Value(tag=tag, metadata=metadata, tensor=_tensor_proto(arrays[0]))])

    return _summary_op(name, None, [tensor], make, collections)


def tensor_summary(
    name: str,
    tensor: TensorLike,
    summary_description: str | None = None,
    collections: Iterable[str] | None = None,
    summary_metadata: Any = None,
    family: str | None = None,
    display_name: str | None = None,
) -> Tensor:
    """tf.summary.tensor_summary: the whole tensor, any dtype and shape, as a
    TensorProto (TF1's TensorSummaryV2: numbers as raw little-endian
    ``tensor_content``, strings as ``string_val``).

    Args:
      name: the summary's name (tag as in `scalar`).
      tensor: a tensor of any shape.
      summary_description: sets ``summary_metadata.summary_description``
        (TF1 deprecated it in favour of `summary_metadata`).
      collections: as in `scalar`.
      summary_metadata: a ``SummaryMetadata`` proto (plugin data, display
        name); default an empty one.
      family: as in `scalar`.
      display_name: sets ``summary_metadata.display_name``.

    Returns:
      A scalar string tensor, the serialized Summary.

    Raises:
      ValueError: `collections` is a string.
      TypeError: `summary_metadata` is not a SummaryMetadata proto.
    """
    pb = _pb()
    metadata = pb.SummaryMetadata()
    if summary_metadata is not None:
        if not isinstance(summary_metadata, pb.SummaryMetadata):
            raise TypeError(f"summary_metadata must be a tf.SummaryMetadata proto, got {type(summary_metadata)}")
        metadata.CopyFrom(summary_metadata)
    if summary_description is not None:
        metadata.summary_description = summary_description
    if display_name is not None:
        metadata.display_name = display_name

    def make(tag: str, arrays: list) -> Any:
        value = pb.Summary.Value(tag=tag, metadata=metadata, tensor=_tensor_proto(arrays[0]))
        return pb.Summary(value=[value])

    return _summary_op(name, family, [tensor], make, collections)


def merge(inputs: Sequence[TensorLike], collections: Iterable[str] | None = None, name: str | None = None) -> Tensor:
    """tf.summary.merge: one Summary holding the values of all `inputs`, in order.

    Args:
      inputs: scalar string tensors holding serialized Summaries (a list).
      collections: collections to add the merged summary to (default none).
      name: op name (default "Merge/MergeSummary").

    Returns:
      A scalar string tensor, the serialized merged Summary.

    Raises:
      TypeError: an input is not a string tensor.
      ValueError: `inputs` is empty; `collections` is a string.
      InvalidArgumentError: (when run) two inputs share a tag.
    """
    tensors = [convert_to_tensor(t) for t in inputs]
    if not tensors:
        raise ValueError("tf.summary.merge: inputs is empty (merge_all returns None instead when there is nothing)")
    for t in tensors:
        if t.dtype != _dtypes.string:
            raise TypeError(f"tf.summary.merge: input {t.name} is {t.dtype.name}, not a serialized Summary (string)")
    graph = tensors[0].graph

    def kernel(arrays: list) -> list:
        pb = _pb()
        merged, seen = pb.Summary(), set()
        for blob in arrays:
            part = pb.Summary.FromString(bytes(blob[()]))
            for value in part.value:
                if value.tag in seen:
                    raise ValueError(f"Duplicate tag {value.tag} found in summary inputs")
                seen.add(value.tag)
                merged.value.append(value)
        return [_serialized(merged)]

    with graph.as_default(), name_scope(name, "Merge"):
        op = host_call("PyFunc", kernel, tensors, {"Tout": [int(_dtypes.string._core)]}, "MergeSummary", graph)
    out = op.outputs[0]
    out.set_shape([])
    _collect(out, collections, [])
    return out


def merge_all(key: str = GraphKeys.SUMMARIES, scope: str | None = None, name: str | None = None) -> Tensor | None:
    """tf.summary.merge_all: `merge` of the summaries in collection `key`.

    Args:
      key: the collection (default GraphKeys.SUMMARIES).
      scope: keep only summaries whose name matches this regex at its start.
      name: op name.

    Returns:
      The merged summary tensor, or None when the collection is empty.
    """
    summaries = get_collection(key, scope=scope)
    return merge(summaries, name=name) if summaries else None


# ---------------------------------------------------------------------------
# FileWriter
# ---------------------------------------------------------------------------
_writer_ids = itertools.count()


def _graph_def(graph: Graph) -> Any:
    """A GraphDef of `graph` for TensorBoard's graph view: nodes with their op
    type, inputs ("op", "op:1", "^control") and ``_output_shapes``."""
    from tensorboardX.proto import attr_value_pb2, tensor_shape_pb2

    pb = _pb()
    graph_def = pb.GraphDef()
    for op in graph.get_operations():
        node = graph_def.node.add(name=op.name, op=op.type)
        for t in op.inputs:
            node.input.append(t.op.name if t.value_index == 0 else f"{t.op.name}:{t.value_index}")
        node.input.extend(f"^{c.name}" for c in op.control_inputs)
        shapes = []
        for t in op.outputs:
            dims = t.shape.as_list() if t.shape.ndims is not None else None
            shapes.append(
                tensor_shape_pb2.TensorShapeProto(unknown_rank=True)
                if dims is None
                else tensor_shape_pb2.TensorShapeProto(
                    dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=-1 if d is None else d) for d in dims]
                )
            )
        if shapes:
            node.attr["_output_shapes"].CopyFrom(
                attr_value_pb2.AttrValue(list=attr_value_pb2.AttrValue.ListValue(shape=shapes))
            )
    return graph_def


class FileWriter:
    """tf.summary.FileWriter: writes summaries and the graph to an event file in `logdir`.

    ``FileWriter(logdir, graph=None, max_queue=10, flush_secs=120,
    graph_def=None, filename_suffix=None)``. The file is named
    ``events.out.tfevents.<time>.<host><suffix>``; without a
    `filename_suffix` slimcore appends ``.<pid>.<n>`` so two writers opened in
    the same second (train and eval) never share a file (TF1 could).
    Events are written as they are added and flushed every `max_queue`
    events, every `flush_secs` seconds (checked when an event is added), on
    ``flush()`` and on ``close()`` (also when the writer is garbage-collected
    or the interpreter exits). Usable as a context manager.

    Raises:
      ValueError: `session` is given (TF 1.x's summary-v2 writer path).
    """

    def __init__(
        self,
        logdir: str,
        graph: Graph | None = None,
        max_queue: int = 10,
        flush_secs: float = 120,
        graph_def: Any = None,
        filename_suffix: str | None = None,
        session: Any = None,
    ) -> None:
        if session is not None:
            raise ValueError("FileWriter(session=...) (the summary-v2 writer) is not supported; omit `session`")
        self._logdir = str(logdir)
        self._max_queue = max(1, int(max_queue))
        self._flush_secs = float(flush_secs)
        self._suffix = filename_suffix if filename_suffix is not None else f".{os.getpid()}.{next(_writer_ids)}"
        self._seen_summary_tags: set = set()
        self._open()
        if graph is not None or graph_def is not None:
            self.add_graph(graph, graph_def=graph_def)

    def _open(self) -> None:
        from tensorboardX.event_file_writer import EventsWriter

        os.makedirs(self._logdir, exist_ok=True)
        self._writer = EventsWriter(os.path.join(self._logdir, "events"), self._suffix)
        # Flushed and closed when the writer is collected or the interpreter exits, if not before.
        self._finalizer = weakref.finalize(self, self._writer.close)
        self._pending = 0
        self._last_flush = time.monotonic()
        self._closed = False

    def get_logdir(self) -> str:
        """The directory the event file is in."""
        return self._logdir

    def add_event(self, event: Any) -> None:
        """Writes an ``Event`` protocol buffer (a closed writer drops it, as TF1)."""
        if self._closed:
            return
        self._writer.write_event(event)
        self._pending += 1
        if self._pending >= self._max_queue or time.monotonic() - self._last_flush >= self._flush_secs:
            self.flush()

    def _add(self, global_step: int | None, **fields: Any) -> None:
        event = _pb().Event(wall_time=time.time(), **fields)
        if global_step is not None:
            event.step = int(global_step)
        self.add_event(event)

    def add_summary(self, summary: bytes | Any, global_step: int | None = None) -> None:
        """Writes a summary (the bytes a summary op returns, or a Summary proto)
        at `global_step`. As TF1, a value's plugin metadata is written only the
        first time its tag is seen.

        Raises:
          TypeError: `summary` is neither bytes nor a Summary.
        """
        pb = _pb()
        if isinstance(summary, np.ndarray) and summary.dtype == object and summary.ndim == 0:
            summary = summary[()]
        if isinstance(summary, bytes):
            summary = pb.Summary.FromString(summary)
        elif not isinstance(summary, pb.Summary):
            raise TypeError(f"add_summary: expected serialized Summary bytes or a Summary, got {type(summary)}")
        else:
            copy = pb.Summary()
            copy.CopyFrom(summary)
            summary = copy
        for value in summary.value:
            if not value.HasField("metadata"):
                continue
            if value.tag in self._seen_summary_tags:
                value.ClearField("metadata")
            else:
                self._seen_summary_tags.add(value.tag)
        self._add(global_step, summary=summary)

    def add_graph(self, graph: Graph | None, global_step: int | None = None, graph_def: Any = None) -> None:
        """Writes `graph` (or a GraphDef) for TensorBoard's graph tab.

        Raises:
          ValueError: both or neither of `graph` and `graph_def`.
        """
        if (graph is None) == (graph_def is None):
            raise ValueError("add_graph: give exactly one of graph and graph_def")
        if graph is not None:
            if not isinstance(graph, Graph):
                raise TypeError(f"add_graph: graph must be a slimcore Graph, got {type(graph)}")
            graph_def = _graph_def(graph)
        self._add(global_step, graph_def=graph_def.SerializeToString())

    def add_session_log(self, session_log: Any, global_step: int | None = None) -> None:
        """Writes a ``SessionLog`` (e.g. START after a restart, so TensorBoard drops stale points)."""
        self._add(global_step, session_log=session_log)

    def flush(self) -> None:
        """Writes everything added so far to disk."""
        if not self._closed:
            self._writer.flush()
            self._pending = 0
            self._last_flush = time.monotonic()

    def close(self) -> None:
        """Flushes and closes the file; `reopen` starts a new one."""
        if not self._closed:
            self._finalizer()
            self._closed = True

    def reopen(self) -> None:
        """After `close`, opens a new event file in the same directory."""
        if self._closed:
            self._suffix = f".{os.getpid()}.{next(_writer_ids)}"
            self._open()

    def __enter__(self) -> FileWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<slimcore.summary.FileWriter logdir={self._logdir!r}{' closed' if self._closed else ''}>"
