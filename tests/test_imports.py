"""The package imports cleanly whatever is imported first, its layers depend
only downwards, and the public names of DESIGN.md's API map resolve.

Importing any ``slimcore.X`` runs ``slimcore/__init__`` first, which imports
most of the library in one fixed order; so a fresh interpreter checks
``import slimcore`` once, and then each module that it does not import
(the application side, compat, models) on its own, where a cycle that only
works in one import order fails. A pool of two runs them in parallel.
"""

import ast
import concurrent.futures
import importlib
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

import slimcore

PACKAGE_DIR = os.path.dirname(os.path.abspath(slimcore.__file__))


def _modules() -> list:
    """Every module of the package, from its files ("slimcore.ops.math_ops", ...)."""
    names = []
    for dirpath, dirnames, filenames in os.walk(PACKAGE_DIR):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        parts = ["slimcore"] + os.path.relpath(dirpath, PACKAGE_DIR).split(os.sep)
        parts = [p for p in parts if p != "."]
        for filename in sorted(filenames):
            if not filename.endswith(".py") or filename == "__main__.py":  # __main__ runs the CLI
                continue
            stem = filename[:-3]
            names.append(".".join(parts if stem == "__init__" else parts + [stem]))
    return names


# Modules of an optional extra: without it, importing them raises ImportError
# naming the extra (tested with the module), so they are left out here.
OPTIONAL = {"slimcore.distributed": "mpi4py"}
MODULES = [name for name in _modules() if name not in OPTIONAL or importlib.util.find_spec(OPTIONAL[name]) is not None]


def _run_fresh(code: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, SKBUILD_EDITABLE_SKIP="1")  # this process already rebuilt an editable install
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)


def _import_fresh(name: str) -> tuple:
    proc = _run_fresh(f"import {name}")
    return name, proc.returncode, proc.stderr


def test_every_module_imports_in_a_fresh_interpreter():
    assert len(MODULES) > 40 and "slimcore.framework.ops" in MODULES and "slimcore.app.cli" in MODULES
    proc = _run_fresh("import sys, slimcore; print(' '.join(m for m in sys.modules if m.startswith('slimcore')))")
    assert proc.returncode == 0, proc.stderr
    with_package = set(proc.stdout.split())
    assert "slimcore.ops.math_ops" in with_package and "slimcore.app.cli" not in with_package
    # A package is imported first whenever one of its modules is: its own run is a prefix of theirs.
    alone = [
        name
        for name in MODULES
        if name not in with_package and not any(other.startswith(name + ".") for other in MODULES)
    ]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(_import_fresh, alone))
    assert len(results) >= 10  # the app/ modules at least
    failures = [
        f"{name}:\n{stderr.strip().splitlines()[-1] if stderr.strip() else ''}"
        for name, code, stderr in results
        if code != 0
    ]
    assert not failures, "modules that fail to import on their own:\n" + "\n".join(failures)


def test_errors_and_dtypes_keep_their_tf1_module_names():
    import slimcore.dtypes
    import slimcore.errors
    from slimcore.errors import InvalidArgumentError

    assert slimcore.errors is slimcore.framework.errors
    assert slimcore.dtypes is slimcore.framework.dtypes
    assert issubclass(InvalidArgumentError, ValueError)
    assert slimcore.dtypes.float32 is slimcore.float32


