"""The layers of STYLE.md hold: nothing imports upward, the module graph has no cycles (imports
inside functions included), the service packages import only downwards in the order
backend2/services/__init__.py gives, and error codes are only ever named through `errors.Codes`."""
import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "backend2"
DOMAIN = ("backend2.services", "backend2.schemas", "backend2.controllers", "backend2.sockets", "backend2.middlewares",
          "backend2.commands")
# layer -> what it must not import (a prefix matches a package and its modules)
FORBIDDEN = {
    "backend2.controllers": ("backend2.models", "backend2.sockets", "backend2.commands"),
    "backend2.sockets": ("backend2.models", "backend2.controllers", "backend2.commands"),
    "backend2.services": ("flask_socketio", "backend2.schemas", "backend2.controllers", "backend2.sockets",
                          "backend2.middlewares", "backend2.commands"),
    "backend2.schemas": ("backend2.services", "backend2.models", "backend2.controllers", "backend2.sockets",
                         "backend2.middlewares", "backend2.commands"),
    "backend2.models": DOMAIN,
    "backend2.infra": ("backend2.models", *DOMAIN),
    "backend2.middlewares": ("backend2.controllers", "backend2.sockets", "backend2.commands"),
    "backend2.utils": ("flask", "backend2.config", "backend2.extensions", "backend2.models", "backend2.infra",
                       "backend2.errors", *DOMAIN),
    "backend2.errors": ("backend2.",),
}


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports(path, top_level_only):
    """The modules `path` imports: each `from a.b import c` names a.b.c when that is a module."""
    tree = ast.parse(path.read_text())
    nodes = tree.body if top_level_only else ast.walk(tree)
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in MODULES else node.module)
    return found


def test_nothing_imports_upward():
    wrong = []
    for name, path in MODULES.items():
        for layer, forbidden in FORBIDDEN.items():
            if name == layer or name.startswith(layer + "."):
                wrong += [f"{name} imports {target}" for target in imports(path, top_level_only=False)
                          if any(target == f or target.startswith(f if f.endswith(".") else f + ".")
                                 for f in forbidden)]
    assert wrong == []


# The service packages, lowest first: each may import itself and those before it.
SERVICE_ORDER = ("support", "people", "media", "conversations", "messages", "calls", "push", "accounts", "operations",
                 "legacy")
SERVICES = PACKAGE / "services"
MAX_SERVICE_LINES = 250


def service_package(name):
    """`people` for backend2.services.people.presence; None outside the service packages."""
    parts = name.split(".")
    return parts[2] if len(parts) > 2 and parts[:2] == ["backend2", "services"] else None


def test_the_module_graph_has_no_cycles():
    graph = {name: {t for t in imports(path, top_level_only=False) if t in MODULES and t != name}
             for name, path in MODULES.items()}
    state, cycles = {}, []

    def visit(name, trail):
        state[name] = "open"
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                cycles.append(trail[trail.index(target):] + [target])
            elif target not in state:
                visit(target, trail + [target])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_error_codes_are_named_through_codes_only():
    literal = re.compile(r"""\bcode\s*=\s*["']""")
    found = [f"{name}: {line.strip()}" for name, path in MODULES.items() if name != "backend2.errors"
             and not name.startswith(("backend2.services.legacy", "backend2.infra"))
             for line in path.read_text().splitlines() if literal.search(line)]
    assert found == []


def test_service_packages_import_only_downwards():
    wrong = []
    for name, path in MODULES.items():
        own = service_package(name)
        if own is None:
            continue
        for target in imports(path, top_level_only=False):
            theirs = service_package(target)
            if theirs is not None and SERVICE_ORDER.index(theirs) > SERVICE_ORDER.index(own):
                wrong.append(f"{name} ({own}) imports {target} ({theirs})")
    assert wrong == []


def test_every_service_lives_in_a_package_of_the_order():
    assert [p.name for p in SERVICES.glob("*.py")] == ["__init__.py"]
    assert sorted(p.name for p in SERVICES.iterdir() if p.is_dir() and p.name != "__pycache__") == sorted(SERVICE_ORDER)
    assert "  " + " < ".join(SERVICE_ORDER) in (SERVICES / "__init__.py").read_text()


def test_no_service_module_is_over_the_line_limit():
    long = {str(p.relative_to(SERVICES)): n for p in SERVICES.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > MAX_SERVICE_LINES}
    assert long == {}
