"""Fixtures for the fleet tests: one provider + chaining consumer pair per
test module (tests/ldap/slapd.py), stopped and removed afterwards."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import slapd  # noqa: E402


@pytest.fixture(scope="module")
def fleet():
    f = slapd.Fleet()
    try:
        yield f
    finally:
        f.close()
