"""tf.nn.rnn_cell / tf.contrib.rnn (TF 1.15): recurrent cells, graph mode.

A cell maps (inputs [batch, in], state) to (output, new_state); static_rnn
(``rnn_static``) and dynamic_rnn (``rnn``) unroll it over time. The formulas,
variable names, initialisers and state layouts are TF 1.15's
(``tensorflow/python/ops/rnn_cell_impl.py``); x_t is the step's input, h the
previous output, [x, h] their concatenation on axis 1, sigma the sigmoid:

=================  ==========================================================
BasicRNNCell       h' = act([x, h] @ kernel + bias)                 (tanh)
BasicLSTMCell      i, j, f, o = split([x, h] @ kernel + bias, 4, axis=1)
                   c' = c * sigma(f + forget_bias) + sigma(i) * act(j)
                   h' = act(c') * sigma(o); state LSTMStateTuple(c', h')
LSTMCell           BasicLSTMCell's, plus peepholes (sigma(f + forget_bias +
                   w_f_diag * c), sigma(i + w_i_diag * c), sigma(o + w_o_diag
                   * c')), cell_clip (c' clipped to +-cell_clip before the
                   output gate), num_proj (h' = m @ projection/kernel, then
                   clipped to +-proj_clip)
GRUCell            r, u = split(sigma([x, h] @ gates/kernel + gates/bias), 2)
                   c = act([x, r * h] @ candidate/kernel + candidate/bias)
                   h' = u * h + (1 - u) * c
=================  ==========================================================

Variables (what a TF1 checkpoint holds): a cell's scope is its class name in
snake case ("basic_lstm_cell", "lstm_cell", "gru_cell", "basic_rnn_cell"),
opened under the current variable scope the first time the cell is called
(made unique: a second cell there is "basic_lstm_cell_1") or named by the
call's ``scope=`` or the constructor's ``name=``; later calls reuse the same
variables wherever they happen (tf.layers.Layer's rule). Kernels are
"<scope>/kernel" [in + h, k * num_units], glorot_uniform by default
(get_variable's default, or the variable scope's initializer); biases
"<scope>/bias" start at zero, except GRUCell's "gates/bias" at 1.0.
static_rnn's steps thus share ``rnn/basic_lstm_cell/kernel``; MultiRNNCell
puts layer k under ``multi_rnn_cell/cell_k/``. The forget bias is added at
run time, not folded into the bias variable.

Regularization: a regularizer on the enclosing variable scope
(``tf.variable_scope("rnn", regularizer=l2)``) applies to every variable a
cell makes, as get_variable's does, and its penalties enter
REGULARIZATION_LOSSES; kernels have the role "weights" and biases "biases"
(slimcore's scope-level weight_decay default skips biases).

Example::

    cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(32) for _ in range(2)])
    cell = tf.nn.rnn_cell.DropoutWrapper(cell, output_keep_prob=keep_prob)
    outputs, state = tf.nn.static_rnn(cell, tf.unstack(x, axis=1), dtype=tf.float32)
    # rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel [in + 32, 128], ...
"""

from __future__ import annotations

import collections
import hashlib
import numbers
import re
from typing import TYPE_CHECKING, Any, Callable

from ..framework import dtypes as _dtypes
from ..framework import tensor_util
from ..framework.ops import Tensor, convert_to_tensor, name_scope
from ..framework.tensor_shape import TensorShape, dimension_value
from ..initializers import constant_initializer, zeros_initializer
from . import array_ops, math_ops, nn_ops, random_ops

if TYPE_CHECKING:  # annotations only
    from collections.abc import Sequence

    from ..framework.types import DTypeLike, InitializerFn, TensorLike
    from ..variables import Variable

__all__ = [
    "RNNCell",
    "LayerRNNCell",
    "BasicRNNCell",
    "BasicLSTMCell",
    "LSTMCell",
    "GRUCell",
    "MultiRNNCell",
    "DropoutWrapper",
    "ResidualWrapper",
    "DeviceWrapper",
    "LSTMStateTuple",
]


# ---- nested state structures (TF's nest, for tuples, lists and namedtuples) ----


def is_sequence(value: object) -> bool:
    """True for the containers a state structure is made of (tuple, list,
    namedtuple such as LSTMStateTuple); a tensor or a number is a leaf."""
    return isinstance(value, (tuple, list))


def flatten(structure: object) -> list:
    """The leaves of a nested structure in order (TF's nest.flatten)."""
    if not is_sequence(structure):
        return [structure]
    return [leaf for item in structure for leaf in flatten(item)]


def pack_sequence_as(structure: object, flat: Sequence) -> object:
    """The leaves `flat` put back in the shape of `structure` (nest.pack_sequence_as).

    Raises:
      ValueError: `flat` has another number of leaves than `structure`.
    """
    flat = list(flat)
    count = len(flatten(structure))
    if len(flat) != count:
        raise ValueError(f"Structure had {count} elements, but flat_sequence had {len(flat)} elements.")
    leaves = iter(flat)

    def rebuild(item: object) -> object:
        if not is_sequence(item):
            return next(leaves)
        children = [rebuild(child) for child in item]
        if isinstance(item, tuple) and hasattr(item, "_fields"):
            return type(item)(*children)
        return type(item)(children)

    return rebuild(structure)


def map_structure(fn: Callable, *structures: object) -> object:
    """fn over the leaves of structures of one shape (nest.map_structure)."""
    flats = [flatten(s) for s in structures]
    if any(len(f) != len(flats[0]) for f in flats):
        raise ValueError(f"The structures do not have the same number of elements: {[len(f) for f in flats]}")
    return pack_sequence_as(structures[0], [fn(*leaves) for leaves in zip(*flats)])


