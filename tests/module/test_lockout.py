# SPDX-License-Identifier: BSD-2-Clause
"""deny= and unlock_time=: lockout, its messages and its expiry."""

from conftest import T0, totp


def wrong(code):
    return str((int(code) + 1) % 10 ** len(code)).zfill(len(code))


def test_lockout_and_expiry(env):
    u = env.user()
    env.record(u)
    env.service("lock", "deny=3 unlock_time=120")
    bad = wrong(totp(T0))
    for i in range(2):
        r = env.login(u, bad, service="lock", at=T0)
        assert r.result == "PAM_AUTH_ERR" and r.errors == []
    r = env.login(u, bad, service="lock", at=T0)
    assert r.result == "PAM_AUTH_ERR"
    assert len(r.errors) == 1 and "locked" in r.errors[0], r
    d = env.dump(u)
    assert d["failures"] == 3 and d["locked_until"] == T0 + 120
    # While locked the right code is not even checked, and not burnt.
    r = env.login(u, totp(T0 + 60), service="lock", at=T0 + 60)
    assert r.result == "PAM_AUTH_ERR"
    assert len(r.errors) == 1 and "locked" in r.errors[0]
    assert "1 more minute" in r.errors[0], r
    d = env.dump(u)
    assert d["failures"] == 3 and d["next"] == 0
    assert any("outcome=locked" in l for l in env.log(u))
    # The lock is over at T0 + 120: the same code now works.
    r = env.login(u, totp(T0 + 120), service="lock", at=T0 + 120)
    assert r.result == "PAM_SUCCESS", r
    d = env.dump(u)
    assert d["failures"] == 0 and d["locked_until"] == 0


def test_default_deny_is_five(env):
    u = env.user()
    env.record(u)
    bad = wrong(totp(T0))
    for i in range(4):
        assert env.login(u, bad, at=T0).errors == []
    r = env.login(u, bad, at=T0)
    assert r.errors and "locked" in r.errors[0]
    assert env.dump(u)["locked_until"] == T0 + 600


def test_unlock_time_zero_is_until_admin(env):
    u = env.user()
    env.record(u)
    env.service("forever", "deny=1 unlock_time=0")
    r = env.login(u, "000000", service="forever", at=T0)
    assert r.result == "PAM_AUTH_ERR"
    t = T0 + 10 * 365 * 86400
    r = env.login(u, totp(t), service="forever", at=t)
    assert r.result == "PAM_AUTH_ERR"
    assert "administrator" in r.errors[0], r


def test_deny_zero_never_locks(env):
    u = env.user()
    env.record(u)
    env.service("never", "deny=0")
    for i in range(12):
        assert env.login(u, "000000", service="never",
                         at=T0).result == "PAM_AUTH_ERR"
    d = env.dump(u)
    assert d["failures"] == 12 and d["locked_until"] == 0
    assert env.login(u, totp(T0), service="never",
                     at=T0).result == "PAM_SUCCESS"


def test_failures_counted_across_parallel_sessions(env):
    u = env.user()
    env.record(u)
    bad = wrong(totp(T0))
    r = env.login(u, bad, at=T0, parallel=8)
    assert r.successes == 0
    d = env.dump(u)
    # Five counted, then locked: the rest were not even checked.
    assert d["failures"] == 5 and d["locked_until"] == T0 + 600


def test_locked_account_refuses_backup_code(env):
    u = env.user()
    env.record(u, "--backup", "12345678", "--locked-until", T0 + 100,
               "--failures", 5)
    r = env.login(u, "12345678", at=T0)
    assert r.result == "PAM_AUTH_ERR" and r.errors
    assert env.dump(u)["backup_left"] == 1
    # PAM_SILENT: refused without the message.
    r = env.login(u, "12345678", at=T0, silent=True)
    assert r.result == "PAM_AUTH_ERR" and r.errors == [], r
