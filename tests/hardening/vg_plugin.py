# SPDX-License-Identifier: BSD-2-Clause
"""pytest plugin: run every PAM login of tests/module under valgrind.

Loaded with -p vg_plugin (PYTHONPATH=tests/hardening) by check-valgrind.
The module tests log in through Env.login(..., wrap=PREFIX); this puts
valgrind (from $TWOFA_VALGRIND) in front of every pamrun it starts that
the test does not wrap itself, without touching the module's tests. valgrind writes its reports to log
files that check-valgrind inspects afterwards, so a test that expects a
failing exit status cannot hide one.
"""
import os
import shlex
import sys

PREFIX = tuple(shlex.split(os.environ.get("TWOFA_VALGRIND", "")))


def _patch():
    for name, mod in list(sys.modules.items()):
        env = getattr(mod, "Env", None)
        if not name.endswith("conftest") or env is None or \
                getattr(env, "_valgrind", False) or \
                not hasattr(env, "login"):
            continue
        orig = env.login

        def login(self, *args, wrap=(), _orig=orig, **kw):
            # Logins the test already wraps (strace fault injection,
            # namespaces) or runs in parallel (lock races, whose timing
            # valgrind's slowness would change) run as they are.
            if wrap or kw.get("parallel"):
                return _orig(self, *args, wrap=wrap, **kw)
            kw["timeout"] = max(kw.get("timeout", 30), 300)
            return _orig(self, *args, wrap=PREFIX, **kw)

        env.login = login
        env._valgrind = True


def pytest_runtest_setup(item):
    if PREFIX:
        _patch()
