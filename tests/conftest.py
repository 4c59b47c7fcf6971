"""Every test starts with a fresh default graph."""

import pytest

import slimcore


@pytest.fixture(autouse=True)
def fresh_graph():
    slimcore.reset_default_graph()
    yield
    slimcore.reset_default_graph()
