# SPDX-License-Identifier: BSD-2-Clause
"""Sealed records through the real pam_twofa.so: logins work, and a
sealed record that was renamed, edited, given another record's slot, or
whose key file is damaged or unsafe is refused with PAM_AUTHINFO_UNAVAIL
and a log line, never a success and never "no record" (also with
nullok). Records are written over the core (twofa-testrec), which seals
them because the key file exists; codes come from Python's hmac."""

import base64
import os
import re
import shutil
import subprocess
import tempfile

import pytest

from conftest import KEY, KEYDIR, SECRET_HEX, T0, admin, key_ids, mc, totp

UNAVAIL = "PAM_AUTHINFO_UNAVAIL"
SERVICES = ("twofa-test", "nullok")


def refused_everywhere(env, user, *codes, at=T0):
    """Every given code, on the plain and the nullok service: refused as
    unusable, never a success or an ignore."""
    for service in SERVICES:
        for code in codes:
            r = env.login(user, code, service=service, at=at)
            assert r.result == UNAVAIL, (service, code, r)


def test_sealed_record_holds_no_secret(env, key):
    u = env.user()
    path = env.record(u)
    data = path.read_bytes()
    assert data.startswith(b"twofa-record 2\n")
    assert re.search(rb"^sealed " + key.encode() + rb" ", data, re.M)
    raw = bytes.fromhex(SECRET_HEX)
    b32 = base64.b32encode(raw).rstrip(b"=")
    forms = [raw, b32, b32.lower(), SECRET_HEX.encode(),
             SECRET_HEX.upper().encode(), base64.b64encode(raw)]
    # Any 8-byte piece of any form would already say too much.
    for form in forms:
        for i in range(0, len(form) - 8 + 1):
            assert form[i:i + 8] not in data, (form, i)
    assert b"\nsecret " not in data


def sealed_line(path):
    return re.search(rb"^sealed .*$", path.read_bytes(), re.M).group(0)


def test_sealed_login(env, key):
    u = env.user()
    path = env.record(u)
    before = sealed_line(path)
    ino = os.stat(path).st_ino
    assert env.login(u, totp(T0), at=T0).result == "PAM_SUCCESS"
    # The state update wrote a slot in place: not sealed again.
    assert sealed_line(path) == before and os.stat(path).st_ino == ino
    # The slot write did not break the seal, and the code is used up.
    assert env.login(u, totp(T0), at=T0).result == "PAM_AUTH_ERR"
    assert env.login(u, totp(T0 + 30), at=T0 + 30).result == "PAM_SUCCESS"
    assert env.login(u, "000000", at=T0 + 60).result == "PAM_AUTH_ERR"
    assert env.dump(u)["failures"] == 1


def test_renamed_record_refused(env, key):
    u, v = env.user(), env.user()
    env.record(u)
    shutil.copy2(env.store / u, env.store / v)
    refused_everywhere(env, v, totp(T0))
    assert any("sealed secret does not open" in l for l in env.log(v))
    # The original still works: nothing was written to it.
    assert env.login(u, totp(T0), at=T0).result == "PAM_SUCCESS"


