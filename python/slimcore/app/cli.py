"""The `slimcore` command.

slimcore train     train a model (default: the sweep's MLP on the shipped digits)
slimcore sweep     the regularization sweep over L2 scales and the L2-vs-decoupled-decay comparison
slimcore report    the regularization report of a model
slimcore bench     the benchmarks, with ratios against PyTorch / TensorFlow when installed
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib.util
import io
import math
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence

import slimcore as sc

from .. import slim
from . import benchmarks
from .classifier_run import MODELS, OPTIMIZERS, SCHEDULES, TrainConfig, _build, _images, _optimizer, train_classifier
from .datasets import load_digits, load_npz


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def _thread_count(text: str) -> int:
    value = _positive_int(text)
    if value > sc.max_num_threads():
        raise argparse.ArgumentTypeError(
            f"expected at most {sc.max_num_threads()} threads (4 per core of this machine, never above 256), "
            f"got {value}"
        )
    return value


def _number(minimum: float, strict: bool):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not math.isfinite(value) or value < minimum or (strict and value == minimum):
            raise argparse.ArgumentTypeError(f"expected a number {'>' if strict else '>='} {minimum}, got {text}")
        return value

    return parse


def _seed(text: str) -> int:
    """A random seed: an integer in [0, 2**63) (numpy's and the engine's range)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text!r}") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"expected an integer in [0, 2**63), got {text}")
    return value


def _directory(text: str) -> str:
    """A folder to write into: it may not exist yet, but it may not be a file."""
    if not text:
        raise argparse.ArgumentTypeError("expected a folder, got ''")
    path = os.path.abspath(text)
    while not os.path.exists(path):  # the nearest existing ancestor must be a folder
        path = os.path.dirname(path)
    if not os.path.isdir(path):
        raise argparse.ArgumentTypeError(f"{text} is not a folder ({path} is a file)")
    return text


def _scales(text: str) -> list:
    parse = _number(0.0, False)
    values = [parse(t) for t in text.split(",") if t.strip()]
    if not values:
        raise argparse.ArgumentTypeError("expected a comma-separated list of scales")
    return values


# The largest number of classes the command trains: a label of 1e9 in a data
# file is a broken file, not a billion-unit logits layer to allocate.
MAX_CLASSES = 100_000


class UsageError(ValueError):
    """A bad command-line value found after parsing (a data file's contents)."""


def _load(args: argparse.Namespace):
    """The --data set (default: the shipped digits).

    Raises:
      UsageError: naming --data (or --test-data): a missing or unreadable
        file, arrays that load_npz refuses, or class ids of MAX_CLASSES and more.
    """
    if not args.data:
        if args.test_data:
            raise UsageError("argument --test-data: needs --data")
        return load_digits(seed=args.seed)
    option = "--data" if args.test_data is None else "--data/--test-data"
    try:
        data = load_npz(args.data, seed=args.seed, test_path=args.test_data)
    except Exception as e:  # load_npz's own errors, and anything numpy raises reading a file
        raise UsageError(f"argument {option}: {e}") from None
    largest = max(data.y_train.max(initial=0), data.y_test.max(initial=0))
    if largest >= MAX_CLASSES:
        raise UsageError(
            f"argument {option}: the labels (y) hold class id {largest}; class ids must be below {MAX_CLASSES} "
            "(the model has one logit per class)"
        )
    return data


def _config(args: argparse.Namespace, **overrides) -> TrainConfig:
    values = dict(
        model=args.model,
        optimizer=args.optimizer,
        learning_rate=args.learning_rate,
        schedule=args.schedule,
        l2=args.l2,
        weight_decay=args.weight_decay,
        decay_convention=args.decay_convention,
        epochs=args.epochs,
        batch_size=args.batch_size,
        seed=args.seed,
    )
    values.update(overrides)
    return TrainConfig(**values)


def _threads(args: argparse.Namespace) -> None:
    if args.threads:
        sc.set_num_threads(args.threads)


def _mpi_job_size() -> int:
    """The number of ranks of the MPI job this process is a rank of (MPICH's
    PMI_SIZE, Open MPI's OMPI_COMM_WORLD_SIZE); 1 outside mpiexec."""
    for variable in ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE"):
        if os.environ.get(variable, "").isdigit():
            return int(os.environ[variable])
    return 1


