"""Presenters return new values: nothing under services/ writes what a viewer sees (a masked last
seen or photo, an online flag, filtered read cursors, per-viewer fields) into a loaded document,
which a later save would then store. Checked on the source, so a new module is checked too."""
import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[2] / "backend2" / "services"
PRESENTATION = {"last_seen", "avatar", "online", "read_up_to", "people", "status", "to_user", "reply_preview",
                "other_user", "direction", "last_message_view", "unread_count", "unread_mentions", "own_settings",
                "mentions_me", "reaction_summary", "forwarded_many_times", "contact_name"}


def writes_into_objects(tree):
    """(line, name) of every `x.name = ...`, `setattr(x, "name", ...)` and `x.__dict__.update(...)`."""
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, (ast.AugAssign, ast.AnnAssign)) else []
        for target in targets:
            for part in ast.walk(target):
                if isinstance(part, ast.Attribute) and isinstance(part.ctx, ast.Store):
                    yield node.lineno, part.attr
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) >= 2:
                name = node.args[1]
                yield node.lineno, name.value if isinstance(name, ast.Constant) else "<computed>"
            if isinstance(func, ast.Attribute) and func.attr in ("update", "setdefault") and isinstance(
                    func.value, ast.Attribute) and func.value.attr == "__dict__":
                yield node.lineno, "__dict__"


def test_no_service_writes_presentation_values_into_documents():
    found = [f"{path.relative_to(SERVICES)}:{line} sets {name}" for path in sorted(SERVICES.rglob("*.py"))
             for line, name in writes_into_objects(ast.parse(path.read_text()))
             if name in PRESENTATION or name in ("<computed>", "__dict__")]
    assert found == []


def test_the_check_sees_each_way_of_writing():
    source = "m.status = 1\nsetattr(u, 'online', True)\nc.__dict__.update(x)\nu.last_seen += 1\na.b.avatar = None\n"
    assert sorted(writes_into_objects(ast.parse(source))) == [
        (1, "status"), (2, "online"), (3, "__dict__"), (4, "last_seen"), (5, "avatar")]
