"""A tf-slim program, ported to slimcore by changing its import line only.

With ``import tensorflow as tf`` (TF 1.15, where ``tf.contrib.slim`` is
tf-slim) it runs on TensorFlow; as written it runs on slimcore. It is written
as tf-slim's README teaches: a model from ``slim.nets`` (VGG-A) under its own
arg_scope, contrib's losses (``slim.losses``, whose argument order is
(logits, labels)), ``slim.losses.get_total_loss()`` so the weights' L2
penalties train too, summaries of the losses and the end points, and
``slim.learning.create_train_op`` + ``slim.learning.train`` (checkpoints and
TensorBoard event files in ``--logdir``, resumed from the latest checkpoint
when run again). The data are the 8x8 digits that ship with slimcore
(``slimcore/app/data/digits.npz``), upsampled in the graph to 224x224x3 (each
pixel a 28x28 block, grey in RGB): VGG's input size, the only one TF 1.15's
``vgg_a`` accepts with its defaults (fc6 is a 7x7 VALID convolution on pool5's
map).

    python examples/slim/digits_vgg.py --data python/slimcore/app/data/digits.npz \
        --logdir /tmp/digits_vgg --steps 20

VGG-A has 128,807,306 parameters with 10 classes (102.8M of them fc6's
7x7x512x4096 kernel) and takes 7.6G multiply-adds per image: each step is seconds on a small
CPU, as on TensorFlow.
"""

import numpy as np

import slimcore.compat.v1 as tf

slim = tf.contrib.slim
vgg = slim.nets.vgg

flags = tf.app.flags
flags.DEFINE_string("data", "", "an .npz with uint8 'images' [N, 8, 8] (0..16) and 'labels' [N]")
flags.DEFINE_string("logdir", "/tmp/digits_vgg", "checkpoints and TensorBoard event files")
flags.DEFINE_integer("steps", 20, "global step to train to")
flags.DEFINE_integer("batch_size", 4, "examples per step")
flags.DEFINE_integer(
    "train_examples", 0, "train on the first N digits only (0: all), the quick check that a model can fit a few"
)
flags.DEFINE_float("learning_rate", 0.01, "momentum SGD learning rate")
flags.DEFINE_float("weight_decay", 5e-4, "vgg_arg_scope's L2 penalty factor")
flags.DEFINE_integer("seed", 1, "graph-level random seed")
flags.DEFINE_integer("save_summaries_secs", 60, "seconds between summaries (the first after step 1)")
flags.DEFINE_integer("save_interval_secs", 600, "seconds between checkpoints (0: only the final one)")
FLAGS = flags.FLAGS


def load_digits(path):
    """uint8 8x8 digits (0..16) -> float [N, 8, 8] in [0, 1], int64 labels [N]."""
    data = np.load(path)
    return data["images"].astype(np.float32) / 16.0, data["labels"].astype(np.int64)


def upsample(images, factor=28):
    """[B, 8, 8] -> [B, 8 factor, 8 factor, 3]: nearest neighbour (each pixel a
    factor x factor block), the grey level in all three channels."""
    blocks = tf.tile(images[:, :, tf.newaxis, :, tf.newaxis], [1, 1, factor, 1, factor])  # [B, 8, f, 8, f]
    grey = tf.reshape(blocks, [-1, 8 * factor, 8 * factor, 1])
    return tf.tile(grey, [1, 1, 1, 3])


def build_train_op(image_batch, label_batch, learning_rate, weight_decay):
    """VGG-A's logits of [B, 224, 224, 3] images, contrib's cross-entropy plus the
    L2 penalties, summaries, the train op."""
    with slim.arg_scope(vgg.vgg_arg_scope(weight_decay=weight_decay)):
        logits, end_points = vgg.vgg_a(image_batch, num_classes=10, is_training=True)

    # contrib's losses: (logits, labels), added to the LOSSES collection.
    slim.losses.sparse_softmax_cross_entropy(logits, label_batch)
    total_loss = slim.losses.get_total_loss()  # the cross-entropy plus every vgg weight's L2 penalty

    for name in ("vgg_a/pool5", "vgg_a/fc7"):
        tf.summary.histogram("activations/" + name, end_points[name])
    tf.summary.scalar("losses/total_loss", total_loss)
    tf.summary.scalar("losses/regularization", tf.add_n(slim.losses.get_regularization_losses()))

    optimizer = tf.train.MomentumOptimizer(learning_rate, momentum=0.9)
    train_op = slim.learning.create_train_op(total_loss, optimizer)
    return train_op


def main(_):
    tf.logging.set_verbosity(tf.logging.INFO)
    tf.set_random_seed(FLAGS.seed)
    images, labels = load_digits(FLAGS.data)
    if FLAGS.train_examples:
        images, labels = images[: FLAGS.train_examples], labels[: FLAGS.train_examples]

    dataset = tf.data.Dataset.from_tensor_slices((images, labels))
    dataset = dataset.shuffle(len(labels), seed=FLAGS.seed).repeat().batch(FLAGS.batch_size)
    image_batch, label_batch = tf.data.make_one_shot_iterator(dataset).get_next()

    train_op = build_train_op(upsample(image_batch), label_batch, FLAGS.learning_rate, FLAGS.weight_decay)

    final_loss = slim.learning.train(
        train_op,
        FLAGS.logdir,
        number_of_steps=FLAGS.steps,
        log_every_n_steps=1,
        save_summaries_secs=FLAGS.save_summaries_secs,
        save_interval_secs=FLAGS.save_interval_secs,
    )
    print(f"final loss {final_loss:.4f}")


if __name__ == "__main__":
    tf.app.run(main)