class LSTMStateTuple(collections.namedtuple("LSTMStateTuple", ("c", "h"))):
    """tf.nn.rnn_cell.LSTMStateTuple(c, h): an LSTM's state, the memory c and
    the output h (both [batch, units], or [batch, num_proj] for h of a
    projected LSTMCell)."""

    __slots__ = ()

    @property
    def dtype(self) -> _dtypes.DType:
        """The dtype of c and h.

        Raises:
          TypeError: c and h of two dtypes.
        """
        c, h = self
        if c.dtype != h.dtype:
            raise TypeError(f"Inconsistent internal state: {c.dtype} vs {h.dtype}")
        return c.dtype


# ---- the base class -----------------------------------------------------------------------


def _snake_case(name: str) -> str:
    """TF's base_layer._to_snake_case: "BasicLSTMCell" -> "basic_lstm_cell"."""
    intermediate = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    insecure = re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()
    return insecure if insecure[0] != "_" else "private" + insecure


def assert_like_rnncell(cell_name: str, cell: object) -> None:
    """TF's rnn_cell_impl.assert_like_rnncell: `cell` has output_size,
    state_size, zero_state and is callable.

    Raises:
      TypeError: naming `cell_name` and what is missing.
    """
    conditions = [
        (hasattr(cell, "output_size"), "'output_size' property is missing"),
        (hasattr(cell, "state_size"), "'state_size' property is missing"),
        (
            hasattr(cell, "zero_state") or hasattr(cell, "get_initial_state"),
            "either 'zero_state' or 'get_initial_state' method is required",
        ),
        (callable(cell), "is not callable"),
    ]
    errors = [message for ok, message in conditions if not ok]
    if errors:
        raise TypeError(f"The argument {cell_name!r} ({cell}) is not an RNNCell: {', '.join(errors)}.")


def _state_shape(batch_size: int | Tensor, size: object) -> tuple[list, list]:
    """[batch_size] + size as a list of ints/tensors (run-time shape) and as a
    static list (None for a tensor batch)."""
    dims = TensorShape(size if not isinstance(size, numbers.Integral) else [size]).as_list()
    if any(d is None for d in dims):
        raise ValueError(f"state and output sizes must be fully defined, got {size!r}")
    static_batch = batch_size if isinstance(batch_size, numbers.Integral) else None
    return [batch_size] + dims, [static_batch] + dims


def _zeros(batch_size: int | Tensor, size: object, dtype: _dtypes.DType) -> Tensor:
    """zeros [batch_size] + size; batch_size an int or a scalar int tensor."""
    shape, static = _state_shape(batch_size, size)
    if static[0] is not None:
        return array_ops.zeros(static, dtype=dtype)
    tensor_shape = array_ops.stack([array_ops.cast(batch_size, _dtypes.int32)] + shape[1:])
    out = array_ops.fill(tensor_shape, array_ops.constant(0, dtype=dtype))
    out.set_shape(static)
    return out


