"""`.env.example` documents every variable the configuration (config/*.py) reads."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_variable_read_by_config_is_in_env_example():
    read = {name for module in (ROOT / "config").glob("*.py")
            for name in re.findall(r'get\("([A-Z0-9_]+)"', module.read_text())}
    documented = set(re.findall(r"^([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read - documented == set()
    assert documented - read == set()


def test_every_example_variable_has_a_comment_above_it():
    lines = (ROOT / ".env.example").read_text().splitlines()
    for number, line in enumerate(lines):
        if re.match(r"^[A-Z0-9_]+=", line):
            assert lines[number - 1].startswith("#"), line
