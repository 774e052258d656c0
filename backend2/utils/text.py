"""Text rules shared by schemas and services."""
import unicodedata

# Unicode categories that draw nothing by themselves: controls, formats (zero-width spaces and
# joiners, direction marks), surrogates, separators and combining marks. Private use and
# unassigned characters count as visible: a font may draw them, and an emoji newer than this
# Python's Unicode tables is "unassigned" here.
_INVISIBLE = {"Cc", "Cf", "Cs", "Zs", "Zl", "Zp", "Mn", "Me"}


def has_visible_text(value):
    """True when `value` has at least one character a reader can see."""
    return any(unicodedata.category(char) not in _INVISIBLE for char in value)
