"""python/slimcore/_core.pyi describes the engine's Python API for editors
and type checkers; this test fails when a binding is added or renamed
without the stub following (regenerate it with pybind11-stubgen, see the
stub's header)."""

import ast
import inspect
import pathlib

import slimcore
from slimcore import _core

STUB = pathlib.Path(slimcore.__file__).with_name("_core.pyi")


def _stub_scopes():
    """{scope: names it defines}: '' for the module, a class name for a class."""
    tree = ast.parse(STUB.read_text())
    scopes = {"": set()}

    def names_in(body):
        out = set()
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                out.add(node.name)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                out.add(node.target.id)
            elif isinstance(node, ast.Assign):
                out.update(t.id for t in node.targets if isinstance(t, ast.Name))
        return {name for name in out if not name.startswith("_")}

    scopes[""] = names_in(tree.body)
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            scopes[node.name] = names_in(node.body)
    return scopes


def _public(obj):
    return {name for name in vars(obj) if not name.startswith("_")}


def test_every_public_attribute_of_the_engine_is_in_the_stub():
    scopes = _stub_scopes()
    assert _public(_core) - {"testing"} <= scopes[""], "missing from _core.pyi"
    assert "testing" in scopes, "_core.testing is missing from _core.pyi"
    assert _public(_core.testing) <= scopes["testing"], "missing from the testing part of _core.pyi"
    for name in _public(_core):
        obj = getattr(_core, name)
        if inspect.isclass(obj) and name in scopes:
            assert _public(obj) <= scopes[name], f"members of {name} missing from _core.pyi"


def test_the_stub_lists_nothing_the_engine_lacks():
    scopes = _stub_scopes()
    assert scopes[""] - {"testing"} <= _public(_core)
    assert scopes["testing"] <= _public(_core.testing)
