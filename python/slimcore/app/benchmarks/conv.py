"""Training steps of two convolutional networks: slimcore vs PyTorch eager
(both memory formats, when torch is installed), in the same process.

  cnn:       28x28x1 -> conv 5x5x32 SAME + relu + maxpool 2 -> conv 5x5x64 SAME
             + relu + maxpool 2 -> dense 128 relu -> dense 10, sparse softmax
             cross-entropy (tf.losses.sparse_softmax_cross_entropy), plain SGD,
             batch 64.
  mobilenet: a MobileNetV2-like stack (width 0.35, no batch norm) at 96x96,
             batch 16: conv 3x3/2 to 16 channels, inverted residual blocks
             (1x1 expand + relu6, depthwise 3x3 + relu6, 1x1 project, residual
             add where the shape allows), 1x1 conv to 1280, 3x3 average pool,
             dense 10, the same loss and SGD.

Prints steps per second and the ratio slimcore / peer (higher is better),
with all cores and with one thread (sc.set_num_threads(1) /
torch.set_num_threads(1)), idle and, with --busy-core, with one core kept
busy by another process (`python -c 'while True: pass'`). The contenders
take turns in rounds and each keeps its best round, which damps the noise of
a shared machine.
"""

from __future__ import annotations

import argparse
import os

import numpy as np

import slimcore as sc

from ._util import busy_core, load_label
from ._util import steps_per_second as timed

# (expansion t, output channels c, repeats n, first stride s) of MobileNetV2 at width 0.35,
# channels rounded to multiples of 8 as the reference implementation does.
MOBILENET_BLOCKS = [
    (1, 8, 1, 1),
    (6, 8, 2, 2),
    (6, 16, 3, 2),
    (6, 24, 4, 2),
    (6, 32, 3, 1),
    (6, 56, 3, 2),
    (6, 112, 1, 1),
]
MOBILENET_STEM, MOBILENET_HEAD = 16, 1280


def he(rng, shape, fan_in):
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)


# ---- slimcore ----------------------------------------------------------------------------------
def slimcore_train_op(build, x_shape, lr):
    """Graph, session and train op of the model build(x, params) -> logits."""
    graph = sc.Graph()
    with graph.as_default():
        x = sc.placeholder(sc.float32, [None, *x_shape])
        labels = sc.placeholder(sc.int64, [None])
        params = []
        logits = build(sc, x, params)
        loss = sc.losses.sparse_softmax_cross_entropy(labels, logits)
        grads = sc.gradients(loss, params)
        train = sc.group(*[sc.assign_sub(p, g * lr) for p, g in zip(params, grads)])
        sess = sc.Session(graph=graph)
        sess.run(sc.global_variables_initializer())
    return sess, train, x, labels


def slimcore_cnn(sc, x, params):
    rng = np.random.default_rng(0)

    def var(value):
        params.append(sc.Variable(value))
        return params[-1]

    h = x
    for cin, cout in ((1, 32), (32, 64)):
        w = var(he(rng, (5, 5, cin, cout), 25 * cin))
        b = var(np.zeros(cout, np.float32))
        h = sc.nn.relu(sc.nn.bias_add(sc.nn.conv2d(h, w, [1, 1, 1, 1], "SAME"), b))
        h = sc.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    h = sc.reshape(h, [-1, 7 * 7 * 64])
    w3, b3 = var(he(rng, (7 * 7 * 64, 128), 7 * 7 * 64)), var(np.zeros(128, np.float32))
    h = sc.nn.relu(sc.matmul(h, w3) + b3)
    w4, b4 = var(he(rng, (128, 10), 128)), var(np.zeros(10, np.float32))
    return sc.matmul(h, w4) + b4


def slimcore_mobilenet(sc, x, params):
    rng = np.random.default_rng(0)

    def var(value):
        params.append(sc.Variable(value))
        return params[-1]

    def conv(h, cin, cout, k=1, stride=1, act=True):
        h = sc.nn.conv2d(h, var(he(rng, (k, k, cin, cout), k * k * cin)), stride, "SAME")
        h = sc.nn.bias_add(h, var(np.zeros(cout, np.float32)))
        return sc.nn.relu6(h) if act else h

    def depthwise(h, c, stride):
        h = sc.nn.depthwise_conv2d(h, var(he(rng, (3, 3, c, 1), 9)), [1, stride, stride, 1], "SAME")
        return sc.nn.relu6(sc.nn.bias_add(h, var(np.zeros(c, np.float32))))

    h, cin = conv(x, 3, MOBILENET_STEM, k=3, stride=2), MOBILENET_STEM
    for t, c, n, s in MOBILENET_BLOCKS:
        for i in range(n):
            stride = s if i == 0 else 1
            e = conv(h, cin, cin * t) if t != 1 else h
            e = depthwise(e, cin * t, stride)
            e = conv(e, cin * t, c, act=False)
            h = h + e if stride == 1 and cin == c else e
            cin = c
    h = conv(h, cin, MOBILENET_HEAD)
    h = sc.nn.avg_pool(h, [1, 3, 3, 1], [1, 1, 1, 1], "VALID")
    h = sc.reshape(h, [-1, MOBILENET_HEAD])
    return sc.matmul(h, var(he(rng, (MOBILENET_HEAD, 10), MOBILENET_HEAD))) + var(np.zeros(10, np.float32))


