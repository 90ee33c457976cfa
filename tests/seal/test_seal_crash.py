# SPDX-License-Identifier: BSD-2-Clause
"""Crash consistency of rekey: twofa-admin rekey is killed with SIGKILL as
it enters each system call that matters, every time it makes one
(strace -e inject=SYSCALL:signal=KILL:when=N, as tests/hardening/
test_crash.py does for logins). Afterwards every record must be exactly
the old file or a record sealed with the new key, every one must open (a
complete rekey then succeeds), the key file must be unchanged, and the
users must still log in."""
import collections
import os
import re
import subprocess

import pytest

from conftest import ADMIN, KEY, T0, admin, key_ids, totp

SYSCALLS = ["openat", "flock", "pread64", "read", "pwrite64", "write",
            "fdatasync", "fsync", "fchmod", "fchown", "rename", "renameat",
            "renameat2", "linkat", "unlinkat", "close", "exit_group"]


def rekey(store, prefix):
    return subprocess.run(prefix + [ADMIN, "--store", str(store), "rekey"],
                          capture_output=True, text=True, timeout=60)


def snapshot(store):
    return {n: (store / n).read_bytes() for n in os.listdir(store)
            if not n.startswith(".")}


def restore(store, snap):
    for n in os.listdir(store):
        os.unlink(store / n)
    for n, data in snap.items():
        fd = os.open(store / n, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, data)
        os.close(fd)


def sealed_with(data):
    m = re.search(rb"^sealed ([0-9a-f]{16}) ", data, re.M)
    return m.group(1).decode() if m else None


# LeakSanitizer cannot work under ptrace (check-asan): there the killed
# runs would all fail on its exit status. The plain build runs it.
@pytest.mark.skipif("detect_leaks=1" in os.environ.get("ASAN_OPTIONS", ""),
                    reason="strace and LeakSanitizer do not mix")
def test_rekey_killed_at_every_step(env, nokey, tmp_path):
    plain = env.user()
    env.record(plain)
    assert admin("keygen", "--records").returncode == 0
    users = [env.user(), env.user()]
    for u in users:
        env.record(u)
    assert env.login(users[0], totp(T0), at=T0).result == "PAM_SUCCESS"
    assert admin("keygen", "--records", "--rotate").returncode == 0
    new = key_ids()[0]
    keyfile = KEY.read_bytes()
    old = snapshot(env.store)
    assert sorted(old) == sorted(users + [plain])

    log = tmp_path / "count.log"
    r = rekey(env.store, ["strace", "-f", "-qq", "-o", str(log), "-e",
                          "trace=" + ",".join(SYSCALLS)])
    assert r.returncode == 0, r.stderr
    counts = collections.Counter()
    for line in log.read_text().splitlines():
        m = re.match(r"(?:\d+\s+)?(\w+)\(", line)
        if m:
            counts[m.group(1)] += 1
    # Each record: a new file synced and renamed, the directory synced.
    assert counts["fsync"] >= 2 * len(old)
    assert counts["rename"] + counts["renameat"] + counts["renameat2"] >= \
        len(old)

    outcomes = collections.Counter()
    for sc, n in sorted(counts.items()):
        for when in range(1, n + 1):
            restore(env.store, old)
            r = rekey(env.store, ["strace", "-f", "-qq", "-o", "/dev/null",
                                  "-e", f"inject={sc}:signal=KILL:when={when}"])
            where = f"killed at {sc} #{when}"
            assert r.returncode in (-9, 137), \
                f"{where}: not killed ({r.returncode}: {r.stderr})"
            now = snapshot(env.store)
            assert sorted(now) == sorted(old), f"{where}: {sorted(now)}"
            for u, data in now.items():
                if data == old[u]:
                    outcomes["old"] += 1
                else:
                    assert sealed_with(data) == new, f"{where}: {u}"
                    outcomes["new"] += 1
            assert KEY.read_bytes() == keyfile, where
            # Every record still opens: a full rekey now goes through.
            r = rekey(env.store, [])
            assert r.returncode == 0, f"{where}: {r.stderr}"
    print("kill points:", sum(counts.values()), dict(outcomes))
    assert outcomes["old"] and outcomes["new"], outcomes
    # The last full rekey left every record sealed with the new key, and
    # the users log in (the used code stays used).
    for u, data in snapshot(env.store).items():
        assert sealed_with(data) == new
    assert env.login(users[0], totp(T0), at=T0).result == "PAM_AUTH_ERR"
    for u in users + [plain]:
        assert env.login(u, totp(T0 + 30), at=T0 + 30).result == \
            "PAM_SUCCESS", u


@pytest.mark.skipif("detect_leaks=1" in os.environ.get("ASAN_OPTIONS", ""),
                    reason="strace and LeakSanitizer do not mix")
@pytest.mark.parametrize("change", ["rotate", "retire"])
def test_keyfile_change_killed_at_every_step(env, nokey, tmp_path, change):
    """keygen --records --rotate / --retire killed at each of its system
    calls: the key file is the old one or the new one, never a mix, and
    every key that seals a record is still in it."""
    assert admin("keygen", "--records").returncode == 0
    if change == "retire":
        assert admin("keygen", "--records", "--rotate").returncode == 0
        args = ["keygen", "--records", "--retire", key_ids()[1]]
    else:
        args = ["keygen", "--records", "--rotate"]
    u = env.user()
    env.record(u)  # sealed with the current key, kept by both changes
    old = KEY.read_bytes()
    old_ids = key_ids()
    cmd = [ADMIN, "--store", str(env.store)] + args
    log = tmp_path / "count.log"
    r = subprocess.run(["strace", "-f", "-qq", "-o", str(log), "-e",
                        "trace=" + ",".join(SYSCALLS)] + cmd,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    new_ids = key_ids()
    assert new_ids != old_ids
    counts = collections.Counter()
    for line in log.read_text().splitlines():
        m = re.match(r"(?:\d+\s+)?(\w+)\(", line)
        if m:
            counts[m.group(1)] += 1
    assert counts["fsync"] >= 2
    seen = collections.Counter()
    for sc, n in sorted(counts.items()):
        for when in range(1, n + 1):
            for p in KEY.parent.iterdir():
                p.unlink()
            fd = os.open(KEY, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            os.write(fd, old)
            os.close(fd)
            r = subprocess.run(
                ["strace", "-f", "-qq", "-o", "/dev/null", "-e",
                 f"inject={sc}:signal=KILL:when={when}"] + cmd,
                capture_output=True, text=True, timeout=60)
            where = f"killed at {sc} #{when}"
            assert r.returncode in (-9, 137), f"{where}: {r.returncode}"
            ids = key_ids()
            if KEY.read_bytes() == old:
                seen["old"] += 1
            else:
                assert len(ids) == len(new_ids) and ids[1:] == \
                    new_ids[1:], f"{where}: {ids}"
                seen["new"] += 1
            # The record opens with what is there: a login works.
            assert env.login(u, "000000", at=T0).result == "PAM_AUTH_ERR", \
                where
    assert seen["old"] and seen["new"], seen
