# SPDX-License-Identifier: BSD-2-Clause
"""twofa-admin invite, and status/disable/qr/backup-codes on a pending
user. The stored hash is checked with Python's hashlib, not our code."""
import hashlib
import json
import os
import re
import subprocess
import time

from conftest import ADMIN


def pending_fields(text):
    return dict(l.split(" ", 1) for l in text.splitlines()
                if not l.startswith("state "))


def test_invite_prints_the_ticket_once_and_stores_only_its_hash(env):
    r = env.admin("invite", "alice")
    m = re.search(r"^    (\d{4} \d{4} \d{4})$", r.stdout, re.M)
    assert m, r.stdout
    ticket = m.group(1).replace(" ", "")
    body = env.record_text("alice")
    assert ticket not in body
    f = pending_fields(body)
    assert f["twofa-pending"] == "1"
    kdf, iters = f["ticket-kdf"].split()
    assert kdf == "pbkdf2-sha256" and int(iters) >= 10000
    salt, digest = f["ticket"].split()
    want = hashlib.pbkdf2_hmac("sha256", ticket.encode(), bytes.fromhex(salt),
                               int(iters))
    assert want.hex() == digest
    assert int(f["expires"]) - int(f["created"]) == 72 * 3600
    st = os.stat(env.store / "alice")
    assert st.st_mode & 0o777 == 0o600


def test_json_and_ttl(env):
    r = env.admin("invite", "bob", "--json", "--ttl", "600")
    j = json.loads(r.stdout)
    assert set(j) == {"user", "ticket", "expires", "replaced"}
    assert j["user"] == "bob" and j["replaced"] == "nothing"
    assert re.fullmatch(r"\d{4} \d{4} \d{4}", j["ticket"])
    assert abs(j["expires"] - (time.time() + 600)) < 60
    for bad in ("0", "59", "abc", "7776001"):
        r = env.admin("invite", "bob", "--ttl", bad, check=False)
        assert r.returncode == 2, (bad, r.stderr)
    r = env.admin("invite", "-bad", check=False)
    assert r.returncode == 2


def test_reinvite_replaces_the_ticket(env):
    first = env.invite("carol")
    r = env.admin("invite", "carol", "--json")
    j = json.loads(r.stdout)
    assert j["replaced"] == "invitation" and j["ticket"] != first
    salt, digest = pending_fields(env.record_text("carol"))["ticket"].split()
    iters = int(pending_fields(env.record_text("carol"))["ticket-kdf"]
                .split()[1])
    old = hashlib.pbkdf2_hmac("sha256", first.replace(" ", "").encode(),
                              bytes.fromhex(salt), iters)
    assert old.hex() != digest


def test_enrolled_user_refused_unless_force(env):
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    env.admin("enroll", "dave", "--no-confirm", "--secret", secret,
              "--qr", "none")
    before = env.record_text("dave")
    r = env.admin("invite", "dave", check=False)
    assert r.returncode == 1 and "--force" in r.stderr and r.stdout == ""
    assert env.record_text("dave") == before
    r = env.admin("invite", "dave", "--force", "--json")
    assert json.loads(r.stdout)["replaced"] == "enrollment"
    assert env.status("dave")["pending"] is True
    # The old secret stops working at once (the lost phone).
    code = subprocess.run(["oathtool", "-b", "--totp", secret],
                          capture_output=True, text=True,
                          check=True).stdout.strip()
    r = subprocess.run([str(ADMIN), "--store", str(env.store), "verify",
                        "dave"], input=code + "\n", capture_output=True,
                       text=True)
    assert r.returncode == 1, r


def test_status_disable_and_refusals_on_a_pending_user(env):
    env.invite("erin")
    r = env.admin("status")  # the table: one line per user
    assert "erin" in r.stdout and " pending " in r.stdout
    assert "expires" in r.stdout
    r = env.admin("status", "erin")  # one user in full
    assert "pending:" in r.stdout and "expires" in r.stdout
    j = json.loads(env.admin("status", "--json").stdout)
    (u,) = j["users"]
    assert u["user"] == "erin" and u["pending"] is True
    assert {"expires", "expired", "failures", "locked"} <= set(u)
    assert "ticket" not in json.dumps(j)
    for cmd in (["qr", "erin"], ["backup-codes", "erin"]):
        r = env.admin(*cmd, check=False)
        assert r.returncode == 1 and "invited" in r.stderr, (cmd, r.stderr)
    r = env.admin("disable", "erin")
    assert "pending invitation removed" in r.stdout
    assert not (env.store / "erin").exists()