def slimcore_step(build, x_data, y_data, lr):
    sess, train, x, labels = slimcore_train_op(build, x_data.shape[1:], lr)
    feed = {x: x_data, labels: y_data}
    return lambda: sess.run(train, feed)


# ---- PyTorch ------------------------------------------------------------------------------------
def torch_cnn(torch):
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(1, 32, 5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(7 * 7 * 64, 128),
        nn.ReLU(),
        nn.Linear(128, 10),
    )


def torch_mobilenet(torch):
    nn = torch.nn

    class Block(nn.Module):
        def __init__(self, cin, cout, t, stride):
            super().__init__()
            hidden = cin * t
            layers = [nn.Conv2d(cin, hidden, 1), nn.ReLU6()] if t != 1 else []
            layers += [nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden), nn.ReLU6(), nn.Conv2d(hidden, cout, 1)]
            self.body = nn.Sequential(*layers)
            self.residual = stride == 1 and cin == cout

        def forward(self, x):
            return x + self.body(x) if self.residual else self.body(x)

    layers, cin = [nn.Conv2d(3, MOBILENET_STEM, 3, 2, 1), nn.ReLU6()], MOBILENET_STEM
    for t, c, n, s in MOBILENET_BLOCKS:
        for i in range(n):
            layers.append(Block(cin, c, t, s if i == 0 else 1))
            cin = c
    layers += [
        nn.Conv2d(cin, MOBILENET_HEAD, 1),
        nn.ReLU6(),
        nn.AvgPool2d(3),
        nn.Flatten(),
        nn.Linear(MOBILENET_HEAD, 10),
    ]
    return nn.Sequential(*layers)


def torch_step(make, x_data, y_data, lr, channels_last):
    import torch  # optional peer: benchmarked only when installed

    torch.manual_seed(0)
    model = make(torch)
    x = torch.from_numpy(np.ascontiguousarray(x_data.transpose(0, 3, 1, 2)))
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    y = torch.from_numpy(y_data)
    opt = torch.optim.SGD(model.parameters(), lr=lr)

    def step():
        opt.zero_grad(set_to_none=True)
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()

    return step


MODELS = {
    "cnn": (slimcore_cnn, torch_cnn, (28, 28, 1), 64),
    "mobilenet": (slimcore_mobilenet, torch_mobilenet, (96, 96, 3), 16),
}


def timed_rounds(steps: dict, seconds: float, rounds: int) -> dict:
    """Steps per second of each step function: the contenders take turns for
    `rounds` rounds of seconds / rounds each, and each keeps its best round
    (on a shared machine the best round is the one least disturbed)."""
    best = dict.fromkeys(steps, 0.0)
    for _ in range(rounds):
        for name, step in steps.items():
            best[name] = max(best[name], timed(step, seconds / rounds))
    return best


def main(argv: list | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=6.0, help="time per contender and setting")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--threads", nargs="+", type=int, default=[os.cpu_count() or 1, 1])
    parser.add_argument(
        "--busy-core", action="store_true", help="also time each with one core kept busy by another process"
    )
    args = parser.parse_args(argv)
    try:
        import torch  # optional peer: benchmarked only when installed
    except ImportError:
        torch = None
        print("torch not installed: slimcore alone (pip install torch==2.13.0)")
    for threads in args.threads:
        sc.set_num_threads(threads)
        if torch is not None:
            torch.set_num_threads(threads)
        for name in args.models:
            build, make, shape, batch = MODELS[name]
            rng = np.random.default_rng(0)
            x_data = rng.random((batch, *shape), dtype=np.float32)
            y_data = rng.integers(0, 10, batch).astype(np.int64)
            steps = {"slimcore": slimcore_step(build, x_data, y_data, 0.01)}
            if torch is not None:
                steps["torch NCHW"] = torch_step(make, x_data, y_data, 0.01, channels_last=False)
                steps["torch channels_last"] = torch_step(make, x_data, y_data, 0.01, channels_last=True)
            for busy in [False, True] if args.busy_core else [False]:
                with busy_core(busy):
                    rates = timed_rounds(steps, args.seconds, args.rounds)
                report(f"{name:9s} {threads} thread(s), {load_label(busy)}", rates)


def report(label: str, rates: dict) -> None:
    """Prints slimcore's rate and its ratio to each peer in `rates`."""
    rates = dict(rates)
    ours = rates.pop("slimcore")
    print(f"{label}  slimcore             {ours:8.2f} steps/s")
    for peer, theirs in rates.items():
        print(f"{label}  {peer:20s} {theirs:8.2f} steps/s   slimcore/peer = {ours / theirs:.2f}x")
    if rates:
        print(f"{label}  slimcore / fastest torch = {ours / max(rates.values()):.2f}x")


if __name__ == "__main__":
    main()


def run(seconds: float = 2.0) -> None:
    """What `slimcore bench` runs."""
    main(["--seconds", str(seconds)])
