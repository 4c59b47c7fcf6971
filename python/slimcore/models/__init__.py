"""Models built from slimcore's slim layers: the seed-002 MLP, a LeNet-style
CNN and slim's MobileNetV2."""

from . import mobilenet_v2
from .lenet import lenet, lenet_arg_scope
from .mlp import mlp

__all__ = ["mlp", "lenet", "lenet_arg_scope", "mobilenet_v2"]
