"""set_num_threads is capped at 4 threads per core (never above 256): a count
beyond that is a ValueError naming the argument and the limit, from Python,
from C++ (the check lives in the engine) and from the command line, instead of
oversubscribing the cores."""

import os

import pytest

import slimcore as tf
from slimcore import _core
from slimcore.app import cli


@pytest.fixture
def restore_threads():
    saved = tf.get_num_threads()
    yield
    tf.set_num_threads(saved)


def test_limit_is_four_per_core_at_most_256():
    assert tf.max_num_threads() == min(4 * (os.cpu_count() or 1), 256)


def test_the_limit_itself_is_accepted(restore_threads):
    tf.set_num_threads(tf.max_num_threads())
    assert tf.get_num_threads() == tf.max_num_threads()
    tf.set_num_threads(1)
    assert tf.get_num_threads() == 1


@pytest.mark.parametrize("n", [100000, 2**31, 2**70])
def test_too_many_threads_is_a_value_error_naming_the_limit(n, restore_threads):
    tf.set_num_threads(1)
    with pytest.raises(ValueError, match=rf"n must be at most {tf.max_num_threads()}\b.*got {n}"):
        tf.set_num_threads(n)
    assert tf.get_num_threads() == 1  # unchanged


@pytest.mark.parametrize("n", [tf.max_num_threads() + 1, 100000, 2**40])
def test_engine_refuses_too_many_threads_itself(n, restore_threads):
    # The binding reaches the C++ check directly (what a C++ application gets).
    with pytest.raises(tf.errors.InvalidArgumentError, match=rf"num_threads must be at most {tf.max_num_threads()}"):
        _core.set_num_threads(n)


def test_zero_threads_still_refused():
    with pytest.raises(ValueError, match=">= 1"):
        tf.set_num_threads(0)


def test_cli_threads_option_is_checked_without_traceback(capsys, restore_threads):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["train", "--threads", "100000", "--epochs", "1", "--quiet"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --threads: expected at most {tf.max_num_threads()} threads" in err
    assert "Traceback" not in err
