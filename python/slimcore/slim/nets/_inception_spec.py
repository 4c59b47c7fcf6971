"""The Inception nets' modules as data: a module is a list of branches, a branch
a list of steps run in ``<module>/Branch_<i>``, the branches concatenated on
channels (tf-slim writes each out by hand; the names and numbers are the same)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ... import slim
from ...ops.array_ops import concat
from ...variable_scope import variable_scope
from ._common import trunc_normal

if TYPE_CHECKING:  # annotations only
    from ...framework.ops import Tensor

__all__ = ["conv", "pool", "run_step", "run_modules"]


# A step: ("conv", depth, kernel, scope[, stride, padding, stddev]), ("avg" | "max", kernel,
# scope[, stride, padding]) or ("split", [conv steps]) -- parallel convolutions of
# the same input, concatenated. Unlisted stride/padding: the module default (1, SAME).
def conv(depth, kernel, scope, stride=1, padding=None, stddev=None):
    """A convolution step; `stddev`: a trunc_normal(stddev) initializer instead of the arg_scope's."""
    return ("conv", depth, kernel, scope, stride, padding, stddev)


def pool(kind, kernel, scope, stride=1, padding=None):
    """An 'avg' or 'max' pooling step."""
    return (kind, None, kernel, scope, stride, padding, None)


def run_step(net: Tensor, step: tuple, depth: Callable) -> Tensor:
    """Runs one step of the spec (module defaults come from the arg_scope)."""
    if step[0] == "split":
        return concat([run_step(net, s, depth) for s in step[1]], 3)
    kind, channels, kernel, scope, stride, padding, stddev = step
    kwargs = {"stride": stride, "scope": scope}
    if stddev is not None:
        kwargs["weights_initializer"] = trunc_normal(stddev)
    if padding is not None:
        kwargs["padding"] = padding
    if kind == "conv":
        return slim.conv2d(net, depth(channels), kernel, **kwargs)
    return (slim.avg_pool2d if kind == "avg" else slim.max_pool2d)(net, kernel, **kwargs)


def run_modules(net: Tensor, modules: list, depth: Callable, end_points: dict, final_endpoint: str) -> tuple:
    """Runs `modules` [(end point, branches)] in order, recording each output in
    `end_points`; stops after `final_endpoint`.

    Returns:
      (net, True) when `final_endpoint` was reached, else (net, False).
    """
    for end_point, branches in modules:
        with variable_scope(end_point):
            outputs = []
            for i, steps in enumerate(branches):
                with variable_scope(f"Branch_{i}"):
                    branch = net
                    for step in steps:
                        branch = run_step(branch, step, depth)
                    outputs.append(branch)
            net = concat(outputs, 3)
        end_points[end_point] = net
        if end_point == final_endpoint:
            return net, True
    return net, False
