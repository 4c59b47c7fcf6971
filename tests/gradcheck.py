"""Gradient checks against central finite differences, in float64.

For an op y = f(x1, ..., xk) and a random cotangent r, the analytic
gradient of <r, y> is what slimcore.gradients(y, xs, grad_ys=r) returns;
the numeric one is (<r, f(x + h e_i)> - <r, f(x - h e_i)>) / 2h per element.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Callable

import numpy as np

import slimcore as sc


def run_op(fn: Callable, inputs: Sequence[np.ndarray]) -> np.ndarray:
    """Builds fn(*placeholders) in a fresh graph and evaluates it on `inputs`."""
    graph = sc.Graph()
    with graph.as_default():
        placeholders = [sc.placeholder(sc.as_dtype(a.dtype), a.shape) for a in inputs]
        y = fn(*placeholders)
        with sc.Session(graph=graph) as sess:
            return sess.run(y, dict(zip(placeholders, inputs)))


def check_gradients(
    fn: Callable,
    inputs: Sequence[np.ndarray],
    wrt: Sequence[int] | None = None,
    eps: float = 1e-6,
    rtol: float = 1e-6,
    atol: float = 1e-8,
    seed: int = 0,
) -> None:
    """Asserts that slimcore's gradients of fn match finite differences.

    Args:
      fn: builds the output tensor from one placeholder per input.
      inputs: float64 arrays (other dtypes are fed but not differentiated).
      wrt: indices of the inputs to check (default: all float inputs).
    """
    inputs = [np.asarray(a) for a in inputs]
    if wrt is None:
        wrt = [i for i, a in enumerate(inputs) if a.dtype == np.float64]
    rng = np.random.default_rng(seed)
    graph = sc.Graph()
    with graph.as_default():
        placeholders = [sc.placeholder(sc.as_dtype(a.dtype), a.shape) for a in inputs]
        y = fn(*placeholders)
        with sc.Session(graph=graph) as sess:
            feed = dict(zip(placeholders, inputs))
            y0 = np.asarray(sess.run(y, feed))
            cotangent = rng.standard_normal(y0.shape)
            seed_ph = sc.placeholder(sc.float64, y0.shape)
            grads = sc.gradients(y, [placeholders[i] for i in wrt], grad_ys=seed_ph)
            for i, g in zip(wrt, grads):
                assert g is not None, f"no gradient for input {i}"
            analytic = sess.run(grads, {**feed, seed_ph: cotangent})
            for i, g in zip(wrt, analytic):
                numeric = np.zeros_like(inputs[i])
                flat = numeric.reshape(-1)
                for k in range(inputs[i].size):
                    plus = [a.copy() for a in inputs]
                    minus = [a.copy() for a in inputs]
                    plus[i].reshape(-1)[k] += eps
                    minus[i].reshape(-1)[k] -= eps
                    fp = np.asarray(sess.run(y, dict(zip(placeholders, plus))))
                    fm = np.asarray(sess.run(y, dict(zip(placeholders, minus))))
                    flat[k] = np.sum(cotangent * (fp - fm)) / (2 * eps)
                np.testing.assert_allclose(
                    np.asarray(g), numeric, rtol=rtol, atol=atol, err_msg=f"gradient of input {i}"
                )