class RNNCell:
    """tf.nn.rnn_cell.RNNCell: the interface static_rnn and dynamic_rnn unroll.

    A subclass defines ``state_size`` and ``output_size`` (ints, TensorShapes
    or nested tuples of them), ``build(inputs_shape)`` (creates its variables
    with ``add_variable``) and ``call(inputs, state) -> (output, new_state)``.
    ``cell(inputs, state, scope=None)`` opens the cell's variable scope (see
    the module docstring), builds on the first call, and calls ``call``.

    Args:
      trainable: whether the cell's variables are trainable.
      name: the cell's variable scope name (default: the class name in snake case).
      dtype: the variables' dtype (default: the first inputs').
      reuse: True or AUTO_REUSE: the variables exist already (get_variable's reuse).
    """

    def __init__(
        self,
        trainable: bool = True,
        name: str | None = None,
        dtype: DTypeLike | None = None,
        reuse: Any = None,
        **kwargs: Any,
    ) -> None:
        if kwargs:
            raise TypeError(f"{type(self).__name__}: unexpected keyword argument(s) {sorted(kwargs)}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}: name must be a string, got {name!r}")
        self.trainable = trainable
        self._base_name = name or _snake_case(type(self).__name__)
        self._dtype = _dtypes.as_dtype(dtype) if dtype is not None else None
        self._reuse = reuse
        self._scope = None
        self._variables: list = []
        self.built = False

    # -- what a subclass defines --
    @property
    def state_size(self) -> Any:
        """Size(s) of the state: an int, TensorShape or nested tuple of them."""
        raise NotImplementedError("Abstract method")

    @property
    def output_size(self) -> Any:
        """Size of the output (int or TensorShape)."""
        raise NotImplementedError("Abstract method")

    def build(self, inputs_shape: TensorShape) -> None:
        """Creates the cell's variables (none in the base class)."""
        self.built = True

    def call(self, inputs: Tensor, state: Any) -> tuple:
        """(output, new_state) for one step."""
        raise NotImplementedError("Abstract method")

    # -- the interface --
    @property
    def name(self) -> str:
        return self._scope.name.rsplit("/", 1)[-1] if self._scope is not None else self._base_name

    @property
    def dtype(self) -> _dtypes.DType | None:
        return self._dtype

    @property
    def scope_name(self) -> str | None:
        """The full variable scope of the cell's variables (None before the first call)."""
        return self._scope.name if self._scope is not None else None

    @property
    def variables(self) -> list:
        """The cell's variables (of this cell and the cells it contains), after the first call."""
        own = list(self._variables)
        for inner in self._inner_cells():
            own += [v for v in inner.variables if not any(v is w for w in own)]
        return own

    weights = variables

    @property
    def trainable_variables(self) -> list:
        return [v for v in self.variables if v.trainable]

    trainable_weights = trainable_variables

    @property
    def non_trainable_variables(self) -> list:
        return [v for v in self.variables if not v.trainable]

    non_trainable_weights = non_trainable_variables

    def _inner_cells(self) -> list:
        return []

    def add_variable(
        self,
        name: str,
        shape: Sequence[int],
        dtype: DTypeLike | None = None,
        initializer: InitializerFn | None = None,
        regularizer: Callable | None = None,
        trainable: bool | None = None,
        *,
        role: str = "weights",
    ) -> Variable:
        """tf.layers' add_variable: get_variable("<cell scope>/<name>") with
        the cell's dtype and trainable flag, recorded in ``variables``.

        Args:
          name, shape, dtype, initializer: as get_variable (None initializer:
            the scope's, else glorot_uniform for floats).
          regularizer: a penalty of this variable (its loss is
            "<cell scope>/<name>/Regularizer/..." in REGULARIZATION_LOSSES);
            None: the variable scope's, if any.
          trainable: default the cell's.
          role: slimcore's role of the variable ("weights", "biases", ...).
        """
        from .._layer_util import layer_variable  # the API layer above ops: imported when cells build

        variable = layer_variable(
            name,
            list(shape),
            dtype or self._dtype,
            initializer,
            regularizer,
            role,
            trainable=self.trainable if trainable is None else trainable,
            model_variable=False,
        )
        if not any(variable is v for v in self._variables):
            self._variables.append(variable)
        return variable

    add_weight = add_variable

    def _scope_context(self, scope: Any) -> Any:
        """The variable scope of this call: on the first call a new scope
        (`scope`, else the cell's name made unique), captured; afterwards the
        captured one, reusing its variables (tf.layers.Layer's rule)."""
        from ..variable_scope import variable_scope

        if self._scope is not None:
            return variable_scope(self._scope, reuse=True)
        if self._reuse:
            return variable_scope(scope if scope is not None else self._base_name, reuse=self._reuse)
        return variable_scope(scope, default_name=self._base_name)

    def __call__(self, inputs: TensorLike, state: Any, scope: Any = None) -> tuple:
        """(output, new_state) = the cell applied to inputs [batch, in] and
        state, in the cell's variable scope (built on the first call).

        Raises:
          ValueError: inputs whose last dimension is unknown (when building).
        """
        inputs = _as_inputs(inputs)
        with self._scope_context(scope) as captured:
            if self._scope is None:
                self._scope = captured
            if not self.built:
                if self._dtype is None:
                    first = flatten(inputs)[0]
                    self._dtype = first.dtype
                self.build(_inputs_shape(inputs))
                self.built = True
            return self.call(inputs, state)

    def zero_state(self, batch_size: int | TensorLike, dtype: DTypeLike) -> Any:
        """Zeros of the state's structure, each [batch_size, size] (TF1's
        rnn_cell.zero_state, under the name scope "<ClassName>ZeroState").

        Args:
          batch_size: an int, or a scalar int tensor (e.g. tf.shape(x)[0]).
          dtype: the dtype of the zeros.
        """
        dtype = _dtypes.as_dtype(dtype)
        with name_scope(type(self).__name__ + "ZeroState"):
            return map_structure(lambda size: _zeros(batch_size, size, dtype), self.state_size)

    def get_initial_state(self, inputs: Any = None, batch_size: Any = None, dtype: DTypeLike | None = None) -> Any:
        """zero_state of the inputs' batch size and dtype (or the given ones).

        Raises:
          ValueError: inputs and batch_size/dtype that disagree; neither given.
        """
        if inputs is not None:
            inputs = convert_to_tensor(inputs)
            static = dimension_value(inputs.shape[0]) if inputs.shape.ndims else None
            batch_size = static if static is not None else array_ops.shape(inputs)[0]
            dtype = inputs.dtype
        if batch_size is None or dtype is None:
            raise ValueError(
                f"{type(self).__name__}.get_initial_state: pass inputs, or batch_size and dtype, "
                f"got batch_size={batch_size!r}, dtype={dtype!r}"
            )
        return self.zero_state(batch_size, dtype)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} '{self.scope_name or self._base_name}' state_size={self.state_size}>"


def _as_inputs(inputs: Any) -> Any:
    return map_structure(convert_to_tensor, inputs) if is_sequence(inputs) else convert_to_tensor(inputs)


def _inputs_shape(inputs: Any) -> TensorShape:
    first = flatten(inputs)[0]
    return first.shape


LayerRNNCell = RNNCell  # tf.nn.rnn_cell's LayerRNNCell: here every cell has the layer's scope rule


def _input_depth(cell: RNNCell, inputs_shape: TensorShape) -> int:
    """inputs_shape[-1], checked as TF1's build.

    Raises:
      ValueError: unknown rank or last dimension.
    """
    if inputs_shape.ndims is None or inputs_shape.as_list()[-1] is None:
        raise ValueError(f"{type(cell).__name__}: Expected inputs.shape[-1] to be known, saw shape: {inputs_shape}")
    return inputs_shape.as_list()[-1]


def _activation(activation: Callable | None) -> Callable:
    """A cell's activation: tanh for None, else the callable given.

    Raises:
      TypeError: a name such as "relu" (TF 1.15 looks names up in Keras; here
        pass the function, tf.nn.relu) or another non-callable.
    """
    if activation is None:
        return nn_ops.tanh
    if not callable(activation):
        raise TypeError(
            f"activation must be a callable such as tf.nn.relu (names are not looked up), got {activation!r}"
        )
    return activation


def _check_units(cell: str, num_units: object, arg: str = "num_units") -> int:
    if isinstance(num_units, bool) or not isinstance(num_units, numbers.Integral) or num_units < 1:
        raise ValueError(f"{cell}: {arg} must be a positive int, got {num_units!r}")
    return int(num_units)


def _check_rank2(cell: RNNCell, inputs: Tensor) -> None:
    if inputs.shape.ndims not in (None, 2):
        raise ValueError(f"{type(cell).__name__}: inputs must be [batch, depth] (rank 2), got shape {inputs.shape}")


