"""ResNet v1 as tf-slim defines it (tf_slim/nets/resnet_v1.py): bottleneck units
with the stride on the 3x3 convolution (the "v1.5"-free original of slim), batch
norm after every convolution, ReLU after the sum. End points are keyed by scope
('resnet_v1_50/conv1', 'resnet_v1_50/block1/unit_1/bottleneck_v1/conv1', ...,
'resnet_v1_50/block4', 'resnet_v1_50/logits', 'predictions').

    with slim.arg_scope(resnet_v1.resnet_arg_scope()):
        net, end_points = resnet_v1.resnet_v1_50(images, 1000, is_training=False)
    # net: [N, 1, 1, 1000] logits (tf-slim's resnets do not squeeze)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ... import slim
from ...ops import math_ops, nn_ops
from ...variable_scope import variable_scope
from ..arg_scope import add_arg_scope
from ..utils import collect_named_outputs, convert_collection_to_dict, last_dimension
from . import resnet_utils
from ._common import softmax
from .resnet_utils import resnet_arg_scope

if TYPE_CHECKING:  # annotations only
    from collections.abc import Sequence

    from ...framework.ops import Tensor
    from ...framework.types import TensorLike
    from ...variable_scope import _ReuseMode

__all__ = [
    "bottleneck",
    "resnet_v1",
    "resnet_v1_block",
    "resnet_v1_50",
    "resnet_v1_101",
    "resnet_v1_152",
    "resnet_v1_200",
    "resnet_arg_scope",
]


@add_arg_scope
def bottleneck(
    inputs: TensorLike,
    depth: int,
    depth_bottleneck: int,
    stride: int,
    rate: int = 1,
    outputs_collections: str | Sequence[str] | None = None,
    scope: str | None = None,
) -> Tensor:
    """A v1 bottleneck unit: y = relu(shortcut(x) + conv3(conv2(conv1(x)))), conv1
    1x1 x depth_bottleneck, conv2 3x3 (stride, rate) x depth_bottleneck, conv3 1x1
    x depth (linear); the shortcut is x subsampled when depth matches, else a
    linear 1x1 x depth convolution of stride `stride`.

    TF1 equivalent: ``resnet_v1.bottleneck`` (scope 'bottleneck_v1')."""
    with variable_scope(scope, "bottleneck_v1", [inputs]) as sc:
        depth_in = last_dimension(inputs.get_shape(), min_rank=4)
        if depth == depth_in:
            shortcut = resnet_utils.subsample(inputs, stride, "shortcut")
        else:
            shortcut = slim.conv2d(inputs, depth, [1, 1], stride=stride, activation_fn=None, scope="shortcut")
        residual = slim.conv2d(inputs, depth_bottleneck, [1, 1], stride=1, scope="conv1")
        residual = resnet_utils.conv2d_same(residual, depth_bottleneck, 3, stride, rate=rate, scope="conv2")
        residual = slim.conv2d(residual, depth, [1, 1], stride=1, activation_fn=None, scope="conv3")
        output = nn_ops.relu(shortcut + residual)
        return collect_named_outputs(outputs_collections, sc.name, output)


def resnet_v1(
    inputs: TensorLike,
    blocks: Sequence[resnet_utils.Block],
    num_classes: int | None = None,
    is_training: bool = True,
    global_pool: bool = True,
    output_stride: int | None = None,
    include_root_block: bool = True,
    reuse: bool | _ReuseMode | None = None,
    scope: str | None = None,
) -> tuple:
    """A ResNet v1 from `blocks` (TF1: ``resnet_v1.resnet_v1``).

    Args:
      inputs: [N, H, W, C] images.
      blocks: the resnet_utils.Block list.
      num_classes: logits per position (a 1x1 convolution 'logits'); None
        returns the features.
      is_training: batch norm in training mode (batch statistics, UPDATE_OPS).
      global_pool: average over height and width ('pool5', kept as [N, 1, 1, C]).
      output_stride: the ratio of input to output resolution (a multiple of 4;
        atrous convolution past it); None for 32.
      include_root_block: the 7x7 stride-2 conv1 and 3x3 max-pool pool1.
      reuse: reuse the variables of `scope`.
      scope: the variable scope.

    Returns:
      (net [N, 1, 1, num_classes] (or features), end_points OrderedDict).

    Raises:
      ValueError: output_stride not a multiple of 4 or not reachable.
    """
    with variable_scope(scope, "resnet_v1", [inputs], reuse=reuse) as sc:
        end_points_collection = sc.original_name_scope + "_end_points"
        with slim.arg_scope(
            [slim.conv2d, bottleneck, resnet_utils.stack_blocks_dense], outputs_collections=end_points_collection
        ):
            with slim.arg_scope([slim.batch_norm], is_training=is_training):
                net = inputs
                if include_root_block:
                    if output_stride is not None:
                        if output_stride % 4 != 0:
                            raise ValueError("The output_stride needs to be a multiple of 4.")
                        output_stride //= 4
                    net = resnet_utils.conv2d_same(net, 64, 7, stride=2, scope="conv1")
                    net = slim.max_pool2d(net, [3, 3], stride=2, scope="pool1")
                net = resnet_utils.stack_blocks_dense(net, blocks, output_stride)
                if global_pool:
                    net = math_ops.reduce_mean(net, [1, 2], name="pool5", keepdims=True)
                if num_classes is not None:
                    net = slim.conv2d(net, num_classes, [1, 1], activation_fn=None, normalizer_fn=None, scope="logits")
                end_points = convert_collection_to_dict(end_points_collection)
                if num_classes is not None:
                    end_points["predictions"] = softmax(net, scope="predictions")
                return net, end_points


resnet_v1.default_image_size = 224


def resnet_v1_block(scope: str, base_depth: int, num_units: int, stride: int) -> resnet_utils.Block:
    """A block of `num_units` v1 bottlenecks (depth 4 * base_depth, bottleneck
    base_depth), the last one of stride `stride` (TF1: ``resnet_v1.resnet_v1_block``)."""
    unit = {"depth": base_depth * 4, "depth_bottleneck": base_depth, "stride": 1}
    return resnet_utils.Block(scope, bottleneck, [unit] * (num_units - 1) + [dict(unit, stride=stride)])


resnet_v1_50 = resnet_utils._named_resnet(
    resnet_v1, resnet_v1_block, "resnet_v1_50", (3, 4, 6, 3), ", 25,557,032 parameters with 1000 classes"
)
resnet_v1_101 = resnet_utils._named_resnet(
    resnet_v1, resnet_v1_block, "resnet_v1_101", (3, 4, 23, 3), ", 44,549,160 parameters with 1000 classes"
)
resnet_v1_152 = resnet_utils._named_resnet(resnet_v1, resnet_v1_block, "resnet_v1_152", (3, 8, 36, 3), "")
resnet_v1_200 = resnet_utils._named_resnet(resnet_v1, resnet_v1_block, "resnet_v1_200", (3, 24, 36, 3), "")
