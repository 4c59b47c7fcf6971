"""variable_scope / get_variable: TF1's naming and reuse rules, scope defaults,
slimcore's optimizer hints, and every error path."""

import math

import numpy as np
import pytest

import slimcore as sc
from slimcore import regularizers as reg

REG = sc.GraphKeys.REGULARIZATION_LOSSES


def values(*variables):
    with sc.Session() as sess:
        sess.run(sc.variables_initializer(list(variables)))
        return sess.run(list(variables))


# ---- names ---------------------------------------------------------------------------------
def test_variable_name_is_scope_slash_name():
    with sc.variable_scope("EasyNet"):
        w = sc.get_variable("weights", [784, 200])
    assert w.name == "EasyNet/weights:0"
    assert w.op.name == "EasyNet/weights"
    assert w.value().name == "EasyNet/weights/read:0"
    assert w.initializer.name.startswith("EasyNet/weights/")
    assert sc.get_default_graph().get_tensor_by_name("EasyNet/weights:0").op.type == "VariableV2"


def test_top_level_and_nested_names():
    top = sc.get_variable("top", [1])
    with sc.variable_scope("foo"):
        with sc.variable_scope("bar"):
            v = sc.get_variable("v", [1])
            assert sc.get_variable_scope().name == "foo/bar"
    assert top.name == "top:0"
    assert v.name == "foo/bar/v:0"
    assert sc.get_variable_scope().name == ""


def test_variable_scope_opens_a_name_scope_for_ops():
    with sc.variable_scope("a") as scope:
        sc.get_variable("w", [2])
        c = sc.constant(1.0, name="c")
    assert c.name == "a/c:0"
    assert scope.original_name_scope == "a/"


def test_second_entry_gives_ops_a_1_but_variables_a():
    with sc.variable_scope("a"):
        w = sc.get_variable("w", [2])
    with sc.variable_scope("a") as again:
        v = sc.get_variable("v", [2])
        c = sc.constant(1.0, name="c")
    assert w.name == "a/w:0" and v.name == "a/v:0"
    assert c.name == "a_1/c:0"
    assert again.name == "a" and again.original_name_scope == "a_1/"


def test_name_scopes_do_not_change_variable_names():
    with sc.name_scope("ns"):
        with sc.variable_scope("vs"):
            v = sc.get_variable("v", [1])
            c = sc.constant(1.0, name="c")
    with sc.variable_scope("scope"):
        with sc.name_scope("bar"):
            u = sc.get_variable("u", [1])
            x = 1.0 + u
    assert v.name == "vs/v:0" and c.name == "ns/vs/c:0"
    assert u.name == "scope/u:0" and x.op.name == "scope/bar/add"


def test_tf_variable_takes_the_name_scope():
    with sc.variable_scope("x"):
        v = sc.Variable(1.0, name="v2")
    assert v.name == "x/v2:0"


# ---- reuse -----------------------------------------------------------------------------------
def test_existing_variable_without_reuse_raises_tf1_message():
    with sc.variable_scope("a"):
        sc.get_variable("w", [2])
        with pytest.raises(ValueError, match="Variable a/w already exists, disallowed") as e:
            sc.get_variable("w", [2])
    assert "reuse=True or reuse=tf.AUTO_REUSE" in str(e.value)


def test_reuse_true_returns_the_same_variable():
    with sc.variable_scope("foo"):
        v = sc.get_variable("v", [1])
    with sc.variable_scope("foo", reuse=True) as scope:
        v1 = sc.get_variable("v", [1])
        assert scope.reuse is True
    assert v1 is v
    assert len(sc.global_variables()) == 1


def test_reuse_true_of_a_missing_variable_raises_tf1_message():
    with sc.variable_scope("foo", reuse=True):
        with pytest.raises(
            ValueError, match=r"Variable foo/missing does not exist, or was not created with tf\.get_variable\(\)"
        ):
            sc.get_variable("missing", [1])


def test_reuse_true_does_not_find_a_tf_variable():
    with sc.variable_scope("a"):
        sc.Variable(1.0, name="v")
    with sc.variable_scope("a", reuse=True):
        with pytest.raises(ValueError, match="does not exist"):
            sc.get_variable("v", [])


def test_auto_reuse_creates_then_returns():
    def foo():
        with sc.variable_scope("foo", reuse=sc.AUTO_REUSE):
            return sc.get_variable("v", [1])

    v1, v2 = foo(), foo()
    assert v1 is v2
    assert [v.name for v in sc.global_variables()] == ["foo/v:0"]


