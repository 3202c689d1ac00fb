"""Fixtures shared by the case tests: `heard` (tests/cases/test_hooks.py) listens on every hook."""

from .test_hooks import heard  # noqa: F401 - a fixture, found by pytest here
