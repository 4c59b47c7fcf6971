"""A TensorFlow 1 program, ported to slimcore by changing its import line only.

With ``import tensorflow as tf`` (TF 1.15) it runs on TensorFlow; as written it
runs on slimcore. It trains a small convolutional classifier of the 8x8
digits (``slimcore/app/data/digits.npz``, UCI's handwritten digits) in the
TF1 idioms a real program uses: flags through ``tf.app.flags`` and
``tf.app.run``, a shapeless ``keep_prob`` placeholder, ``tf.squeeze`` of a
``[batch, 1]`` label column, ``tf.pad``, Python slicing of tensors,
``tf.gather`` of per-class weights, ``tf.where`` in the accuracy,
``tf.random.truncated_normal`` initial values, ``tf.compat.v1`` spellings
and a one-thread ``ConfigProto``.

    python examples/tf1/digits_cnn.py --data python/slimcore/app/data/digits.npz --steps 300
"""

import numpy as np

import slimcore.compat.v1 as tf

flags = tf.app.flags
flags.DEFINE_string("data", "", "an .npz with uint8 'images' [N, 8, 8] and 'labels' [N]")
flags.DEFINE_integer("steps", 300, "training steps")
flags.DEFINE_integer("batch_size", 64, "examples per step")
flags.DEFINE_float("learning_rate", 0.1, "SGD learning rate")
flags.DEFINE_float("keep_prob", 0.75, "dropout keep probability while training")
flags.DEFINE_float("weight_decay", 1e-4, "L2 penalty factor on the weights")
flags.DEFINE_integer("seed", 1, "graph-level random seed")
FLAGS = flags.FLAGS


def model(images, keep_prob):
    """images [N, 8, 8] in [0, 1] -> logits [N, 10]."""
    x = tf.expand_dims(images, -1)  # [N, 8, 8, 1]
    x = tf.pad(x, [[0, 0], [2, 2], [2, 2], [0, 0]], mode="SYMMETRIC")  # [N, 12, 12, 1]
    w1 = tf.Variable(tf.random.truncated_normal([3, 3, 1, 16], stddev=0.3), name="conv1/weights")
    b1 = tf.Variable(tf.zeros([16]), name="conv1/biases")
    h = tf.nn.relu(tf.nn.conv2d(x, w1, strides=[1, 1, 1, 1], padding="VALID") + b1)  # [N, 10, 10, 16]
    h = tf.nn.max_pool(h, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="VALID")  # [N, 5, 5, 16]
    h = h[:, 1:, 1:, :]  # drop the padded border: [N, 4, 4, 16]
    flat = tf.reshape(h, [-1, 4 * 4 * 16])
    flat = tf.nn.dropout(flat, keep_prob)
    w2 = tf.compat.v1.get_variable(
        "fc/weights", [4 * 4 * 16, 10], initializer=tf.truncated_normal_initializer(stddev=0.05)
    )
    b2 = tf.compat.v1.get_variable("fc/biases", [10], initializer=tf.zeros_initializer())
    tf.add_to_collection(tf.GraphKeys.REGULARIZATION_LOSSES, FLAGS.weight_decay * tf.nn.l2_loss(w1))
    tf.add_to_collection(tf.GraphKeys.REGULARIZATION_LOSSES, FLAGS.weight_decay * tf.nn.l2_loss(w2))
    return tf.matmul(flat, w2) + b2


def main(_):
    data = np.load(FLAGS.data)
    images = data["images"].astype(np.float32) / 16.0
    labels = data["labels"].astype(np.int64).reshape(-1, 1)  # a label column, as CSV readers give it
    n_train = len(images) * 4 // 5

    tf.set_random_seed(FLAGS.seed)
    x = tf.compat.v1.placeholder(tf.float32, [None, 8, 8], name="images")
    y_column = tf.placeholder(tf.int64, [None, 1], name="labels")
    keep_prob = tf.placeholder(tf.float32)  # no shape: the TF1 idiom
    y = tf.squeeze(y_column, axis=[1])

    logits = model(x, keep_prob)
    class_weights = tf.constant([1.0] * 10)
    example_weights = tf.gather(class_weights, y)
    data_loss = tf.losses.sparse_softmax_cross_entropy(y, logits, weights=example_weights)
    loss = data_loss + tf.add_n(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES))
    train_op = tf.compat.v1.train.GradientDescentOptimizer(FLAGS.learning_rate).minimize(loss)

    predicted = tf.argmax(logits, axis=1)
    first_logit = logits[:, 0]  # any [N] float tensor gives where() its 1 and 0 shapes
    hits = tf.where(tf.equal(predicted, y), tf.ones_like(first_logit), tf.zeros_like(first_logit))
    accuracy = tf.reduce_mean(hits)

    config = tf.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)
    rng = np.random.RandomState(FLAGS.seed)
    with tf.Session(config=config) as sess:
        sess.run(tf.compat.v1.global_variables_initializer())
        for step in range(FLAGS.steps + 1):
            batch = rng.randint(0, n_train, FLAGS.batch_size)
            feed = {x: images[batch], y_column: labels[batch], keep_prob: FLAGS.keep_prob}
            if step % 50 == 0:
                value = sess.run(data_loss, {x: images[:n_train], y_column: labels[:n_train], keep_prob: 1.0})
                print(f"step {step} loss {value:.4f}")
            if step < FLAGS.steps:
                sess.run(train_op, feed)
        test = {x: images[n_train:], y_column: labels[n_train:], keep_prob: 1.0}
        print(f"test accuracy {sess.run(accuracy, test):.4f}")


if __name__ == "__main__":
    tf.app.run(main)
