"""slimcore.keras: tf.keras (TF 1.x, graph mode) on slimcore's engine.

``models.Sequential`` with ``layers.Dense``/``Conv2D``/``Flatten``/``Dropout``/
pooling, Keras' ``regularizers`` (no ½ on L2: ``l2(x)`` is twice
``tf.contrib.layers.l2_regularizer(x)``), ``compile``/``fit``/``evaluate``/
``predict`` with a training loss that adds the layers' penalties
(``model.losses``) automatically, as Keras does. The penalties are also in
REGULARIZATION_LOSSES, so ``tf.losses.get_total_loss()`` sees them too.

    from slimcore import keras
    model = keras.models.Sequential([
        keras.layers.Dense(64, activation='relu', input_shape=(64,),
                           kernel_regularizer=keras.regularizers.l2(1e-4)),
        keras.layers.Dense(10, activation='softmax')])
    model.compile('adam', 'sparse_categorical_crossentropy', metrics=['accuracy'])
    model.fit(x, y, epochs=5)
"""

from . import activations, backend, initializers, layers, losses, metrics, models, optimizers, regularizers
from .models import Sequential

__all__ = [
    "activations",
    "backend",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "models",
    "optimizers",
    "regularizers",
    "Sequential",
]
