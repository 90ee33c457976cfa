# SPDX-License-Identifier: BSD-2-Clause
"""A failed update refuses the login and keeps the record; the next good
login works. Failures are injected into the real system calls (strace),
or made real (a held lock, a read-only file system)."""

import fcntl
import os
import shutil
import time

import pytest

from conftest import T0, totp

pytestmark = pytest.mark.skipif(shutil.which("strace") is None,
                                reason="strace not installed")


def strace(syscall, error):
    return ["strace", "-f", "-qq", "-o", "/dev/null", "-e",
            f"trace={syscall}", "-e", f"inject={syscall}:error={error}"]


@pytest.mark.parametrize("syscall,error", [
    ("pwrite64", "ENOSPC"), ("pwrite64", "EIO"), ("pwrite64", "EROFS"),
    ("pwrite64", "EDQUOT"), ("fdatasync", "ENOSPC"), ("fdatasync", "EIO"),
])
def test_failed_state_write_refuses(env, syscall, error):
    u = env.user()
    env.record(u, "--backup", "12345678")
    before = env.dump(u)
    for typed in (totp(T0), "12345678", "000000"):
        r = env.login(u, typed, at=T0, wrap=strace(syscall, error))
        assert r.result == "PAM_AUTHINFO_UNAVAIL", (typed, r)
        after = env.dump(u)
        assert after is not None, "record no longer readable"
        assert after["failures"] <= before["failures"] + 1
    lines = env.log(u)
    assert lines and all("outcome=error" in l for l in lines), lines
    assert any("cannot write record state" in l or
               "cannot sync record state" in l for l in lines), lines
    # A later good login works and is recorded.
    t = T0 + 300
    assert env.login(u, totp(t), at=t).result == "PAM_SUCCESS"
    assert env.dump(u)["next"] == t // 30 + 1


@pytest.mark.parametrize("syscall", ["fsync", "rename", "renameat",
                                     "renameat2", "write", "ftruncate"])
def test_login_needs_no_rename_or_fsync(env, syscall):
    """A login changes the state slot in place (pwrite + fdatasync), so
    failures of whole-file replacement calls cannot touch it."""
    u = env.user()
    env.record(u)
    # libfaketime calls ftruncate itself (its shared memory) whenever
    # strace's own copy of it could not set that up, e.g. after a stale
    # /dev/shm/faketime_sem_<pid>: then it, not the login, meets the
    # injected error. So that one case runs on the real clock.
    at = None if syscall == "ftruncate" else T0
    now = T0 if at is not None else int(time.time())
    r = env.login(u, totp(now), at=at, wrap=strace(syscall, "ENOSPC"))
    # With write() failing pamrun cannot print: its exit status is the
    # PAM result.
    assert r.rc == 0, r
    if at is not None:
        assert env.dump(u)["next"] == T0 // 30 + 1
    else:
        # The step may turn between computing the code and the login.
        assert env.dump(u)["next"] in (now // 30 + 1, now // 30 + 2)


def test_lock_not_granted_refuses(env):
    u = env.user()
    path = env.record(u)
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        r = env.login(u, totp(T0), at=T0)
    finally:
        os.close(fd)
    assert r.result == "PAM_AUTHINFO_UNAVAIL", r
    assert 2.0 < r.seconds < 8.0, r.seconds
    assert any("lock not granted" in l for l in env.log(u))
    d = env.dump(u)
    assert d["next"] == 0 and d["failures"] == 0
    assert env.login(u, totp(T0), at=T0).result == "PAM_SUCCESS"


def test_read_only_store_refuses(env):
    u = env.user()
    env.record(u)
    ro = ["unshare", "-m", "--propagation", "private", "sh", "-euc",
          'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && '
          'exec "$@"', str(env.store)]
    r = env.login(u, totp(T0), at=T0, wrap=ro)
    assert r.result == "PAM_AUTHINFO_UNAVAIL", r
    assert env.dump(u)["next"] == 0
    assert env.login(u, totp(T0), at=T0).result == "PAM_SUCCESS"


def test_state_is_synced_before_the_answer(env):
    """The replay guard is written and synced before anyone is told: in
    the system-call trace of a good login, pwrite and fdatasync of the
    record come before the success log line and the end of the call."""
    u = env.user()
    env.record(u)
    trace = env.base / "trace"
    wrap = ["strace", "-f", "-qq", "-o", str(trace), "-e",
            "trace=pwrite64,fdatasync,sendto,write", "-s", "200"]
    r = env.login(u, totp(T0), at=T0, wrap=wrap)
    assert r.result == "PAM_SUCCESS", r
    calls = trace.read_text().splitlines()

    def first(pred):
        for i, c in enumerate(calls):
            if pred(c):
                return i
        raise AssertionError(f"not in trace: {calls}")

    pw = first(lambda c: "pwrite64(" in c and "state" in c)
    sync = first(lambda c: "fdatasync(" in c and "= 0" in c)
    logged = first(lambda c: "sendto(" in c and "outcome=success" in c)
    told = first(lambda c: "write(1" in c and "PAM_SUCCESS" in c)
    assert pw < sync < logged < told, calls
