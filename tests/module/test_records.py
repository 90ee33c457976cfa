# SPDX-License-Identifier: BSD-2-Clause
"""Users without a record, and records that must not be trusted: never a
success, never "no record" under nullok, bounded time, nothing written
through a link."""

import os
import statistics

import pytest

from conftest import T0, TIME_SCALE, totp


def stacks(env):
    env.service("plain")
    env.service("nullok", "nullok")
    env.service("stacked", lines=[
        f"auth required {env.module} store={env.store}",
        "auth required pam_permit.so"])
    env.service("stacked-nullok", lines=[
        f"auth required {env.module} store={env.store} nullok",
        "auth required pam_permit.so"])


@pytest.fixture
def benv(env):
    from conftest import MODULE
    env.module = MODULE
    stacks(env)
    return env


def make_bad(env, kind, u):
    """Put a bad record of the given kind at store/u; returns a check
    function for anything that must stay untouched."""
    path = env.store / u
    good = env.record(u)
    text = good.read_bytes()
    if kind in ("symlink", "dangling-symlink"):
        other = env.base / "elsewhere"
        other.mkdir(mode=0o700)
        env.record(u, store=other)
        target = other / u
        path.unlink()
        if kind == "symlink":
            os.symlink(target, path)
        else:
            os.symlink(env.base / "nothing-here", path)
        before = (target.read_bytes(), os.stat(target).st_mtime_ns)
        return lambda: (target.read_bytes(),
                        os.stat(target).st_mtime_ns) == before
    if kind == "fifo":
        path.unlink()
        os.mkfifo(path, 0o600)
    elif kind == "directory":
        path.unlink()
        os.mkdir(path, 0o700)
    elif kind == "device":
        path.unlink()
        os.mknod(path, 0o600 | 0o020000, os.makedev(1, 3))
    elif kind == "wrong-owner":
        os.chown(path, 65534, 65534)
    elif kind == "group-readable":
        os.chmod(path, 0o640)
    elif kind == "world-readable":
        os.chmod(path, 0o604)
    elif kind == "group-writable":
        os.chmod(path, 0o620)
    elif kind == "hard-link":
        os.link(path, env.base / "second-link")
    elif kind == "truncated":
        path.write_bytes(text[:len(text) // 2])
    elif kind == "truncated-in-slots":
        path.write_bytes(text[:-40])
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "oversized":
        path.write_bytes(text + b"#" * (70 * 1024))
    elif kind == "malformed":
        path.write_bytes(b"this is not a record\n")
    elif kind == "both-slots-corrupt":
        path.write_bytes(text[:-5] + b"0000\n")
        # the last slot's check is broken; break the other one too
        data = bytearray(path.read_bytes())
        i = data.rfind(b"state A")
        data[i + 10] = ord("9") if data[i + 10] != ord("9") else ord("8")
        path.write_bytes(bytes(data))
    elif kind == "nul-byte":
        path.write_bytes(text.replace(b"\n", b"\0", 1))
    else:
        raise AssertionError(kind)
    st = os.lstat(path)
    snap = None
    if os.path.isfile(path) and not os.path.islink(path):
        snap = path.read_bytes()
    return lambda: snap is None or path.read_bytes() == snap or \
        os.lstat(path).st_ino != st.st_ino


BAD = ["symlink", "dangling-symlink", "fifo", "directory", "device",
       "wrong-owner", "group-readable", "world-readable", "group-writable",
       "hard-link", "truncated", "truncated-in-slots", "empty", "oversized",
       "malformed", "both-slots-corrupt", "nul-byte"]


@pytest.mark.parametrize("kind", BAD)
def test_bad_record_never_succeeds(benv, kind):
    env = benv
    u = env.user()
    untouched = make_bad(env, kind, u)
    for service in ("plain", "nullok", "stacked", "stacked-nullok"):
        r = env.login(u, totp(T0), service=service, at=T0, timeout=10)
        assert r.result == "PAM_AUTHINFO_UNAVAIL", (kind, service, r)
        assert r.seconds < 2.0 * TIME_SCALE, (kind, service, r.seconds)
    assert untouched(), kind
    lines = env.log(u)
    assert lines and all("outcome=error" in l for l in lines), lines
    assert all(f"path={env.store}/{u}" in l for l in lines), lines


def test_symlinked_store_refused(benv):
    env = benv
    u = env.user()
    env.record(u)
    link = env.base / "store-link"
    os.symlink(env.store, link)
    env.service("via-link", f"nullok", store=False)
    (env.conf / "via-link").write_text(
        f"auth required {env.module} store={link} nullok\n")
    r = env.login(u, totp(T0), service="via-link", at=T0)
    assert r.result == "PAM_AUTHINFO_UNAVAIL", r


@pytest.mark.parametrize("problem", ["missing", "mode-0755", "owner"])
def test_bad_store_refused_even_with_nullok(benv, problem):
    env = benv
    u = env.user()
    env.record(u)
    if problem == "missing":
        (env.conf / "s").write_text(
            f"auth required {env.module} store={env.base}/none nullok\n")
    else:
        if problem == "mode-0755":
            os.chmod(env.store, 0o755)
        else:
            os.chown(env.store, 65534, 0)
        (env.conf / "s").write_text(
            f"auth required {env.module} store={env.store} nullok\n")
    r = env.login(u, totp(T0), service="s", at=T0)
    assert r.result == "PAM_AUTHINFO_UNAVAIL", r


def test_no_record_without_nullok(benv):
    env = benv
    enrolled, missing = env.user(), env.user()
    env.record(enrolled)
    a = env.login(enrolled, "000000", service="plain", at=T0)
    b = env.login(missing, "000000", service="plain", at=T0)
    assert b.result == "PAM_AUTH_ERR"
    # Same prompt, same kind of answer as an enrolled user's wrong code.
    assert a.prompts == b.prompts == ["prompt-echo-off: Verification code: "]
    assert a.result == b.result and a.infos == b.infos == []
    assert any("outcome=no-record" in l for l in env.log(missing))
    # A stack with pam_permit after it still fails.
    assert env.login(missing, "000000", service="stacked",
                     at=T0).result == "PAM_AUTH_ERR"


def test_no_record_with_nullok_is_ignore(benv):
    env = benv
    u = env.user()
    # libpam turns a stack of nothing but PAM_IGNORE into PAM_PERM_DENIED.
    r = env.login(u, service="nullok", at=T0)
    assert r.result == "PAM_PERM_DENIED" and r.prompts == [], r
    assert any("outcome=ignore" in l for l in env.log(u))
    # Only PAM_IGNORE jumps over pam_deny here; anything else dies.
    env.service("only-ignore", lines=[
        f"auth [ignore=1 default=die] {env.module} store={env.store} nullok",
        "auth requisite pam_deny.so",
        "auth required pam_permit.so"])
    r = env.login(u, service="only-ignore", at=T0)
    assert r.result == "PAM_SUCCESS", r
    enrolled = env.user()
    env.record(enrolled)
    r = env.login(enrolled, "000000", service="only-ignore", at=T0)
    assert r.result == "PAM_AUTH_ERR", r
    # Ignored, so a stack with only pam_permit left succeeds, as it should.
    assert env.login(u, service="stacked-nullok",
                     at=T0).result == "PAM_SUCCESS"


@pytest.mark.parametrize("name", ["../etc/passwd", "a/b", ".hidden", "-x",
                                  "x" * 300, "sp ace", "new\nline"])
def test_invalid_user_name_refused_even_with_nullok(benv, name):
    env = benv
    r = env.login(name, "000000", service="nullok", at=T0)
    assert r.result == "PAM_AUTH_ERR", r
    assert r.prompts == ["prompt-echo-off: Verification code: "]


def test_unknown_user_takes_about_as_long(benv):
    """An 8-digit answer costs an enrolled user one hash per backup code;
    a user without a record is made to wait about as long."""
    env = benv
    enrolled, missing = env.user(), env.user()
    args = []
    for i in range(10):
        args += ["--backup", f"{i:08d}"]
    env.record(enrolled, *args)
    env.service("nolock", "deny=0")
    a = [env.login(enrolled, "99999999", service="nolock", at=T0).seconds
         for _ in range(5)]
    b = [env.login(missing, "99999999", service="nolock", at=T0).seconds
         for _ in range(5)]
    ma, mb = statistics.median(a), statistics.median(b)
    assert mb > 0.4 * ma, (a, b)
