"""The suite registry. A suite is one module that defines `SUITE`: in this package (named as the
module), or in a package listed in PROVIDERS (named with its prefix: `redteam.suites.captcha` is
`redteam-captcha`).

Modules are found by name and imported on first use, so adding a benchmark is adding one file.
The providers are named here as text and imported on use: the harness below never imports the
packages built on top of it.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil

from evals.errors import UserError
from evals.suites.base import Suite

_NOT_SUITES = {"base"}
# package of suite modules -> the prefix of their names
PROVIDERS = {"redteam.suites": "redteam-"}


def _modules() -> dict[str, str]:
    """Suite name -> module path."""
    found = {
        info.name: f"{__name__}.{info.name}"
        for info in pkgutil.iter_modules(__path__)
        if not info.name.startswith("_") and info.name not in _NOT_SUITES
    }
    for package, prefix in PROVIDERS.items():
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        for info in pkgutil.iter_modules(spec.submodule_search_locations):
            if not info.name.startswith("_"):
                found[prefix + info.name.replace("_", "-")] = f"{package}.{info.name}"
    return found


def suite_names() -> list[str]:
    return sorted(_modules())


def get_suite(name: str) -> Suite:
    modules = _modules()
    if name not in modules:
        names = ", ".join(sorted(modules))
        raise UserError(f"unknown suite '{name}'; choose one of: {names} (see idefics2-eval list)")
    return importlib.import_module(modules[name]).SUITE
