"""Checking the keyword options a format's read/write was given."""


def take_choice(options: dict, name: str, default: str, choices: tuple[str, ...]) -> str:
    """Remove and return options[name] (default when absent); ValueError if not a choice."""
    value = options.pop(name, default)
    if value not in choices:
        raise ValueError(f"{name} must be one of {choices}, got {value!r}")
    return value


def refuse_others(options: dict) -> None:
    """TypeError naming the options the format does not know (what is left)."""
    if options:
        raise TypeError(f"unknown option(s): {', '.join(sorted(options))}")
