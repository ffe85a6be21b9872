"""The examples in the domain and discovery modules' docstrings are true."""

import doctest
import importlib

import pytest

MODULES = [
    "nianbao.agencies",
    "nianbao.deadline",
    "nianbao.regions",
    "nianbao.titles",
    "crawler.discovery.attachments",
    "crawler.discovery.found_sites",
    "crawler.discovery.governments",
    "crawler.discovery.links",
    "crawler.discovery.reports",
    "crawler.discovery.scope",
    "crawler.discovery.traps",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0
