"""A suggestion's score: a finite number or none. `1e999` parses as Infinity and `NaN` as
NaN; stored, either broke the JSONL export (`Infinity` is not JSON) and the article page's
JSON.parse, and a string crashed the database write with a traceback."""

import math

from annotator.text.brief import brief


def checked_score(value: object) -> float | None:
    """value as a float (None stays None); ValueError saying why it is no score."""
    if value is None:
        return None
    if type(value) in (int, float):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if math.isfinite(number):
            return number
    raise ValueError(f"score {brief(value)} is not a finite number")
