# SPDX-License-Identifier: BSD-2-Clause
"""twofa.conf through the real module: conf=FILE is read, a bad file
refuses every login with PAM_SERVICE_ERR and a log line (before any
prompt), and options on the module line override the file."""

import os

import pytest

from conftest import MODULE, T0, syslog_text, totp


def wrong(code):
    return str((int(code) + 1) % 10 ** len(code)).zfill(len(code))


def write_conf(env, text, mode=0o644, name="twofa.conf"):
    path = env.base / name
    if path.is_symlink() or path.exists():
        path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    os.write(fd, text.encode())
    os.fchmod(fd, mode)
    os.close(fd)
    return path


BAD_TEXTS = [
    ("dney = 3\n", "line 1: unknown key"),
    ("deny = 3\ndeny = 4\n", "line 2: key repeated"),
    ("deny = lots\n", "line 1: number out of range"),
    ("store = relative/dir\n", "line 1: want an absolute path"),
    ("window\n", "line 1: want key = value"),
    ("store = ldap\n", "store = ldap needs ldap_uri and ldap_base"),
]


@pytest.mark.parametrize("text,why", BAD_TEXTS)
def test_malformed_conf_refuses_every_login(env, text, why):
    u = env.user()
    env.record(u)
    conf = write_conf(env, text)
    env.service("c", f"conf={conf}")
    r = env.login(u, totp(T0), service="c", at=T0)
    assert r.result == "PAM_SERVICE_ERR", r
    assert r.prompts == [], r  # refused before asking anything
    lines = [l for l in syslog_text().splitlines()
             if "pam_twofa(c:auth)" in l and f"user={u} " in l]
    assert any("outcome=error" in l and "bad configuration" in l
               and why in l and f"path={conf}" in l for l in lines), lines
    # Unknown users too: nobody gets in while the file is bad.
    r = env.login(env.user(), totp(T0), service="c", at=T0)
    assert r.result == "PAM_SERVICE_ERR", r


def test_unsafe_conf_refuses_every_login(env):
    u = env.user()
    env.record(u)
    # Group-writable.
    conf = write_conf(env, "deny = 3\n", mode=0o664)
    env.service("c", f"conf={conf}")
    r = env.login(u, totp(T0), service="c", at=T0)
    assert r.result == "PAM_SERVICE_ERR", r
    assert any("writable by group or others" in l for l in env.log(u))
    # Owned by someone else.
    conf = write_conf(env, "deny = 3\n")
    os.chown(conf, 65534, 0)
    r = env.login(u, totp(T0), service="c", at=T0)
    assert r.result == "PAM_SERVICE_ERR", r
    assert any("not owned by root" in l for l in env.log(u))
    # A symbolic link to a good file.
    good = write_conf(env, "deny = 3\n", name="good.conf")
    conf.unlink()
    conf.symlink_to(good)
    r = env.login(u, totp(T0), service="c", at=T0)
    assert r.result == "PAM_SERVICE_ERR", r
    assert any("symbolic link" in l for l in env.log(u))
    # A file named with conf= that does not exist.
    env.service("gone", f"conf={env.base}/missing.conf")
    r = env.login(u, totp(T0), service="gone", at=T0)
    assert r.result == "PAM_SERVICE_ERR", r
    # conf= must be absolute, like every path option.
    env.service("rel", "conf=twofa.conf")
    r = env.login(u, totp(T0), service="rel", at=T0)
    assert r.result == "PAM_SERVICE_ERR", r
    # The good file, named directly, works.
    env.service("ok", f"conf={good}")
    r = env.login(u, totp(T0), service="ok", at=T0)
    assert r.result == "PAM_SUCCESS", r


def test_conf_sets_policy_and_option_overrides(env):
    conf = write_conf(env, "# site policy\ndeny = 2\nunlock_time = 300\n")
    bad = wrong(totp(T0))
    # From the file: locked after two failures, for 300 s.
    u = env.user()
    env.record(u)
    env.service("file", f"conf={conf}")
    for _ in range(2):
        r = env.login(u, bad, service="file", at=T0)
        assert r.result == "PAM_AUTH_ERR"
    d = env.dump(u)
    assert d["failures"] == 2 and d["locked_until"] == T0 + 300, d
    # deny= on the module line wins over the file; unlock_time still
    # comes from it.
    v = env.user()
    env.record(v)
    env.service("opt", f"conf={conf} deny=3")
    for _ in range(2):
        r = env.login(v, bad, service="opt", at=T0)
        assert r.result == "PAM_AUTH_ERR"
    assert env.dump(v)["locked_until"] == 0
    r = env.login(v, bad, service="opt", at=T0)
    d = env.dump(v)
    assert d["failures"] == 3 and d["locked_until"] == T0 + 300, d


def test_conf_window_and_override(env):
    conf = write_conf(env, "window = 3\n")
    u = env.user()
    env.record(u)
    env.service("w", f"conf={conf}")
    # Three steps early: inside the file's window, outside the default 1.
    r = env.login(u, totp(T0, offset=-3), service="w", at=T0)
    assert r.result == "PAM_SUCCESS", r
    env.service("w0", f"conf={conf} window=0")
    r = env.login(u, totp(T0 + 60, offset=-1), service="w0", at=T0 + 60)
    assert r.result == "PAM_AUTH_ERR", r


def test_conf_store_and_override(env):
    other = env.base / "other-store"
    other.mkdir(mode=0o700)
    conf = write_conf(env, f"store = {other}\n")
    u = env.user()
    env.record(u, store=other)
    # No store= on the line: the file's store is used.
    env.service("s", f"conf={conf}", store=False)
    r = env.login(u, totp(T0), service="s", at=T0)
    assert r.result == "PAM_SUCCESS", r
    # store= on the line wins: that store has no record for u.
    env.service("s2", f"conf={conf}")
    r = env.login(u, totp(T0 + 30), service="s2", at=T0 + 30)
    assert r.result == "PAM_AUTH_ERR", r
    assert any("outcome=no-record" in l for l in env.log(u))
