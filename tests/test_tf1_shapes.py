"""TF1's shape surface: tf.Dimension (three-valued comparisons, arithmetic
with ints and Dimensions), tf.TensorShape (unknown rank, merge, compatibility,
rank checks, TF1's == and !=), Tensor.set_shape refining the graph's static
shape, Tensor comparison operators, and Session.run feeds converted as TF1's
``np.asarray(value, dtype=placeholder.dtype)``.

Expected values are TF1's documented results (tensor_shape.py docstrings and
tensor_shape_test.py), written out by hand."""

import pickle
import warnings

import numpy as np
import pytest

import slimcore as tf
from slimcore.framework.tensor_shape import as_dimension, as_shape, unknown_shape

D = tf.Dimension
S = tf.TensorShape


# ---- Dimension ------------------------------------------------------------------------
def test_dimension_value_and_int():
    assert D(3).value == 3 and D(None).value is None
    assert D(D(4)).value == 4 and D(2.0).value == 2 and D(np.int64(5)).value == 5
    assert int(D(7)) == 7 and list(range(D(3))) == [0, 1, 2]  # __index__
    with pytest.raises(TypeError):
        int(D(None))
    with pytest.raises(TypeError):
        range(D(None))


@pytest.mark.parametrize("bad", [-1, 1.5])
def test_dimension_refuses_negative_and_ambiguous_values(bad):
    with pytest.raises(ValueError, match=r"must be >= 0|Ambiguous dimension"):
        D(bad)


@pytest.mark.parametrize(
    "op, known",
    [
        (lambda a, b: a < b, True),
        (lambda a, b: a <= b, True),
        (lambda a, b: a > b, False),
        (lambda a, b: a >= b, False),
        (lambda a, b: a == b, False),
        (lambda a, b: a != b, True),
    ],
)
def test_dimension_comparisons_are_none_when_unknown(op, known):
    assert op(D(3), D(4)) is known
    assert op(D(3), 4) is known  # an int on the right
    assert op(3, D(4)) is known  # and on the left (reflected)
    assert op(D(None), D(4)) is None
    assert op(D(3), None) is None
    assert op(D(None), 4) is None


def test_dimension_equality_with_ints_and_dimensions():
    assert D(3) == 3 and D(3) == D(3) and (D(3) == 4) is False
    assert (D(None) == D(None)) is None
    assert D(3) != "a shape"  # not convertible: NotImplemented, falls back to identity
    assert hash(D(3)) == hash(D(3))


def test_comparison_with_a_static_dimension_like_tf1_code():
    net = tf.placeholder(tf.float32, [None, 8, 8, 64])
    inner_size = 128
    assert inner_size > net.shape[3]
    assert net.shape[3] * 2 == inner_size
    assert (net.shape[0] > 10) is None


