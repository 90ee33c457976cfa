# SPDX-License-Identifier: BSD-2-Clause
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


def test_import_writes_sealed(env, key, tmp_path):
    """An imported google-authenticator file becomes a sealed record,
    its scratch code works, and its secret is in the record in no form."""
    src = env.base / "ga"
    src.write_text(B32 + "\n\" TOTP_AUTH\n\" WINDOW_SIZE 3\n12345678\n")
    os.chmod(src, 0o600)
    u = env.user()
    r = admin("import", "google-authenticator", u, src, store=env.store)
    assert r.returncode == 0, r.stderr
    text = (env.store / u).read_text()
    assert text.startswith("twofa-record 2\n")
    assert B32 not in text and B32.lower() not in text
    r, js = status(env.store, u)
    assert js["sealed_with"] == key
    assert env.login(u, "1234 5678", at=T0).result == "PAM_SUCCESS"
    assert env.login(u, oathtool(T0), at=T0).result == "PAM_SUCCESS"


def test_qr_opens_sealed(env, key):
    """qr shows the secret again: it comes out of the seal intact."""
    u = env.user()
    enroll(env, u)
    r = admin("qr", u, "--qr", "none", store=env.store)
    assert r.returncode == 0, r.stderr
    assert f"secret={B32}" in r.stdout
    # And a sealed record that does not open shows nothing of it.
    p = env.store / u
    p.write_text(p.read_text().replace("window 1", "window 2"))
    r = admin("qr", u, "--qr", "none", store=env.store)
    assert r.returncode == 3 and "otpauth" not in r.stdout
    assert "does not open" in r.stderr


def test_rekey_leaves_invitations(env, key):
    """A pending enrollment holds no secret: rekey leaves it as it is."""
    u, pend = env.user(), env.user()
    enroll(env, u)
    assert admin("invite", pend, store=env.store).returncode == 0
    before = (env.store / pend).read_bytes()
    assert admin("keygen", "--records", "--rotate").returncode == 0
    r = admin("rekey", store=env.store)
    assert r.returncode == 0, r.stderr
    assert "1 record re-sealed" in r.stdout
    assert (env.store / pend).read_bytes() == before


def test_lost_key_disable_and_unlock_still_work(env, key):
    """Without its key a sealed record cannot log in, but the admin can
    still clear its lock and remove it (neither needs the secret)."""
    u = env.user()
    enroll(env, u)
    for _ in range(5):
        env.login(u, "000000", at=T0)
    KEY.unlink()
    r = admin("unlock", u, store=env.store)
    assert r.returncode == 0, r.stderr
    assert "5 failures cleared" in r.stdout
    # What needs the secret still refuses.
    assert admin("qr", u, "--qr", "none", store=env.store).returncode == 3
    assert admin("verify", u, store=env.store,
                 stdin=oathtool(T0) + "\n").returncode == 3
    r = admin("disable", u, store=env.store)
    assert r.returncode == 0, r.stderr
    assert not (env.store / u).exists()


def test_rekey_while_users_log_in(env, key):
    """rekey takes each record's lock: logins racing it neither fail nor
    lose their update (a used code stays used after the re-seal)."""
    import concurrent.futures
    users = [env.user() for _ in range(60)]
    for u in users:
        env.record(u)
    assert admin("keygen", "--records", "--rotate").returncode == 0
    new = key_ids()[0]
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        rk = pool.submit(admin, "rekey", store=env.store)
        logins = list(pool.map(
            lambda u: env.login(u, totp(T0), at=T0).result, users))
        r = rk.result()
    assert r.returncode == 0, r.stderr
    assert logins == ["PAM_SUCCESS"] * len(users), logins
    r, js = status(env.store)
    assert all(x["sealed_with"] == new for x in js["users"])
    for u in users:
        assert env.login(u, totp(T0), at=T0).result == "PAM_AUTH_ERR", u
        assert env.dump(u)["next"] == T0 // 30 + 1
