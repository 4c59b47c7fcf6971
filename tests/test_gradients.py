"""tf.gradients: structure, seeds, variables, higher order, errors."""

import numpy as np
import pytest

import slimcore as sc


def test_unconnected_inputs_get_none():
    x = sc.placeholder(sc.float32, [3], name="x")
    z = sc.placeholder(sc.float32, [3], name="z")
    y = x * 2.0
    gx, gz = sc.gradients(y, [x, z])
    assert gz is None
    with sc.Session() as sess:
        np.testing.assert_array_equal(sess.run(gx, {x: np.ones(3)}), [2, 2, 2])


def test_gradient_ops_live_under_the_gradients_scope():
    x = sc.placeholder(sc.float32, [2, 2], name="x")
    w = sc.Variable(np.eye(2, dtype=np.float32), name="w")
    y = sc.matmul(x, w, name="logits")
    (gw,) = sc.gradients(y, [w])
    assert gw.name.startswith("gradients/")
    assert "logits_grad" in gw.name
    (gw2,) = sc.gradients(y, w)
    assert gw2.name.startswith("gradients_1/")


def test_grad_ys_seed_and_several_ys():
    x = sc.placeholder(sc.float64, [3], name="x")
    y1 = x * x
    y2 = x * 3.0
    seed = np.array([1.0, 10.0, 100.0])
    (g,) = sc.gradients([y1, y2], [x], grad_ys=[seed, None])
    with sc.Session() as sess:
        xv = np.array([1.0, 2.0, 3.0])
        np.testing.assert_allclose(sess.run(g, {x: xv}), 2 * xv * seed + 3.0)
    with pytest.raises(ValueError, match="grad_ys"):
        sc.gradients([y1, y2], [x], grad_ys=[seed])


def test_gradient_with_respect_to_variable_and_its_value():
    w = sc.Variable(np.array([1.0, -2.0], np.float32), name="w")
    loss = w * w * 0.5
    gv, gr = sc.gradients(loss, [w, w.value()])
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())
        np.testing.assert_allclose(sess.run(gv), [1.0, -2.0])
        np.testing.assert_allclose(sess.run(gr), [1.0, -2.0])


def test_gradients_can_be_differentiated_again():
    x = sc.placeholder(sc.float64, [4], name="x")
    y = x * x * x
    (g,) = sc.gradients(y, [x])
    (gg,) = sc.gradients(g, [x])
    xv = np.array([-1.0, 0.5, 2.0, 3.0])
    with sc.Session() as sess:
        np.testing.assert_allclose(sess.run(g, {x: xv}), 3 * xv**2)
        np.testing.assert_allclose(sess.run(gg, {x: xv}), 6 * xv)


def test_gradient_descent_on_a_quadratic_converges():
    target = np.array([3.0, -1.0], np.float32)
    w = sc.Variable(np.zeros(2, np.float32))
    diff = w - target
    loss = diff * diff
    (g,) = sc.gradients(loss, [w])
    step = sc.assign_sub(w, g * 0.25)
    with sc.Session() as sess:
        sess.run(sc.global_variables_initializer())
        for _ in range(40):
            sess.run(step)
        np.testing.assert_allclose(sess.run(w), target, atol=1e-5)


def test_non_float_ys_are_refused():
    x = sc.placeholder(sc.int32, [3])
    with pytest.raises(TypeError, match="float"):
        sc.gradients(x * 2, [x])


def test_xs_must_be_tensors_or_variables():
    x = sc.placeholder(sc.float32, [3])
    with pytest.raises(TypeError):
        sc.gradients(x * 2.0, [np.ones(3)])
