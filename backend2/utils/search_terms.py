"""The words search looks up: a text's distinct words, case and accents folded.

"Café au LAIT" → ["cafe", "au", "lait"]. Stored on each message (`searchTerms`, a multikey
index) so MongoDB finds the messages holding a word by index, on the embedded database and on
a real server alike, without a text index's stemming surprises. Scripts written without spaces
(Chinese, Japanese, Thai) are found by whole runs only.
"""
import re
import unicodedata

MAX_TERMS = 300  # per message: a long text stays searchable by its first 300 distinct words
MAX_TERM_CHARS = 40
_WORD = re.compile(r"\w+")


def fold(text):
    """Case and accents folded: what both the stored terms and a query are made of."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text):
    """The distinct folded words of `text`, in first-seen order."""
    return list(dict.fromkeys(word[:MAX_TERM_CHARS] for word in _WORD.findall(fold(text))))


def terms_of(text):
    """What a message stores: at most MAX_TERMS words."""
    return words(text or "")[:MAX_TERMS]
