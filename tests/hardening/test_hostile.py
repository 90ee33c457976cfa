# SPDX-License-Identifier: BSD-2-Clause
"""Hostile files: what an attacker (or an accident) can put where the
module looks. Every case must refuse the login, within bounded time, and
leave other files exactly as they were (the pam_oath CVE-2024-47191
pattern: a privileged writer following a planted link into a victim)."""
import os
import shutil
import subprocess
import time

import pytest

from conftest import BACKUP, DRIVE, NOW, SECRET, Store, totp

OTHER_SECRET = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U"


def fingerprint(path):
    st = os.lstat(path)
    with open(path, "rb") as f:
        data = f.read()
    return (data, st.st_mode, st.st_uid, st.st_gid, st.st_nlink,
            st.st_mtime_ns, st.st_ino)


@pytest.fixture
def victim():
    """A root-owned file outside the store that must never change."""
    d = Store()
    path = os.path.join(d.path, "victim")
    with open(path, "w") as f:
        f.write("root:precious:0:0\n")
    os.chmod(path, 0o644)
    yield path
    d.remove()


def refused(r, what=None):
    assert r.returncode == 3, r.stdout + r.stderr
    assert not r.stdout.startswith("accepted")
    if what:
        assert what in r.stdout, r.stdout


def test_symlink_at_record_is_refused_and_not_followed(store, victim):
    before = fingerprint(victim)
    os.symlink(victim, store.record())
    refused(store.auth(totp(NOW)), "symbolic link")
    refused(store.run("alice", "rewrite", "5"), "symbolic link")
    refused(store.run("alice", "create", SECRET, "totp", "--force"),
            "symbolic link")
    assert fingerprint(victim) == before
    assert os.path.islink(store.record())


def test_symlink_to_a_valid_record_is_refused(store):
    other = Store()
    try:
        other.create()
        os.symlink(other.record(), store.record())
        before = fingerprint(other.record())
        refused(store.auth(totp(NOW)), "symbolic link")
        assert fingerprint(other.record()) == before
    finally:
        other.remove()


def test_dangling_symlink_blocks_create_without_creating_target(store,
                                                                 victim):
    target = victim + ".new"
    os.symlink(target, store.record())
    r = store.run("alice", "create", SECRET, "totp")
    assert r.returncode == 3 and "exists" in r.stdout, r.stdout
    assert not os.path.exists(target)
    assert store.leftovers() == []


def test_hard_link_at_record_is_refused(store, victim):
    # A valid record text, so only the link count can refuse it.
    store.create()
    with open(store.record(), "rb") as f:
        text = f.read()
    with open(victim, "wb") as f:
        f.write(text)
    os.chmod(victim, 0o600)
    os.unlink(store.record())
    os.link(victim, store.record())
    before = fingerprint(victim)
    refused(store.auth(totp(NOW)), "hard link")
    refused(store.run("alice", "rewrite", "5"), "hard link")
    assert fingerprint(victim) == before


def test_no_lock_or_temporary_file_is_left(store):
    """The lock is flock() on the record itself: there is no lock path to
    plant a link at, and a login creates no file."""
    store.create()
    assert store.auth(totp(NOW)).returncode == 0
    assert store.auth("000000").returncode == 1
    assert store.run("alice", "rewrite", "4").returncode == 0
    assert store.leftovers() == []


