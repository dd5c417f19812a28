"""The optional extras: the one place that says how to install one (kept free of imports)."""

INSTALL_HINT = "pip install 'scrape-cleaner[{extra}]'"  # the distribution's name appears here only


def missing_extra(feature: str, extra: str, module: str | None) -> str:
    """One line for a feature whose extra is not installed, naming the missing package and the fix."""
    package = (module or "a dependency").partition(".")[0]  # datatrove.data: the datatrove package
    return f"{feature} needs the {extra} extra ({package} is not installed): {INSTALL_HINT.format(extra=extra)}"