def test_reuse_is_inherited_by_sub_scopes():
    with sc.variable_scope("a"):
        with sc.variable_scope("b"):
            w = sc.get_variable("w", [2])
    with sc.variable_scope("a", reuse=True):
        with sc.variable_scope("b") as b:
            assert b.reuse is True
            assert sc.get_variable("w", [2]) is w
        with sc.variable_scope("b", reuse=False) as b_false:  # False means None: inherit
            assert b_false.reuse is True
            assert sc.get_variable("w") is w
            with pytest.raises(ValueError, match="does not exist"):
                sc.get_variable("new", [2])


def test_auto_reuse_is_inherited_and_may_be_set_under_reuse_true():
    with sc.variable_scope("p", reuse=sc.AUTO_REUSE):
        with sc.variable_scope("c") as c:
            assert c.reuse is sc.AUTO_REUSE
            first = sc.get_variable("w", [2])
            assert sc.get_variable("w", [2]) is first
    with sc.variable_scope("q", reuse=True):
        with sc.variable_scope("c", reuse=sc.AUTO_REUSE) as c:
            assert c.reuse is sc.AUTO_REUSE  # TF1: `reuse or parent.reuse`
            sc.get_variable("created", [2])
    assert "q/c/created:0" in [v.name for v in sc.global_variables()]


def test_root_scope_reuse_is_false_and_nested_none_is_false():
    assert sc.get_variable_scope().reuse is False
    with sc.variable_scope("a") as a:
        assert not a.reuse


def test_reuse_variables_on_the_current_scope():
    with sc.variable_scope("foo") as scope:
        v = sc.get_variable("v", [1])
        scope.reuse_variables()
        assert sc.get_variable("v", [1]) is v
        with sc.variable_scope("sub") as sub:
            assert sub.reuse is True
    # Only that scope object reuses; a new entry by name does not.
    with sc.variable_scope("foo"):
        with pytest.raises(ValueError, match="already exists"):
            sc.get_variable("v", [1])


def test_get_variable_scope_reuse_variables():
    with sc.variable_scope("g"):
        v = sc.get_variable("v", [3])
        sc.get_variable_scope().reuse_variables()
        assert sc.get_variable("v") is v


def test_shape_mismatch_on_reuse():
    with sc.variable_scope("a"):
        sc.get_variable("w", [2, 3])
    with sc.variable_scope("a", reuse=True):
        with pytest.raises(ValueError, match=r"Trying to share variable a/w, but specified shape"):
            sc.get_variable("w", [3, 2])
        with pytest.raises(ValueError, match="specified shape"):
            sc.get_variable("w", [2, 3, 1])
        assert sc.get_variable("w", [2, None]).shape.as_list() == [2, 3]  # compatible
        assert sc.get_variable("w").shape.as_list() == [2, 3]  # shape None: not checked


def test_dtype_mismatch_on_reuse():
    with sc.variable_scope("a"):
        sc.get_variable("w", [2])
        sc.get_variable("i", [2], dtype=sc.int32)
    with sc.variable_scope("a", reuse=True):
        with pytest.raises(ValueError, match="specified dtype float64 and found dtype float32"):
            sc.get_variable("w", [2], dtype=sc.float64)
        # As TF1, the default dtype is the scope's (float32).
        with pytest.raises(ValueError, match="specified dtype float32 and found dtype int32"):
            sc.get_variable("i", [2])
        assert sc.get_variable("i", [2], dtype=sc.int32).dtype == sc.int32


# ---- re-entering a captured scope ---------------------------------------------------------
def test_reentering_a_captured_scope_object():
    with sc.variable_scope("foo", initializer=sc.constant_initializer(2.0)) as foo:
        v = sc.get_variable("v", [1])
    with sc.variable_scope("other"):
        with sc.variable_scope(foo) as again:
            # Its name and defaults, not the enclosing scope's.
            assert again.name == "foo"
            w = sc.get_variable("w", [1])
            c = sc.constant(1.0, name="c")
        with sc.variable_scope(foo, reuse=True):
            assert sc.get_variable("v", [1]) is v
    assert w.name == "foo/w:0"
    np.testing.assert_array_equal(values(w)[0], [2.0])
    # TF 1.15 opens a new name scope named after the scope's last component.
    assert c.name == "other/foo/c:0"
    assert again.original_name_scope == "foo/"