def edits():
    """Each configuration value changed to another valid one."""
    def sub(pat, rep):
        return lambda t: re.sub(pat, rep, t, count=1, flags=re.M)

    def first_backup(t):
        lines = t.split("\n")
        i = next(n for n, l in enumerate(lines) if l.startswith("backup "))
        salt, h = lines[i].split()[1:]
        lines[i] = f"backup {salt} {h[:-1]}{'0' if h[-1] != '0' else '1'}"
        return "\n".join(lines)

    def drop_backup(t):
        return re.sub(r"^backup [0-9a-f]+ [0-9a-f]+\n", "", t, count=1,
                      flags=re.M)

    def swap_backups(t):
        lines = t.split("\n")
        idx = [n for n, l in enumerate(lines) if l.startswith("backup ")]
        lines[idx[0]], lines[idx[1]] = lines[idx[1]], lines[idx[0]]
        return "\n".join(lines)

    def hotp(t):
        t = t.replace("type totp\n", "type hotp\n")
        return re.sub(r"^period 30\n", "", t, flags=re.M)

    def field(n, flip):
        def f(t):
            m = re.search(r"^sealed (.*)$", t, re.M)
            parts = m.group(1).split()
            s = parts[n]
            c = flip(s[-1])
            parts[n] = s[:-1] + c
            return t[:m.start(1)] + " ".join(parts) + t[m.end(1):]
        return f

    def hexflip(c):
        return "0" if c != "0" else "1"

    return {
        "type": hotp,
        "algorithm": sub(r"^algorithm SHA1$", "algorithm SHA256"),
        "digits": sub(r"^digits 6$", "digits 8"),
        "period": sub(r"^period 30$", "period 60"),
        "window": sub(r"^window 1$", "window 4"),
        "created": lambda t: re.sub(
            r"^created (\d+)$", lambda m: f"created {int(m.group(1)) + 1}",
            t, count=1, flags=re.M),
        "backup-kdf": sub(r"^backup-kdf pbkdf2-sha256 10000$",
                          "backup-kdf pbkdf2-sha256 20000"),
        "backup-hash": first_backup,
        "backup-removed": drop_backup,
        "backup-order": swap_backups,
        "nonce": field(1, hexflip),
        "ciphertext": field(2, hexflip),
        "tag": field(3, hexflip),
    }


@pytest.mark.parametrize("what", sorted(edits()))
def test_edited_record_refused(env, key, what):
    u = env.user()
    path = env.record(u, "--backup", "11112222", "--backup", "33334444")
    before = path.read_text()
    after = edits()[what](before)
    assert after != before
    path.write_text(after)
    # Also the code that would be right for the edited values.
    codes = {totp(T0), totp(T0, digits=8), totp(T0, alg="SHA256"),
             totp(T0, period=60), "11112222", "1111 2222"}
    if what == "type":
        codes |= {mc.hotp(0), mc.hotp(1)}
    refused_everywhere(env, u, *sorted(codes))
    lines = env.log(u)
    assert lines and all("outcome=error" in l for l in lines), lines


def test_sealed_line_from_another_record(env, key):
    u, v = env.user(), env.user()
    pu, pv = env.record(u), env.record(v, "--window", "1")
    sealed_v = re.search(r"^sealed .*$", pv.read_text(), re.M).group(0)
    text = re.sub(r"^sealed .*$", sealed_v, pu.read_text(), flags=re.M)
    pu.write_text(text)
    refused_everywhere(env, u, totp(T0))


@pytest.mark.parametrize("slots", ["both", "current", "older"])
def test_slot_from_another_record(env, key, slots):
    u, v = env.user(), env.user()
    pu = env.record(u)
    env.record(v)
    # u logs in once: its slot B now holds the newer state.
    assert env.login(u, totp(T0), at=T0).result == "PAM_SUCCESS"
    lu = pu.read_bytes().split(b"\n")
    lv = (env.store / v).read_bytes().split(b"\n")
    # The file ends in "\n": the slots are lines -3 (A) and -2 (B).
    if slots in ("both", "older"):
        lu[-3] = lv[-3]
    if slots in ("both", "current"):
        lu[-2] = lv[-2]
    pu.write_bytes(b"\n".join(lu))
    # v's state would let the used code through again: it must not count.
    refused_everywhere(env, u, totp(T0), totp(T0 + 30))


def damage(kind):
    """Make the key file unusable in one way; returns nothing."""
    data = KEY.read_bytes()
    if kind == "truncated":
        KEY.write_bytes(data[:-20])
    elif kind == "last-line-dropped":
        KEY.write_bytes(b"\n".join(data.split(b"\n")[:-2]) + b"\n")
    elif kind == "re-ordered":
        lines = data.split(b"\n")
        keys = [n for n, l in enumerate(lines) if l.startswith(b"key ")]
        assert len(keys) >= 2
        lines[keys[0]], lines[keys[1]] = lines[keys[1]], lines[keys[0]]
        KEY.write_bytes(b"\n".join(lines))
    elif kind == "key-edited":
        lines = data.split(b"\n")
        k = bytearray(lines[1])
        k[-1] = ord("0") if k[-1] != ord("0") else ord("1")
        lines[1] = bytes(k)
        KEY.write_bytes(b"\n".join(lines))
    elif kind == "mode-0640":
        os.chmod(KEY, 0o640)
    elif kind == "mode-0604":
        os.chmod(KEY, 0o604)
    elif kind == "owner":
        os.chown(KEY, 65534, 0)
    elif kind == "symlink":
        other = KEYDIR / "elsewhere.key"
        os.rename(KEY, other)
        os.symlink(other, KEY)
    elif kind == "hardlink":
        os.link(KEY, KEYDIR / "second-name.key")
    elif kind == "missing":
        KEY.unlink()
    elif kind == "directory":
        KEY.unlink()
        KEY.mkdir(mode=0o700)
    elif kind == "fifo":
        KEY.unlink()
        os.mkfifo(KEY, 0o600)
    else:
        raise AssertionError(kind)


