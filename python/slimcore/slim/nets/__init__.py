"""slim.nets (tf_slim.nets and tf-slim's model zoo): the classic nets with
tf-slim's variable names, end points and arg_scopes.

    import slimcore.slim as slim
    vgg = slim.nets.vgg
    with slim.arg_scope(vgg.vgg_arg_scope()):
        logits, end_points = vgg.vgg_16(images, num_classes=1000)

Modules (each as tf-slim's): ``alexnet`` (alexnet_v2), ``overfeat``, ``vgg``
(vgg_a, vgg_16, vgg_19), ``resnet_v1`` (resnet_v1_50/101/152/200), ``resnet_v2``
(resnet_v2_50/101/152/200), ``resnet_utils``, ``inception_v1``, ``inception_v2``,
``inception_v3``, ``mobilenet_v1`` (and _075, _050, _025); from tf-slim's model
zoo (tensorflow/models research/slim), ``lenet``, ``cifarnet`` and
``mobilenet_v2`` (slimcore.models.mobilenet_v2: ``mobilenet``,
``mobilenet_base``, ``training_scope``).
"""

from ...models import mobilenet_v2
from . import (
    alexnet,
    cifarnet,
    inception_v1,
    inception_v2,
    inception_v3,
    lenet,
    mobilenet_v1,
    overfeat,
    resnet_utils,
    resnet_v1,
    resnet_v2,
    vgg,
)

__all__ = [
    "alexnet",
    "cifarnet",
    "inception_v1",
    "inception_v2",
    "inception_v3",
    "lenet",
    "mobilenet_v1",
    "mobilenet_v2",
    "overfeat",
    "resnet_utils",
    "resnet_v1",
    "resnet_v2",
    "vgg",
]