def test_reentered_scope_keeps_its_own_reuse_not_the_enclosing_one():
    with sc.variable_scope("foo") as foo:
        pass
    with sc.variable_scope("outer", reuse=True):
        with sc.variable_scope(foo) as again:
            assert not again.reuse
            v = sc.get_variable("new", [1])
    assert v.name == "foo/new:0"


def test_reenter_without_auxiliary_name_scope_restores_the_original_one():
    # TF1's own docstring example.
    with sc.variable_scope("foo") as vs:
        pass
    with sc.variable_scope(vs, auxiliary_name_scope=False) as vs1:
        with sc.name_scope(vs1.original_name_scope):
            v = sc.get_variable("v", [1])
            c = sc.constant([1], name="c")
    assert v.name == "foo/v:0" and c.name == "foo/c:0"


def test_auxiliary_name_scope_false_keeps_ops_in_the_current_name_scope():
    with sc.name_scope("outer"):
        with sc.variable_scope("vs", auxiliary_name_scope=False) as vs:
            c = sc.constant(1.0, name="c")
            v = sc.get_variable("v", [1])
    assert c.name == "outer/c:0" and v.name == "vs/v:0"
    assert vs.original_name_scope == "outer/"


def test_reentering_the_root_scope_opens_no_name_scope():
    root = sc.get_variable_scope()
    with sc.variable_scope("a"):
        with sc.variable_scope(root) as again:
            c = sc.constant(1.0, name="c")
            v = sc.get_variable("v", [1])
    assert again.name == "" and v.name == "v:0" and c.name == "a/c:0"


# ---- default names --------------------------------------------------------------------------
def test_default_name_is_made_unique():
    names = []
    for _ in range(3):
        with sc.variable_scope(None, default_name="dense") as s:
            names.append(s.name)
            sc.get_variable("kernel", [2, 2])
    assert names == ["dense", "dense_1", "dense_2"]
    assert [v.name for v in sc.global_variables()] == ["dense/kernel:0", "dense_1/kernel:0", "dense_2/kernel:0"]


def test_default_name_counts_explicitly_named_scopes():
    with sc.variable_scope("dense"):
        pass
    with sc.variable_scope(None, default_name="dense") as s:
        assert s.name == "dense_1"
    # and the name scope follows the graph's own uniquification
    with sc.variable_scope(None, default_name="fc") as s:
        c = sc.constant(0.0, name="c")
    assert s.name == "fc" and c.name == "fc/c:0"


def _build_net():
    out = []
    for _ in range(2):
        with sc.variable_scope(None, default_name="dense"):
            out.append(sc.get_variable("kernel", [3, 3]))
    return out


def test_reentering_with_reuse_restarts_sub_scope_numbering():
    with sc.variable_scope("net"):
        first = _build_net()
    with sc.variable_scope("net", reuse=True):
        second = _build_net()
    assert [v.name for v in first] == ["net/dense/kernel:0", "net/dense_1/kernel:0"]
    assert second[0] is first[0] and second[1] is first[1]
    assert len(sc.global_variables()) == 2


def test_default_names_continue_inside_a_still_open_scope_reentered_by_object():
    # TF1: re-entering a scope object restores the sub-scope counts on exit,
    # it does not reset them on entry.
    with sc.variable_scope("a") as a:
        with sc.variable_scope(None, default_name="d") as d0:
            pass
        with sc.variable_scope(a):
            with sc.variable_scope(None, default_name="d") as d1:
                pass
    assert (d0.name, d1.name) == ("a/d", "a/d_1")


def test_default_name_with_reuse_raises():
    for reuse in (True, sc.AUTO_REUSE):
        with pytest.raises(ValueError, match="cannot be used without a name_or_scope"):
            with sc.variable_scope(None, default_name="d", reuse=reuse):
                pass


def test_scope_is_restored_after_an_exception():
    with pytest.raises(RuntimeError, match="inside"), sc.variable_scope("boom"):
        with sc.variable_scope(None, default_name="d"):
            raise RuntimeError("inside")
    assert sc.get_variable_scope().name == ""
    assert sc.get_default_graph().get_name_scope() == ""
    with sc.variable_scope("boom"):
        with sc.variable_scope(None, default_name="d") as d:
            assert d.name == "boom/d"  # counts were closed on the way out


