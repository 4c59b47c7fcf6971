"""A TensorFlow 1 program, ported to slimcore by changing its import line only.

It reads each 8x8 digit (``slimcore/app/data/digits.npz``, UCI's handwritten
digits) as a sequence of 8 rows and classifies it with an LSTM, in the TF1
idioms of issue 14: a ``tf.data`` pipeline (shuffle, batch, prefetch) behind
a reinitializable iterator for training and evaluation, ``tf.nn.dynamic_rnn``
(a ``tf.while_loop``), batch norm and dropout switched by an ``is_training``
placeholder (``tf.cond``), L2 penalties from a ``variable_scope``
regularizer added through ``tf.losses.get_total_loss()``, and streaming
``tf.metrics.accuracy`` reset by ``tf.local_variables_initializer()``.

    python examples/tf1/digits_rnn.py --data python/slimcore/app/data/digits.npz --epochs 5
"""

import numpy as np

import slimcore.compat.v1 as tf

flags = tf.app.flags
flags.DEFINE_string("data", "", "an .npz with uint8 'images' [N, 8, 8] and 'labels' [N]")
flags.DEFINE_integer("epochs", 5, "passes over the training set")
flags.DEFINE_integer("batch_size", 64, "examples per step")
flags.DEFINE_integer("units", 48, "LSTM units")
flags.DEFINE_float("learning_rate", 0.01, "Adam learning rate")
flags.DEFINE_float("weight_decay", 1e-4, "L2 penalty factor on every weight")
flags.DEFINE_integer("seed", 1, "graph-level random seed")
FLAGS = flags.FLAGS


def load(path):
    data = np.load(path)
    images = data["images"].astype(np.float32) / 16.0
    labels = data["labels"].astype(np.int64)
    n_train = len(images) * 4 // 5
    return (images[:n_train], labels[:n_train]), (images[n_train:], labels[n_train:])


def build_model(rows, is_training):
    """rows [N, 8, 8] -> logits [N, 10]; every weight carries an L2 penalty."""
    regularizer = tf.contrib.layers.l2_regularizer(FLAGS.weight_decay)
    with tf.variable_scope("classifier", regularizer=regularizer):
        cell = tf.nn.rnn_cell.LSTMCell(FLAGS.units)
        _, state = tf.nn.dynamic_rnn(cell, rows, dtype=tf.float32)
        net = tf.layers.batch_normalization(state.h, momentum=0.9, training=is_training)
        net = tf.layers.dropout(net, rate=0.2, training=is_training)
        return tf.layers.dense(net, 10, kernel_regularizer=regularizer)


def build(train_set, test_set):
    """The whole graph: iterators, model, train op, metrics."""
    tf.set_random_seed(FLAGS.seed)
    train_data = (
        tf.data.Dataset.from_tensor_slices(train_set)
        .shuffle(1000, seed=FLAGS.seed)
        .batch(FLAGS.batch_size)
        .prefetch(1)
    )
    test_data = tf.data.Dataset.from_tensor_slices(test_set).batch(256)
    iterator = tf.data.Iterator.from_structure(
        tf.compat.v1.data.get_output_types(train_data), tf.compat.v1.data.get_output_shapes(train_data)
    )
    rows, labels = iterator.get_next()
    is_training = tf.placeholder_with_default(False, [], name="is_training")

    logits = build_model(rows, is_training)
    tf.losses.sparse_softmax_cross_entropy(labels, logits)
    loss = tf.losses.get_total_loss()  # the cross-entropy plus every L2 penalty
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train_op = tf.train.AdamOptimizer(FLAGS.learning_rate).minimize(
            loss, global_step=tf.train.get_or_create_global_step()
        )
    accuracy, update_accuracy = tf.metrics.accuracy(labels, tf.argmax(logits, axis=1))
    return {
        "train_init": iterator.make_initializer(train_data),
        "test_init": iterator.make_initializer(test_data),
        "is_training": is_training,
        "loss": loss,
        "train_op": train_op,
        "accuracy": accuracy,
        "update_accuracy": update_accuracy,
    }


def evaluate(sess, g):
    sess.run(tf.local_variables_initializer())  # resets the streaming accuracy
    sess.run(g["test_init"])
    while True:
        try:
            sess.run(g["update_accuracy"])
        except tf.errors.OutOfRangeError:
            return sess.run(g["accuracy"])


def main(_):
    train_set, test_set = load(FLAGS.data)
    g = build(train_set, test_set)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for epoch in range(FLAGS.epochs):
            sess.run(g["train_init"])
            losses = []
            while True:
                try:
                    _, value = sess.run([g["train_op"], g["loss"]], {g["is_training"]: True})
                    losses.append(value)
                except tf.errors.OutOfRangeError:
                    break
            print(f"epoch {epoch} loss {np.mean(losses):.4f} test accuracy {evaluate(sess, g):.4f}")


if __name__ == "__main__":
    tf.app.run(main)
