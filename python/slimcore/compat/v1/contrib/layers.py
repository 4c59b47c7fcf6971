"""tf.contrib.layers (TF 1.x): slim's layers, contrib's regularizers and initializers.

The layers are slim's (``fully_connected``, ``conv2d``... with slim's names
"weights"/"biases" and slim's default ReLU activation); the regularizers are
TF1's, with the ½ in L2: ``l2_regularizer(s)(w) = s * sum(w^2) / 2``
(Keras' ``l2`` has no ½). ``variance_scaling_initializer`` is contrib's
(factor, 'FAN_IN', uniform), not tf.variance_scaling_initializer.

Example (seed 002)::

    import slimcore.compat.v1.contrib.layers as layers
    out = layers.fully_connected(x, 200, weights_regularizer=layers.l2_regularizer(scale=0.01),
                                 weights_initializer=layers.xavier_initializer(uniform=True),
                                 activation_fn=tf.nn.tanh)
"""

from __future__ import annotations

from ....initializers import contrib_variance_scaling_initializer as variance_scaling_initializer
from ....initializers import xavier_initializer, xavier_initializer_conv2d
from ....regularizers import apply_regularization, l1_l2_regularizer, l1_regularizer, l2_regularizer, sum_regularizer

# slim's layer modules, re-exported whole: their __all__ is the one list of names.
from ....slim.convolution import *  # noqa: F403
from ....slim.convolution import __all__ as _convolution_all
from ....slim.layers import *  # noqa: F403
from ....slim.layers import __all__ as _layers_all
from ....slim.normalization import *  # noqa: F403
from ....slim.normalization import __all__ as _normalization_all
from ....slim.simple_layers import *  # noqa: F403
from ....slim.simple_layers import __all__ as _simple_layers_all

__all__ = [
    *_layers_all,
    *_convolution_all,
    *_normalization_all,
    *_simple_layers_all,
    "l1_regularizer",
    "l2_regularizer",
    "l1_l2_regularizer",
    "sum_regularizer",
    "apply_regularization",
    "xavier_initializer",
    "xavier_initializer_conv2d",
    "variance_scaling_initializer",
]