# ---- scope defaults and hints ---------------------------------------------------------------
def test_scope_defaults_are_inherited_and_overridden():
    l2 = reg.l2_regularizer(0.1)
    l1 = reg.l1_regularizer(0.2)
    with sc.variable_scope(
        "outer",
        initializer=sc.constant_initializer(1.5),
        regularizer=l2,
        dtype=sc.float64,
        lr_mult=2.0,
        momentum=0.5,
        weight_decay=1e-4,
    ):
        a = sc.get_variable("a", [2])
        with sc.variable_scope("inner", initializer=sc.ones_initializer(), regularizer=l1, lr_mult=0.1):
            b = sc.get_variable("b", [2])
            c = sc.get_variable(
                "c",
                [2],
                dtype=sc.float32,
                initializer=sc.zeros_initializer(),
                regularizer=sc.no_regularizer,
                lr_mult=3.0,
                momentum=0.0,
                weight_decay=0.0,
            )
    assert a.dtype == sc.float64 and b.dtype == sc.float64 and c.dtype == sc.float32
    va, vb, vc = values(a, b, c)
    np.testing.assert_array_equal(va, [1.5, 1.5])
    np.testing.assert_array_equal(vb, [1.0, 1.0])
    np.testing.assert_array_equal(vc, [0.0, 0.0])
    assert a.regularizer is l2 and b.regularizer is l1
    assert (a.lr_mult, a.momentum, a.weight_decay) == (2.0, 0.5, 1e-4)
    assert (b.lr_mult, b.momentum, b.weight_decay) == (0.1, 0.5, 1e-4)
    assert (c.lr_mult, c.momentum, c.weight_decay) == (3.0, 0.0, 0.0)
    losses = sc.get_collection(REG)
    assert [t.name for t in losses] == [
        "outer/a/Regularizer/l2_regularizer:0",
        "outer/inner/b/Regularizer/l1_regularizer:0",
    ]


def test_hints_default_to_none():
    v = sc.get_variable("v", [2])
    assert (v.lr_mult, v.momentum, v.weight_decay, v.regularizer) == (None, None, None, None)


def test_scope_setters():
    with sc.variable_scope("s") as s:
        s.set_initializer(sc.constant_initializer(4.0))
        s.set_dtype(sc.float64)
        s.set_regularizer(reg.l2_regularizer(1.0))
        v = sc.get_variable("v", [2])
    assert v.dtype == sc.float64
    np.testing.assert_array_equal(values(v)[0], [4.0, 4.0])
    assert len(sc.get_collection(REG)) == 1


def test_variable_scope_get_variable_method():
    with sc.variable_scope("m", initializer=sc.ones_initializer()) as m:
        pass
    v = m.get_variable("v", [2])
    assert v.name == "m/v:0"
    np.testing.assert_array_equal(values(v)[0], [1.0, 1.0])
    assert sc.get_variable_scope().name == ""


def test_reuse_checks_explicit_hints_against_the_variable():
    with sc.variable_scope("h", lr_mult=2.0):
        sc.get_variable("w", [2])
    with sc.variable_scope("h", reuse=True):
        assert sc.get_variable("w", [2]).lr_mult == 2.0
        assert sc.get_variable("w", [2], lr_mult=2.0).lr_mult == 2.0
        with pytest.raises(ValueError, match=r"specified lr_mult 1\.0 and found lr_mult 2\.0"):
            sc.get_variable("w", [2], lr_mult=1.0)


def test_numpy_hints_are_accepted():
    v = sc.get_variable("v", [2], lr_mult=np.float32(0.5), weight_decay=np.float64(1e-3))
    assert v.lr_mult == 0.5 and v.weight_decay == 1e-3


# ---- initializers inside get_variable ----------------------------------------------------
def test_default_initializer_is_glorot_uniform_for_floats():
    w = sc.get_variable("w", [300, 700])
    v = values(w)[0]
    limit = math.sqrt(6.0 / (300 + 700))
    assert v.min() >= -limit * (1 + 1e-6) and v.max() <= limit * (1 + 1e-6)
    assert v.max() > limit * 0.999 and v.min() < -limit * 0.999
    assert v.std() == pytest.approx(limit / math.sqrt(3), rel=0.01)


@pytest.mark.parametrize("dtype, np_dtype", [(sc.int32, np.int32), (sc.int64, np.int64)])
def test_default_initializer_is_zeros_for_integers(dtype, np_dtype):
    i = sc.get_variable("i", [4], dtype=dtype)
    v = values(i)[0]
    assert v.dtype == np_dtype
    np.testing.assert_array_equal(v, np.zeros(4))


