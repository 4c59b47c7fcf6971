"""The application side of slimcore, built on the public API like any user
program (nothing in the library imports it):

- ``cli``: the ``slimcore`` command (train, sweep, report, bench);
- ``classifier_run``: one training run of a classifier as the command does it
  (model, optimizer, schedule, epochs, evaluation, checkpoint);
- ``datasets``: the handwritten digits shipped in ``data/`` and ``.npz`` loading;
- ``benchmarks``: the timed comparisons against PyTorch and TensorFlow.
"""
