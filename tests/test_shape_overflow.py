"""Shapes too large to index: every shape product is checked (overflow and
anything above 2**62 elements or PTRDIFF_MAX bytes is refused when the graph
is built, naming the op and the shape), a dimension beyond int64 is a
ValueError rather than a pybind11 cast message, and an allocation the system
refuses is a ResourceExhaustedError (a MemoryError), never a crash."""

import numpy as np
import pytest

import slimcore as tf
from slimcore import errors


@pytest.fixture(autouse=True)
def _graph():
    with tf.Graph().as_default():
        yield


def test_variable_whose_bytes_overflow_is_refused_when_built():
    # 2**62 float32 elements: the count fits int64, the 2**64 bytes do not (the
    # product used to wrap to a 64-byte buffer that the initializer overran).
    with pytest.raises(errors.InvalidArgumentError, match=r"op 'v/.*\[1073741824, 4294967296\]"):
        tf.get_variable("v", [2**30, 2**32])


def test_variable_whose_element_count_overflows_is_refused():
    with pytest.raises(ValueError, match=r"op 'w/.*\[4294967296, 4294967296\].*2\^62"):
        tf.get_variable("w", [2**32, 2**32])


def test_zero_dimension_does_not_hide_an_overflowing_product():
    # 0 elements, but the other dimensions' product (strides) would wrap.
    with pytest.raises(ValueError, match=r"\[0, 4294967296, 4294967296\]"):
        tf.placeholder(tf.float32, [0, 2**32, 2**32], name="p")


def test_reshape_whose_product_wraps_is_refused():
    x = tf.placeholder(tf.float32, [4], name="x")
    # (2**62 + 1) * 4 wraps to 4 in int64: once accepted, and the next op read
    # out of bounds.
    with pytest.raises(ValueError, match=r"reshape.*4611686018427387905"):
        tf.reshape(x, [2**62 + 1, 4])
    with pytest.raises(errors.InvalidArgumentError, match=r"op 'Reshape.*\[2305843009213693952, 4\]"):
        tf.reshape(x, [2**61, 4])


def test_reshape_with_inferred_dimension_and_huge_known_dims():
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    with pytest.raises(errors.InvalidArgumentError, match=r"op 'Reshape.*\[-1, 4294967296, 4294967296\]"):
        tf.reshape(x, [-1, 2**32, 2**32])


def test_placeholder_dimension_beyond_int64_is_a_value_error():
    with pytest.raises(ValueError, match=r"9223372036854775808.*2\*\*62"):
        tf.placeholder(tf.float32, [2**63], name="p")
    with pytest.raises(ValueError, match="2\\*\\*62"):
        tf.TensorShape([None, 2**63])


def test_attribute_beyond_int64_is_an_invalid_argument_not_a_cast_error():
    x = tf.placeholder(tf.float32, [4], name="x")
    with pytest.raises(errors.InvalidArgumentError, match=r"integer 36893488147419103232 is out of range"):
        x.graph._c.add_node("Reshape", [x._ref], {"shape": [2**65]}, "r")


def test_static_shape_element_count_is_exact():
    # np.prod wrapped at 2**63; the count is a Python int.
    assert tf.TensorShape([2**31, 2**31, 4]).num_elements() == 2**64


def test_one_hot_depth_times_batch_overflow_is_refused_at_run_time():
    # The batch is unknown when the graph is built; the run-time shape is
    # checked the same way.
    indices = tf.placeholder(tf.int32, [None], name="indices")
    hot = tf.one_hot(indices, 2**58, name="hot")  # [?, 2**58]: 2**60 bytes, accepted when built
    with tf.Session() as sess:
        with pytest.raises(errors.InvalidArgumentError, match=r"op 'hot'.*\[32, 288230376151711744\]"):
            sess.run(hot, {indices: np.zeros(32, np.int32)})


def test_allocation_the_system_refuses_is_resource_exhausted():
    # 2**46 float32 = 256 TiB: more than the 128 TiB a process can map, so
    # the allocator returns null whatever the overcommit policy.
    v = tf.get_variable("huge", [2**24, 2**22])  # glorot_uniform: a RandomUniform op, no numpy array
    with tf.Session() as sess:
        with pytest.raises(errors.ResourceExhaustedError, match=r"out of memory.*281474976710656 bytes") as info:
            sess.run(v.initializer)
    assert isinstance(info.value, MemoryError)


def test_resource_exhausted_error_is_exported():
    assert issubclass(errors.ResourceExhaustedError, MemoryError)