def test_initializer_class_is_instantiated_as_tf1():
    z = sc.get_variable("z", [3], initializer=sc.zeros_initializer)
    o = sc.get_variable("o", [3], initializer=sc.ones_initializer, dtype=sc.float64)
    vz, vo = values(z, o)
    np.testing.assert_array_equal(vz, [0, 0, 0])
    np.testing.assert_array_equal(vo, [1, 1, 1])
    assert vo.dtype == np.float64


def test_tensor_initializer_without_shape():
    t = sc.get_variable("t", initializer=sc.constant([[1.0, 2.0], [3.0, 4.0]]))
    assert t.shape.as_list() == [2, 2] and t.dtype == sc.float32
    np.testing.assert_array_equal(values(t)[0], [[1, 2], [3, 4]])


def test_value_initializers_keep_their_dtype_as_tf1():
    a = sc.get_variable("a", initializer=np.arange(3, dtype=np.float64))
    b = sc.get_variable("b", initializer=[1.0, 2.0])
    c = sc.get_variable("c", initializer=[1, 2], dtype=sc.float64)
    d = sc.get_variable("d", initializer=5)
    assert (a.dtype, b.dtype, c.dtype, d.dtype) == (sc.float64, sc.float32, sc.float64, sc.int32)
    np.testing.assert_array_equal(values(c)[0], [1.0, 2.0])


def test_value_initializer_errors():
    with pytest.raises(ValueError, match="If initializer is a constant, do not specify shape"):
        sc.get_variable("s", [2], initializer=sc.constant([1.0, 2.0]))
    with pytest.raises(ValueError, match="Initializer type 'float32' and explicit dtype 'float64'"):
        sc.get_variable("d", initializer=sc.constant([1.0, 2.0]), dtype=sc.float64)
    assert sc.global_variables() == []


def test_zero_argument_callable_initializer_without_shape():
    v = sc.get_variable("v", initializer=lambda: sc.ones([3]))
    np.testing.assert_array_equal(values(v)[0], [1, 1, 1])


def test_initializer_ops_live_under_the_variable():
    sc.get_variable("w", [2, 2], initializer=sc.truncated_normal_initializer(seed=1))
    names = [op.name for op in sc.get_default_graph().get_operations()]
    assert any(n.startswith("w/Initializer/") for n in names)


def test_integer_shape_is_a_vector():
    assert sc.get_variable("v", 5).shape.as_list() == [5]


# ---- regularizer and repr ---------------------------------------------------------------
def test_get_variable_regularizer_penalty_name_and_value():
    with sc.variable_scope("EasyNet"):
        w = sc.get_variable("weights", [4, 3], regularizer=reg.l2_regularizer(0.5))
    (loss,) = sc.get_collection(REG)
    assert loss.name == "EasyNet/weights/Regularizer/l2_regularizer:0"
    assert w.regularization_loss is loss
    with sc.Session() as sess:
        sess.run(w.initializer)
        wv, lv = sess.run([w, loss])
    assert lv == pytest.approx(0.5 * np.sum(wv.astype(np.float64) ** 2) / 2, rel=1e-6)


def test_penalty_name_ignores_enclosing_name_scopes():
    with sc.name_scope("ns"):
        with sc.variable_scope("x", regularizer=reg.l2_regularizer(0.1)):
            sc.get_variable("v", [2])
    assert [t.name for t in sc.get_collection(REG)] == ["x/v/Regularizer/l2_regularizer:0"]


def test_no_regularizer_switches_off_the_scope_regularizer():
    with sc.variable_scope("x", regularizer=reg.l2_regularizer(0.1)):
        sc.get_variable("w", [2])
        b = sc.get_variable("b", [2], regularizer=sc.no_regularizer)
        with sc.variable_scope("bn", regularizer=sc.no_regularizer):
            g = sc.get_variable("gamma", [2])
    assert [t.name for t in sc.get_collection(REG)] == ["x/w/Regularizer/l2_regularizer:0"]
    assert b.regularization_loss is None and g.regularization_loss is None


def test_reuse_does_not_apply_the_regularizer_again():
    with sc.variable_scope("x", regularizer=reg.l2_regularizer(0.1)):
        sc.get_variable("w", [2])
    with sc.variable_scope("x", reuse=True, regularizer=reg.l1_regularizer(0.1)):
        sc.get_variable("w", [2])
    assert len(sc.get_collection(REG)) == 1


