"""AdamW optimizer step: slimcore's fused ApplyOptimizer vs PyTorch's AdamW
(fused=True and foreach=True) vs the machine's memory bandwidth, measured in
the same run.

An AdamW step moves 28 bytes per parameter: p read+write, g read, m
read+write, v read+write (7 streams of float32, all in place but g). The
bandwidth reference is an in-place numpy update `a += b` (read a, read b,
write a: 12 bytes per element, the optimizer's read-modify-write pattern)
over arrays with the same total footprint as the optimizer's four arrays, run
on as many threads as the contenders (numpy releases the GIL; each thread
owns a contiguous share). An out-of-place `np.add(a, b, out=c)` is shown too
(12 bytes counted; the write-allocate read of c makes it 16 in fact).

slimcore's step is timed by running only the train op built by
`AdamWOptimizer.apply_gradients` on a gradient held in a variable, so no
gradient is computed; PyTorch's by `opt.step()` with `p.grad` set once.

Every contender runs in rounds interleaved with the others (the machine is
shared: each figure is the median over rounds, with the min-max spread).
Targets (shared/DESIGN.md): >= 85% of the probe's bandwidth for 28 B/param,
and faster than PyTorch's fused AdamW.

    python bench/bench_optimizer.py                 # 1M, 10M, 50M x 1, 2 threads
    python bench/bench_optimizer.py --sizes 10 --threads 2 --rounds 9
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import numpy as np

import slimcore as sc

BYTES_PER_PARAM = 28
UNCHECKED = "slimcore (no NaN check)"


def per_call(fn: Callable[[], None], target_seconds: float) -> float:
    """Seconds per call of fn: enough calls to fill target_seconds (at least 3)."""
    fn()
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-6)
    calls = max(3, int(target_seconds / once))
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - start) / calls


# ---- contenders ----------------------------------------------------------------------------
def slimcore_step(n: int, threads: int, check_finite: bool = True) -> tuple:
    sc.set_num_threads(threads)
    rng = np.random.default_rng(0)
    graph = sc.Graph()
    with graph.as_default():
        w = sc.Variable(rng.standard_normal(n, dtype=np.float32), name="w")
        g = sc.Variable(rng.standard_normal(n, dtype=np.float32) * 1e-2, trainable=False, name="grad")
        opt = sc.train.AdamWOptimizer(0.01, learning_rate=1e-3, decay_convention="lr", check_finite=check_finite)
        train = opt.apply_gradients([(g, w)])
        noop = sc.no_op()
        sess = sc.Session(graph=graph)
        sess.run(sc.global_variables_initializer())
    del rng
    return (lambda: sess.run(train)), (lambda: sess.run(noop)), sess


def torch_step(n: int, threads: int, mode: str) -> Callable[[], None] | None:
    try:
        import torch  # optional peer: benchmarked only when installed
    except ImportError:
        return None
    torch.set_num_threads(threads)
    gen = torch.Generator().manual_seed(0)
    p = torch.nn.Parameter(torch.randn(n, generator=gen))
    p.grad = torch.randn(n, generator=gen) * 1e-2
    kwargs = {"fused": True} if mode == "fused" else {"foreach": True}
    opt = torch.optim.AdamW([p], lr=1e-3, weight_decay=0.01, **kwargs)
    opt.step()  # creates the state

    @torch.no_grad()
    def step() -> None:
        opt.step()

    return step


class Probe:
    """In-place `a += b` (12 B/element) and out-of-place `c = a + b` over
    `threads` contiguous shares, footprint `nbytes` of the in-place arrays."""

    def __init__(self, nbytes: int, threads: int) -> None:
        m = nbytes // 8  # two float32 arrays
        self.a = np.ones(m, np.float32)
        self.b = np.ones(m, np.float32)
        self.c = np.empty(m, np.float32)
        self.m, self.threads = m, threads
        bounds = [m * t // threads for t in range(threads + 1)]
        self.shares = list(zip(bounds[:-1], bounds[1:]))

        self.pool = ThreadPoolExecutor(threads - 1) if threads > 1 else None

    def _run(self, body: Callable[[int, int], None]) -> None:
        if self.pool is None:
            body(0, self.m)
            return
        futures = [self.pool.submit(body, *s) for s in self.shares[1:]]
        body(*self.shares[0])
        for f in futures:
            f.result()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()

    def inplace(self) -> None:
        a, b = self.a, self.b
        self._run(lambda lo, hi: np.add(a[lo:hi], b[lo:hi], out=a[lo:hi]))
        # keep the values bounded over many calls
        if a[0] > 1e6:
            a[:] = 1.0

    def outofplace(self) -> None:
        a, b, c = self.a, self.b, self.c
        self._run(lambda lo, hi: np.add(a[lo:hi], b[lo:hi], out=c[lo:hi]))


# ---- the run ---------------------------------------------------------------------------------
def fmt_spread(xs: list, scale: float = 1.0, digits: int = 2) -> str:
    med = statistics.median(xs) * scale
    return f"{med:.{digits}f} [{min(xs) * scale:.{digits}f}-{max(xs) * scale:.{digits}f}]"


def bench(n: int, threads: int, rounds: int, seconds: float, with_torch: bool, unchecked: bool) -> dict:
    contenders: dict = {}
    step, noop, _sess = slimcore_step(n, threads)
    contenders["slimcore AdamW"] = step
    overhead = per_call(noop, 0.05)
    if unchecked:
        step2, _, _sess2 = slimcore_step(n, threads, check_finite=False)
        contenders[UNCHECKED] = step2
    if with_torch:
        for mode in ("fused", "foreach"):
            fn = torch_step(n, threads, mode)
            if fn is not None:
                contenders[f"torch AdamW {mode}"] = fn
    probe = Probe(n * 16, threads)  # same footprint as p, g, m, v
    contenders["probe a+=b"] = probe.inplace
    contenders["probe c=a+b"] = probe.outofplace
    times: dict = {k: [] for k in contenders}
    for _ in range(rounds):
        for name, fn in contenders.items():
            times[name].append(per_call(fn, seconds))
    probe.close()
    return {"times": times, "overhead": overhead}


def main(argv: list | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 10, 50], help="millions of parameters")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=0.4, help="per contender per round")
    parser.add_argument("--no-torch", action="store_true")
    parser.add_argument("--unchecked", action="store_true", help="also time check_finite=False")
    args = parser.parse_args(argv)
    try:
        import torch  # optional peer: benchmarked only when installed

        torch_version = torch.__version__
    except ImportError:
        torch_version = None
    print(
        f"AdamW step, {BYTES_PER_PARAM} B/param; torch {torch_version or 'not installed (skipped)'}; "
        f"median [min-max] over {args.rounds} interleaved rounds"
    )
    summary = []
    for millions in args.sizes:
        n = int(millions * 1_000_000)
        for threads in args.threads:
            result = bench(
                n, threads, args.rounds, args.seconds, not args.no_torch and torch_version is not None, args.unchecked
            )
            times = result["times"]
            print(
                f"\n{millions:g}M params, {threads} thread(s)   (session.run overhead "
                f"{result['overhead'] * 1e6:.0f} us)"
            )
            print(f"  {'':26s} {'ns/param':>22s} {'GB/s':>22s}")
            for name, ts in times.items():
                bytes_per = 12 if name.startswith("probe") else BYTES_PER_PARAM
                elems = n * 2 if name.startswith("probe") else n  # the probe's arrays hold 2n floats each
                ns = [t / elems * 1e9 for t in ts]
                gbs = [bytes_per * elems / t / 1e9 for t in ts]
                print(f"  {name:26s} {fmt_spread(ns, digits=3):>22s} {fmt_spread(gbs, digits=1):>22s}")
            row = {"size": millions, "threads": threads}
            for stat, pick in (("median", statistics.median), ("best", min)):
                ours = pick(times["slimcore AdamW"])
                probe_gbs = 12 * 2 * n / pick(times["probe a+=b"]) / 1e9
                row[stat] = {"ns": ours / n * 1e9, "bw": BYTES_PER_PARAM * n / ours / 1e9 / probe_gbs}
                for mode in ("fused", "foreach"):
                    key = f"torch AdamW {mode}"
                    if key in times:
                        row[stat][mode] = pick(times[key]) / ours
            if UNCHECKED in times:
                # The check's cost: checked / unchecked time per round (both ran
                # back to back in each round), then the median over rounds.
                per_round = [c / u for c, u in zip(times["slimcore AdamW"], times[UNCHECKED])]
                row["check_cost"] = per_round
            summary.append(row)
            gc.collect()
    print(
        "\nRatios: slimcore's bandwidth (28 B/param) / probe a+=b; torch time / slimcore time "
        "(> 1: slimcore faster). median of rounds | best round of each"
    )
    print(
        f"  {'params':>7s} {'thr':>3s} {'ns/param':>8s} {'% probe':>8s} {'vs fused':>8s} {'vs foreach':>10s}"
        f"   | {'ns/param':>8s} {'% probe':>8s} {'vs fused':>8s} {'vs foreach':>10s}"
    )
    for r in summary:
        cells = []
        for stat in ("median", "best"):
            x = r[stat]
            fused = f"{x['fused']:.2f}x" if "fused" in x else "-"
            foreach = f"{x['foreach']:.2f}x" if "foreach" in x else "-"
            cells.append(f"{x['ns']:>8.3f} {100 * x['bw']:>7.0f}% {fused:>8s} {foreach:>10s}")
        print(f"  {r['size']:>6g}M {r['threads']:>3d} {cells[0]}   | {cells[1]}")
    if any("check_cost" in r for r in summary):
        print(
            "\nCost of the all-or-nothing check: checked / unchecked step time, per round "
            "(target <= 1.05 at 50M); median [min-max] over rounds"
        )
        for r in summary:
            if "check_cost" in r:
                print(f"  {r['size']:>6g}M {r['threads']:>3d}   {fmt_spread(r['check_cost'], digits=3)}")


if __name__ == "__main__":
    main()


def run(seconds: float = 2.0) -> None:
    """What `slimcore bench` runs."""
    main(["--seconds", str(seconds)])