KEY_DAMAGE = ["truncated", "last-line-dropped", "re-ordered", "key-edited",
              "mode-0640", "mode-0604", "owner", "symlink", "hardlink",
              "missing", "directory", "fifo"]


@pytest.mark.parametrize("kind", KEY_DAMAGE)
def test_unusable_key_file(env, key, kind):
    u = env.user()
    plain = env.user()
    env.record(u)
    # A second key, so re-ordering has two lines to swap (u is sealed
    # with the first, which becomes the second).
    assert admin("keygen", "--records", "--rotate").returncode == 0
    damage(kind)
    refused_everywhere(env, u, totp(T0))
    assert any("outcome=error" in l and ("record.key" in l or
               "record key" in l) for l in env.log(u)), env.log(u)
    # A plain record does not need the key file at all.
    plain_record(env, plain)
    assert env.login(plain, totp(T0), at=T0).result == "PAM_SUCCESS"


def plain_record(env, user):
    """A version 1 record, written with /etc/twofa moved aside for the
    moment (with a key file there, the core would seal it)."""
    aside = tempfile.mkdtemp(dir="/etc")  # same file system
    try:
        for p in list(KEYDIR.iterdir()):
            os.rename(p, os.path.join(aside, p.name))
        subprocess.run([str(mc.TESTREC), "create", str(env.store), user],
                       check=True)
    finally:
        for n in os.listdir(aside):
            os.rename(os.path.join(aside, n), KEYDIR / n)
        os.rmdir(aside)
    assert (env.store / user).read_bytes().startswith(b"twofa-record 1\n")


def test_sealed_without_key_file(env, key):
    u = env.user()
    env.record(u)
    KEY.unlink()
    refused_everywhere(env, u, totp(T0))


def test_unknown_key_id(env, key):
    """The key file was replaced by a new one: the record's key is gone."""
    u = env.user()
    env.record(u)
    KEY.unlink()
    assert admin("keygen", "--records").returncode == 0
    refused_everywhere(env, u, totp(T0))
    assert any("not in the record key file" in l for l in env.log(u))


def test_require_encrypted(env, nokey):
    plain = env.user()
    env.record(plain)
    assert (env.store / plain).read_bytes().startswith(b"twofa-record 1\n")
    r = env.login(plain, totp(T0), service="req", at=T0)
    assert r.result == UNAVAIL, r
    assert any("not sealed" in l for l in env.log(plain))
    # Without the option the same record logs in.
    assert env.login(plain, totp(T0), at=T0).result == "PAM_SUCCESS"
    assert admin("keygen", "--records").returncode == 0
    sealed = env.user()
    env.record(sealed)
    assert env.login(sealed, totp(T0), service="req",
                     at=T0).result == "PAM_SUCCESS"


def test_key_ids_listed(key):
    assert key_ids() == [key]


def test_unknown_user_reads_the_key_too(env, key, tmp_path):
    """No enrollment oracle: with a key file, the decoy login of a user
    without a record reads it as a sealed user's login does."""
    log = tmp_path / "strace.log"
    for user, name in ((env.user(), "unknown"), (None, "sealed")):
        if user is None:
            user = env.user()
            env.record(user)
        r = env.login(user, "000000", at=T0,
                      wrap=["strace", "-f", "-qq", "-e", "trace=openat",
                            "-o", str(log)])
        assert r.result == "PAM_AUTH_ERR", (name, r)
        assert "record.key" in log.read_text(), name
