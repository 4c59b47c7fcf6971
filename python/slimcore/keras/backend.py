"""tf.keras.backend (graph mode) on slimcore: sessions, names, constants.

Keras in TF 1.x builds into the default graph and runs in one session per
graph, initializing the variables it finds uninitialized before each use;
slimcore's Keras models do the same through ``get_session``. Layer names are
unique per graph ("dense", "dense_1"...) and share their counter with
variable scopes, so a Keras ``Dense`` and a ``tf.layers.dense`` in one graph
never claim the same "dense/kernel".
"""

from __future__ import annotations

import weakref

from ..framework.ops import Graph, GraphKeys, get_default_graph, reset_default_graph
from ..framework.session import Session, get_default_session
from ..variable_scope import _state

__all__ = [
    "epsilon",
    "floatx",
    "get_session",
    "set_session",
    "clear_session",
    "unique_object_name",
    "initialize_uninitialized",
    "image_data_format",
]

_EPSILON = 1e-7
_SESSIONS: weakref.WeakKeyDictionary[Graph, Session] = weakref.WeakKeyDictionary()


def epsilon() -> float:
    """Keras' fuzz factor, 1e-7 (clips probabilities in the cross-entropies)."""
    return _EPSILON


def floatx() -> str:
    """Keras' default float type: 'float32'."""
    return "float32"


def image_data_format() -> str:
    """'channels_last' (NHWC): slimcore's only layout."""
    return "channels_last"


def unique_object_name(base: str, graph: Graph | None = None) -> str:
    """A name unused in `graph` at the top level, "base", then "base_1",
    "base_2"... (tf.keras' zero-based rule), reserved on return.

    The counter is the graph's variable-scope counter, shared with
    tf.layers' default names and variable_scope(default_name=...).
    """
    state = _state(graph or get_default_graph())
    name, index = base, 0
    while state.counts.get(name, 0) > 0:
        index += 1
        name = f"{base}_{index}"
    state.open(name)
    return name


def get_session(graph: Graph | None = None) -> Session:
    """tf.keras.backend.get_session: the default session when it runs
    `graph` (default: the default graph), else Keras' own session for that
    graph (created once). Variables are initialized by the models before use
    (see initialize_uninitialized), not here."""
    graph = graph or get_default_graph()
    default = get_default_session()
    if default is not None and default.graph is graph and not default._closed:
        return default
    session = _SESSIONS.get(graph)
    if session is None or session._closed:
        session = _SESSIONS[graph] = Session(graph=graph)
    return session


def set_session(session: Session) -> None:
    """tf.keras.backend.set_session: Keras uses `session` for its graph."""
    if not isinstance(session, Session):
        raise TypeError(f"set_session expects a slimcore Session, got {session!r}")
    _SESSIONS[session.graph] = session


def initialize_uninitialized(session: Session, variables: list | None = None) -> None:
    """Runs the initializers of the variables (default: the graph's global
    variables) that `session` has not initialized yet, as Keras' backend does."""
    graph = session.graph
    if variables is None:
        variables = graph.get_collection(GraphKeys.GLOBAL_VARIABLES)
    pending = [v for v in variables if not session._c.variable_initialized(v._variable._node)]
    if pending:
        session.run([v.initializer for v in pending])


def clear_session() -> None:
    """tf.keras.backend.clear_session: a new default graph (fresh layer-name
    counters) and no Keras session."""
    _SESSIONS.clear()
    reset_default_graph()
