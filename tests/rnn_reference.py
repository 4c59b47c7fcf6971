"""numpy reimplementations of TF 1.15's recurrent cells (rnn_cell_impl.py),
shared by test_rnn_cell.py and test_rnn_static.py."""

import numpy as np


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def np_basic_rnn(x, h, w):
    out = np.tanh(np.concatenate([x, h], 1) @ w["kernel"] + w["bias"])
    return out, out


def np_lstm(x, state, w, forget_bias=1.0, peep=False, cell_clip=None, proj_clip=None):
    c, h = state
    z = np.concatenate([x, h], 1) @ w["kernel"] + w["bias"]
    i, j, f, o = np.split(z, 4, axis=1)
    if peep:
        f = f + w["w_f_diag"] * c
        i = i + w["w_i_diag"] * c
    new_c = sigmoid(f + forget_bias) * c + sigmoid(i) * np.tanh(j)
    if cell_clip is not None:
        new_c = np.clip(new_c, -cell_clip, cell_clip)
    if peep:
        o = o + w["w_o_diag"] * new_c
    m = sigmoid(o) * np.tanh(new_c)
    if "projection/kernel" in w:
        m = m @ w["projection/kernel"]
        if proj_clip is not None:
            m = np.clip(m, -proj_clip, proj_clip)
    return m, (new_c, m)


def np_gru(x, h, w):
    gates = sigmoid(np.concatenate([x, h], 1) @ w["gates/kernel"] + w["gates/bias"])
    r, u = np.split(gates, 2, axis=1)
    c = np.tanh(np.concatenate([x, r * h], 1) @ w["candidate/kernel"] + w["candidate/bias"])
    new_h = u * h + (1 - u) * c
    return new_h, new_h


def short(v):
    """'rnn/lstm_cell/projection/kernel:0' -> 'projection/kernel' (after the cell scope)."""
    name = v.name.split(":")[0]
    for cell_scope in ("basic_rnn_cell/", "basic_lstm_cell/", "lstm_cell/", "gru_cell/"):
        if cell_scope in name:
            return name.split(cell_scope, 1)[1]
    raise AssertionError(name)


def randomize(sess, cell, rng, scale=0.5):
    """Non-trivial weights (biases too, so the bias path is tested); returns them by short name."""
    weights = {}
    for v in cell.variables:
        value = rng.uniform(-scale, scale, v.shape.as_list()).astype(v.dtype.as_numpy_dtype)
        v.load(value, sess)
        weights[short(v)] = value
    return weights