@pytest.mark.parametrize(
    "op, expected",
    [
        (lambda a, b: a + b, 9),
        (lambda a, b: a - b, 3),
        (lambda a, b: a * b, 18),
        (lambda a, b: a // b, 2),
        (lambda a, b: a % b, 0),
    ],
)
def test_dimension_arithmetic(op, expected):
    for a, b in [(D(6), D(3)), (D(6), 3), (6, D(3))]:
        result = op(a, b)
        assert isinstance(result, D) and result.value == expected
    for a, b in [(D(None), D(3)), (D(6), D(None)), (D(None), 3), (6, D(None))]:
        result = op(a, b)
        assert isinstance(result, D) and result.value is None


def test_dimension_reflected_arithmetic_keeps_operand_order():
    assert (10 - D(3)).value == 7 and (10 // D(3)).value == 3 and (10 % D(3)).value == 1
    assert (4 % D(9)).value == 4 and (D(9) % 4).value == 1


def test_dimension_true_division_is_a_type_error_as_tf1():
    with pytest.raises(TypeError, match="please use // instead"):
        D(6) / D(2)
    with pytest.raises(TypeError, match="'Dimension' and 'int'"):
        D(6) / 2
    with pytest.raises(TypeError, match="'int' and 'Dimension'"):
        6 / D(2)


def test_dimension_merge_and_compatibility():
    assert D(3).merge_with(D(3)).value == 3
    assert D(3).merge_with(None).value == 3
    assert D(None).merge_with(4).value == 4
    assert D(None).merge_with(D(None)).value is None
    with pytest.raises(ValueError, match="Dimensions 3 and 4 are not compatible"):
        D(3).merge_with(4)
    assert D(3).is_compatible_with(3) and D(None).is_compatible_with(5) and not D(3).is_compatible_with(D(4))
    D(None).assert_is_compatible_with(2)
    with pytest.raises(ValueError, match="not compatible"):
        D(2).assert_is_compatible_with(3)


def test_dimension_str_repr_pickle():
    assert str(D(None)) == "?" and str(D(4)) == "4" and repr(D(4)) == "Dimension(4)"
    assert pickle.loads(pickle.dumps(D(5))).value == 5


# ---- TensorShape ----------------------------------------------------------------------------
def test_unknown_rank_shape():
    s = S(None)
    assert s.ndims is None and s.rank is None and s.dims is None
    assert not s.is_fully_defined() and s.num_elements() is None
    assert str(s) == "<unknown>" and not s
    with pytest.raises(ValueError, match="unknown rank"):
        len(s)
    with pytest.raises(ValueError, match="unknown TensorShape"):
        s.as_list()
    with pytest.raises(ValueError, match="unknown rank"):
        iter(s)
    assert s[2].value is None
    assert s[1:3].as_list() == [None, None] and s[1:].ndims is None
    with pytest.raises(ValueError, match="Steps"):
        s[::2]
    assert unknown_shape().ndims is None and unknown_shape(3).as_list() == [None, None, None]


def test_known_shape_basics():
    s = S([None, 28, 28, 3])
    assert s.ndims == 4 and s.rank == 4 and len(s) == 4 and s
    assert s.as_list() == [None, 28, 28, 3]
    assert [d.value for d in s.dims] == [None, 28, 28, 3] and [d.value for d in s] == [None, 28, 28, 3]
    assert isinstance(s[1], D) and s[1].value == 28 and s[-1].value == 3
    assert isinstance(s[1:], S) and s[1:].as_list() == [28, 28, 3]
    assert not s.is_fully_defined() and s.num_elements() is None
    assert S([2, 3]).is_fully_defined() and S([2, 3]).num_elements() == 6 and S([]).num_elements() == 1
    assert bool(S([]))  # TF1: a known rank is True even for a scalar
    assert str(s) == "(?, 28, 28, 3)" and str(S([5])) == "(5,)"
    assert S(4).as_list() == [4]  # TF1's deprecated single-int form
    assert S([D(2), None]).as_list() == [2, None]


def test_tensor_shape_refuses_strings_and_negative_dimensions():
    with pytest.raises(TypeError):
        S("12")
    with pytest.raises(ValueError, match="Dimension -1 must be >= 0"):
        S([-1, 3])
    with pytest.raises(IndexError):
        S([1, 2])[2]


def test_merge_with():
    assert S([None, 3]).merge_with([2, None]).as_list() == [2, 3]
    assert S(None).merge_with([2, None]).as_list() == [2, None]
    assert S([2, None]).merge_with(None).as_list() == [2, None]
    with pytest.raises(ValueError, match=r"Shapes \(2, 3\) and \(2, 4\) are not compatible"):
        S([2, 3]).merge_with([2, 4])
    with pytest.raises(ValueError, match="not compatible"):
        S([2, 3]).merge_with([2, 3, 1])


def test_compatibility():
    assert S(None).is_compatible_with([4, 4]) and S([32, 784]).is_compatible_with(None)
    assert S([None, None]).is_compatible_with([32, 784])
    assert S([32, None]).is_compatible_with([32, 784])
    assert not S([32, None]).is_compatible_with([64, None])
    assert not S([32, None]).is_compatible_with([32])
    S([32, 784]).assert_is_compatible_with([None, 784])
    with pytest.raises(ValueError, match="incompatible"):
        S([32, 784]).assert_is_compatible_with([32, 1, 784])


def test_most_specific_compatible_shape_and_concatenate():
    assert S([2, 1]).most_specific_compatible_shape([5, 1]).as_list() == [None, 1]
    assert S([1, 2, 3]).most_specific_compatible_shape([1, 2, 3]).as_list() == [1, 2, 3]
    assert S([1, 2]).most_specific_compatible_shape([1, 2, 3]).ndims is None
    assert S([None, 1]).most_specific_compatible_shape([None, 1]).as_list() == [None, 1]
    assert S([1, None]).concatenate([3]).as_list() == [1, None, 3]
    assert S([1]).concatenate(None).ndims is None and S(None).concatenate([1]).ndims is None
    assert (S([1]) + S([2])).as_list() == [1, 2]


def test_rank_checks():
    s = S([None, 3])
    assert s.with_rank(2) is not None and s.with_rank(2).as_list() == [None, 3]
    assert S(None).with_rank(3).as_list() == [None, None, None]
    with pytest.raises(ValueError, match="must have rank 3"):
        s.with_rank(3)
    assert s.with_rank_at_least(1) is s and S(None).with_rank_at_least(5).ndims is None
    with pytest.raises(ValueError, match="at least 3"):
        s.with_rank_at_least(3)
    with pytest.raises(ValueError, match="at most 1"):
        s.with_rank_at_most(1)
    s.assert_has_rank(2)
    S(None).assert_has_rank(7)
    with pytest.raises(ValueError, match="must have rank 1"):
        s.assert_has_rank(1)
    s.assert_same_rank([1, 2])
    s.assert_same_rank(None)
    with pytest.raises(ValueError, match="same rank"):
        s.assert_same_rank([1])
    with pytest.raises(ValueError, match="not fully defined"):
        s.assert_is_fully_defined()


def test_equality_as_tf1():
    assert S([2, 3]) == S([2, 3]) and S([2, 3]) == [2, 3] and S(None) == S(None)
    assert (S([None, 3]) == S([None, 3])) is False  # an unknown dimension equals nothing
    assert (S([2, 3]) == S([2, 3, 1])) is False and (S(None) == S([2])) is False
    assert (S([2, 3]) != S([2, 4])) is True
    assert (S([2, 3]) != S([2])) is True
    assert (S([2, 3]) != S([2, 3])) is False
    assert (S([None, 3]) != S([None, 4])) is None  # the first pair not known equal decides
    assert (S([2, None]) != S([3, None])) is True
    with pytest.raises(ValueError, match="unknown TensorShapes"):
        S(None) != S([2])  # noqa: B015


def test_conversions_and_pickle():
    s = S([None, 2])
    assert as_shape(s) is s and as_shape([1]).as_list() == [1]
    assert as_dimension(3).value == 3
    assert pickle.loads(pickle.dumps(s)).as_list() == [None, 2]
    assert pickle.loads(pickle.dumps(S(None))).ndims is None
    assert S(s).as_list() == [None, 2]


def test_dimension_value_and_dimension_at_index():
    import slimcore.compat.v1 as tf1

    x = tf.placeholder(tf.float32, [None, 5])
    assert tf1.dimension_value(x.shape[1]) == 5 and tf1.dimension_value(x.shape[0]) is None
    assert tf.dimension_value(7) == 7 and tf.dimension_value(None) is None
    assert tf.dimension_at_index(x.shape, 1).value == 5 and tf.dimension_at_index(S(None), 3).value is None
    with pytest.raises(IndexError):
        tf.dimension_at_index([1, 2], 2)


# ---- Tensor.set_shape / get_shape ------------------------------------------------------------------
def test_set_shape_refines_the_static_shape_and_later_ops_see_it():
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    y = x * 2.0
    x.set_shape([3, None])
    assert x.shape.as_list() == [3, 4] and x.get_shape().as_list() == [3, 4]
    assert y.shape.as_list() == [None, 4]  # built before: keeps its inferred shape, as TF1
    z = x + 1.0
    assert z.shape.as_list() == [3, 4]
    x.set_shape(None)  # nothing known: no change
    x.set_shape(tf.TensorShape([None, 4]))
    assert x.shape.as_list() == [3, 4]


def test_set_shape_refused_when_incompatible():
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    with pytest.raises(ValueError, match=r"x:0.*\(\?, 4\) and \(2, 5\)"):
        x.set_shape([2, 5])
    with pytest.raises(ValueError, match="not compatible"):
        x.set_shape([4])
    assert x.shape.as_list() == [None, 4]


def test_set_shape_binding_validates_in_cpp():
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    with pytest.raises(ValueError, match="not compatible"):
        x.graph._c.refine_output_shape(x._node, 0, [2, 5])
    with pytest.raises(ValueError, match="negative"):
        x.graph._c.refine_output_shape(x._node, 0, [-2, 4])
    with pytest.raises(ValueError, match="no output 1"):
        x.graph._c.refine_output_shape(x._node, 1, [2, 4])


def test_set_shape_is_checked_against_feeds():
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    x.set_shape([3, 2])
    total = tf.reduce_sum(x)
    with tf.Session() as sess:
        assert sess.run(total, {x: np.ones((3, 2))}) == 6.0
        with pytest.raises(tf.errors.InvalidArgumentError, match="x:0"):
            sess.run(total, {x: np.ones((4, 2))})


# ---- Tensor comparison operators ---------------------------------------------------------------------
def test_tensor_comparison_operators_build_comparison_ops():
    a = tf.constant([1.0, 2.0, 3.0])
    b = tf.constant([2.0, 2.0, 2.0])
    ops = {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "rev": a > 2.0}
    assert ops["<"].op.type == "Less" and ops["<="].op.type == "LessEqual"
    assert ops[">"].op.type == "Greater" and ops[">="].op.type == "GreaterEqual"
    assert ops["rev"].op.type == "Greater"  # 2.0 < a is a > 2.0 (Python reflects)
    v = tf.Variable([1.0, 3.0])
    assert (v < 2.0).op.type == "Less" and (v >= 2.0).op.type == "GreaterEqual"
    with tf.Session() as sess:
        out = sess.run(ops)
    np.testing.assert_array_equal(out["<"], [True, False, False])
    np.testing.assert_array_equal(out["<="], [True, True, False])
    np.testing.assert_array_equal(out[">"], [False, False, True])
    np.testing.assert_array_equal(out[">="], [False, True, True])
    np.testing.assert_array_equal(out["rev"], [False, False, True])  # 2 < a
    assert out["<"].dtype == np.bool_


def test_unknown_rank_shape_is_refused_where_the_engine_needs_a_rank():
    assert tf.placeholder(tf.float32, tf.TensorShape(None)).shape.ndims is None  # a placeholder takes it
    with pytest.raises(ValueError, match="unknown rank"):
        tf.zeros(tf.TensorShape(None))


def test_tensor_equality_stays_identity():
    a = tf.constant(1.0)
    assert (a == a) is True and (a == tf.constant(1.0)) is False
    assert {a: 1}[a] == 1


# ---- feeds converted as TF1 ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "dtype, value, expected",
    [
        (tf.int32, 1.0, 1),
        (tf.int32, 1.7, 1),  # np.asarray truncates toward zero, as TF1
        (tf.int32, -1.7, -1),
        (tf.int64, [1.0, 2.9], [1, 2]),
        (tf.float32, [0.5, 1.5], [0.5, 1.5]),
        (tf.float32, 3, 3.0),
        (tf.float64, True, 1.0),
        (tf.bool, True, True),
        (tf.bool, [0, 1, 2], [False, True, True]),
        (tf.float32, "2.5", 2.5),
    ],
)
def test_feed_converts_as_np_asarray(dtype, value, expected):
    p = tf.placeholder(dtype, np.shape(value))
    with tf.Session() as sess:
        out = sess.run(p, {p: value})
    assert out.dtype == np.dtype(dtype.as_numpy_dtype)
    np.testing.assert_array_equal(out, np.asarray(expected, dtype=out.dtype))


@pytest.mark.parametrize(
    "dtype, shape, value, error",
    [
        (tf.int32, [], 2**31, TypeError),  # a Python int out of range: TF1's TypeError
        (tf.int32, [1], np.array([2.0**40]), ValueError),
        (tf.int32, [1], np.array([np.nan]), ValueError),
        (tf.int64, [], np.inf, ValueError),
        (tf.float32, [], "abc", ValueError),
        (tf.float32, [2, None], [[1.0], [1.0, 2.0]], ValueError),  # ragged
        (tf.float32, [], None, TypeError),
        (tf.float32, [], 1 + 2j, TypeError),
    ],
)
def test_feed_that_cannot_convert_names_the_placeholder(dtype, shape, value, error):
    p = tf.placeholder(dtype, shape, name="feedme")
    with tf.Session() as sess, pytest.raises(error, match="feedme"):
        sess.run(p, {p: value})


def test_feed_of_a_tensor_is_refused():
    p = tf.placeholder(tf.float32, [], name="p")
    with tf.Session() as sess, pytest.raises(TypeError, match="cannot be a Tensor"):
        sess.run(p, {p: tf.constant(1.0)})


def test_feed_hardening_is_kept():
    p = tf.placeholder(tf.float32, [2], name="p")
    with tf.Session() as sess:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = sess.run(p, {p: [1, 2], "p:0": [3, 4]})
        assert any("fed twice" in str(w.message) for w in caught)
        np.testing.assert_array_equal(out, [3, 4])
        np.testing.assert_array_equal(sess.run(p, {p: np.arange(4.0)[::2]}), [0.0, 2.0])
        with pytest.raises(TypeError, match="feed_dict must be a dict"):
            sess.run(p, [(p, [1, 2])])
