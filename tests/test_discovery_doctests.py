"""The examples in the discovery modules' docstrings are true."""

import doctest
import importlib

import pytest

MODULES = ["agencies", "attachments", "links", "regions", "reports", "scope", "traps"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"crawler.discovery.{name}")
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0
