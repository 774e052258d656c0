"""docs/configuration.md is the configuration reference: it has one row for every setting config/ reads
from the environment and for no other, and a default written as one literal is the one config/ uses.

(`.env.example` is held to the same list by test_env_example.py.)"""
import re

from config import DevelopmentConfig
from support.configuration import ROOT, settings_read_by_config

REFERENCE = ROOT / "docs" / "configuration.md"


def reference_rows():
    """(setting, default cell) for each row of the reference's tables that names a setting."""
    rows = []
    for line in REFERENCE.read_text().splitlines():
        if not line.startswith("| `"):
            continue
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line)[1:-1]]
        name = re.fullmatch(r"`([A-Z0-9_]+)`", cells[0])
        assert name, f"one setting per row, named alone in the first cell: {line}"
        rows.append((name.group(1), cells[1]))
    return rows


def shown(value):
    """A configuration value as the reference writes it."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (list, tuple)):
        return ",".join(shown(item) for item in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def test_every_setting_config_reads_is_in_the_reference():
    documented = {name for name, _ in reference_rows()}
    assert settings_read_by_config() - documented == set()


def test_every_setting_in_the_reference_is_read_by_config():
    documented = {name for name, _ in reference_rows()}
    assert documented - settings_read_by_config() == set()


def test_each_setting_has_one_row():
    names = [name for name, _ in reference_rows()]
    assert sorted({name for name in names if names.count(name) > 1}) == []


def test_a_default_written_as_one_literal_is_the_one_config_uses():
    built = DevelopmentConfig(env={})
    wrong = {}
    for name, default in reference_rows():
        literal = re.fullmatch(r"`([^`]*)`", default)
        if literal and shown(getattr(built, name, None)) != literal.group(1):
            wrong[name] = (literal.group(1), getattr(built, name, None))
    assert wrong == {}


def test_the_settings_the_readme_asks_a_deployment_for_exist():
    readme = (ROOT / "README.md").read_text()
    asked = {name for line in readme.splitlines() if line.startswith("| `")
             for name in re.findall(r"`([A-Z0-9_]+)`", line.split("|")[1])}
    assert {"APP_ENV", "JWT_SECRET", "MONGODB_URI", "ALLOWED_ORIGINS", "OTP_SENDER"} <= asked
    assert asked - settings_read_by_config() == set()
