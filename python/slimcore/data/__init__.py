"""slimcore.data: TF1's tf.data input pipelines (tf.data.Dataset, iterators).

    import slimcore.compat.v1 as tf
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(1000, seed=0).batch(32).prefetch(1)
    images, labels = tf.compat.v1.data.make_one_shot_iterator(dataset).get_next()

``dataset_ops`` holds the Dataset and its transformations, ``iterator_ops``
the iterators and their get_next op (a host callback), ``functions`` how
``map`` runs a function (slimcore ops or numpy), ``readers`` datasets over
``.npy``/``.npz`` files and image folders. TFRecord files are out of scope.
"""

from .dataset_ops import AUTOTUNE, Dataset, DatasetV1
from .iterator_ops import (
    Iterator,
    get_output_classes,
    get_output_shapes,
    get_output_types,
    make_initializable_iterator,
    make_one_shot_iterator,
)
from .readers import image_folder_dataset, npy_dataset, npz_dataset

__all__ = [
    "AUTOTUNE",
    "Dataset",
    "DatasetV1",
    "Iterator",
    "get_output_classes",
    "get_output_shapes",
    "get_output_types",
    "make_initializable_iterator",
    "make_one_shot_iterator",
    "npy_dataset",
    "npz_dataset",
    "image_folder_dataset",
]