def _linear(parts: list, kernel: Variable, bias: Variable | None) -> Tensor:
    """concat(parts, 1) @ kernel (+ bias): one matmul per gate block, as TF1."""
    out = math_ops.matmul(array_ops.concat(parts, 1), kernel)
    return nn_ops.bias_add(out, bias) if bias is not None else out


# ---- the cells ------------------------------------------------------------------------------


class BasicRNNCell(RNNCell):
    """tf.nn.rnn_cell.BasicRNNCell: h' = activation([x, h] @ kernel + bias);
    the output is h'.

    Variables: "<scope>/kernel" [in + num_units, num_units] (glorot_uniform),
    "<scope>/bias" [num_units] (zeros).

    Args:
      num_units: size of the state and output.
      activation: a callable (tf.nn.relu...); default tanh.
      reuse, name, dtype: see RNNCell.

    Raises:
      ValueError: num_units not a positive int.
    """

    def __init__(
        self,
        num_units: int,
        activation: Callable | None = None,
        reuse: Any = None,
        name: str | None = None,
        dtype: DTypeLike | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, dtype=dtype, reuse=reuse, **kwargs)
        self._num_units = _check_units("BasicRNNCell", num_units)
        self._activation = _activation(activation)

    @property
    def state_size(self) -> int:
        return self._num_units

    @property
    def output_size(self) -> int:
        return self._num_units

    def build(self, inputs_shape: TensorShape) -> None:
        depth = _input_depth(self, inputs_shape)
        self._kernel = self.add_variable("kernel", [depth + self._num_units, self._num_units])
        self._bias = self.add_variable("bias", [self._num_units], initializer=zeros_initializer(), role="biases")
        self.built = True

    def call(self, inputs: Tensor, state: Tensor) -> tuple:
        _check_rank2(self, inputs)
        output = self._activation(_linear([inputs, state], self._kernel, self._bias))
        return output, output


def _lstm_state(cell: RNNCell, state: Any, sizes: tuple) -> tuple:
    """(c, h) from a LSTMStateTuple (state_is_tuple) or a [batch, c + h] tensor."""
    if cell._state_is_tuple:
        if not (is_sequence(state) and len(state) == 2):
            raise ValueError(
                f"{type(cell).__name__}: with state_is_tuple=True the state must be an "
                f"LSTMStateTuple(c, h), got {state!r}"
            )
        return state[0], state[1]
    if is_sequence(state):
        raise ValueError(
            f"{type(cell).__name__}: with state_is_tuple=False the state must be one [batch, "
            f"{sum(sizes)}] tensor (c and h concatenated), got {state!r}"
        )
    state = convert_to_tensor(state)
    return (
        array_ops.slice(state, [0, 0], [-1, sizes[0]]),
        array_ops.slice(state, [0, sizes[0]], [-1, sizes[1]]),
    )


def _lstm_new_state(cell: RNNCell, c: Tensor, h: Tensor) -> Any:
    return LSTMStateTuple(c, h) if cell._state_is_tuple else array_ops.concat([c, h], 1)


def _check_state_is_tuple(cell: str, state_is_tuple: object) -> bool:
    if not isinstance(state_is_tuple, bool):
        raise TypeError(f"{cell}: state_is_tuple must be True or False, got {state_is_tuple!r}")
    if not state_is_tuple:
        import warnings

        warnings.warn(
            f"{cell}: state_is_tuple=False is deprecated in TF1 (c and h concatenated); "
            "prefer the default LSTMStateTuple state",
            DeprecationWarning,
            stacklevel=3,
        )
    return state_is_tuple


class BasicLSTMCell(RNNCell):
    """tf.nn.rnn_cell.BasicLSTMCell (no peepholes, no clipping, no projection)::

        i, j, f, o = split([x, h] @ kernel + bias, 4, axis=1)
        c' = c * sigmoid(f + forget_bias) + sigmoid(i) * activation(j)
        h' = activation(c') * sigmoid(o)

    The output is h'; the state LSTMStateTuple(c', h') (or concat([c', h'],
    1) with state_is_tuple=False). forget_bias is added at run time (the bias
    variable starts at zero), as TF1.

    Variables: "<scope>/kernel" [in + num_units, 4 num_units] (glorot_uniform),
    "<scope>/bias" [4 num_units] (zeros); gate order i, j, f, o.

    Args:
      num_units: size of c and h.
      forget_bias: added to the forget gate's pre-activation (default 1.0).
      state_is_tuple: LSTMStateTuple state (default) or one concatenated tensor.
      activation: a callable (tf.nn.relu...); default tanh.
      reuse, name, dtype: see RNNCell.

    Raises:
      ValueError: num_units not a positive int.
      TypeError: state_is_tuple not a bool.
    """

    def __init__(
        self,
        num_units: int,
        forget_bias: float = 1.0,
        state_is_tuple: bool = True,
        activation: Callable | None = None,
        reuse: Any = None,
        name: str | None = None,
        dtype: DTypeLike | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, dtype=dtype, reuse=reuse, **kwargs)
        self._num_units = _check_units("BasicLSTMCell", num_units)
        self._forget_bias = forget_bias
        self._state_is_tuple = _check_state_is_tuple("BasicLSTMCell", state_is_tuple)
        self._activation = _activation(activation)

    @property
    def state_size(self) -> Any:
        n = self._num_units
        return LSTMStateTuple(n, n) if self._state_is_tuple else 2 * n

    @property
    def output_size(self) -> int:
        return self._num_units

    def build(self, inputs_shape: TensorShape) -> None:
        depth = _input_depth(self, inputs_shape)
        self._kernel = self.add_variable("kernel", [depth + self._num_units, 4 * self._num_units])
        self._bias = self.add_variable("bias", [4 * self._num_units], initializer=zeros_initializer(), role="biases")
        self.built = True

    def call(self, inputs: Tensor, state: Any) -> tuple:
        _check_rank2(self, inputs)
        c, h = _lstm_state(self, state, (self._num_units, self._num_units))
        i, j, f, o = array_ops.split(_linear([inputs, h], self._kernel, self._bias), 4, axis=1)
        new_c = c * nn_ops.sigmoid(f + self._forget_bias) + nn_ops.sigmoid(i) * self._activation(j)
        new_h = self._activation(new_c) * nn_ops.sigmoid(o)
        return new_h, _lstm_new_state(self, new_c, new_h)


