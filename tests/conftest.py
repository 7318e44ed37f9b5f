"""Shared test settings.

Tests marked ``slow`` (the large-example variants of the property tests, the sandbox's interruption and
unprivileged re-runs) run only when asked for — ``pytest --runslow`` or ``pytest -m slow`` — and always in
CI (``CI=true``), so that the default local run stays short.
"""
from __future__ import annotations

import os

import pytest


# Without --lang the tool follows the locale (LANG=zh_CN.UTF-8 → Chinese); the tests expect English unless they
# ask otherwise, whatever the locale of the machine that runs them.
for _var in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
    os.environ.pop(_var, None)
os.environ["LANG"] = "C.UTF-8"


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", default=False, help="also run tests marked slow")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--runslow") or "slow" in (config.getoption("-m") or "") or os.environ.get("CI") == "true":
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow or -m slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
