"""tf.nn.static_rnn / tf.contrib.rnn.static_rnn and static_bidirectional_rnn
(TF 1.15's ``tensorflow/python/ops/rnn.py``): a cell unrolled over a Python
list of time steps, one copy of the cell's ops per step, all steps sharing
the cell's variables ("rnn/basic_lstm_cell/kernel").

With ``sequence_length`` (a [batch] int vector), example b stops at step
sequence_length[b]: from then on its output is zero and its state is the
last one computed, copied through; the final state is each example's state
at its own last step (TF1's ``_rnn_step``)::

    output_t[b] = 0                  if t >= sequence_length[b] else cell_output_t[b]
    state_t[b]  = state_{t-1}[b]     if t >= sequence_length[b] else cell_state_t[b]

Example::

    x = tf.placeholder(tf.float32, [None, 8, 8])          # 8 steps of 8 features
    cell = tf.nn.rnn_cell.BasicLSTMCell(32)
    outputs, state = tf.nn.static_rnn(cell, tf.unstack(x, axis=1), dtype=tf.float32)
    logits = tf.layers.dense(outputs[-1], 10)

dynamic_rnn (``rnn.py``) computes the same with a while loop.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..framework import dtypes as _dtypes
from ..framework.ops import Tensor, convert_to_tensor
from ..framework.tensor_shape import dimension_value
from . import array_ops, math_ops
from .rnn_cell import _zeros, assert_like_rnncell, flatten, is_sequence, pack_sequence_as

if TYPE_CHECKING:  # annotations only
    from collections.abc import Sequence

    from ..framework.types import DTypeLike, TensorLike
    from .rnn_cell import RNNCell

__all__ = ["static_rnn", "static_bidirectional_rnn"]


def _batch_size(inputs: Sequence) -> int | Tensor:
    """The batch size: static when the first input's shape has it, else
    tf.shape(first_input)[0]; every input checked to be [batch, known...].

    Raises:
      ValueError: an input of rank < 2, batch sizes that disagree, or an
        unknown input size.
    """
    flat = [convert_to_tensor(x) for step in inputs for x in flatten(step)]
    static = None
    for x in flat:
        dims = x.shape.as_list() if x.shape.ndims is not None else None
        if dims is None or len(dims) < 2:
            raise ValueError(f"static_rnn: each input must be [batch, depth...] (rank >= 2), got shape {x.shape}")
        if dims[0] is not None:
            if static is not None and static != dims[0]:
                raise ValueError(f"static_rnn: inputs disagree on the batch size: {static} and {dims[0]}")
            static = dims[0]
        for k, size in enumerate(dims[1:]):
            if size is None:
                raise ValueError(
                    f"Input size (dimension {k} of inputs) must be accessible via shape inference, but saw value None."
                )
    return static if static is not None else array_ops.shape(flat[0])[0]


def _state_dtype(dtype: _dtypes.DType | None, state: Any) -> _dtypes.DType:
    """TF1's _infer_state_dtype: the explicit dtype, else the state's."""
    if dtype is not None:
        return dtype
    dtypes = {convert_to_tensor(s).dtype for s in flatten(state)}
    if len(dtypes) != 1:
        names = sorted(d.name for d in dtypes)
        raise ValueError(f"State has tensors of different inferred dtypes ({names}): pass dtype")
    return dtypes.pop()


def _select_rows(finished: Tensor, old: Tensor, new: Tensor) -> Tensor:
    """where(finished, old, new) row by row (finished is a [batch] bool vector)."""
    new = convert_to_tensor(new)
    if new.shape.ndims == 0:  # TF1 passes scalars through
        return new
    return array_ops.where(finished, old, new)


def static_rnn(
    cell: RNNCell,
    inputs: Sequence[TensorLike],
    initial_state: Any = None,
    dtype: DTypeLike | None = None,
    sequence_length: TensorLike | None = None,
    scope: Any = None,
) -> tuple:
    """tf.nn.static_rnn (tf.contrib.rnn.static_rnn): the cell unrolled over
    `inputs` (see the module docstring for the sequence_length rule)::

        state = initial_state or cell.zero_state(batch, dtype)
        for t, x_t in enumerate(inputs):
            output_t, state = cell(x_t, state)

    Variables are made under the variable scope `scope` (default "rnn") on
    the first step and reused by the others.

    Args:
      cell: an RNNCell.
      inputs: a list (one entry per step) of [batch, depth] tensors (or nested
        structures of them).
      initial_state: the cell's state structure; default zeros.
      dtype: the state's dtype when initial_state is None (required then).
      sequence_length: [batch] int32/int64 lengths (optional).
      scope: variable scope name or object (default "rnn").

    Returns:
      (outputs, state): the list of outputs per step, and the final state.

    Raises:
      TypeError: cell not an RNNCell, inputs not a list or tuple.
      ValueError: inputs empty, of unknown depth or disagreeing batch sizes;
        neither initial_state nor dtype; sequence_length not a vector.
    """
    from ..variable_scope import variable_scope

    assert_like_rnncell("cell", cell)
    if not is_sequence(inputs):
        raise TypeError("inputs must be a sequence")
    if not inputs:
        raise ValueError("inputs must not be empty")
    outputs = []
    with variable_scope(scope or "rnn") as varscope:
        batch_size = _batch_size(inputs)
        if initial_state is not None:
            state = initial_state
        else:
            if not dtype:
                raise ValueError("If no initial_state is provided, dtype must be specified")
            state = cell.zero_state(batch_size, dtype)
        if sequence_length is not None:
            sequence_length = convert_to_tensor(sequence_length, name="sequence_length")
            if sequence_length.shape.ndims not in (None, 1):
                raise ValueError("sequence_length must be a vector of length batch_size")
            if not sequence_length.dtype.is_integer:
                raise TypeError(f"sequence_length must be int32 or int64, got {sequence_length.dtype.name}")
            sequence_length = array_ops.cast(sequence_length, _dtypes.int32)
            zero_dtype = _state_dtype(_dtypes.as_dtype(dtype) if dtype else None, state)
            zero_output = pack_sequence_as(
                cell.output_size, [_zeros(batch_size, s, zero_dtype) for s in flatten(cell.output_size)]
            )
        for time, step_input in enumerate(inputs):
            if time > 0:
                varscope.reuse_variables()
            output, new_state = cell(step_input, state)
            if sequence_length is not None:
                finished = math_ops.greater_equal(time, sequence_length)  # [batch]: past this example's end
                output = pack_sequence_as(
                    output,
                    [_select_rows(finished, z, o) for z, o in zip(flatten(zero_output), flatten(output))],
                )
                new_state = pack_sequence_as(
                    new_state,
                    [_select_rows(finished, s, n) for s, n in zip(flatten(state), flatten(new_state))],
                )
            state = new_state
            outputs.append(output)
    return outputs, state


def _reverse_seq(steps: Sequence, lengths: Tensor | None) -> list:
    """The steps reversed; with lengths, per example only its first
    lengths[b] steps (tf.reverse_sequence on the time axis): step t of
    example b is input step lengths[b] - 1 - t while t < lengths[b], else t."""
    if lengths is None:
        return list(reversed(steps))
    count = len(steps)
    per_step = [flatten(step) for step in steps]
    results: list = [[] for _ in range(count)]
    for leaves in zip(*per_step):  # one leaf of the structure, over time
        leaves = [convert_to_tensor(x) for x in leaves]
        stacked = array_ops.stack(leaves)  # [T, batch, ...]
        static_batch = dimension_value(leaves[0].shape[0])
        batch = static_batch if static_batch is not None else array_ops.shape(leaves[0])[0]
        rows = array_ops.range(batch)
        for t in range(count):
            source = array_ops.where_v2(math_ops.less(t, lengths), lengths - (1 + t), t)
            step = array_ops.gather_nd(stacked, array_ops.stack([source, rows], axis=1))
            step.set_shape(leaves[t].shape)
            results[t].append(step)
    return [pack_sequence_as(steps[t], results[t]) for t in range(count)]


def static_bidirectional_rnn(
    cell_fw: RNNCell,
    cell_bw: RNNCell,
    inputs: Sequence[TensorLike],
    initial_state_fw: Any = None,
    initial_state_bw: Any = None,
    dtype: DTypeLike | None = None,
    sequence_length: TensorLike | None = None,
    scope: Any = None,
) -> tuple:
    """tf.nn.static_bidirectional_rnn: a forward static_rnn of cell_fw over
    the inputs and a backward one of cell_bw over the inputs reversed (per
    example within its sequence_length), whose outputs are reversed back;
    output_t = concat([fw_t, bw_t], 1). Variables under
    "<scope or bidirectional_rnn>/fw/..." and ".../bw/...".

    Args:
      cell_fw, cell_bw: RNNCells.
      inputs, dtype, sequence_length: as static_rnn.
      initial_state_fw, initial_state_bw: initial states (default zeros).
      scope: variable scope (default "bidirectional_rnn").

    Returns:
      (outputs, output_state_fw, output_state_bw).

    Raises:
      TypeError: a non-cell, or inputs not a list or tuple.
      ValueError: empty inputs, and static_rnn's errors.
    """
    from ..variable_scope import variable_scope

    assert_like_rnncell("cell_fw", cell_fw)
    assert_like_rnncell("cell_bw", cell_bw)
    if not is_sequence(inputs):
        raise TypeError("inputs must be a sequence")
    if not inputs:
        raise ValueError("inputs must not be empty")
    lengths = None
    if sequence_length is not None:
        lengths = array_ops.cast(convert_to_tensor(sequence_length, name="sequence_length"), _dtypes.int32)
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            output_fw, state_fw = static_rnn(cell_fw, inputs, initial_state_fw, dtype, lengths, scope=fw_scope)
        with variable_scope("bw") as bw_scope:
            reversed_inputs = _reverse_seq(inputs, lengths)
            reversed_bw, state_bw = static_rnn(
                cell_bw, reversed_inputs, initial_state_bw, dtype, lengths, scope=bw_scope
            )
    output_bw = _reverse_seq(reversed_bw, lengths)
    outputs = [
        pack_sequence_as(fw, [array_ops.concat([a, b], 1) for a, b in zip(flatten(fw), flatten(bw))])
        for fw, bw in zip(output_fw, output_bw)
    ]
    return outputs, state_fw, state_bw
