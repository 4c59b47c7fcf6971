"""tf.nn.dynamic_rnn and bidirectional_dynamic_rnn: a recurrent cell run over time by one While op.

    cell = tf.nn.rnn_cell.BasicLSTMCell(64)
    outputs, state = tf.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=tf.float32)

The cell is anything with TF1's RNNCell interface: ``cell(inputs, state)``
returning ``(output, new_state)``, ``state_size``, ``output_size`` and
``zero_state(batch_size, dtype)``. Its variables are created by its first
call, inside the loop body, under ``rnn/`` (``rnn/basic_lstm_cell/kernel``).
It lives above ``ops/`` because it opens a variable scope.
"""

from __future__ import annotations

from typing import Any

from .framework import dtypes as _dtypes
from .framework.ops import convert_to_tensor, name_scope
from .ops import array_ops, math_ops, nest
from .ops.while_ops import _functional_while
from .variable_scope import variable_scope

__all__ = ["bidirectional_dynamic_rnn", "dynamic_rnn"]


def _transpose_batch_time(x: Any) -> Any:
    """[B, T, ...] <-> [T, B, ...] (x of known rank >= 2)."""
    return array_ops.transpose(x, [1, 0, *range(2, x.shape.ndims)])


def _check_inputs(flat_inputs: list) -> None:
    """TF1's checks: rank >= 3, a known depth, one time and batch size for all (static shapes)."""
    for x in flat_inputs:
        if x.shape.ndims is None or x.shape.ndims < 3:
            raise ValueError(f"Shape must be at least rank 3 but is rank {x.shape.ndims} (dynamic_rnn input {x.name})")
        if any(d is None for d in x.shape.as_list()[2:]):
            raise ValueError(
                "Input size (depth of inputs) must be accessible via shape inference, but encountered None value."
            )
    for axis, what in ((0, "Time steps"), (1, "Batch_size")):
        sizes = {x.shape.as_list()[axis] for x in flat_inputs} - {None}
        if len(sizes) > 1:
            raise ValueError(f"{what} is not the same for all the elements in the input in a batch.")


def dynamic_rnn(
    cell: Any,
    inputs: Any,
    sequence_length: Any = None,
    initial_state: Any = None,
    dtype: Any = None,
    parallel_iterations: int | None = None,
    swap_memory: bool = False,
    time_major: bool = False,
    scope: Any = None,
) -> tuple:
    """tf.nn.dynamic_rnn (TF 1.15): runs `cell` over the time axis of `inputs`.

    For t = 0 .. T-1: ``(output_t, state) = cell(inputs[:, t], state)``. With
    `sequence_length` (int vector [batch]), TF1's masking: for a batch row b
    with t >= sequence_length[b], output_t[b] is zero and the state is copied
    through unchanged, so the final state of row b is its state at time
    sequence_length[b] - 1 (the initial state when 0).

    Args:
      cell: an RNNCell (``__call__(inputs, state) -> (output, new_state)``,
        ``zero_state(batch_size, dtype)``).
      inputs: [batch, time, ...] (time_major: [time, batch, ...]), or a
        nested structure of such tensors (the cell receives the structure).
      sequence_length: optional int32/int64 vector [batch].
      initial_state: the cell's initial state (default:
        ``cell.zero_state(batch, dtype)``).
      dtype: the state's dtype when `initial_state` is not given.
      parallel_iterations, swap_memory: ignored (as in tf.while_loop).
      time_major: inputs and outputs are [time, batch, ...].
      scope: variable scope (default "rnn").

    Returns:
      (outputs, state): outputs [batch, time, output_size] (time_major:
      [time, batch, output_size]; nested like ``cell.output_size``), and the
      final state, structured like ``cell.state_size``.

    Raises:
      TypeError: `cell` is not callable.
      ValueError: no `initial_state` and no `dtype`; inputs of rank < 3, of
        unknown depth or of differing time / batch sizes (TF1's messages);
        `sequence_length` not a vector.
    """
    del parallel_iterations, swap_memory
    if not callable(cell):
        raise TypeError(f"cell must be an instance of RNNCell, saw: {cell!r}")
    with variable_scope(scope or "rnn"):
        flat_inputs = [convert_to_tensor(x) for x in nest.flatten(inputs)]
        if not time_major:
            for x in flat_inputs:
                if x.shape.ndims is None or x.shape.ndims < 2:
                    raise ValueError(f"Shape must be at least rank 3 but is rank {x.shape.ndims}")
            flat_inputs = [_transpose_batch_time(x) for x in flat_inputs]
        _check_inputs(flat_inputs)  # time-major now
        time_steps = array_ops.shape(flat_inputs[0])[0]
        batch_size = array_ops.shape(flat_inputs[0])[1]
        static_time = flat_inputs[0].shape.as_list()[0]
        if initial_state is not None:
            state = initial_state
        else:
            if dtype is None:
                raise ValueError("If there is no initial_state, you must give a dtype.")
            state = cell.zero_state(batch_size, dtype)
        if sequence_length is not None:
            sequence_length = array_ops.cast(convert_to_tensor(sequence_length), _dtypes.int32)
            if sequence_length.shape.ndims not in (None, 1):
                raise ValueError(
                    f"sequence_length must be a vector of length batch_size, but saw shape: {sequence_length.shape}"
                )
        flat_state = [convert_to_tensor(s) for s in nest.flatten(state)]
        time = convert_to_tensor(0, dtype=_dtypes.int32)
        loop_vars = [time, *flat_state]
        cell_outputs = []  # the cell's output, for its structure

        def body(packed: list, rows: list) -> tuple[list, list]:
            t, old_state = packed
            step_inputs = nest.pack_sequence_as(inputs, rows)
            output, new_state = cell(step_inputs, old_state)
            flat_out = [convert_to_tensor(o) for o in nest.flatten(output)]
            flat_new = [convert_to_tensor(s) for s in nest.flatten(new_state)]
            flat_old = nest.flatten(old_state)
            if sequence_length is not None:
                # TF1's _rnn_step: rows past their length emit zeros and keep their state.
                finished = math_ops.greater_equal(t, sequence_length)
                flat_out = [array_ops.where(finished, array_ops.zeros_like(o), o) for o in flat_out]
                flat_new = [array_ops.where(finished, s_old, s) for s_old, s in zip(flat_old, flat_new)]
            cell_outputs.append(output)
            return [t + 1, *flat_new], flat_out

        with name_scope("while"):
            finals, _, stacked = _functional_while(
                lambda t, *_: math_ops.less(t, time_steps),
                lambda packed, rows: body([packed[0], nest.pack_sequence_as(state, list(packed[1:]))], rows),
                loop_vars,
                [v.shape for v in loop_vars],
                time_steps,
                True,
                [None] * len(loop_vars),
                sliced=flat_inputs,
            )
        output_structure = cell_outputs[0]
        if static_time is not None:
            for s in stacked:
                s.set_shape([static_time, *s.shape.as_list()[1:]])
        if not time_major:
            stacked = [_transpose_batch_time(s) for s in stacked]
        final_state = nest.pack_sequence_as(state, finals[1:])
        return nest.pack_sequence_as(output_structure, stacked), final_state


