"""slim.arg_scope, following tf_slim's own arg_scope tests."""

import pytest

from slimcore.slim import add_arg_scope, arg_scope, arg_scoped_arguments, current_arg_scope, has_arg_scope


@add_arg_scope
def func1(*args, **kwargs):
    return (args, kwargs)


@add_arg_scope
def func2(*args, **kwargs):
    return (args, kwargs)


@add_arg_scope
def func3(args, a=None, b=1, c=2):
    return (args, a, b, c)


def undecorated(a=1):
    return a


def key(f):
    return getattr(f, "_key_op", str(f))


def test_empty_scope_and_current_scope():
    with arg_scope([]) as sc:
        assert sc == {}
    with arg_scope([func1], a=1) as sc:
        assert current_arg_scope() == {key(func1): {"a": 1}}
        assert sc == current_arg_scope()
    assert current_arg_scope() == {}


def test_scoped_defaults_and_explicit_arguments_win():
    with arg_scope([func1], a=1, b=None, c=[1]):
        args, kwargs = func1(0)
        assert args == (0,) and kwargs == {"a": 1, "b": None, "c": [1]}
        assert func1(0, a=5)[1]["a"] == 5
    assert func1(0) == ((0,), {})


def test_nested_scopes_merge_inner_overrides():
    with arg_scope([func1], a=1, b=None):
        with arg_scope([func1], b=2, c=3):
            assert func1()[1] == {"a": 1, "b": 2, "c": 3}
        assert func1()[1] == {"a": 1, "b": None}


def test_scopes_are_per_function():
    with arg_scope([func1, func2], a=1):
        with arg_scope([func2], b=2):
            assert func1()[1] == {"a": 1}
            assert func2()[1] == {"a": 1, "b": 2}


def test_reuse_saved_scope():
    with arg_scope([func1], a=1, b=2) as saved:
        pass
    with arg_scope([func1], a=7):
        with arg_scope(saved):
            assert func1()[1] == {"a": 1, "b": 2}
        assert func1()[1] == {"a": 7}
    with pytest.raises(ValueError, match="kwargs must be empty"):
        with arg_scope(saved, a=3):
            pass


def test_named_parameters():
    with arg_scope([func3], a=10, c=30):
        assert func3(0) == (0, 10, 1, 30)
        assert func3(0, c=5) == (0, 10, 1, 5)
    assert arg_scoped_arguments(func3) == ("a", "b", "c")  # tf-slim's tuple: arguments with defaults


def test_undecorated_and_bad_arguments_are_refused():
    assert has_arg_scope(func1) and not has_arg_scope(undecorated)
    with pytest.raises(ValueError, match="not decorated"):
        with arg_scope([undecorated], a=1):
            pass
    with pytest.raises(TypeError):
        with arg_scope(func1, a=1):
            pass
    with pytest.raises(ValueError, match="not decorated"):
        arg_scoped_arguments(undecorated)


def test_argument_no_listed_function_accepts_raises_at_entry():
    with pytest.raises(ValueError, match=r"\['d'\].*none of"):
        with arg_scope([func3], d=1):
            pass
    # **kwargs functions accept anything; one accepting function is enough.
    with arg_scope([func1, func3], d=1):
        assert func1()[1] == {"d": 1}
