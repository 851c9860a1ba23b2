"""The one rule for label and layer names, on every path that makes one: a schema file, an
import with --add-labels, the web import's "add labels" box.

Names are data, never markup: pages escape them and key label CSS by label id; the rule keeps
them short and readable in exports, CoNLL tags and file names as well.
"""

import re

LAYER_NAME_RE = re.compile(r"[a-z][a-z0-9_]{0,63}")
LABEL_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_.:+-]{0,63}")
LAYER_NAME_RULE = "a lowercase letter, then up to 63 lowercase letters, digits or _"
LABEL_NAME_RULE = "a letter, then up to 63 letters, digits or _ . : + -"


def layer_name_problem(name: object) -> str | None:
    """Why name cannot be a layer's name, or None when it can."""
    if isinstance(name, str) and LAYER_NAME_RE.fullmatch(name):
        return None
    return f"layer name {_shown(name)} is not allowed: use {LAYER_NAME_RULE}"


def label_name_problem(name: object) -> str | None:
    """Why name cannot be a label's name, or None when it can."""
    if isinstance(name, str) and LABEL_NAME_RE.fullmatch(name):
        return None
    return f"label name {_shown(name)} is not allowed: use {LABEL_NAME_RULE}"


def _shown(name: object) -> str:
    """The name quoted for a message, cut short (a message never echoes a huge input)."""
    text = repr(name)
    return text if len(text) <= 80 else text[:77] + "..."