def _check_clip(cell: str, arg: str, value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
        raise ValueError(f"{cell}: {arg} must be a positive number or None, got {value!r}")
    return float(value)


class LSTMCell(RNNCell):
    """tf.nn.rnn_cell.LSTMCell: BasicLSTMCell's formulas plus optional
    peepholes (Gers & Schmidhuber 2000), cell clipping and a projection
    (Sak et al. 2014)::

        i, j, f, o = split([x, m] @ kernel + bias, 4, axis=1)
        c' = sigmoid(f + forget_bias [+ w_f_diag * c]) * c
             + sigmoid(i [+ w_i_diag * c]) * activation(j)
        c' = clip(c', -cell_clip, cell_clip)                  (cell_clip)
        m' = sigmoid(o [+ w_o_diag * c']) * activation(c')
        m' = clip(m' @ projection/kernel, -proj_clip, proj_clip)  (num_proj, proj_clip)

    The output is m'; the state LSTMStateTuple(c', m'). Variables:
    "<scope>/kernel" [in + h, 4 num_units] (`initializer`, default
    glorot_uniform), "<scope>/bias" [4 num_units] (zeros), with peepholes
    "w_f_diag", "w_i_diag", "w_o_diag" [num_units] and with num_proj
    "projection/kernel" [num_units, num_proj] (both `initializer`); h is
    num_proj with a projection, else num_units.

    Args:
      num_units: size of c.
      use_peepholes: the diagonal peephole connections above.
      cell_clip: clip c' to [-cell_clip, cell_clip] (None: no clipping).
      initializer: for the kernels and peepholes (None: the scope's, else glorot_uniform).
      num_proj: size of the projected output m' (None: no projection).
      proj_clip: clip the projection to [-proj_clip, proj_clip] (needs num_proj).
      num_unit_shards, num_proj_shards: deprecated partitioning; must be None.
      forget_bias: added to the forget gate at run time (default 1.0).
      state_is_tuple, activation, reuse, name, dtype: as BasicLSTMCell.

    Raises:
      ValueError: num_units/num_proj not positive ints, non-positive clips,
        shards given (slimcore does not partition variables).
      TypeError: state_is_tuple not a bool.
    """

    def __init__(
        self,
        num_units: int,
        use_peepholes: bool = False,
        cell_clip: float | None = None,
        initializer: InitializerFn | None = None,
        num_proj: int | None = None,
        proj_clip: float | None = None,
        num_unit_shards: int | None = None,
        num_proj_shards: int | None = None,
        forget_bias: float = 1.0,
        state_is_tuple: bool = True,
        activation: Callable | None = None,
        reuse: Any = None,
        name: str | None = None,
        dtype: DTypeLike | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, dtype=dtype, reuse=reuse, **kwargs)
        if num_unit_shards is not None or num_proj_shards is not None:
            raise ValueError(
                "LSTMCell: num_unit_shards and num_proj_shards (deprecated in TF1) are not supported: "
                "slimcore does not partition variables"
            )
        self._num_units = _check_units("LSTMCell", num_units)
        self._num_proj = None if num_proj is None else _check_units("LSTMCell", num_proj, "num_proj")
        self._use_peepholes = bool(use_peepholes)
        self._cell_clip = _check_clip("LSTMCell", "cell_clip", cell_clip)
        self._proj_clip = _check_clip("LSTMCell", "proj_clip", proj_clip)
        self._initializer = initializer
        self._forget_bias = forget_bias
        self._state_is_tuple = _check_state_is_tuple("LSTMCell", state_is_tuple)
        self._activation = _activation(activation)
        self._h_size = self._num_proj or self._num_units

    @property
    def state_size(self) -> Any:
        if self._state_is_tuple:
            return LSTMStateTuple(self._num_units, self._h_size)
        return self._num_units + self._h_size

    @property
    def output_size(self) -> int:
        return self._h_size

    def build(self, inputs_shape: TensorShape) -> None:
        depth = _input_depth(self, inputs_shape)
        n, init = self._num_units, self._initializer
        self._kernel = self.add_variable("kernel", [depth + self._h_size, 4 * n], initializer=init)
        self._bias = self.add_variable("bias", [4 * n], initializer=zeros_initializer(), role="biases")
        if self._use_peepholes:
            self._w_f_diag = self.add_variable("w_f_diag", [n], initializer=init)
            self._w_i_diag = self.add_variable("w_i_diag", [n], initializer=init)
            self._w_o_diag = self.add_variable("w_o_diag", [n], initializer=init)
        if self._num_proj is not None:
            self._proj_kernel = self.add_variable("projection/kernel", [n, self._num_proj], initializer=init)
        self.built = True

    def call(self, inputs: Tensor, state: Any) -> tuple:
        _check_rank2(self, inputs)
        c_prev, m_prev = _lstm_state(self, state, (self._num_units, self._h_size))
        i, j, f, o = array_ops.split(_linear([inputs, m_prev], self._kernel, self._bias), 4, axis=1)
        forget = f + self._forget_bias
        if self._use_peepholes:
            forget = forget + self._w_f_diag * c_prev
            i = i + self._w_i_diag * c_prev
        c = nn_ops.sigmoid(forget) * c_prev + nn_ops.sigmoid(i) * self._activation(j)
        if self._cell_clip is not None:
            c = math_ops.clip_by_value(c, -self._cell_clip, self._cell_clip)
        if self._use_peepholes:
            o = o + self._w_o_diag * c
        m = nn_ops.sigmoid(o) * self._activation(c)
        if self._num_proj is not None:
            m = math_ops.matmul(m, self._proj_kernel)
            if self._proj_clip is not None:
                m = math_ops.clip_by_value(m, -self._proj_clip, self._proj_clip)
        return m, _lstm_new_state(self, c, m)


class GRUCell(RNNCell):
    """tf.nn.rnn_cell.GRUCell (Cho et al. 2014)::

        r, u = split(sigmoid([x, h] @ gates/kernel + gates/bias), 2, axis=1)
        c = activation([x, r * h] @ candidate/kernel + candidate/bias)
        h' = u * h + (1 - u) * c

    The output and the state are h'. Variables: "<scope>/gates/kernel"
    [in + num_units, 2 num_units], "<scope>/gates/bias" [2 num_units]
    (1.0: gates start open, so the cell starts by carrying h through),
    "<scope>/candidate/kernel" [in + num_units, num_units],
    "<scope>/candidate/bias" [num_units] (zeros).

    Args:
      num_units: size of h.
      activation: a callable (tf.nn.relu...); default tanh.
      kernel_initializer: for both kernels (None: glorot_uniform or the scope's).
      bias_initializer: for both biases (None: 1.0 for the gates, 0 for the candidate).
      reuse, name, dtype: see RNNCell.

    Raises:
      ValueError: num_units not a positive int.
    """

    def __init__(
        self,
        num_units: int,
        activation: Callable | None = None,
        reuse: Any = None,
        kernel_initializer: InitializerFn | None = None,
        bias_initializer: InitializerFn | None = None,
        name: str | None = None,
        dtype: DTypeLike | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, dtype=dtype, reuse=reuse, **kwargs)
        self._num_units = _check_units("GRUCell", num_units)
        self._activation = _activation(activation)
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    @property
    def state_size(self) -> int:
        return self._num_units

    @property
    def output_size(self) -> int:
        return self._num_units

    def build(self, inputs_shape: TensorShape) -> None:
        depth = _input_depth(self, inputs_shape)
        n, kernel_init, bias_init = self._num_units, self._kernel_initializer, self._bias_initializer
        self._gate_kernel = self.add_variable("gates/kernel", [depth + n, 2 * n], initializer=kernel_init)
        self._gate_bias = self.add_variable(
            "gates/bias", [2 * n], initializer=bias_init or constant_initializer(1.0), role="biases"
        )
        self._candidate_kernel = self.add_variable("candidate/kernel", [depth + n, n], initializer=kernel_init)
        self._candidate_bias = self.add_variable(
            "candidate/bias", [n], initializer=bias_init or zeros_initializer(), role="biases"
        )
        self.built = True

    def call(self, inputs: Tensor, state: Tensor) -> tuple:
        _check_rank2(self, inputs)
        gates = nn_ops.sigmoid(_linear([inputs, state], self._gate_kernel, self._gate_bias))
        r, u = array_ops.split(gates, 2, axis=1)
        c = self._activation(_linear([inputs, r * state], self._candidate_kernel, self._candidate_bias))
        new_h = u * state + (1 - u) * c
        return new_h, new_h


class MultiRNNCell(RNNCell):
    """tf.nn.rnn_cell.MultiRNNCell: cells stacked; cell k reads cell k-1's
    output, under the variable scope "<scope>/cell_k" ("multi_rnn_cell/cell_0/
    basic_lstm_cell/kernel"). The output is the last cell's; the state a
    tuple of the cells' states (or their concatenation with
    state_is_tuple=False).

    Args:
      cells: a list of RNNCells (the same object twice shares its variables,
        with a warning as TF1).
      state_is_tuple: tuple state (default) or one concatenated tensor.

    Raises:
      ValueError: no cells; state_is_tuple=False with cells whose states are tuples.
      TypeError: cells not a list or tuple, or holding a non-cell.
    """

    def __init__(self, cells: Sequence[RNNCell], state_is_tuple: bool = True) -> None:
        super().__init__()
        if not is_sequence(cells):
            raise TypeError(f"cells must be a list or tuple, but saw: {cells}.")
        if not cells:
            raise ValueError("Must specify at least one cell for MultiRNNCell.")
        for k, cell in enumerate(cells):
            assert_like_rnncell(f"cells[{k}]", cell)
        if len({id(c) for c in cells}) < len(cells):
            import warnings

            warnings.warn(
                "At least two cells provided to MultiRNNCell are the same object and will share weights.",
                stacklevel=2,
            )
        self._cells = list(cells)
        self._state_is_tuple = state_is_tuple
        if not state_is_tuple and any(is_sequence(c.state_size) for c in self._cells):
            raise ValueError(
                "Some cells return tuples of states, but the flag state_is_tuple is not set. "
                f"State sizes are: {[c.state_size for c in self._cells]}"
            )

    @property
    def state_size(self) -> Any:
        if self._state_is_tuple:
            return tuple(c.state_size for c in self._cells)
        return sum(c.state_size for c in self._cells)

    @property
    def output_size(self) -> Any:
        return self._cells[-1].output_size

    def _inner_cells(self) -> list:
        return self._cells

    def zero_state(self, batch_size: int | TensorLike, dtype: DTypeLike) -> Any:
        if self._state_is_tuple:
            with name_scope(type(self).__name__ + "ZeroState"):
                return tuple(c.zero_state(batch_size, dtype) for c in self._cells)
        return super().zero_state(batch_size, dtype)

    def call(self, inputs: Tensor, state: Any) -> tuple:
        from ..variable_scope import variable_scope

        if self._state_is_tuple and not (is_sequence(state) and len(state) == len(self._cells)):
            raise ValueError(f"Expected state to be a tuple of length {len(self._cells)}, but received: {state}")
        position, current, new_states = 0, inputs, []
        for k, cell in enumerate(self._cells):
            with variable_scope(f"cell_{k}"):
                if self._state_is_tuple:
                    cell_state = state[k]
                else:
                    cell_state = array_ops.slice(state, [0, position], [-1, cell.state_size])
                    position += cell.state_size
                current, new_state = cell(current, cell_state)
                new_states.append(new_state)
        return current, tuple(new_states) if self._state_is_tuple else array_ops.concat(new_states, 1)


# ---- wrappers: no variable scope of their own, the wrapped cell's scope --------------------


class _Wrapper(RNNCell):
    """A cell around `cell`: same sizes, zero_state and variables; calling it
    calls the wrapped cell with the same `scope` (no scope of its own, as TF1)."""

    def __init__(self, cell: RNNCell) -> None:
        super().__init__()
        assert_like_rnncell("cell", cell)
        self._cell = cell

    @property
    def wrapped_cell(self) -> RNNCell:
        """The cell inside (also ``.cell``, TF 1.15's attribute)."""
        return self._cell

    cell = wrapped_cell

    @property
    def state_size(self) -> Any:
        return self._cell.state_size

    @property
    def output_size(self) -> Any:
        return self._cell.output_size

    def _inner_cells(self) -> list:
        return [self._cell]

    def zero_state(self, batch_size: int | TensorLike, dtype: DTypeLike) -> Any:
        with name_scope(type(self).__name__ + "ZeroState"):
            return self._cell.zero_state(batch_size, dtype)

    def __call__(self, inputs: TensorLike, state: Any, scope: Any = None) -> tuple:
        self.built = True
        return self._call_wrapped(_as_inputs(inputs), state, scope)

    def _call_wrapped(self, inputs: Any, state: Any, scope: Any) -> tuple:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._cell!r}>"