def test_store_swapped_for_symlink_between_checks(store):
    """The store is held as a directory descriptor once opened: swapping
    the path for a symlink to an attacker's store changes nothing."""
    store.create()
    evil = Store()
    moved = store.path + ".real"
    try:
        evil.create(secret=OTHER_SECRET)
        evil_before = fingerprint(evil.record())
        p = subprocess.Popen(
            [DRIVE,
             store.path, "alice", "auth-wait", totp(NOW, OTHER_SECRET),
             str(NOW)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert p.stdout.readline() == "ready\n"
        os.rename(store.path, moved)
        os.symlink(evil.path, store.path)
        out, _ = p.communicate("go\n", timeout=10)
        assert p.returncode == 1 and out.startswith("rejected"), out
        assert fingerprint(evil.record()) == evil_before
        # A fresh open of the swapped path is refused outright.
        refused(store.auth(totp(NOW)), "symbolic link")
        os.unlink(store.path)
        os.rename(moved, store.path)
        assert store.dump()["failures"] == "1"
    finally:
        evil.remove()
        if os.path.lexists(moved):
            if os.path.islink(store.path):
                os.unlink(store.path)
            shutil.rmtree(moved, ignore_errors=True)


@pytest.mark.parametrize("kind", ["fifo", "chardev", "directory", "socket"])
def test_special_file_at_record(store, kind):
    path = store.record()
    if kind == "fifo":
        os.mkfifo(path, 0o600)
    elif kind == "chardev":
        os.mknod(path, 0o600 | 0o020000, os.makedev(1, 3))
    elif kind == "directory":
        os.mkdir(path, 0o700)
    else:
        import socket
        s = socket.socket(socket.AF_UNIX)
        s.bind(path)
        s.close()
        os.chmod(path, 0o600)
    t = time.monotonic()
    refused(store.auth(totp(NOW), timeout=5))
    refused(store.run("alice", "rewrite", "5", timeout=5))
    assert time.monotonic() - t < 2


@pytest.mark.parametrize("mode,owner,what", [
    (0o640, 0, "permissions"), (0o604, 0, "permissions"),
    (0o600, 65534, "not owned"), (0o400, 0, None)])
def test_record_owner_and_mode(store, mode, owner, what):
    store.create()
    os.chown(store.record(), owner, 0)
    os.chmod(store.record(), mode)
    before = fingerprint(store.record())
    r = store.auth(totp(NOW))
    if what is None:
        # 0400 is stricter than 0600 and root may still write it: fine,
        # and the update is real (the code is used).
        assert r.returncode == 0, r.stdout
        assert store.auth(totp(NOW)).returncode == 1
        return
    refused(r, what)
    assert fingerprint(store.record()) == before


@pytest.mark.parametrize("mode,owner", [(0o755, 0), (0o710, 0),
                                        (0o700, 65534)])
def test_store_owner_and_mode(store, mode, owner):
    store.create()
    os.chmod(store.path, mode)
    os.chown(store.path, owner, 0)
    refused(store.auth(totp(NOW)), "store")


def test_world_writable_parent_is_refused():
    parent = Store()
    try:
        os.chmod(parent.path, 0o777)
        inner = os.path.join(parent.path, "store")
        os.mkdir(inner, 0o700)
        r = subprocess.run([DRIVE, inner, "alice",
                            "dump"], capture_output=True, text=True,
                           timeout=10)
        assert r.returncode == 3 and "writable" in r.stdout, r.stdout
    finally:
        parent.remove()


def valid_text(store):
    store.create()
    with open(store.record(), "rb") as f:
        return f.read()


def put(store, data):
    fd = os.open(store.record(), os.O_WRONLY | os.O_TRUNC)
    os.write(fd, data)
    os.close(fd)


def mangle_cases(text):
    lines = text.split(b"\n")
    pad = b"x" * (64 * 1024 + 1 - len(text))
    return {
        "64KiB+1": pad[:-1] + b"\n" + text if len(pad) else text,
        "nul-in-secret": text.replace(b"secret ", b"secret \0", 1),
        "nul-at-end": text + b"\0",
        "crlf": text.replace(b"\n", b"\r\n"),
        "invalid-utf8": text.replace(b"type totp", b"type t\xc3\x28tp", 1),
        "utf8-in-key": text.replace(b"window", b"w\xc3\xafndow", 1),
        "overlong-utf8": text.replace(b"digits 6", b"digits \xc0\xb6", 1),
        "10000-lines": b"\n".join(lines[:2] + [b"window 1"] * 10000 +
                                  lines[2:]),
        "10000-blank": b"\n".join(lines[:2] + [b""] * 10000 + lines[2:]),
        "truncated": text[:len(text) // 2],
        "empty": b"",
        "both-slots-torn": text[:-140] + b"Z" + text[-139:-3] + b"Z\n",
    }


CASE_NAMES = ["64KiB+1", "nul-in-secret", "nul-at-end", "crlf",
              "invalid-utf8", "utf8-in-key", "overlong-utf8", "10000-lines",
              "10000-blank", "truncated", "empty", "both-slots-torn"]


@pytest.mark.parametrize("case", CASE_NAMES)
def test_malformed_record_is_refused_quickly(store, case):
    data = mangle_cases(valid_text(store))[case]
    if case == "64KiB+1":
        assert len(data) == 64 * 1024 + 1
    put(store, data)
    before = fingerprint(store.record())
    t = time.monotonic()
    r = store.auth(totp(NOW))
    refused(r, "64 KiB" if case == "64KiB+1" else None)
    assert time.monotonic() - t < 2
    # Refused, never "repaired".
    assert fingerprint(store.record()) == before


def test_record_of_exactly_64KiB_is_read_whole(store):
    """At the cap the size check must not refuse, but the parser does
    (the padding is not a record line): a boundary, not an overflow."""
    text = valid_text(store)
    data = b"x" * (64 * 1024 - len(text) - 1) + b"\n" + text
    assert len(data) == 64 * 1024
    put(store, data)
    r = store.auth(totp(NOW))
    refused(r, "malformed")


def test_lock_held_forever_refuses_in_bounded_time(store):
    store.create()
    holder = subprocess.Popen(["flock", "-x", store.record(), "sleep",
                               "60"], start_new_session=True)
    try:
        time.sleep(0.3)
        t = time.monotonic()
        r = store.auth(totp(NOW), timeout=15)
        took = time.monotonic() - t
        refused(r, "lock not granted")
        assert 2.5 < took < 5, took
    finally:
        os.killpg(holder.pid, 9)
        holder.wait()
    # Once the holder is gone, logins work again.
    assert store.auth(totp(NOW)).returncode == 0


def test_torn_newer_slot_falls_back_to_the_older(store):
    """A slot write cut short (half the bytes new, half old) fails its
    check; the other slot, the previous state, is used."""
    store.create()
    assert store.auth(totp(NOW - 30), now=NOW - 30).returncode == 0
    old = store.dump()
    assert store.auth(totp(NOW)).returncode == 0
    new = store.dump()
    slot = int(new["slot"])
    with open(store.record(), "rb") as f:
        text = f.read()
    off = len(text) - 2 * 137 + slot * 137
    other = len(text) - 2 * 137 + (1 - slot) * 137
    # The first half of the newer slot replaced by the older one's bytes.
    torn = text[:off] + text[other:other + 68] + text[off + 68:]
    put(store, torn)
    after = store.dump()
    assert after["seq"] == old["seq"] and after["next"] == old["next"]
    # A byte flipped in the older slot instead: the newer one stays.
    flipped = bytearray(text)
    flipped[other + 30] ^= 0x01
    put(store, bytes(flipped))
    assert store.dump()["seq"] == new["seq"]


def test_parallel_logins_accept_a_code_once(store):
    store.create()
    code = totp(NOW)
    procs = [subprocess.Popen(
        [DRIVE, store.path, "alice", "auth", code,
         str(NOW)], stdout=subprocess.PIPE, text=True) for _ in range(16)]
    outs = [p.communicate(timeout=20)[0] for p in procs]
    assert sum(o.startswith("accepted") for o in outs) == 1, outs
    # The others are refused (and, after 5 failures, locked out).
    assert all(o.startswith(("accepted", "rejected", "locked"))
               for o in outs), outs
    assert store.run("alice", "create", SECRET, "totp", "--force",
                     *BACKUP).returncode == 0
    backup = [subprocess.Popen(
        [DRIVE, store.path, "alice", "auth",
         BACKUP[0], str(NOW)], stdout=subprocess.PIPE, text=True)
        for _ in range(8)]
    outs = [p.communicate(timeout=60)[0] for p in backup]
    assert sum(o.startswith("accepted") for o in outs) == 1, outs
