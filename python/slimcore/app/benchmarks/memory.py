"""Peak resident memory (ru_maxrss) of training, slimcore vs PyTorch eager,
each engine and model in a subprocess of its own (so one's memory never
counts for another), slimcore with and without buffer planning by liveness
(cpp/src/buffer_planner.h; SLIMCORE_PLAN_BUFFERS=0 is the old behaviour,
one buffer per op output for the whole session).

  mobilenet_v2: MobileNetV2 1.0 (slimcore.models.mobilenet_v2 under
                training_scope: batch norm in training mode, dropout 0.8,
                L2 on conv weights), 224x224x3, batch 16, 1001 classes,
                softmax cross-entropy, momentum SGD. torch: the same network
                built by hand (torchvision is not available), NCHW, same
                optimizer, torch.nn.functional.cross_entropy.
  mlp:          the seed MLP of bench_mlp.py (784-200-200-10, tanh, Adam,
                batch 100).

Each child imports its engine, builds the model, runs --steps training steps
and prints its peak RSS in MB (the high-water mark includes the interpreter
and the engine's libraries: that is what a user's process costs).

    slimcore bench memory                           # both models
    python bench/bench_memory.py --models mlp --steps 50
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys

import numpy as np

MODELS = ("mobilenet_v2", "mlp")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: kilobytes


# ---- slimcore ----------------------------------------------------------------------------------
def slimcore_mobilenet_v2(batch: int):
    import slimcore as tf
    from slimcore import slim
    from slimcore.models import mobilenet_v2

    images = tf.placeholder(tf.float32, [batch, 224, 224, 3])
    labels = tf.placeholder(tf.int64, [batch])
    with slim.arg_scope(mobilenet_v2.training_scope(weight_decay=4e-5)):
        logits, _ = mobilenet_v2.mobilenet(images, 1001)
    tf.losses.sparse_softmax_cross_entropy(labels, logits)
    train = slim.learning.create_train_op(tf.losses.get_total_loss(), tf.train.MomentumOptimizer(0.01, 0.9))
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    rng = np.random.default_rng(0)
    feed = {images: rng.random((batch, 224, 224, 3), dtype=np.float32), labels: rng.integers(0, 1001, batch)}
    return lambda: sess.run(train, feed)


def slimcore_mlp(batch: int):
    from . import mlp

    return mlp.slimcore_step(*mlp._data(batch))


# ---- PyTorch ------------------------------------------------------------------------------------
def torch_mobilenet_v2(batch: int):
    import torch

    nn = torch.nn
    torch.manual_seed(0)

    def conv_bn(cin, cout, k, stride, groups=1, act=True):
        layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
        return layers + [nn.ReLU6(inplace=True)] if act else layers

    class Block(nn.Module):
        def __init__(self, cin, cout, t, stride):
            super().__init__()
            hidden = cin * t
            layers = conv_bn(cin, hidden, 1, 1) if t != 1 else []
            layers += conv_bn(hidden, hidden, 3, stride, groups=hidden) + conv_bn(hidden, cout, 1, 1, act=False)
            self.body = nn.Sequential(*layers)
            self.residual = stride == 1 and cin == cout

        def forward(self, x):
            return x + self.body(x) if self.residual else self.body(x)

    layers, cin = conv_bn(3, 32, 3, 2), 32
    for t, c, n, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2)] + [
        (6, 320, 1, 1)
    ]:
        for i in range(n):
            layers.append(Block(cin, c, t, s if i == 0 else 1))
            cin = c
    layers += conv_bn(cin, 1280, 1, 1) + [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2), nn.Linear(1280, 1001)]
    model = nn.Sequential(*layers)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=4e-5)
    rng = np.random.default_rng(0)
    x = torch.from_numpy(rng.random((batch, 3, 224, 224), dtype=np.float32))
    y = torch.from_numpy(rng.integers(0, 1001, batch))

    def step():
        opt.zero_grad(set_to_none=True)
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()

    return step


def torch_mlp(batch: int):
    from . import mlp

    return mlp.torch_step(*mlp._data(batch))


BUILDERS = {
    ("slimcore", "mobilenet_v2"): (slimcore_mobilenet_v2, 16),
    ("slimcore", "mlp"): (slimcore_mlp, 100),
    ("torch", "mobilenet_v2"): (torch_mobilenet_v2, 16),
    ("torch", "mlp"): (torch_mlp, 100),
}


def child(engine: str, model: str, steps: int) -> None:
    """Runs in the subprocess: build, train `steps` steps, print the peak."""
    build, batch = BUILDERS[(engine, model)]
    step = build(batch)
    for _ in range(steps):
        step()
    print(f"{_peak_rss_mb():.1f}")


def measure(engine: str, model: str, steps: int, env: dict | None = None) -> float | None:
    """Peak RSS (MB) of a child process, or None when the engine is missing."""
    cmd = [sys.executable, "-m", "slimcore.app.benchmarks.memory", "--child", engine, model, "--steps", str(steps)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})})
    if proc.returncode != 0:
        if "No module named 'torch'" in proc.stderr:
            return None
        raise RuntimeError(f"{engine} {model} failed:\n{proc.stderr[-2000:]}")
    return float(proc.stdout.strip().splitlines()[-1])


def main(argv: list | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated subset of " + ", ".join(MODELS))
    parser.add_argument("--steps", type=int, default=0, help="training steps per child (default: 3 / 50)")
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "MODEL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child, args.steps)
        return
    print(f"{'peak RSS, MB':<28s}{'planned':>10s}{'unplanned':>11s}{'torch':>10s}   planned / torch")
    for model in args.models.split(","):
        if model not in MODELS:
            parser.error(f"unknown model {model!r}: choose among {', '.join(MODELS)}")
        steps = args.steps or (3 if model == "mobilenet_v2" else 50)
        planned = measure("slimcore", model, steps)
        unplanned = measure("slimcore", model, steps, {"SLIMCORE_PLAN_BUFFERS": "0"})
        torch_mb = measure("torch", model, steps)
        peer = (
            f"{torch_mb:10.1f}   {planned / torch_mb:5.2f}x" if torch_mb else "   skipped (pip install torch==2.13.0)"
        )
        print(f"{model:<28s}{planned:10.1f}{unplanned:11.1f}{peer}")


def run(seconds: float = 2.0) -> None:
    """`slimcore bench memory`: both models at their default step counts
    (`seconds` does not apply: peaks are measured over a number of steps)."""
    del seconds
    main([])


if __name__ == "__main__":
    main()