def test_tf_variable_does_not_take_the_scope_regularizer_or_hints():
    with sc.variable_scope("x", regularizer=reg.l2_regularizer(0.1), lr_mult=2.0):
        v = sc.Variable(np.ones(3, np.float32), name="v2")
        g = sc.get_variable("v1", [3])
    assert sc.get_collection(REG) == [g.regularization_loss]
    assert v.regularizer is None and v.regularization_loss is None and v.lr_mult is None
    assert g.lr_mult == 2.0


def test_variable_repr_shows_regularizer_and_hints():
    with sc.variable_scope("net", regularizer=reg.l2_regularizer(0.0005)):
        w = sc.get_variable("w", [3, 3], lr_mult=1.0, momentum=0.9, weight_decay=0.0)
        b = sc.get_variable("b", [3], regularizer=sc.no_regularizer, lr_mult=2.0)
    plain = sc.get_variable("plain", [3])
    r = repr(w)
    assert "net/w:0" in r and "regularizer=<TF1 l2_regularizer: 0.0005 * sum(w^2) / 2>" in r
    assert "lr_mult=1.0" in r and "momentum=0.9" in r and "weight_decay=0.0" in r
    assert "regularizer=no_regularizer" in repr(b) and "lr_mult=2.0" in repr(b)
    assert "regularizer" not in repr(plain) and "lr_mult" not in repr(plain)


def test_scope_repr_shows_its_defaults():
    with sc.variable_scope("s", regularizer=reg.l2_regularizer(0.1), weight_decay=1e-4) as s:
        r = repr(s)
    assert "'s'" in r and "l2_regularizer" in r and "weight_decay=0.0001" in r


# ---- errors -----------------------------------------------------------------------------------
def test_shape_none_for_a_new_variable():
    with pytest.raises(
        ValueError,
        match=r"Shape of a new variable \(w\) must be fully defined, "
        r"but instead was None",
    ):
        sc.get_variable("w")


def test_partially_unknown_shape_for_a_new_variable():
    with pytest.raises(ValueError, match="must be fully defined"):
        sc.get_variable("w", [None, 3])
    assert sc.global_variables() == []


@pytest.mark.parametrize("hint", ["lr_mult", "momentum", "weight_decay"])
@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf")])
def test_bad_hint_values(hint, bad):
    with pytest.raises(ValueError, match=hint):
        sc.get_variable("w", [2], **{hint: bad})
    with pytest.raises(ValueError, match=hint):
        with sc.variable_scope("s", **{hint: bad}):
            pass
    assert sc.global_variables() == []


@pytest.mark.parametrize("bad", ["0.1", True, [0.1]])
def test_non_numeric_hints(bad):
    with pytest.raises(TypeError, match="lr_mult"):
        sc.get_variable("w", [2], lr_mult=bad)


@pytest.mark.parametrize("argument", ["partitioner", "custom_getter", "constraint"])
def test_unsupported_arguments_raise(argument):
    def fn(*args, **kwargs):
        return None

    with pytest.raises(ValueError, match="not supported"):
        sc.get_variable("w", [2], **{argument: fn})
    with pytest.raises(ValueError, match="not supported"):
        with sc.variable_scope("s", **{argument: fn}):
            pass


def test_bad_scope_arguments():
    with pytest.raises(TypeError, match="default_name is None"):
        with sc.variable_scope(None):
            pass
    with pytest.raises(TypeError, match="name_or_scope must be a string or VariableScope"):
        with sc.variable_scope(3):
            pass
    with pytest.raises(ValueError, match="reuse parameter"):
        with sc.variable_scope("s", reuse="yes"):
            pass
    with pytest.raises(ValueError, match="reuse parameter"):
        with sc.variable_scope("s", reuse=1):
            pass
    with pytest.raises(TypeError, match="auxiliary_name_scope"):
        with sc.variable_scope("s", auxiliary_name_scope=None):
            pass


def test_trainable_and_collections():
    v = sc.get_variable("v", [2], trainable=False)
    w = sc.get_variable("w", [2], collections=["mine", sc.GraphKeys.GLOBAL_VARIABLES])
    assert v in sc.global_variables() and v not in sc.trainable_variables()
    assert sc.get_collection("mine") == [w] and w in sc.trainable_variables()
