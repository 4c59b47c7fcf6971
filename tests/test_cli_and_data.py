"""The slimcore command, datasets and training runs on the shipped digits."""

import numpy as np
import pytest

from slimcore.app import cli
from slimcore.app.classifier_run import TrainConfig, train_classifier
from slimcore.app.datasets import load_digits, load_npz


def test_digits_are_real_and_split_reproducibly():
    data = load_digits(seed=3)
    assert data.x_train.shape == (1438, 64) and data.x_test.shape == (359, 64)
    assert data.x_train.dtype == np.float32 and data.x_train.min() >= 0.0 and data.x_train.max() <= 1.0
    assert sorted(set(data.y_train.tolist())) == list(range(10)) and data.num_classes == 10
    again = load_digits(seed=3)
    np.testing.assert_array_equal(data.y_test, again.y_test)
    assert not np.array_equal(load_digits(seed=4).y_test, data.y_test)
    with pytest.raises(ValueError, match="test_fraction"):
        load_digits(test_fraction=1.5)


def test_load_npz_layouts_and_errors(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.random((50, 6)), rng.integers(0, 3, 50)
    np.savez(tmp_path / "xy.npz", x=x, y=y)
    data = load_npz(str(tmp_path / "xy.npz"))
    assert len(data.x_train) == 40 and len(data.x_test) == 10 and data.num_classes == 3
    np.savez(tmp_path / "split.npz", x_train=x[:30], y_train=np.eye(3)[y[:30]], x_test=x[30:], y_test=y[30:])
    split = load_npz(str(tmp_path / "split.npz"))
    np.testing.assert_array_equal(split.y_train, y[:30])  # one-hot labels become ids
    np.savez(tmp_path / "test.npz", x=x[:5], y=y[:5])
    separate = load_npz(str(tmp_path / "xy.npz"), test_path=str(tmp_path / "test.npz"))
    assert len(separate.x_train) == 50 and len(separate.x_test) == 5
    cases = {
        "missing.npz": "does not exist",
        "nokeys.npz": "missing array",
        "rows.npz": "rows",
        "nan.npz": "NaN",
        "neg.npz": "negative",
        "frac.npz": "integer",
    }
    np.savez(tmp_path / "nokeys.npz", a=x)
    np.savez(tmp_path / "rows.npz", x=x, y=y[:10])
    np.savez(tmp_path / "nan.npz", x=np.where(x > 0.5, np.nan, x), y=y)
    np.savez(tmp_path / "neg.npz", x=x, y=y - 1)
    np.savez(tmp_path / "frac.npz", x=x, y=y + 0.5)
    for name, message in cases.items():
        with pytest.raises(ValueError, match=message):
            load_npz(str(tmp_path / name))
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="not a readable"):
        load_npz(str(tmp_path / "junk.npz"))


@pytest.mark.slow
def test_seed_002_finding_on_digits():
    """No regularization: a sensible test accuracy; scale 1.0: collapse towards
    chance, as seed 002 reports for MNIST."""
    data = load_digits()
    plain = train_classifier(data, TrainConfig(epochs=8, l2=0.0), progress=False)
    crushed = train_classifier(data, TrainConfig(epochs=8, l2=1.0), progress=False)
    assert plain.test_accuracy >= 0.9
    assert crushed.test_accuracy < 0.3
    assert crushed.weight_norm < plain.weight_norm / 10
    assert plain.history[-1]["penalty"] == 0.0 and crushed.history[-1]["penalty"] > 0.0
    assert all(h["loss"] == pytest.approx(h["data_loss"] + h["penalty"], rel=1e-5) for h in crushed.history)


def test_config_validation():
    with pytest.raises(ValueError, match="model"):
        TrainConfig(model="resnet").validate()
    with pytest.raises(ValueError, match="learning_rate"):
        TrainConfig(learning_rate=-1.0).validate()
    with pytest.raises(ValueError, match="l2"):
        TrainConfig(l2=float("nan")).validate()


@pytest.mark.slow
def test_train_command_writes_a_checkpoint(tmp_path, capsys):
    from slimcore.train import DoubleDecayWarning

    with pytest.warns(DoubleDecayWarning):  # --l2 and --weight-decay together: counted twice, and said so
        code = cli.main(
            [
                "train",
                "--epochs",
                "2",
                "--quiet",
                "--optimizer",
                "adamw",
                "--weight-decay",
                "1e-4",
                "--l2",
                "1e-4",
                "--checkpoint-dir",
                str(tmp_path),
            ]
        )
    out = capsys.readouterr().out
    assert code == 0 and "test accuracy" in out and "penalty" in out
    files = list(tmp_path.glob("*.safetensors"))
    assert len(files) == 1 and (tmp_path / "checkpoint").is_file()


@pytest.mark.slow
def test_sweep_command_table_and_plot(tmp_path, capsys):
    plot = tmp_path / "sweep.png"
    code = cli.main(["sweep", "--epochs", "1", "--quiet", "--scales", "0,0.01", "--plot", str(plot)])
    out = capsys.readouterr().out
    assert code == 0 and plot.is_file() and plot.read_bytes()[:4] == b"\x89PNG"
    assert "l2_regularizer" in out and "adamw (decoupled)" in out and "weight norm" in out


def test_report_command_flags_the_seed_000_bug(capsys):
    from slimcore.train import RegularizationNotAppliedWarning

    with pytest.warns(RegularizationNotAppliedWarning, match="EasyNet/fully_connected/weights"):
        assert cli.main(["report", "--l2", "0.01", "--data-loss-only"]) == 0
    out = capsys.readouterr().out
    assert "EasyNet/fully_connected/weights" in out and "NO" in out


def test_bad_arguments_are_refused(tmp_path, capsys):
    for argv in (
        ["train", "--epochs", "0"],
        ["train", "--learning-rate", "-1"],
        ["train", "--model", "vgg"],
        ["sweep", "--scales", "a,b"],
        ["train", "--l2", "nan"],
    ):
        with pytest.raises(SystemExit) as exit_info:
            cli.main(argv)
        assert exit_info.value.code == 2
    assert "error" in capsys.readouterr().err
    assert cli.main(["train", "--data", str(tmp_path / "none.npz"), "--quiet"]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert cli.main(["bench", "nonsense"]) == 2
    assert "unknown benchmark" in capsys.readouterr().err
