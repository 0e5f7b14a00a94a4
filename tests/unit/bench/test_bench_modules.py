"""`make bench` is not part of `make test`: its modules are at least imported here, so a change that breaks them (a
moved name) fails the suite rather than the next person who measures."""

import importlib
import pkgutil

import pytest

import tests.bench


@pytest.mark.parametrize("name", [m.name for m in pkgutil.iter_modules(tests.bench.__path__, "tests.bench.")])
def test_the_bench_module_imports(name: str) -> None:
    importlib.import_module(name)
