"""twofa-admin and sealing: keygen --records never overwrites, --rotate
adds a current key, --retire is refused while a record uses the key;
enroll and backup-codes write sealed records; rekey moves every record
(plain ones too) to the current key and logins still work; status shows
sealed_with and warns about a key the file does not hold. Codes come from
oathtool."""

import hashlib
import os
import re
import subprocess

import pytest

from conftest import KEY, T0, admin, key_ids, status, totp

B32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # the bytes of SECRET_HEX


def oathtool(at, secret=B32):
    return subprocess.run(
        ["oathtool", "--totp", "-b", "--now", f"@{at}", secret],
        capture_output=True, text=True, check=True).stdout.strip()


def enroll(env, user):
    r = admin("enroll", user, "--secret", B32, "--no-confirm", "--qr",
              "none", store=env.store)
    assert r.returncode == 0, r.stderr
    return env.store / user


def digest(path):
    st = os.stat(path)
    return hashlib.sha256(path.read_bytes()).hexdigest(), st.st_mtime_ns, \
        st.st_ino, st.st_mode


def test_keygen_never_overwrites(nokey):
    r = admin("keygen", "--records")
    assert r.returncode == 0, r.stderr
    assert "losing it loses every sealed enrollment" in r.stdout
    st = os.stat(KEY)
    assert st.st_uid == 0 and (st.st_mode & 0o777) == 0o600
    before = digest(KEY)
    r = admin("keygen", "--records")
    assert r.returncode == 1
    assert "never overwritten" in r.stderr
    assert digest(KEY) == before
    # --force is not a way around it.
    assert admin("keygen", "--records", "--force").returncode == 2
    assert digest(KEY) == before


def test_rotate_adds_current_key(key):
    r = admin("keygen", "--records", "--rotate")
    assert r.returncode == 0, r.stderr
    ids = key_ids()
    assert len(ids) == 2 and ids[1] == key and ids[0] != key
    assert ids[0] in r.stdout


def test_keygen_makes_the_directory(nokey):
    os.rmdir("/etc/twofa")
    try:
        r = admin("keygen", "--records")
        assert r.returncode == 0, r.stderr
        st = os.stat("/etc/twofa")
        assert st.st_uid == 0 and not st.st_mode & 0o022
        assert os.stat(KEY).st_mode & 0o777 == 0o600
    finally:
        if not os.path.isdir("/etc/twofa"):
            os.mkdir("/etc/twofa", 0o755)


def test_rotate_without_file(nokey):
    r = admin("keygen", "--records", "--rotate")
    assert r.returncode == 3
    assert not KEY.exists()


def test_enroll_and_backup_codes_seal(env, key):
    u = env.user()
    p = enroll(env, u)
    text = p.read_text()
    assert text.startswith("twofa-record 2\n")
    assert B32 not in text and B32.lower() not in text
    nonce = re.search(r"^sealed \S+ (\S+)", text, re.M).group(1)
    r = admin("backup-codes", u, store=env.store)
    assert r.returncode == 0, r.stderr
    text2 = p.read_text()
    assert text2.startswith("twofa-record 2\n")
    # Sealed again, with a fresh nonce, over the new backup-code hashes.
    assert re.search(r"^sealed \S+ (\S+)", text2, re.M).group(1) != nonce
    code = re.search(r"\b(\d{4} \d{4})\b", r.stdout).group(1)
    assert env.login(u, code, at=T0).result == "PAM_SUCCESS"
    assert env.login(u, oathtool(T0), at=T0).result == "PAM_SUCCESS"


def test_status_sealed_with(env, key):
    plain = env.user()
    env.record(plain)  # sealed too: the key exists
    u = env.user()
    enroll(env, u)
    r, js = status(env.store)
    assert r.returncode == 0, r.stderr
    by = {x["user"]: x for x in js["users"]}
    assert by[u]["sealed_with"] == key
    r, js = status(env.store, u)
    assert js["sealed_with"] == key
    r = admin("status", u, store=env.store)
    assert f"sealed with:   {key}" in r.stdout


def test_status_warns_unknown_key(env, key):
    u = env.user()
    enroll(env, u)
    KEY.unlink()
    assert admin("keygen", "--records").returncode == 0
    r, js = status(env.store)
    assert r.returncode == 3
    assert js["users"][0]["sealed_with"] == key
    assert "not in" in r.stderr and key in r.stderr
    assert env.login(u, oathtool(T0), at=T0).result == "PAM_AUTHINFO_UNAVAIL"


def test_status_plain_is_null(env, nokey):
    u = env.user()
    enroll(env, u)
    r, js = status(env.store, u)
    assert r.returncode == 0 and js["sealed_with"] is None


def test_rekey_after_rotate(env, nokey):
    plain = env.user()
    enroll(env, plain)
    assert (env.store / plain).read_text().startswith("twofa-record 1\n")
    assert admin("keygen", "--records").returncode == 0
    old = key_ids()[0]
    users = [env.user() for _ in range(3)]
    for u in users:
        enroll(env, u)
    # One of them logs in first: its state must survive the rekey.
    assert env.login(users[0], oathtool(T0), at=T0).result == "PAM_SUCCESS"
    assert admin("keygen", "--records", "--rotate").returncode == 0
    new = key_ids()[0]
    # The old key is still in use: retire is refused, file untouched.
    before = digest(KEY)
    r = admin("keygen", "--records", "--retire", old, store=env.store)
    assert r.returncode == 1, r.stderr
    assert "rekey" in r.stderr
    assert digest(KEY) == before
    # The current key can never be retired.
    r = admin("keygen", "--records", "--retire", new, store=env.store)
    assert r.returncode == 1
    r = admin("rekey", store=env.store)
    assert r.returncode == 0, r.stderr
    assert "4 records re-sealed" in r.stdout
    r, js = status(env.store)
    assert {x["user"]: x["sealed_with"] for x in js["users"]} == \
        {u: new for u in users + [plain]}
    # A second rekey has nothing to do.
    r = admin("rekey", store=env.store)
    assert "0 records re-sealed" in r.stdout and "4 already" in r.stdout
    # Logins still work, and the used code stayed used.
    assert env.login(users[0], oathtool(T0), at=T0).result == "PAM_AUTH_ERR"
    for u in users + [plain]:
        assert env.login(u, oathtool(T0 + 30), at=T0 + 30).result == \
            "PAM_SUCCESS", u
    r = admin("keygen", "--records", "--retire", old, store=env.store)
    assert r.returncode == 0, r.stderr
    assert key_ids() == [new]
    for u in users:
        assert env.login(u, oathtool(T0 + 60), at=T0 + 60).result == \
            "PAM_SUCCESS"


def test_rekey_reports_unopenable(env, key):
    good, bad = env.user(), env.user()
    enroll(env, good)
    p = enroll(env, bad)
    p.write_text(p.read_text().replace("digits 6", "digits 7"))
    assert admin("keygen", "--records", "--rotate").returncode == 0
    before = p.read_bytes()
    r = admin("rekey", store=env.store)
    assert r.returncode == 3
    assert bad in r.stderr and "does not open" in r.stderr
    assert p.read_bytes() == before
    r, js = status(env.store, good)
    assert js["sealed_with"] == key_ids()[0]


def test_rekey_without_key(env, nokey):
    enroll(env, env.user())
    r = admin("rekey", store=env.store)
    assert r.returncode == 3
    assert "keygen --records" in r.stderr


@pytest.mark.parametrize("bad", ["--rotate", "--retire=abc"])
def test_rotate_retire_need_records(nokey, bad):
    assert admin("keygen", bad).returncode == 2