def _slimcore_imports(path: str, module: str) -> set:
    """The slimcore modules that the file imports (relative imports resolved)."""
    package = module if path.endswith("__init__.py") else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(Path(path).read_text(), path)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found |= {f"{target}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return {name for name in found if name == "slimcore" or name.startswith("slimcore.")}


def _file_of(module: str) -> str:
    relative = module.split(".")[1:]
    path = os.path.join(PACKAGE_DIR, *relative)
    return os.path.join(path, "__init__.py") if os.path.isdir(path) else path + ".py"


_RNN_EXTRA = ("slimcore.variable_scope", "slimcore.variables", "slimcore.initializers", "slimcore._layer_util")


@pytest.mark.parametrize(
    "layer, allowed",
    [
        ("slimcore.framework", ("slimcore._core", "slimcore.framework")),
        ("slimcore.ops", ("slimcore._core", "slimcore.framework", "slimcore.ops")),
    ],
)
def test_lower_layers_import_nothing_above_them(layer, allowed):
    """framework/ imports no op module and no session-level code from above
    it; ops/ builds on framework/ only (TF's own layering), except the
    recurrent modules (ops/rnn*.py): a cell makes its variables as a layer
    does, so they also reach what TF keeps beside them in python/ops
    (variable_scope, variables, init_ops) and the layer-variable helper."""
    violations = []
    for module in (m for m in MODULES if m == layer or m.startswith(layer + ".")):
        allowed_here = allowed + (_RNN_EXTRA if module.startswith("slimcore.ops.rnn") else ())
        for target in _slimcore_imports(_file_of(module), module):
            if not any(target == a or target.startswith(a + ".") for a in allowed_here):
                violations.append(f"{module} imports {target}")
    assert not violations, violations


def test_library_never_imports_the_application_side():
    violations = []
    for module in (m for m in MODULES if not m.startswith("slimcore.app")):
        for target in _slimcore_imports(_file_of(module), module):
            if target == "slimcore.app" or target.startswith("slimcore.app."):
                violations.append(f"{module} imports {target}")
    assert not violations, violations


def test_tensor_operators_come_from_math_ops():
    """Tensor's operators come from math_ops (installed on import), so a
    tensor added to a number builds an Add node named as TF1 names it."""
    graph = slimcore.Graph()
    with graph.as_default():
        x = slimcore.placeholder(slimcore.float32, [2])
        assert (x + 1.0).op.type == "Add" and (x + 1.0).op.name.startswith("add")
        assert (-x).op.type == "Neg" and (2.0 * x).op.name.startswith("mul")
        assert slimcore.convert_to_tensor([1, 2]).op.type == "Const"


def test_convert_to_tensor_consults_registered_conversion_functions():
    from slimcore.framework import ops

    class Celsius:
        def __init__(self, degrees):
            self.degrees = degrees

    def convert(value, dtype=None, name=None, graph=None):
        return slimcore.constant(value.degrees + 273.15, dtype=dtype, name=name, graph=graph)

    saved = list(ops._conversion_functions)
    try:
        slimcore.register_tensor_conversion_function(Celsius, convert, priority=10)
        graph = slimcore.Graph()
        with graph.as_default():
            t = slimcore.convert_to_tensor(Celsius(20.0))
            with slimcore.Session() as sess:
                assert sess.run(t) == pytest.approx(293.15)
    finally:
        ops._conversion_functions[:] = saved
    with pytest.raises(TypeError, match="base_type must be a type"):
        slimcore.register_tensor_conversion_function("Celsius", convert)
    with pytest.raises(TypeError, match="conversion_func must be callable"):
        slimcore.register_tensor_conversion_function(Celsius, None)


# DESIGN.md's Python API map: module -> names it must hold.
API_MAP = {
    "slimcore": [
        "Graph",
        "Session",
        "placeholder",
        "constant",
        "Variable",
        "get_variable",
        "variable_scope",
        "name_scope",
        "GraphKeys",
        "add_to_collection",
        "get_collection",
        "trainable_variables",
        "global_variables_initializer",
        "gradients",
        "matmul",
        "add_n",
        "reduce_sum",
        "reduce_mean",
        "square",
        "cast",
        "stack",
        "constant_initializer",
        "truncated_normal_initializer",
        "float32",
        "int32",
        "set_num_threads",
        "get_cmake_dir",
        "Tensor",
        "TensorShape",
        "Operation",
        "convert_to_tensor",
        "InteractiveSession",
        "get_default_session",
        "get_default_graph",
        "reset_default_graph",
    ],
    "slimcore.nn": [
        "relu",
        "tanh",
        "sigmoid",
        "softmax",
        "softmax_cross_entropy_with_logits",
        "sparse_softmax_cross_entropy_with_logits",
        "sigmoid_cross_entropy_with_logits",
        "l2_loss",
        "conv2d",
        "max_pool",
        "avg_pool",
    ],
    "slimcore.losses": [
        "Reduction",
        "add_loss",
        "get_losses",
        "get_regularization_loss",
        "get_regularization_losses",
        "get_total_loss",
        "softmax_cross_entropy",
        "sparse_softmax_cross_entropy",
        "mean_squared_error",
        "compute_weighted_loss",
    ],
    "slimcore.regularizers": [
        "l1_regularizer",
        "l2_regularizer",
        "l1_l2_regularizer",
        "sum_regularizer",
        "apply_regularization",
        "l1",
        "l2",
        "l1_l2",
    ],
    "slimcore.layers": ["dense", "conv2d", "flatten", "dropout", "max_pooling2d", "average_pooling2d"],
    "slimcore.initializers": ["glorot_uniform_initializer", "zeros_initializer", "xavier_initializer"],
    "slimcore.slim": [
        "arg_scope",
        "add_arg_scope",
        "fully_connected",
        "conv2d",
        "separable_conv2d",
        "batch_norm",
        "dropout",
        "flatten",
        "max_pool2d",
        "avg_pool2d",
        "repeat",
        "stack",
        "xavier_initializer",
        "learning",
        "losses",
        "get_or_create_global_step",
        "l2_regularizer",
    ],
    "slimcore.slim.learning": ["create_train_op"],
    "slimcore.train": [
        "GradientDescentOptimizer",
        "MomentumOptimizer",
        "AdamOptimizer",
        "RMSPropOptimizer",
        "AdagradOptimizer",
        "AdamWOptimizer",
        "MomentumWOptimizer",
        "exponential_decay",
        "piecewise_constant",
        "cosine_decay",
        "Saver",
        "latest_checkpoint",
        "get_or_create_global_step",
        "regularization_report",
    ],
    "slimcore.models": ["mlp", "lenet", "mobilenet_v2"],
    "slimcore.models.mobilenet_v2": ["training_scope", "mobilenet"],
    "slimcore.keras": ["Sequential", "layers", "regularizers", "optimizers", "losses"],
    "slimcore.compat.v1": [
        "Session",
        "placeholder",
        "get_variable",
        "contrib",
        "losses",
        "nn",
        "train",
        "layers",
        "keras",
        "errors",
        "initializers",
    ],
    "slimcore.compat.v1.contrib.layers": ["l2_regularizer", "fully_connected", "xavier_initializer"],
    "slimcore.compat.v1.contrib.slim": ["arg_scope", "conv2d"],
    "slimcore.errors": [
        "InvalidArgumentError",
        "TypeMismatchError",
        "FailedPreconditionError",
        "NonFiniteError",
        "NotFoundError",
        "OpError",
    ],
    "slimcore.dtypes": ["float32", "float64", "int32", "int64", "as_dtype", "DType"],
}


@pytest.mark.parametrize("module", sorted(API_MAP))
def test_api_map_names_resolve(module):
    mod = importlib.import_module(module)
    missing = [name for name in API_MAP[module] if not hasattr(mod, name)]
    assert not missing, f"{module} lacks {missing}"
