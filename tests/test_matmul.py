"""MatMul with transpose flags: forward against numpy, gradients against finite differences."""

import numpy as np
import pytest

import slimcore as sc
from gradcheck import check_gradients, run_op


@pytest.mark.parametrize("transpose_a", [False, True])
@pytest.mark.parametrize("transpose_b", [False, True])
@pytest.mark.parametrize(
    "m,k,n",
    [
        (1, 1, 1),
        (3, 5, 2),
        (17, 33, 9),
        (256, 300, 128),
        (1, 3, 17),
        (3, 129, 1),
        (17, 65, 129),
        (65, 17, 3),
        (129, 1, 65),
        (129, 129, 17),
        (1, 4096, 129),  # one row: threads split the columns
        (2, 3000, 300),
        (300, 0, 5),  # empty inner dimension: zeros
    ],
)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forward(transpose_a, transpose_b, m, k, n, dtype):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((k, m) if transpose_a else (m, k)).astype(dtype)
    b = rng.standard_normal((n, k) if transpose_b else (k, n)).astype(dtype)
    got = run_op(lambda x, y: sc.matmul(x, y, transpose_a=transpose_a, transpose_b=transpose_b), [a, b])
    want = (a.T if transpose_a else a) @ (b.T if transpose_b else b)
    np.testing.assert_allclose(got, want, rtol=1e-4 if dtype == np.float32 else 1e-10, atol=1e-4)


@pytest.mark.parametrize("transpose_a", [False, True])
@pytest.mark.parametrize("transpose_b", [False, True])
def test_gradients(transpose_a, transpose_b):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((4, 3) if transpose_a else (3, 4))
    b = rng.standard_normal((5, 4) if transpose_b else (4, 5))
    check_gradients(lambda x, y: sc.matmul(x, y, transpose_a=transpose_a, transpose_b=transpose_b), [a, b])


def test_empty_and_unknown_batch():
    x = sc.placeholder(sc.float32, [None, 3])
    w = sc.constant(np.ones((3, 2), np.float32))
    y = x @ w
    assert y.shape.as_list() == [None, 2]
    with sc.Session() as sess:
        assert sess.run(y, {x: np.zeros((0, 3))}).shape == (0, 2)


def test_errors():
    with pytest.raises(ValueError, match="rank 2"):
        sc.matmul(sc.constant([1.0, 2.0]), sc.constant([[1.0], [2.0]]))
    with pytest.raises(ValueError, match=r"inner dimensions.*\(3 vs 4\)"):
        sc.matmul(sc.constant(np.ones((2, 3), np.float32)), sc.constant(np.ones((4, 2), np.float32)))
    with pytest.raises(TypeError, match="float"):
        sc.matmul(sc.constant([[1]]), sc.constant([[1]]))
    with pytest.raises(TypeError, match="dtype"):
        sc.matmul(sc.constant(np.ones((2, 2), np.float32)), sc.constant(np.ones((2, 2), np.float64)))
