# SPDX-License-Identifier: BSD-2-Clause
"""Each code is accepted once, also when 8 logins race with it."""

import pytest

from conftest import T0, totp

ROUNDS = 20
WAY = 8


def test_totp_race_exactly_one(env):
    u = env.user()
    env.record(u)
    env.service("race", "deny=0")  # 7 failures a round must not lock
    for i in range(ROUNDS):
        t = T0 + i * 300  # far apart: every round has a fresh code
        r = env.login(u, totp(t), service="race", at=t, parallel=WAY)
        assert r.successes == 1, (i, r)
        assert r.out.count("PAM_SUCCESS") == 1
        assert r.out.count("PAM_AUTH_ERR") == WAY - 1, (i, r)


def test_backup_race_exactly_one(env):
    u = env.user()
    codes = [f"{i:04d}{i * 7 % 10000:04d}" for i in range(1, ROUNDS + 1)]
    args = []
    for c in codes:
        args += ["--backup", c]
    env.record(u, *args)
    env.service("race", "deny=0")
    for i, c in enumerate(codes):
        typed = c[:4] + " " + c[4:] if i % 2 else c
        r = env.login(u, typed, service="race", at=T0, parallel=WAY)
        assert r.successes == 1, (i, r)
        assert env.dump(u)["backup_left"] == ROUNDS - 1 - i