def _keep_prob(value: TensorLike, arg: str) -> float | Tensor:
    """A keep probability as a float (known when built) or a scalar tensor.

    Raises:
      ValueError: a known value outside [0, 1] (TF1's check).
    """
    if isinstance(value, (Tensor,)) or hasattr(value, "_as_tensor"):
        tensor = convert_to_tensor(value)
        known = tensor_util.constant_value(tensor)
        if known is None:
            if tensor.shape.ndims not in (0, None):
                raise ValueError(f"DropoutWrapper: {arg} must be a scalar, got shape {tensor.shape}")
            return tensor
        value = known
    if isinstance(value, bool) or (not isinstance(value, (numbers.Real,)) and getattr(value, "ndim", 1) != 0):
        raise TypeError(f"DropoutWrapper: {arg} must be a number in [0, 1] or a scalar tensor, got {value!r}")
    value = float(value)
    if not 0 <= value <= 1:
        raise ValueError(f"Parameter {arg} must be between 0 and 1: {value:g}")
    return value


def _default_dropout_state_filter_visitor(substate: object) -> Any:
    """TF1's default: drop h of an LSTMStateTuple but never its memory c; every other state."""
    if isinstance(substate, LSTMStateTuple):
        return LSTMStateTuple(c=False, h=True)
    return True


