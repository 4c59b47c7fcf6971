"""ResNet v2 (pre-activation) as tf-slim defines it (tf_slim/nets/resnet_v2.py):
batch norm and ReLU before each unit's convolutions ('preact'), a linear sum,
no normalisation in conv1 and a final 'postnorm'. End points are keyed by scope
('resnet_v2_50/conv1', 'resnet_v2_50/block1/unit_1/bottleneck_v2/conv1', ...,
'resnet_v2_50/block4', 'resnet_v2_50/logits', 'predictions').

    with slim.arg_scope(resnet_v2.resnet_arg_scope()):
        net, end_points = resnet_v2.resnet_v2_50(images, 1000, is_training=False)
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
    "resnet_v2",
    "resnet_v2_block",
    "resnet_v2_50",
    "resnet_v2_101",
    "resnet_v2_152",
    "resnet_v2_200",
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
    """A v2 (pre-activation) bottleneck unit: p = relu(batch_norm(x)) ('preact'),
    y = shortcut + conv3(conv2(conv1(p))); conv3 has neither normalizer nor
    activation; the shortcut is x subsampled when depth matches, else a linear,
    unnormalised 1x1 x depth convolution of p with stride `stride`.

    TF1 equivalent: ``resnet_v2.bottleneck`` (scope 'bottleneck_v2')."""
    with variable_scope(scope, "bottleneck_v2", [inputs]) as sc:
        depth_in = last_dimension(inputs.get_shape(), min_rank=4)
        preact = slim.batch_norm(inputs, activation_fn=nn_ops.relu, scope="preact")
        if depth == depth_in:
            shortcut = resnet_utils.subsample(inputs, stride, "shortcut")
        else:
            shortcut = slim.conv2d(
                preact, depth, [1, 1], stride=stride, normalizer_fn=None, activation_fn=None, scope="shortcut"
            )
        residual = slim.conv2d(preact, depth_bottleneck, [1, 1], stride=1, scope="conv1")
        residual = resnet_utils.conv2d_same(residual, depth_bottleneck, 3, stride, rate=rate, scope="conv2")
        residual = slim.conv2d(residual, depth, [1, 1], stride=1, normalizer_fn=None, activation_fn=None, scope="conv3")
        output = shortcut + residual
        return collect_named_outputs(outputs_collections, sc.name, output)


def resnet_v2(
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
    """A ResNet v2 from `blocks` (TF1: ``resnet_v2.resnet_v2``). Arguments,
    returns and errors as :func:`slimcore.slim.nets.resnet_v1.resnet_v1`; conv1
    has no batch norm nor activation and 'postnorm' (batch norm + ReLU) follows
    the last block."""
    with variable_scope(scope, "resnet_v2", [inputs], reuse=reuse) as sc:
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
                    # no batch norm nor activation: the first unit's preact does them
                    with slim.arg_scope([slim.conv2d], activation_fn=None, normalizer_fn=None):
                        net = resnet_utils.conv2d_same(net, 64, 7, stride=2, scope="conv1")
                    net = slim.max_pool2d(net, [3, 3], stride=2, scope="pool1")
                net = resnet_utils.stack_blocks_dense(net, blocks, output_stride)
                net = slim.batch_norm(net, activation_fn=nn_ops.relu, scope="postnorm")
                if global_pool:
                    net = math_ops.reduce_mean(net, [1, 2], name="pool5", keepdims=True)
                if num_classes is not None:
                    net = slim.conv2d(net, num_classes, [1, 1], activation_fn=None, normalizer_fn=None, scope="logits")
                end_points = convert_collection_to_dict(end_points_collection)
                if num_classes is not None:
                    end_points["predictions"] = softmax(net, scope="predictions")
                return net, end_points


resnet_v2.default_image_size = 224


def resnet_v2_block(scope: str, base_depth: int, num_units: int, stride: int) -> resnet_utils.Block:
    """A block of `num_units` v2 bottlenecks (depth 4 * base_depth, bottleneck
    base_depth), the last one of stride `stride` (TF1: ``resnet_v2.resnet_v2_block``)."""
    unit = {"depth": base_depth * 4, "depth_bottleneck": base_depth, "stride": 1}
    return resnet_utils.Block(scope, bottleneck, [unit] * (num_units - 1) + [dict(unit, stride=stride)])


resnet_v2_50 = resnet_utils._named_resnet(
    resnet_v2, resnet_v2_block, "resnet_v2_50", (3, 4, 6, 3), ", 25,568,360 parameters with 1000 classes"
)
resnet_v2_101 = resnet_utils._named_resnet(
    resnet_v2, resnet_v2_block, "resnet_v2_101", (3, 4, 23, 3), ", 44,577,896 parameters with 1000 classes"
)
resnet_v2_152 = resnet_utils._named_resnet(resnet_v2, resnet_v2_block, "resnet_v2_152", (3, 8, 36, 3), "")
resnet_v2_200 = resnet_utils._named_resnet(resnet_v2, resnet_v2_block, "resnet_v2_200", (3, 24, 36, 3), "")