def _launch_workers(args: argparse.Namespace) -> int:
    """`slimcore train --workers N`: the same command under `mpiexec -n N`
    (this environment's mpiexec, from the mpi extra's MPICH), each rank with
    cores / N threads unless --threads says otherwise. Returns mpiexec's exit code.

    Raises:
      UsageError: naming --workers, when mpi4py or mpiexec is missing.
    """
    mpiexec = shutil.which("mpiexec", path=os.path.dirname(sys.executable)) or shutil.which("mpiexec")
    if mpiexec is None or importlib.util.find_spec("mpi4py") is None:
        raise UsageError("argument --workers: needs the mpi extra: pip install 'slimcore[mpi]' (mpi4py and MPICH)")
    argv = list(getattr(args, "argv", None) or sys.argv[1:])
    for i, arg in enumerate(argv):
        if arg == "--workers":
            del argv[i : i + 2]
            break
        if arg.startswith("--workers="):
            del argv[i]
            break
    env = dict(os.environ)
    if args.threads is None:
        env["OMP_NUM_THREADS"] = str(max(1, (os.cpu_count() or 1) // args.workers))
    command = [mpiexec, "-n", str(args.workers), sys.executable, "-m", "slimcore", *argv]
    with subprocess.Popen(command, env=env) as job:
        try:
            return job.wait()
        except KeyboardInterrupt:  # Ctrl-C reached mpiexec too: it stops every rank
            return job.wait()


def cmd_train(args: argparse.Namespace) -> int:
    """Trains one model and prints accuracies, the report and the checkpoint.
    Under mpiexec (or with --workers N) it is one rank of data-parallel
    training (slimcore.distributed): only rank 0 prints."""
    if args.workers > 1 and _mpi_job_size() == 1:
        return _launch_workers(args)
    if _mpi_job_size() > 1:
        from .. import distributed

        distributed.init()
        if distributed.rank() != 0:
            with contextlib.redirect_stdout(io.StringIO()):
                return _train(args)
    return _train(args)


def _train(args: argparse.Namespace) -> int:
    _threads(args)
    data = _load(args)
    config = _config(args)
    ranks = sc.framework.replicas.count()
    shards = f" on {ranks} ranks ({len(data.x_train) // ranks} each)" if ranks > 1 else ""
    print(
        f"training {config.model} on {len(data.x_train)} examples{shards} ({len(data.x_test)} held out), "
        f"{config.optimizer} lr={config.learning_rate} l2={config.l2} weight_decay={config.weight_decay}"
    )
    result = train_classifier(
        data, config, progress=not args.quiet, checkpoint_dir=args.checkpoint_dir, logdir=args.logdir
    )
    for h in result.history:
        if h["epoch"] == 1 or h["epoch"] % max(1, config.epochs // 5) == 0 or h["epoch"] == config.epochs:
            print(
                f"epoch {h['epoch']:3d}  loss {h['loss']:.4f} (data {h['data_loss']:.4f} + "
                f"penalty {h['penalty']:.4f})  decoupled decay step {h['decay']:.3g}"
            )
    print(
        f"train accuracy {result.train_accuracy:.4f}  test accuracy {result.test_accuracy:.4f}  "
        f"weight norm {result.weight_norm:.2f}  ({result.seconds:.1f}s)"
    )
    if result.checkpoint:
        print(f"checkpoint: {result.checkpoint}.safetensors")
    return 0


def _train_sweep_point(data, progress: bool, config: TrainConfig):
    """One configuration of `slimcore sweep`: what every backend runs (module-level so that a
    spawned worker process or a Ray task unpickles it by reference)."""
    return train_classifier(data, config, progress=progress)


def _sweep_points(args: argparse.Namespace) -> list:
    """(label, value shown in the table, config) for every run of the sweep, in table order:
    seed 002's L2 scales, then seed 001's equal-strength comparison. With plain SGD, L2 of lambda
    equals decoupled decay of lr * lambda; with Adam they differ -- the comparison shows by how much."""
    strength = args.compare_strength
    points = [("l2_regularizer", scale, _config(args, l2=scale, weight_decay=0.0)) for scale in args.scales]
    points.append(("adam + l2_regularizer", strength, _config(args, optimizer="adam", l2=strength, weight_decay=0.0)))
    points.append(
        (
            "adamw (decoupled)",
            args.learning_rate * strength,
            _config(
                args, optimizer="adamw", l2=0.0, weight_decay=args.learning_rate * strength, decay_convention="contrib"
            ),
        )
    )
    return points


def _sweep_backend(args: argparse.Namespace) -> dict:
    """sc.sweep's backend arguments from --workers / --ray / --threads."""
    if args.ray is not None:
        return dict(backend="ray", address=args.ray or None, threads=args.threads)
    if args.workers is not None:
        return dict(backend="processes", workers=args.workers, threads=args.threads)
    _threads(args)
    return dict(backend="sequential")


def cmd_sweep(args: argparse.Namespace) -> int:
    """Seed 002: the same network at several L2 scales; seed 001: L2 in the
    loss vs decoupled weight decay with Adam at equal strength. Each point is
    one `_train_sweep_point`, run in this process, on --workers processes or as
    --ray tasks (sc.sweep); the table and plot are the same for every backend."""
    backend = _sweep_backend(args)
    data = _load(args)
    points = _sweep_points(args)
    print(
        f"regularization sweep: {args.model}, {len(data.x_train)} train / {len(data.x_test)} test examples, "
        f"{args.epochs} epochs of {args.optimizer}"
    )
    if backend["backend"] != "sequential":
        where = f"{args.workers} worker processes" if args.workers else f"Ray tasks ({args.ray or 'a local Ray'})"
        print(f"  {len(points)} runs on {where}")

    def show(index: int, config: TrainConfig, result) -> None:
        label, value, _ = points[index]
        name = f"l2 {value:<8g}" if label == "l2_regularizer" else f"{label:<24s}"
        print(f"  {name} test accuracy {result.test_accuracy:.4f}  weight norm {result.weight_norm:8.2f}")

    # One bar per run is readable only when the runs take turns.
    progress = not args.quiet and backend["backend"] == "sequential"
    train = functools.partial(_train_sweep_point, data, progress)
    try:
        results = sc.sweep([config for _, _, config in points], train, on_result=show, **backend)
    except sc.SweepError as e:  # the CLI's exit codes, as if the run had failed in this process
        print(f"slimcore sweep: error: {str(e).splitlines()[0]}", file=sys.stderr)  # not the worker's traceback
        return 1 if isinstance(e.error, FloatingPointError) else 2

    print()
    print(f"{'regularization':<26s}{'scale':>10s}{'test acc':>10s}{'weight norm':>13s}")
    for (label, value, _), r in zip(points, results):
        print(f"{label:<26s}{value:>10g}{r.test_accuracy:>10.4f}{r.weight_norm:>13.2f}")
    if args.plot:
        n = len(args.scales)
        rows = [("l2_regularizer", value, r) for (_, value, _), r in zip(points[:n], results[:n])]
        compare = [(label, r) for (label, _, _), r in zip(points[n:], results[n:])]
        _plot(args.plot, rows, compare, args.compare_strength)
        print(f"plot: {args.plot}")
    return 0


def _plot(path: str, rows: list, compare: list, strength: float) -> None:
    import matplotlib  # only `sweep --plot` needs matplotlib, which is slow to import

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # after use("Agg"): no display needed

    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    labels = [f"{s:g}" for _, s, _ in rows]
    axes[0].bar(labels, [r.test_accuracy for _, _, r in rows], color="tab:blue")
    axes[0].set(title="test accuracy vs l2 scale", xlabel="l2_regularizer scale", ylim=(0, 1))
    axes[1].bar(labels, [r.weight_norm for _, _, r in rows], color="tab:orange")
    axes[1].set(title="final weight norm vs l2 scale", xlabel="l2_regularizer scale")
    for label, r in compare:
        axes[2].plot([h["epoch"] for h in r.history], [h["data_loss"] for h in r.history], label=label)
    axes[2].set(title=f"Adam: L2 vs decoupled decay (strength {strength:g})", xlabel="epoch", ylabel="data loss")
    axes[2].legend()
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def cmd_report(args: argparse.Namespace) -> int:
    """Builds the model's train op and prints its regularization report."""
    data = _load(args)
    config = _config(args)
    config.validate()
    x_shape = list(data.x_train.shape[1:]) if config.model == "mlp" else list(_images(data.x_train[:1]).shape[1:])
    graph = sc.Graph()
    with graph.as_default():
        x = sc.placeholder(sc.float32, [None] + x_shape)
        labels = sc.placeholder(sc.int64, [None])
        with sc.variable_scope("model"):
            logits = _build(config, x, data.num_classes, is_training=True)
        loss = sc.losses.sparse_softmax_cross_entropy(labels, logits)
        total = sc.losses.get_total_loss() if not args.data_loss_only else loss
        train_op = slim.learning.create_train_op(total, _optimizer(config, config.learning_rate))
        print(sc.train.regularization_report(train_op))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    return benchmarks.main(args.which, seconds=args.seconds)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="slimcore", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def training_args(p: argparse.ArgumentParser, epochs: int) -> None:
        p.add_argument("--model", choices=MODELS, default="mlp")
        p.add_argument(
            "--data",
            help=".npz file with x, y (or x_train, y_train, x_test, y_test); "
            "default: the handwritten digits shipped with slimcore",
        )
        p.add_argument("--test-data", help=".npz file with x, y held out for testing")
        p.add_argument("--optimizer", choices=OPTIMIZERS, default="adam")
        p.add_argument("--learning-rate", type=_number(0.0, True), default=1e-3)
        p.add_argument("--schedule", choices=SCHEDULES, default="constant")
        p.add_argument(
            "--l2",
            type=_number(0.0, False),
            default=0.0,
            help="scale of slim.l2_regularizer on every weight (penalty l2*sum(w^2)/2 in the loss)",
        )
        p.add_argument(
            "--weight-decay",
            type=_number(0.0, False),
            default=0.0,
            help="decoupled weight decay of the weights, applied by the optimizer",
        )
        p.add_argument("--decay-convention", choices=("contrib", "lr", "schedule"), default="contrib")
        p.add_argument("--epochs", type=_positive_int, default=epochs)
        p.add_argument("--batch-size", type=_positive_int, default=32)
        p.add_argument("--threads", type=_thread_count, default=None)
        p.add_argument("--seed", type=_seed, default=0)
        p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = commands.add_parser("train", help="train a model and write a checkpoint")
    training_args(p, epochs=30)
    p.add_argument("--checkpoint-dir", type=_directory, default="checkpoints")
    p.add_argument(
        "--workers",
        type=_positive_int,
        default=1,
        help="data-parallel training on N processes (mpiexec -n N; needs the mpi extra): each trains on 1/N of "
        "the data with --batch-size examples per step and averages gradients every step",
    )
    p.add_argument(
        "--logdir",
        type=_directory,
        default=None,
        help="write TensorBoard events here: per step the data loss, penalty, decay magnitude, "
        "effective decay per role and a weight-norm histogram",
    )
    p.set_defaults(run=cmd_train)

    p = commands.add_parser("sweep", help="the regularization sweep over L2 scales and L2 penalty vs decoupled decay")
    training_args(p, epochs=20)
    p.add_argument("--scales", type=_scales, default=[0.0, 1e-4, 1e-2, 1.0])
    p.add_argument(
        "--compare-strength",
        type=_number(0.0, False),
        default=1e-2,
        help="lambda of the Adam L2-vs-decoupled comparison (decoupled decay = lr * lambda)",
    )
    p.add_argument("--plot", default="sweep.png", help="PNG file for the plot ('' for none)")
    launch = p.add_mutually_exclusive_group()
    launch.add_argument(
        "--workers",
        type=_positive_int,
        default=None,
        help="run the configurations on N local processes, the cores divided between them "
        "(--threads sets each worker's threads instead)",
    )
    launch.add_argument(
        "--ray",
        nargs="?",
        const="",
        default=None,
        metavar="ADDRESS",
        help="run the configurations as Ray tasks on the cluster at ADDRESS (default: a local Ray "
        "instance); needs the extra: pip install 'slimcore[ray]'",
    )
    p.set_defaults(run=cmd_sweep)

    p = commands.add_parser("report", help="the regularization report of a model")
    training_args(p, epochs=1)
    p.add_argument(
        "--data-loss-only",
        action="store_true",
        help="build the train op from the data loss alone (seed 000's bug) to see the report flag it",
    )
    p.set_defaults(run=cmd_report)

    p = commands.add_parser("bench", help="benchmarks with ratios against installed peers")
    p.add_argument("which", nargs="*", default=[], help="benchmarks to run (default: all)")
    p.add_argument("--seconds", type=_number(0.0, True), default=2.0)
    p.set_defaults(run=cmd_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.argv = list(argv) if argv is not None else sys.argv[1:]  # what `train --workers` relaunches
    try:
        return args.run(args)
    except (ValueError, TypeError, OSError) as e:  # a bad value found late, an unwritable file: no traceback
        print(f"slimcore {args.command}: error: {e}", file=sys.stderr)
        return 2
    except FloatingPointError as e:  # the training diverged (NonFiniteError): no checkpoint was written
        print(f"slimcore {args.command}: error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