def _reverse_time(x: Any, lengths: Any) -> Any:
    """TF1's reverse_sequence on time-major x [T, B, ...]: row b's first lengths[b] steps reversed.

    y[t, b] = x[lengths[b] - 1 - t, b] for t < lengths[b], else x[t, b]
    (all T steps reversed without lengths), as one gather_nd (its gradient
    scatters back).
    """
    steps = array_ops.shape(x)[0]
    t = array_ops.expand_dims(array_ops.range(steps), 1)  # [T, 1]
    if lengths is None:
        return array_ops.gather(x, array_ops.reshape(steps - 1 - t, [-1]))
    length = array_ops.expand_dims(lengths, 0)  # [1, B]
    source = array_ops.where_v2(t < length, length - 1 - t, t + 0 * length)  # [T, B]
    batch = 0 * t + array_ops.expand_dims(array_ops.range(array_ops.shape(x)[1]), 0)
    return array_ops.gather_nd(x, array_ops.stack([source, batch], axis=-1))


def bidirectional_dynamic_rnn(
    cell_fw: Any,
    cell_bw: Any,
    inputs: Any,
    sequence_length: Any = None,
    initial_state_fw: Any = None,
    initial_state_bw: Any = None,
    dtype: Any = None,
    parallel_iterations: int | None = None,
    swap_memory: bool = False,
    time_major: bool = False,
    scope: Any = None,
) -> tuple:
    """tf.nn.bidirectional_dynamic_rnn (TF 1.15): a forward and a backward dynamic_rnn.

    The forward pass is ``dynamic_rnn(cell_fw, inputs)`` under
    ``<scope>/fw``; the backward one runs ``cell_bw`` under ``<scope>/bw`` on
    the inputs with each row's first ``sequence_length[b]`` steps reversed
    (all steps without `sequence_length`, TF1's reverse_sequence / reverse)
    and its outputs are reversed back, so ``output_bw[:, t]`` has seen steps
    t .. length-1. Default scope "bidirectional_rnn".

    Args:
      cell_fw, cell_bw: RNNCells; inputs, sequence_length, dtype,
      parallel_iterations, swap_memory, time_major: as dynamic_rnn;
      initial_state_fw, initial_state_bw: the two initial states.

    Returns:
      ((output_fw, output_bw), (output_state_fw, output_state_bw)).

    Raises:
      ValueError, TypeError: as dynamic_rnn.
    """
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            output_fw, state_fw = dynamic_rnn(
                cell_fw,
                inputs,
                sequence_length,
                initial_state_fw,
                dtype,
                parallel_iterations,
                swap_memory,
                time_major,
                scope=fw_scope,
            )
        lengths = None if sequence_length is None else array_ops.cast(convert_to_tensor(sequence_length), _dtypes.int32)

        def reverse(x: Any) -> Any:
            x = convert_to_tensor(x)
            if time_major:
                return _reverse_time(x, lengths)
            return _transpose_batch_time(_reverse_time(_transpose_batch_time(x), lengths))

        with variable_scope("bw") as bw_scope:
            reversed_inputs = nest.map_structure(reverse, inputs)
            reversed_out, state_bw = dynamic_rnn(
                cell_bw,
                reversed_inputs,
                sequence_length,
                initial_state_bw,
                dtype,
                parallel_iterations,
                swap_memory,
                time_major,
                scope=bw_scope,
            )
    output_bw = nest.map_structure(reverse, reversed_out)
    return (output_fw, output_bw), (state_fw, state_bw)
