"""`.env.example` documents every variable the configuration (config/*.py) reads."""
import re

from support.configuration import ROOT, settings_read_by_config


def test_every_variable_read_by_config_is_in_env_example():
    read = settings_read_by_config()
    documented = set(re.findall(r"^([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read - documented == set()
    assert documented - read == set()


def test_every_example_variable_has_a_comment_above_it():
    lines = (ROOT / ".env.example").read_text().splitlines()
    for number, line in enumerate(lines):
        if re.match(r"^[A-Z0-9_]+=", line):
            assert lines[number - 1].startswith("#"), line