class DropoutWrapper(_Wrapper):
    """tf.nn.rnn_cell.DropoutWrapper: dropout on a cell's inputs, outputs and
    new state: x -> dropout(x, input_keep_prob), then the cell, then
    output -> dropout(output, output_keep_prob) and each state part the
    filter selects -> dropout(part, state_keep_prob) (by default every part
    but an LSTM's memory c). tf.nn.dropout's scaling: kept values / keep_prob.

    A keep probability of exactly 1 (a number) skips its dropout; a scalar
    tensor (e.g. a placeholder fed 0.5 to train and 1.0 to test) always
    applies it. Each dropout draws a new mask per step; with `seed` the
    masks are TF1's: op seed md5(str(seed) + "<input|output|state>_<k>").

    variational_recurrent=True (Gal & Ghahramani 2016) draws one mask per
    run for inputs, outputs and state, shared by all time steps (and, as
    TF1, by all examples of the batch: noise of shape [1, size]); it needs
    `dtype`, and `input_size` when input_keep_prob < 1.

    Args:
      cell: the wrapped RNNCell.
      input_keep_prob, output_keep_prob, state_keep_prob: numbers in [0, 1]
        or scalar float tensors (default 1.0).
      variational_recurrent: see above.
      input_size: the inputs' depth (int, TensorShape or nested), for
        variational_recurrent.
      dtype: the noise's dtype, for variational_recurrent.
      seed: op seed (int) or None.
      dropout_state_filter_visitor: fn(substate) -> bool or a structure of
        bools, which state parts state_keep_prob drops.

    Raises:
      ValueError: a keep probability outside [0, 1]; variational_recurrent
        without dtype, or without input_size when input_keep_prob < 1.
      TypeError: a non-cell `cell`, a non-callable filter.
    """

    def __init__(
        self,
        cell: RNNCell,
        input_keep_prob: TensorLike = 1.0,
        output_keep_prob: TensorLike = 1.0,
        state_keep_prob: TensorLike = 1.0,
        variational_recurrent: bool = False,
        input_size: Any = None,
        dtype: DTypeLike | None = None,
        seed: int | None = None,
        dropout_state_filter_visitor: Callable | None = None,
    ) -> None:
        super().__init__(cell)
        if dropout_state_filter_visitor is not None and not callable(dropout_state_filter_visitor):
            raise TypeError("dropout_state_filter_visitor must be callable")
        self._filter = dropout_state_filter_visitor or _default_dropout_state_filter_visitor
        with name_scope("DropoutWrapperInit"):
            self._input_keep_prob = _keep_prob(input_keep_prob, "input_keep_prob")
            self._state_keep_prob = _keep_prob(state_keep_prob, "state_keep_prob")
            self._output_keep_prob = _keep_prob(output_keep_prob, "output_keep_prob")
        self._seed = seed
        self._variational_recurrent = bool(variational_recurrent)
        self._noise: dict = {}
        if self._variational_recurrent:
            if dtype is None:
                raise ValueError("When variational_recurrent=True, dtype must be provided")
            dtype = _dtypes.as_dtype(dtype)
            sizes = {"state": cell.state_size, "output": cell.output_size}
            if _should_dropout(self._input_keep_prob):
                if input_size is None:
                    raise ValueError(
                        "When variational_recurrent=True and input_keep_prob < 1.0 or is unknown, "
                        "input_size must be provided"
                    )
                sizes["input"] = input_size
            with name_scope("DropoutWrapperInit"):
                for prefix, size in sizes.items():
                    self._noise[prefix] = [
                        random_ops.random_uniform(
                            [1] + TensorShape(s if not isinstance(s, numbers.Integral) else [s]).as_list(),
                            dtype=dtype,
                            seed=self._gen_seed(prefix, k),
                        )
                        for k, s in enumerate(flatten(size))
                    ]

    def _gen_seed(self, prefix: str, index: int) -> int | None:
        """TF1's per-tensor op seed: md5(str(seed) + "<prefix>_<index>")[:8] & 0x7FFFFFFF."""
        if self._seed is None:
            return None
        digest = hashlib.md5((str(self._seed) + f"{prefix}_{index}").encode("utf-8")).hexdigest()
        return int(digest[:8], 16) & 0x7FFFFFFF

    def _drop(self, value: Tensor, prefix: str, index: int, keep_prob: float | Tensor) -> Tensor:
        if not self._variational_recurrent:
            return nn_ops.dropout(value, keep_prob=keep_prob, seed=self._gen_seed(prefix, index))
        # TF1's _variational_recurrent_dropout_value: value / keep * floor(keep + noise)
        keep = keep_prob if isinstance(keep_prob, Tensor) else array_ops.constant(keep_prob, dtype=value.dtype)
        mask = math_ops.floor(keep + self._noise[prefix][index])
        return math_ops.divide(value, keep) * mask

    def _call_wrapped(self, inputs: Any, state: Any, scope: Any) -> tuple:
        if _should_dropout(self._input_keep_prob):
            flat = [self._drop(x, "input", k, self._input_keep_prob) for k, x in enumerate(flatten(inputs))]
            inputs = pack_sequence_as(inputs, flat)
        output, new_state = self._cell(inputs, state, scope=scope)
        if _should_dropout(self._state_keep_prob):
            new_state = self._drop_state(new_state)
        if _should_dropout(self._output_keep_prob):
            flat = [self._drop(y, "output", k, self._output_keep_prob) for k, y in enumerate(flatten(output))]
            output = pack_sequence_as(output, flat)
        return output, new_state

    def _drop_state(self, state: Any) -> Any:
        """Drops the state parts the filter selects; the index k counts every
        leaf (selected or not), as TF1's enumeration over the filtered structure."""
        leaves = _filtered_leaves(state, self._filter)
        out = [
            self._drop(leaf, "state", k, self._state_keep_prob) if selected else leaf
            for k, (leaf, selected) in enumerate(leaves)
        ]
        return pack_sequence_as(state, out)


