"""What ResNet v1 and v2 share, as tf-slim defines it (tf_slim/nets/resnet_utils.py):
``Block``, ``subsample``, ``conv2d_same``, ``stack_blocks_dense`` (with atrous
``output_stride``) and ``resnet_arg_scope``.

A block is a list of units; unit i runs in scope ``<block>/unit_<i+1>`` and the
block's output is an end point named by the block's scope.
"""

from __future__ import annotations

import collections
from typing import TYPE_CHECKING, Any

from ... import slim
from ...framework.ops import GraphKeys
from ...ops import nn_ops
from ...ops.array_ops import pad
from ...variable_scope import variable_scope
from ..arg_scope import add_arg_scope
from ..utils import collect_named_outputs

if TYPE_CHECKING:  # annotations only
    from collections.abc import Sequence

    from ...framework.ops import Tensor
    from ...framework.types import TensorLike

__all__ = ["Block", "subsample", "conv2d_same", "stack_blocks_dense", "resnet_arg_scope"]

# The four blocks' base depths and strides in every ImageNet ResNet (the last
# block keeps the resolution; its stride-2 is conv1's and pool1's job).
_BASE_DEPTHS = (64, 128, 256, 512)
_STRIDES = (2, 2, 2, 1)


class Block(collections.namedtuple("Block", ["scope", "unit_fn", "args"])):
    """A ResNet block (TF1: ``resnet_utils.Block``): its scope, the unit
    function (e.g. ``resnet_v1.bottleneck``) and one dict of keyword arguments
    per unit (``depth``, ``depth_bottleneck``, ``stride``)."""


def subsample(inputs: TensorLike, factor: int, scope: str | None = None) -> Tensor:
    """`inputs` subsampled by `factor` in height and width (a 1x1 max-pool of
    stride `factor`); `inputs` itself when factor is 1.

    TF1 equivalent: ``resnet_utils.subsample``."""
    if factor == 1:
        return inputs
    return slim.max_pool2d(inputs, [1, 1], stride=factor, scope=scope)


def conv2d_same(
    inputs: TensorLike, num_outputs: int, kernel_size: int, stride: int, rate: int = 1, scope: str | None = None
) -> Tensor:
    """A strided 'SAME' convolution whose padding does not depend on the input
    size: for stride > 1 the input is padded explicitly by
    p = k_eff - 1 (k_eff = k + (k - 1)(rate - 1)), floor(p/2) before and the
    rest after, then convolved 'VALID'; stride 1 is slim.conv2d 'SAME'.

    TF1 equivalent: ``resnet_utils.conv2d_same``."""
    if stride == 1:
        return slim.conv2d(inputs, num_outputs, kernel_size, stride=1, rate=rate, padding="SAME", scope=scope)
    kernel_size_effective = kernel_size + (kernel_size - 1) * (rate - 1)
    pad_total = kernel_size_effective - 1
    pad_beg = pad_total // 2
    pad_end = pad_total - pad_beg
    inputs = pad(inputs, [[0, 0], [pad_beg, pad_end], [pad_beg, pad_end], [0, 0]])
    return slim.conv2d(inputs, num_outputs, kernel_size, stride=stride, rate=rate, padding="VALID", scope=scope)


@add_arg_scope
def stack_blocks_dense(
    net: TensorLike,
    blocks: Sequence[Block],
    output_stride: int | None = None,
    outputs_collections: str | Sequence[str] | None = None,
) -> Tensor:
    """Runs `blocks` in order. With `output_stride`, once the product of the
    strides reaches it the remaining units run with stride 1 and an atrous rate
    multiplied by each skipped stride (dense features, as DeepLab).

    TF1 equivalent: ``resnet_utils.stack_blocks_dense``.

    Raises:
      ValueError: `output_stride` cannot be reached with the blocks' strides.
    """
    current_stride = 1
    rate = 1
    for block in blocks:
        with variable_scope(block.scope, "block", [net]) as sc:
            for i, unit in enumerate(block.args):
                if output_stride is not None and current_stride > output_stride:
                    raise ValueError("The target output_stride cannot be reached.")
                with variable_scope(f"unit_{i + 1}", values=[net]):
                    if output_stride is not None and current_stride == output_stride:
                        net = block.unit_fn(net, rate=rate, **dict(unit, stride=1))
                        rate *= unit.get("stride", 1)
                    else:
                        net = block.unit_fn(net, rate=1, **unit)
                        current_stride *= unit.get("stride", 1)
            net = collect_named_outputs(outputs_collections, sc.name, net)
    if output_stride is not None and current_stride != output_stride:
        raise ValueError("The target output_stride cannot be reached.")
    return net


def resnet_arg_scope(
    weight_decay: float = 0.0001,
    batch_norm_decay: float = 0.997,
    batch_norm_epsilon: float = 1e-5,
    batch_norm_scale: bool = True,
) -> dict:
    """ResNet's arg_scope (TF1: ``resnet_utils.resnet_arg_scope``): conv2d with
    l2_regularizer(weight_decay) weights, contrib variance-scaling (He)
    initializer, ReLU, batch_norm as normalizer (so no biases); batch_norm with
    decay 0.997, epsilon 1e-5, gamma (scale=True), updates in UPDATE_OPS;
    max_pool2d 'SAME'."""
    batch_norm_params: dict[str, Any] = {
        "decay": batch_norm_decay,
        "epsilon": batch_norm_epsilon,
        "scale": batch_norm_scale,
        "updates_collections": GraphKeys.UPDATE_OPS,
    }
    with slim.arg_scope(
        [slim.conv2d],
        weights_regularizer=slim.l2_regularizer(weight_decay),
        weights_initializer=slim.variance_scaling_initializer(),
        activation_fn=nn_ops.relu,
        normalizer_fn=slim.batch_norm,
        normalizer_params=batch_norm_params,
    ):
        with slim.arg_scope([slim.batch_norm], **batch_norm_params):
            with slim.arg_scope([slim.max_pool2d], padding="SAME") as arg_sc:
                return arg_sc


def _named_resnet(model_fn, block_fn, name: str, units: Sequence[int], params: str):
    """``resnet_vX_N(inputs, num_classes=None, is_training=True, global_pool=True,
    output_stride=None, reuse=None, scope=name)``: `model_fn` over the four blocks
    ('block1'..'block4') of `units` bottlenecks, as tf-slim's resnet_v1_50 & co."""

    def net(
        inputs: TensorLike,
        num_classes: int | None = None,
        is_training: bool = True,
        global_pool: bool = True,
        output_stride: int | None = None,
        reuse: Any = None,
        scope: str = name,
    ) -> tuple:
        blocks = [
            block_fn(f"block{i + 1}", base_depth=depth, num_units=n, stride=stride)
            for i, (depth, n, stride) in enumerate(zip(_BASE_DEPTHS, units, _STRIDES))
        ]
        return model_fn(inputs, blocks, num_classes, is_training, global_pool, output_stride, True, reuse, scope)

    family = name.rsplit("_", 1)[0]
    net.__name__ = net.__qualname__ = name
    net.__module__ = model_fn.__module__
    net.__doc__ = (
        f"{name} (TF1: ``{family}.{name}``): four blocks of {', '.join(map(str, units))} bottleneck units"
        f"{params}. Arguments, returns and errors as :func:`{family}`."
    )
    net.default_image_size = 224
    return net
