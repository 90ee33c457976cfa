# SPDX-License-Identifier: BSD-2-Clause
"""Crash consistency: kill -9 the updating process at every step.

For each operation (a TOTP login, a backup code, a wrong code, an
enrollment rewrite, a forced re-enrollment) the syscalls it makes are
counted with strace, then the operation is repeated once per invocation of
each syscall that matters, killed with SIGKILL as it enters it
(strace -e inject=SYSCALL:signal=KILL:when=N): after the write and before
the fsync, after the fsync and before the rename, after the rename and
before the directory fsync, before and after the slot pwrite and
fdatasync, and at exit. Afterwards the record must open and parse and hold
the old or the new state; a login that was answered "accepted" before the
kill must stay used; and the next login must work (nothing left blocks it).
"""
import collections
import os
import re
import shutil

import pytest

from conftest import BACKUP, NOW, Store, hotp, totp

pytestmark = pytest.mark.ptrace

# Every step of an update: the record's open, lock, read, write, sync,
# rename, directory sync and unlock, plus exit (after the answer).
SYSCALLS = ["openat", "flock", "pread64", "read", "pwrite64", "write",
            "fdatasync", "fsync", "fchmod", "rename", "renameat",
            "renameat2", "linkat", "unlinkat", "close", "exit_group"]


def count_syscalls(store, args, tmpdir):
    log = os.path.join(tmpdir, "count.log")
    r = store.run(*args, prefix=["strace", "-f", "-qq", "-o", log, "-e",
                                 "trace=" + ",".join(SYSCALLS)])
    counts = collections.Counter()
    with open(log) as f:
        for line in f:
            m = re.match(r"(?:\d+\s+)?(\w+)\(", line)
            if m:
                counts[m.group(1)] += 1
    return r, counts


def snapshot(store):
    return {n: open(os.path.join(store.path, n), "rb").read()
            for n in os.listdir(store.path)}


def restore(store, snap):
    for n in os.listdir(store.path):
        os.unlink(os.path.join(store.path, n))
    for n, data in snap.items():
        fd = os.open(os.path.join(store.path, n),
                     os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, data)
        os.close(fd)


def same_state(a, b):
    keys = ("type", "backups", "seq", "next", "failures", "locked_until",
            "backup_used", "window")
    return all(a[k] == b[k] for k in keys)


CASES = {
    "totp-accept": ("totp", lambda: ["alice", "auth", totp(NOW), str(NOW)]),
    "totp-backup": ("totp", lambda: ["alice", "auth", BACKUP[1], str(NOW)]),
    "totp-wrong": ("totp", lambda: ["alice", "auth", "000000", str(NOW)]),
    "hotp-accept": ("hotp", lambda: ["alice", "auth", hotp(3), str(NOW)]),
    "rewrite": ("totp", lambda: ["alice", "rewrite", "5"]),
    "create-force": ("totp", lambda: ["alice", "create",
                                      "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U",
                                      "hotp", "--force", "11112222"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_kill_at_every_step(case, tmp_path):
    kind, argsf = CASES[case]
    store = Store()
    try:
        store.create(kind=kind)
        # One accepted login first, so both slots hold real states.
        first = totp(NOW - 30) if kind == "totp" else hotp(0)
        assert store.auth(first).returncode == 0
        old = store.dump()
        snap = snapshot(store)
        args = argsf()

        r, counts = count_syscalls(store, args, str(tmp_path))
        assert r.returncode in (0, 1), r.stdout + r.stderr
        new = store.dump()
        assert not same_state(old, new)
        # The updating syscalls really were seen, so the kills hit them.
        if "auth" in args:
            assert counts["pwrite64"] == 1 and counts["fdatasync"] == 1
        else:
            assert counts["fsync"] == 2 and counts["rename"] + \
                counts["renameat"] + counts["renameat2"] >= 1

        points = 0
        outcomes = collections.Counter()
        for sc, n in sorted(counts.items()):
            for when in range(1, n + 1):
                restore(store, snap)
                r = store.run(*args, prefix=[
                    "strace", "-f", "-qq", "-o", "/dev/null", "-e",
                    f"inject={sc}:signal=KILL:when={when}"])
                points += 1
                where = f"killed at {sc} #{when}"
                # strace re-raises the tracee's SIGKILL on itself.
                assert r.returncode in (-9, 137), \
                    f"{where}: not killed ({r.returncode}: {r.stdout})"
                after = store.dump()
                assert after is not None, f"{where}: record unreadable"
                outcomes["new" if same_state(after, new) else "old"] += 1
                outcomes["answered"] += bool(r.stdout)
                assert same_state(after, old) or same_state(after, new), \
                    f"{where}: {after} is neither {old} nor {new}"
                if r.stdout.startswith("accepted"):
                    assert same_state(after, new), where
                    replay = store.run(*args)
                    assert not replay.stdout.startswith("accepted"), \
                        f"{where}: accepted code accepted again"
                if kind == "totp" and after["type"] == "totp":
                    # The next login works: no stale lock or file blocks.
                    nxt = store.auth(totp(NOW + 30), now=NOW + 30)
                    assert nxt.stdout.startswith("accepted"), \
                        f"{where}: next login {nxt.stdout}"
                stray = [n for n in store.leftovers()
                         if not n.startswith(".tmp.")]
                assert stray == [], where
        assert points >= 10
        # Both sides of the commit point were hit, and some kills came
        # after the answer was given.
        assert outcomes["old"] > 0 and outcomes["new"] > 0, outcomes
        assert outcomes["answered"] > 0, outcomes
    finally:
        store.remove()


def test_durable_before_answer(tmp_path):
    """The order of the update's syscalls, as strace sees them: the slot
    is written and fdatasync'ed, the new file written, fsync'ed, renamed
    and its directory fsync'ed, all before the answer is written. A
    kill -9 cannot lose the page cache, so this is what stands for a
    power cut."""
    store = Store()
    try:
        store.create()
        log = str(tmp_path / "trace.log")
        trace = ["strace", "-qq", "-o", log, "-e",
                 "trace=openat,pwrite64,write,fsync,fdatasync,rename,"
                 "renameat,renameat2"]

        def calls():
            with open(log) as f:
                return [re.match(r"(\w+)\((.*)", l).groups() for l in f
                        if re.match(r"\w+\(", l)]

        r = store.run("alice", "auth", totp(NOW), str(NOW), prefix=trace)
        assert r.stdout.startswith("accepted")
        seq = [n for n, a in calls() if n in ("pwrite64", "fdatasync") or
               (n == "write" and a.startswith("1,"))]
        assert seq == ["pwrite64", "fdatasync", "write"], seq

        r = store.run("alice", "rewrite", "5", prefix=trace)
        assert r.stdout.startswith("rewritten")
        seq = []
        for n, a in calls():
            if n == "openat" and ".tmp." in a:
                assert "O_EXCL" in a and "O_NOFOLLOW" in a and \
                    "O_CREAT" in a, a
                seq.append("create-tmp")
            elif n in ("fsync", "rename", "renameat", "renameat2"):
                seq.append(n.rstrip("2").replace("renameat", "rename"))
            elif n == "write":
                seq.append("answer" if a.startswith("1,") else "write")
        assert seq == ["create-tmp", "write", "fsync", "rename", "fsync",
                       "answer"], seq
    finally:
        store.remove()
