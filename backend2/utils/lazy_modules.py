"""Modules run on first use: for what a process may never need (importlib's LazyLoader).

`lazy_module(name)` finds the module at once, so a missing one fails at start as an import
would, but runs it (and what it imports) only when one of its attributes is first read.
"""
import importlib.util
import sys


def lazy_module(name):
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)
    return module