def _should_dropout(keep_prob: float | Tensor) -> bool:
    return not isinstance(keep_prob, float) or keep_prob < 1


def _filtered_leaves(state: Any, visitor: Callable) -> list:
    """(leaf, selected) for each leaf of `state`, by TF's
    get_traverse_shallow_structure: the visitor says of a substructure True
    (look inside / select a leaf), False (skip it all), or a structure of
    bools for its children."""
    decision = visitor(state)
    if not is_sequence(state):
        if not isinstance(decision, bool):
            raise TypeError(f"dropout_state_filter_visitor must return a bool for a tensor, got {decision!r}")
        return [(state, decision)]
    if decision is False:
        return [(leaf, False) for leaf in flatten(state)]
    if decision is True:
        return [pair for child in state for pair in _filtered_leaves(child, visitor)]
    if not (is_sequence(decision) and len(decision) == len(state)):
        raise ValueError(f"dropout_state_filter_visitor returned {decision!r} for a state of structure {state!r}")
    out = []
    for child, choice in zip(state, decision):
        if choice is False:
            out += [(leaf, False) for leaf in flatten(child)]
        else:
            out += _filtered_leaves(child, visitor)
    return out


class ResidualWrapper(_Wrapper):
    """tf.nn.rnn_cell.ResidualWrapper: output = residual_fn(inputs, cell
    output), by default inputs + output (the sizes must match); the state is
    the cell's.

    Args:
      cell: the wrapped RNNCell.
      residual_fn: fn(inputs, outputs) -> outputs (default: their sum, leaf by leaf).
    """

    def __init__(self, cell: RNNCell, residual_fn: Callable | None = None) -> None:
        super().__init__(cell)
        self._residual_fn = residual_fn

    def _call_wrapped(self, inputs: Any, state: Any, scope: Any) -> tuple:
        output, new_state = self._cell(inputs, state, scope=scope)
        if self._residual_fn is not None:
            return self._residual_fn(inputs, output), new_state
        return map_structure(_residual_sum, inputs, output), new_state


def _residual_sum(inputs: Tensor, output: Tensor) -> Tensor:
    """inputs + output, of one shape (TF1 checks; a broadcast would hide a size mismatch)."""
    if not inputs.shape.is_compatible_with(output.shape):
        raise ValueError(
            f"ResidualWrapper: the cell's output {output.shape} must have the inputs' shape {inputs.shape}"
        )
    return inputs + output


class DeviceWrapper(_Wrapper):
    """tf.nn.rnn_cell.DeviceWrapper: runs the cell on `device`; slimcore runs
    every op on the CPU, so this is the cell itself (the device is kept)."""

    def __init__(self, cell: RNNCell, device: str) -> None:
        super().__init__(cell)
        self._device = device

    def _call_wrapped(self, inputs: Any, state: Any, scope: Any) -> tuple:
        return self._cell(inputs, state, scope=scope)
