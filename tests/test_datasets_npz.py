"""load_npz: the label layouts it accepts, and every refusal naming the file,
the array and its shape (never unpickling, never allocating what a corrupt
header claims)."""

import io
import re
import zipfile

import numpy as np
import pytest

from slimcore.app.datasets import MAX_CLASSES, load_npz


def _x(n=8, features=3):
    return np.random.default_rng(0).random((n, features))


Y = np.array([0, 1, 2, 1, 0, 2, 1, 0])


@pytest.mark.parametrize(
    "y",
    [Y, Y[:, None], Y[:, None].astype(np.float32), np.eye(3)[Y], np.eye(3, dtype=bool)[Y], Y.astype(np.uint8)],
    ids=["ids", "column", "float column", "one-hot", "bool one-hot", "uint8"],
)
def test_label_layouts_that_mean_class_ids(tmp_path, y):
    np.savez(tmp_path / "d.npz", x_train=_x(), y_train=y, x_test=_x(2), y_test=Y[:2])
    data = load_npz(str(tmp_path / "d.npz"))
    np.testing.assert_array_equal(data.y_train, Y)
    assert data.y_train.dtype == np.int64 and data.num_classes == 3


def test_a_column_of_labels_is_not_read_as_one_hot(tmp_path):
    """[N, 1] labels once became argmax = 0 everywhere (accuracy 1.0000)."""
    np.savez(tmp_path / "d.npz", x=_x(), y=Y[:, None])
    data = load_npz(str(tmp_path / "d.npz"), test_fraction=0.25)
    assert sorted(set(data.y_train.tolist()) | set(data.y_test.tolist())) == [0, 1, 2]


@pytest.mark.parametrize(
    "arrays,message",
    [
        ({"x": _x(), "y": np.random.default_rng(1).random((8, 3))}, r"'y' \(shape \[8, 3\].*must be one-hot"),
        ({"x": _x(), "y": np.eye(3)[Y] * 2}, r"'y' \(shape \[8, 3\].*must be one-hot"),
        ({"x": _x(), "y": np.zeros((8, 3))}, "must be one-hot"),
        ({"x": _x(), "y": Y + 0.5}, r"'y' \(shape \[8\], dtype float64\) must hold integer class ids"),
        ({"x": _x(), "y": np.where(Y > 0, np.nan, 0.0)}, "non-integer"),
        ({"x": _x(), "y": Y - 1}, "negative class ids"),
        ({"x": _x(), "y": Y * MAX_CLASSES}, "class id"),
        ({"x": _x(), "y": np.full(8, 1e300)}, "class id"),
        ({"x": _x(), "y": Y[:5]}, r"x has 8 rows \(shape \[8, 3\]\) but y has 5"),
        ({"x": _x(), "y": Y.reshape(2, 2, 2)}, r"'y' \(shape \[2, 2, 2\]"),
        ({"x": _x(), "y": Y.astype(str)}, "array .y. has dtype <U21; load_npz reads numeric arrays only"),
        ({"x": _x(), "y": Y.astype(complex)}, "complex.*numeric arrays only"),
        ({"x": np.where(_x() > 0.5, np.inf, 0), "y": Y}, r"'x' \(shape \[8, 3\].*NaN or Inf"),
        ({"x": np.full((8, 3), 1e300), "y": Y}, "beyond float32's range"),
        ({"x": _x().astype(str), "y": Y}, "numeric arrays only"),
        ({"x": np.arange(8), "y": Y}, r"'x' \(shape \[8\].*must be \[N, features"),
        ({"x": np.zeros((8, 0)), "y": Y}, "at least one feature"),
        ({"x": np.array([None] * 8, dtype=object), "y": Y}, r"array 'x' has dtype object.*never pickled"),
        ({"x": np.zeros(8, dtype=[("a", "f4")]), "y": Y}, "array 'x' has dtype"),
        ({"a": _x()}, "missing array"),
    ],
)
def test_refusals_name_the_file_and_the_array(tmp_path, arrays, message):
    path = tmp_path / "bad.npz"
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match=re.escape(str(path)) + ".*" + message):
        load_npz(str(path))


def _zip(tmp_path, members, compression=zipfile.ZIP_STORED):
    path = tmp_path / "crafted.npz"
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _npy(array):
    buf = io.BytesIO()
    np.save(buf, array)
    return buf.getvalue()


def test_a_header_claiming_a_huge_array_is_refused_before_allocating(tmp_path):
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": "<f4", "fortran_order": False, "shape": (999999999999, 3)})
    huge = buf.getvalue() + bytes(24)
    path = _zip(tmp_path, {"x.npy": huge, "y.npy": _npy(Y)})
    with pytest.raises(ValueError, match=r"array 'x' has shape \(999999999999, 3\).*holds 24 bytes"):
        load_npz(str(path))


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "not a zip archive"),
        (b"PK\x03\x04 truncated", "not a readable .npz file"),
        (_npy(Y), "not a zip archive"),
    ],
)
def test_corrupt_files_are_refused_naming_the_file(tmp_path, content, message):
    path = tmp_path / "corrupt.npz"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=re.escape(str(path)) + ".*" + message):
        load_npz(str(path))


def test_a_truncated_archive_and_a_corrupt_member_are_refused(tmp_path):
    np.savez_compressed(tmp_path / "d.npz", x=_x(1000), y=np.zeros(1000, np.int64))
    data = (tmp_path / "d.npz").read_bytes()
    (tmp_path / "d.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match=r"d\.npz is not a readable \.npz file"):
        load_npz(str(tmp_path / "d.npz"))
    path = _zip(tmp_path, {"x.npy": b"\x93NUMPY\x01\x00garbage", "y.npy": _npy(Y)})
    with pytest.raises(ValueError, match=r"crafted\.npz"):
        load_npz(str(path))
    path = _zip(tmp_path, {"x.npy": _npy(_x()), "y.npy": _npy(Y), "x.npy ": b""})
    load_npz(str(path))  # members that are not .npy are ignored
