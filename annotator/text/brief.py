"""User input as error messages show it: short, whatever its size.

A message names the value that was refused, but never echoes a huge one back (a 4,000-digit
offset, a label name of a megabyte): the answer stays small and the log readable.
"""

_MAX_DIGITS = 20
_MAX_CHARACTERS = 60


def brief(value: object) -> str:
    """repr(value), or a description of it when that would be long: `a 4000-digit number`,
    `'XXXX…' (100000 characters)`."""
    if isinstance(value, int) and not isinstance(value, bool):
        digits = len(str(abs(value)))
        if digits > _MAX_DIGITS:
            sign = "a negative " if value < 0 else "a "
            return f"{sign}{digits}-digit number"
        return str(value)
    if isinstance(value, str) and len(value) > _MAX_CHARACTERS:
        return f"{value[: _MAX_CHARACTERS - 20]!r}… ({len(value)} characters)"
    shown = repr(value)
    if len(shown) > _MAX_CHARACTERS:
        return f"a {type(value).__name__} of {len(shown)} characters"
    return shown
