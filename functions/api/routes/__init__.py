"""The API's routes, one module per audience; functions/api/handler.py includes each when a request first needs it."""

import importlib
from types import ModuleType


def module(name: str) -> ModuleType:
    """The route module `name`, imported on first use. Found on this package first: the local cloud gives each
    concurrent container its own copy of every module (infra/local/lambdas.py), and an import would find another's."""
    found = globals().get(name)
    return found if isinstance(found, ModuleType) else importlib.import_module(f"{__name__}.{name}")
