# SPDX-License-Identifier: BSD-2-Clause
"""backup-codes, status, unlock and disable."""
import json
import os

from conftest import now, oathtool, parse_enroll

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def enroll(admin, user="alice", *extra):
    r = admin.run("enroll", user, "--no-confirm", "--secret", SECRET, *extra)
    assert r.returncode == 0, r.stderr
    return parse_enroll(r.stdout)[2]


def test_backup_codes_work_once_and_are_replaced(admin):
    old = enroll(admin, "alice", "--backup-codes", "5")
    assert len(old) == 5
    # Typed with or without the space.
    r = admin.run("verify", "alice", stdin=old[0] + "\n")
    assert r.returncode == 0, r.stderr
    assert "backup code accepted; 4 left" in r.stdout
    r = admin.run("verify", "alice", stdin=old[0] + "\n")
    assert r.returncode == 1
    r = admin.run("verify", "alice", stdin=old[1].replace(" ", "") + "\n")
    assert r.returncode == 0 and "3 left" in r.stdout

    r = admin.run("backup-codes", "alice", "--count", "3")
    assert r.returncode == 0, r.stderr
    new = parse_enroll("URI: otpauth://x\nSecret: A\n" + r.stdout)[2]
    assert len(new) == 3 and not set(new) & set(old)
    # The old set no longer works, the new one does.
    r = admin.run("verify", "alice", stdin=old[2] + "\n")
    assert r.returncode == 1
    r = admin.run("verify", "alice", stdin=new[0] + "\n")
    assert r.returncode == 0 and "2 left" in r.stdout
    # The secret is untouched: the app still works.
    r = admin.run("verify", "alice", stdin=oathtool(SECRET) + "\n")
    assert r.returncode == 0, r.stderr


def test_backup_codes_count_is_checked(admin):
    enroll(admin)
    for bad in ("0", "21", "-1", "ten", "", "05"):
        r = admin.run("backup-codes", "alice", "--count", bad)
        assert r.returncode == 2, bad
        assert "--count" in r.stderr
    r = admin.run("backup-codes", "nobody")
    assert r.returncode == 1 and "not enrolled" in r.stderr


def test_status_json(admin):
    enroll(admin, "alice", "--backup-codes", "4")
    r = admin.run("enroll", "bob", "--no-confirm", "--type", "hotp",
                  "--algorithm", "SHA512", "--digits", "8")
    assert r.returncode == 0
    codes = parse_enroll(r.stdout)[2]
    assert admin.run("verify", "alice",
                     stdin=oathtool(SECRET) + "\n").returncode == 0
    assert admin.run("verify", "bob", stdin=codes[0] + "\n").returncode == 0
    assert admin.run("verify", "bob", stdin="00000000\n").returncode == 1

    r = admin.run("status", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["store"] == admin.store
    users = {u["user"]: u for u in doc["users"]}
    assert sorted(users) == ["alice", "bob"]
    a, b = users["alice"], users["bob"]
    assert a["type"] == "totp" and a["algorithm"] == "SHA1"
    assert a["digits"] == 6 and a["period"] == 30 and a["window"] == 1
    assert a["backup_codes_left"] == 4 and a["backup_codes_total"] == 4
    assert a["failures"] == 0 and a["locked"] is False
    assert a["locked_until"] is None
    assert abs(a["last_success"] - now()) < 60
    assert abs(a["created"] - now()) < 60
    assert b["type"] == "hotp" and b["algorithm"] == "SHA512"
    assert b["digits"] == 8 and b["counter"] == 0 and "period" not in b
    assert b["backup_codes_left"] == 9 and b["failures"] == 1

    r = admin.run("status", "bob", "--json")
    assert r.returncode == 0
    assert json.loads(r.stdout) == b
    # Never a secret or a code.
    for out in (r.stdout, admin.run("status").stdout,
                admin.run("status", "alice").stdout):
        assert SECRET not in out and SECRET[:16] not in out
        for c in codes:
            assert c not in out and c.replace(" ", "") not in out


def test_status_text_and_empty_store(admin):
    os.mkdir(admin.store, 0o700)
    r = admin.run("status")
    assert r.returncode == 0 and "no users enrolled" in r.stdout
    assert admin.run("status", "--json").stdout.strip() == (
        '{"store":"%s","users":[]}' % admin.store)
    enroll(admin)
    r = admin.run("status", "alice")
    assert r.returncode == 0
    assert "backup codes:  10 of 10 left" in r.stdout
    assert "last success:  never" in r.stdout
    r = admin.run("status", "nobody")
    assert r.returncode == 1 and "nobody is not enrolled" in r.stderr


def test_status_json_escapes(admin):
    enroll(admin, "a$b@c")
    doc = json.loads(admin.run("status", "--json").stdout)
    assert doc["users"][0]["user"] == "a$b@c"


def test_unlock_clears_lock_from_failed_verifies(admin):
    enroll(admin)
    for i in range(5):
        r = admin.run("verify", "alice", stdin="000000\n")
        assert r.returncode == 1
    assert "locked until" in r.stderr
    # Locked: even the right code is refused, and not looked at.
    r = admin.run("verify", "alice", stdin=oathtool(SECRET) + "\n")
    assert r.returncode == 1 and "locked" in r.stderr
    st = json.loads(admin.run("status", "alice", "--json").stdout)
    assert st["locked"] is True and st["failures"] == 5
    assert st["locked_until"] > now()

    r = admin.run("unlock", "alice")
    assert r.returncode == 0, r.stderr
    assert "5 failures cleared" in r.stdout
    st = json.loads(admin.run("status", "alice", "--json").stdout)
    assert st["locked"] is False and st["failures"] == 0
    r = admin.run("verify", "alice", stdin=oathtool(SECRET) + "\n")
    assert r.returncode == 0, r.stderr
    r = admin.run("unlock", "alice")
    assert r.returncode == 0 and "was not locked" in r.stdout


def test_disable_removes_the_record(admin):
    enroll(admin)
    r = admin.run("disable", "alice")
    assert r.returncode == 0, r.stderr
    assert not os.path.exists(admin.record("alice"))
    assert os.listdir(admin.store) == []
    r = admin.run("verify", "alice", stdin=oathtool(SECRET) + "\n")
    assert r.returncode == 1 and "not enrolled" in r.stderr
    r = admin.run("disable", "alice")
    assert r.returncode == 1 and "not enrolled" in r.stderr


def test_parallel_verifies_accept_a_code_once(admin):
    """verify is a login: 8 racing uses of one code, exactly one wins,
    also while backup codes are being replaced."""
    import subprocess
    from conftest import ADMIN
    enroll(admin)
    code = oathtool(SECRET, at=now() + 30)
    procs = [subprocess.Popen([ADMIN, "--store", admin.store, "verify",
                               "alice"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(8)]
    regen = subprocess.Popen([ADMIN, "--store", admin.store, "backup-codes",
                              "alice"], stdout=subprocess.PIPE, text=True)
    for p in procs:
        p.stdin.write(code + "\n")
        p.stdin.close()
    rcs = [p.wait(timeout=60) for p in procs]
    assert regen.wait(timeout=60) == 0
    assert sorted(rcs) == [0] + [1] * 7
    st = json.loads(admin.run("status", "alice", "--json").stdout)
    # The first to get the lock won; the replays counted as failures
    # until the lock (deny=5), and the record is intact.
    assert st["failures"] == 5 and st["locked"] is True
    assert st["backup_codes_left"] == 10
