"""The settings config/ reads from the environment, found in its source: every `get("NAME"...)`."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG_DIR = ROOT / "config"


def settings_read_by_config():
    """Every variable name a module of config/ reads with `get("NAME")` (`env.get` or the `get` it hands on)."""
    return {name for module in CONFIG_DIR.glob("*.py")
            for name in re.findall(r'get\("([A-Z0-9_]+)"', module.read_text())}
