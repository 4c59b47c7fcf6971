"""slimcore.compat: namespaces shaped like other libraries' APIs.

``slimcore.compat.v1`` is TensorFlow 1.x's ``tf``: port a TF1 / slim /
tf.keras program by changing its import::

    import slimcore.compat.v1 as tf
    slim = tf.contrib.slim
"""

from . import v1

__all__ = ["v1"]
