# SPDX-License-Identifier: BSD-2-Clause
"""Scripted enrollment without screen-scraping (issue 13): enroll --json
and backup-codes --json print one documented object; status is a compact
table for all users and the same JSON object per user with or without
USER; a name NSS does not know is enrolled with a warning. Codes from
oathtool; the URI is checked by pyotp."""
import json
import os
import subprocess

import pyotp

from conftest import ADMIN, oathtool

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_enroll_json_then_confirm(admin):
    p = subprocess.Popen([ADMIN, "--store", admin.store, "enroll", "alice",
                          "--json", "--algorithm", "SHA256", "--digits",
                          "8"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    doc = json.loads(p.stdout.readline())
    assert set(doc) == {"user", "type", "algorithm", "digits", "period",
                        "window", "uri", "secret", "backup_codes", "png"}
    assert (doc["user"], doc["type"], doc["algorithm"], doc["digits"],
            doc["period"], doc["window"], doc["png"]) == \
        ("alice", "totp", "SHA256", 8, 30, 1, None)
    totp = pyotp.parse_uri(doc["uri"])
    assert totp.secret == doc["secret"] and totp.digits == 8
    assert len(doc["backup_codes"]) == 10
    assert all(len(c) == 8 and c.isdigit() for c in doc["backup_codes"])
    code = oathtool(doc["secret"], digits=8, alg="sha256")
    out, err = p.communicate(code + "\n", timeout=30)
    assert p.returncode == 0, err
    assert out == ""  # stdout held only the object
    assert "Enrolled alice" in err
    # The codes in the object are the ones that work.
    r = admin.run("verify", "alice", stdin=doc["backup_codes"][3] + "\n")
    assert r.returncode == 0, r.stderr


def test_enroll_json_hotp_and_png(admin):
    png = os.path.join(admin.root, "b.png")
    r = admin.run("enroll", "bob", "--json", "--type", "hotp", "--png", png,
                  "--no-confirm", "--backup-codes", "0")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["counter"] == 0 and "period" not in doc
    assert doc["png"] == png and os.path.exists(png)
    assert doc["backup_codes"] == []
    r = admin.run("enroll", "carol", "--json", "--qr", "utf8")
    assert r.returncode == 2 and "--json" in r.stderr


def test_backup_codes_json(admin):
    assert admin.run("enroll", "alice", "--no-confirm", "--secret",
                     SECRET).returncode == 0
    r = admin.run("backup-codes", "alice", "--json", "--count", "3")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert set(doc) == {"user", "backup_codes"} and doc["user"] == "alice"
    assert len(doc["backup_codes"]) == 3
    assert admin.run("verify", "alice", stdin=doc["backup_codes"][0] +
                     "\n").returncode == 0


def test_status_table_and_one_json_shape(admin):
    for u in ("alice", "bob"):
        assert admin.run("enroll", u, "--no-confirm", "--secret",
                         SECRET).returncode == 0
    assert admin.run("verify", "bob", stdin="00000000\n").returncode == 1
    r = admin.run("status")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["USER", "TYPE", "ALG", "DIGITS", "BACKUP",
                                "FAILURES", "LOCKED", "LAST", "SUCCESS"]
    rows = {l.split()[0]: l.split() for l in lines[1:]}
    assert sorted(rows) == ["alice", "bob"] and len(lines) == 3
    assert rows["alice"][1:7] == ["totp", "SHA1", "6", "10/10", "0", "no"]
    assert rows["bob"][5] == "1"
    every = {u["user"]: u for u in
             json.loads(admin.run("status", "--json").stdout)["users"]}
    for u in ("alice", "bob"):
        one = json.loads(admin.run("status", u, "--json").stdout)
        assert one == every[u]


def test_unknown_name_warns_and_enrolls(admin):
    r = admin.run("enroll", "no-such-user-13", "--no-confirm", "--secret",
                  SECRET)
    assert r.returncode == 0
    assert ("warning: no-such-user-13 is not a user this system knows"
            in r.stderr)
    assert os.path.exists(admin.record("no-such-user-13"))
    r = admin.run("enroll", "root", "--no-confirm", "--secret", SECRET)
    assert r.returncode == 0 and "warning" not in r.stderr


def test_import_of_an_unknown_name_warns_too(admin):
    ga = os.path.join(admin.root, "ga")
    with open(ga, "w") as f:
        f.write(SECRET + "\n\" TOTP_AUTH\n")
    r = admin.run("import", "google-authenticator", "no-such-user-13b", ga)
    assert r.returncode == 0, r.stderr
    assert "warning: no-such-user-13b is not a user" in r.stderr
    oath = os.path.join(admin.root, "oath")
    with open(oath, "w") as f:
        f.write("HOTP/T30 no-such-user-13c - %s\nHOTP/T30 root - %s\n"
                % ("31" * 20, "32" * 20))
    r = admin.run("import", "oath", oath)
    assert r.returncode == 0, r.stderr
    assert "warning: no-such-user-13c is not a user" in r.stderr
    assert "warning: root" not in r.stderr
