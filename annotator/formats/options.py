"""The options a format's reader or writer takes: declared once, in its `FormatSpec`, and
checked here, so the CLI, the web pages and direct calls all refuse the same wrong values."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Option:
    """One keyword option of a reader or writer, as the CLI and the web pages offer it."""

    name: str  # the keyword, e.g. "text_column"; the CLI spells it --text-column
    help: str
    default: object = None
    choices: tuple[str, ...] | None = None
    flag: bool = False  # a yes/no switch (False unless given)
    offered: bool = True  # False: passed by the program (brat's schema), not a user's choice

    def check(self, value: object, format_name: str) -> object:
        """value if it is one of the choices (any value without choices); ValueError if not."""
        if self.choices is not None and value not in self.choices:
            raise ValueError(
                f"{format_name}: {self.name} must be one of {', '.join(self.choices)}, "
                f"got {value!r}"
            )
        return value


def checked_options(format_name: str, declared: tuple[Option, ...], given: dict) -> dict:
    """Every declared option, given or defaulted, checked; TypeError naming undeclared ones."""
    known = {option.name: option for option in declared}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise TypeError(
            f"{format_name}: unknown option(s) {', '.join(unknown)} "
            f"(it takes: {', '.join(known) or 'none'})"
        )
    return {
        name: option.check(given[name], format_name) if name in given else option.default
        for name, option in known.items()
    }


def applicable_options(declared: tuple[Option, ...], given: dict) -> dict:
    """The given options a format declares: an import's choices apply to the inputs whose
    format takes them (--rejected to Prodigy files, --text-column to CSV files)."""
    names = {option.name for option in declared}
    return {name: value for name, value in given.items() if name in names}
