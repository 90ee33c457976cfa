# SPDX-License-Identifier: BSD-2-Clause
"""import google-authenticator and import oath: files written from the
documented formats and by google-authenticator itself; logins checked
with oathtool codes for the imported secret."""
import json
import re
import os
import shutil
import subprocess

import pytest

from conftest import now, oathtool, oathtool_hex

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
HEX1 = "3132333435363738393031323334353637383930"  # RFC 4226 key
HEX2 = "00112233445566778899aabbccddeeff00112233"


def write(admin, name, text, mode=0o600):
    path = os.path.join(admin.root, name)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


def status(admin, user):
    r = admin.run("status", user, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_ga_totp_file_from_format(admin):
    step = now() // 60
    ga = write(admin, "ga", SECRET + "\n"
               '" RATE_LIMIT 3 30 1700000000\n'
               '" WINDOW_SIZE 5\n'
               '" DISALLOW_REUSE %d\n'
               '" TOTP_AUTH\n'
               '" STEP_SIZE 60\n'
               "12345678\n87654321\n" % step)
    r = admin.run("import", "google-authenticator", "alice", ga)
    assert r.returncode == 0, r.stderr
    assert "RATE_LIMIT 3 30 is not carried over" in r.stdout
    st = status(admin, "alice")
    assert st["type"] == "totp" and st["period"] == 60
    assert st["window"] == 2 and st["backup_codes_total"] == 2
    # The step already used in google-authenticator stays used.
    r = admin.run("verify", "alice",
                  stdin=oathtool(SECRET, period=60, at=step * 60) + "\n")
    assert r.returncode == 1
    r = admin.run("verify", "alice", stdin=oathtool(
        SECRET, period=60, at=(step + 1) * 60) + "\n")
    assert r.returncode == 0, r.stderr
    r = admin.run("verify", "alice", stdin="1234 5678\n")
    assert r.returncode == 0 and "1 left" in r.stdout
    # Scratch codes are stored hashed, never in plain text.
    with open(admin.record("alice")) as f:
        text = f.read()
    assert "12345678" not in text and "87654321" not in text


def test_ga_hotp_file_from_format(admin):
    ga = write(admin, "ga", SECRET + '\n" WINDOW_SIZE 3\n" HOTP_COUNTER 7\n')
    r = admin.run("import", "google-authenticator", "bob", ga)
    assert r.returncode == 0, r.stderr
    st = status(admin, "bob")
    assert st["type"] == "hotp" and st["counter"] == 7 and st["window"] == 2
    # google-authenticator accepts counters 7, 8, 9: so do we.
    assert admin.run("verify", "bob",
                     stdin=oathtool(SECRET, hotp=6) + "\n").returncode == 1
    assert admin.run("verify", "bob",
                     stdin=oathtool(SECRET, hotp=10) + "\n").returncode == 1
    r = admin.run("verify", "bob", stdin=oathtool(SECRET, hotp=9) + "\n")
    assert r.returncode == 0, r.stderr


def test_ga_time_skew_keeps_the_phone_working(admin):
    """google-authenticator learnt that the phone runs 2 steps slow."""
    ga = write(admin, "ga", SECRET + '\n" TOTP_AUTH\n" TIME_SKEW -2\n'
               '" RESETTING_TIME_SKEW 1 2\n" LAST0 10.0.0.1 1700000000\n')
    r = admin.run("import", "google-authenticator", "alice", ga)
    assert r.returncode == 0, r.stderr
    assert "TIME_SKEW" in r.stdout and "widened to 3" in r.stdout
    r = admin.run("verify", "alice",
                  stdin=oathtool(SECRET, at=now() - 60) + "\n")
    assert r.returncode == 0, r.stderr


def google_authenticator(path, *flags):
    if shutil.which("google-authenticator") is None:
        pytest.skip("google-authenticator is not installed")
    subprocess.run(["google-authenticator", "-f", "-q", "-C", "-Q", "NONE",
                    "-s", path, *flags], check=True, timeout=30,
                   stdin=subprocess.DEVNULL, capture_output=True)
    with open(path) as f:
        return f.read().split("\n")


def test_ga_file_made_by_google_authenticator_totp(admin):
    path = os.path.join(admin.root, "ga-real")
    lines = google_authenticator(path, "-t", "-d", "-r", "3", "-R", "30",
                                 "-w", "3", "-e", "5")
    secret = lines[0]
    scratch = [l for l in lines if l.isdigit()]
    assert len(scratch) == 5
    r = admin.run("import", "google-authenticator", "carol", path)
    assert r.returncode == 0, r.stderr
    st = status(admin, "carol")
    assert st["window"] == 1 and st["backup_codes_left"] == 5
    r = admin.run("verify", "carol", stdin=oathtool(secret) + "\n")
    assert r.returncode == 0, r.stderr
    r = admin.run("verify", "carol", stdin=scratch[4] + "\n")
    assert r.returncode == 0 and "4 left" in r.stdout


def test_ga_file_made_by_google_authenticator_hotp(admin):
    path = os.path.join(admin.root, "ga-real")
    lines = google_authenticator(path, "-c", "-u", "-w", "5", "-e", "2")
    secret = lines[0]
    r = admin.run("import", "google-authenticator", "dave", path)
    assert r.returncode == 0, r.stderr
    assert status(admin, "dave")["counter"] == 1
    r = admin.run("verify", "dave", stdin=oathtool(secret, hotp=1) + "\n")
    assert r.returncode == 0, r.stderr
    assert admin.run("verify", "dave", stdin=oathtool(
        secret, hotp=1) + "\n").returncode == 1


@pytest.mark.parametrize("text,why", [
    (SECRET + '\n" FROBNICATE\n', "line 2: unknown"),
    (SECRET + '\n" TOTP_AUTH\n" HOTP_COUNTER 1\n', "both"),
    (SECRET + '\n" WINDOW_SIZE 0\n', "WINDOW_SIZE"),
    (SECRET + '\n" WINDOW_SIZE 3x\n', "WINDOW_SIZE"),
    (SECRET + '\n" STEP_SIZE 61\n', "STEP_SIZE"),
    (SECRET + "\n1234567\n", "line 2: scratch"),
    (SECRET + "\n\n12345678\n", "blank"),
    (SECRET + '\n" TIME_SKEW 9\n', "phone's clock"),
    ("JBSWY3DPEHPK3PXP\n", "128 bits"),
    ("JBSW!3DPEHPK3PXPJBSWY3DPEHPK3PXP\n", "base32"),
    ("", "empty"),
    # Eleven distinct codes (a repeated one is the same backup code).
    (SECRET + "\n" + "".join("1234%04d\n" % i for i in range(11)),
     "more than 10"),
])
def test_ga_bad_files_import_nothing(admin, text, why):
    ga = write(admin, "ga", text)
    r = admin.run("import", "google-authenticator", "alice", ga)
    assert r.returncode == 1, r.stdout
    assert ga in r.stderr and why in r.stderr
    assert "nothing imported" in r.stderr
    assert not os.path.exists(admin.record("alice"))


def test_ga_refuses_symlink_and_existing_record(admin):
    ga = write(admin, "ga", SECRET + "\n")
    link = os.path.join(admin.root, "link")
    os.symlink(ga, link)
    r = admin.run("import", "google-authenticator", "alice", link)
    assert r.returncode == 3 and "symbolic link" in r.stderr
    assert admin.run("import", "google-authenticator", "alice",
                     ga).returncode == 0
    r = admin.run("import", "google-authenticator", "alice", ga)
    assert r.returncode == 1 and "already enrolled" in r.stderr
    r = admin.run("import", "google-authenticator", "alice", ga, "--force")
    assert r.returncode == 0, r.stderr


def test_oath_usersfile(admin):
    t = now()
    path = write(admin, "users.oath",
                 "# pam_oath users\n"
                 "HOTP\talice\t-\t%s\n"
                 "HOTP/E/7 bob 1234 %s 10 6543210 2026-01-01T00:00:00L\n"
                 "HOTP/T30/8\tcarol\t+\t%s\n"
                 "\n"
                 "HOTP/T60 dave - %s 0 123456 2026-01-01T00:00:00L\n"
                 % (HEX1, HEX2, HEX2.upper(), HEX1))
    r = admin.run("import", "oath", path)
    assert r.returncode == 0, r.stderr
    assert "4 users imported" in r.stdout
    assert "bob's PIN (line 3) is not carried over" in r.stdout
    # RFC 4226 test vector: counter 0 of HEX1 is 755224.
    r = admin.run("verify", "alice", stdin="755224\n")
    assert r.returncode == 0, r.stderr
    # pam_oath stored bob's last accepted counter, 10: 11 is next.
    assert status(admin, "bob")["counter"] == 11
    assert status(admin, "bob")["digits"] == 7
    r = admin.run("verify", "bob",
                  stdin=oathtool_hex(HEX2, hotp=12, digits=7) + "\n")
    assert r.returncode == 0, r.stderr
    r = admin.run("verify", "carol",
                  stdin=oathtool_hex(HEX2, digits=8, at=t) + "\n")
    assert r.returncode == 0, r.stderr
    st = status(admin, "dave")
    assert st["period"] == 60
    r = admin.run("verify", "dave",
                  stdin=oathtool_hex(HEX1, period=60) + "\n")
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("line,why", [
    ("TOTP alice - %s" % HEX1, "unknown token type"),
    ("HOTP/T30/9 alice - %s" % HEX1, "unknown token type"),
    ("HOTP ../../etc/passwd - %s" % HEX1, "invalid user name"),
    ("HOTP alice - 0011223344556677889", "hex"),
    ("HOTP alice - 00112233445566778899", "hex"),  # 80 bits: too short
    ("HOTP alice - %s x" % HEX1, "counter"),
    ("HOTP alice -", "want TYPE USER PASSWORD SECRET"),
])
def test_oath_bad_line_imports_nothing(admin, line, why):
    path = write(admin, "users.oath",
                 "HOTP zed - %s\n%s\n" % (HEX2, line))
    r = admin.run("import", "oath", path)
    assert r.returncode == 1, r.stdout
    assert "line 2" in r.stderr and why in r.stderr
    assert not os.path.exists(admin.store) or os.listdir(admin.store) == []
    assert not os.path.exists("/etc/passwd.new")


def test_oath_user_twice_or_enrolled_imports_nothing(admin):
    path = write(admin, "u", "HOTP a - %s\nHOTP a - %s\n" % (HEX1, HEX2))
    r = admin.run("import", "oath", path)
    assert r.returncode == 1 and "listed twice" in r.stderr
    assert admin.run("enroll", "b", "--no-confirm").returncode == 0
    path = write(admin, "u", "HOTP a - %s\nHOTP b - %s\n" % (HEX1, HEX2))
    r = admin.run("import", "oath", path)
    assert r.returncode == 1 and "b is already enrolled" in r.stderr
    assert sorted(os.listdir(admin.store)) == ["b"]
    r = admin.run("import", "oath", path, "--force")
    assert r.returncode == 0, r.stderr
    assert admin.run("verify", "b", stdin="755224\n").returncode == 1
    r = admin.run("verify", "b", stdin=oathtool_hex(HEX2, hotp=0) + "\n")
    assert r.returncode == 0, r.stderr


PAMRUN = os.path.join(os.path.dirname(os.environ.get("TWOFA_ADMIN", "")) or
                      os.path.join(os.path.dirname(__file__), "..", "..",
                                   "build"), "tests", "tools", "pamrun")


def pam_oath_login(admin, usersfile, user, code):
    """One login through the real pam_oath, which rewrites the usersfile
    with the counter, the last OTP and its time, as in production."""
    conf = os.path.join(admin.root, "pam.d")
    os.makedirs(conf, exist_ok=True)
    with open(os.path.join(conf, "other"), "w") as f:
        f.write("auth required pam_deny.so\n")
    with open(os.path.join(conf, "oath"), "w") as f:
        f.write("auth required pam_oath.so usersfile=%s window=5\n"
                % usersfile)
    r = subprocess.run([PAMRUN, "-c", conf, "-s", "oath", "-u", user, code],
                       capture_output=True, text=True, timeout=30)
    return r.stdout


def test_oath_usersfile_updated_by_pam_oath(admin):
    mod = [p for p in ("/lib/x86_64-linux-gnu/security/pam_oath.so",
                       "/usr/lib64/security/pam_oath.so")
           if os.path.exists(p)]
    if not mod or not os.path.exists(PAMRUN):
        pytest.skip("pam_oath or pamrun not available")
    path = write(admin, "users.oath",
                 "HOTP alice - %s\nHOTP/T30 bob - %s\n" % (HEX1, HEX2))
    a2 = oathtool_hex(HEX1, hotp=2)
    b_now = oathtool_hex(HEX2)
    assert "PAM_SUCCESS" in pam_oath_login(admin, path, "alice", a2)
    assert "PAM_SUCCESS" in pam_oath_login(admin, path, "bob", b_now)
    with open(path) as f:
        text = f.read()
    # pam_oath wrote its state: counter 2, the code, a timestamp.
    assert "\t2\t%s\t" % a2 in text, text
    r = admin.run("import", "oath", path)
    assert r.returncode == 0, r.stderr
    # Neither user can replay the code pam_oath already accepted ...
    assert admin.run("verify", "alice", stdin=a2 + "\n").returncode == 1
    assert admin.run("verify", "bob", stdin=b_now + "\n").returncode == 1
    # ... and both tokens go on working.
    r = admin.run("verify", "alice", stdin=oathtool_hex(HEX1, hotp=3) + "\n")
    assert r.returncode == 0, r.stderr
    r = admin.run("verify", "bob",
                  stdin=oathtool_hex(HEX2, at=now() + 30) + "\n")
    assert r.returncode == 0, r.stderr


def test_ga_file_updated_by_pam_google_authenticator(admin):
    """A file the real module has used: its used step and rate-limit
    timestamps are read, and the code it accepted stays used."""
    if not os.path.exists(PAMRUN) or not any(os.path.exists(p) for p in (
            "/lib/x86_64-linux-gnu/security/pam_google_authenticator.so",
            "/usr/lib64/security/pam_google_authenticator.so")):
        pytest.skip("pam_google_authenticator or pamrun not available")
    path = os.path.join(admin.root, "ga-used")
    lines = google_authenticator(path, "-t", "-d", "-r", "3", "-R", "30",
                                 "-w", "3", "-e", "2")
    secret = lines[0]
    conf = os.path.join(admin.root, "pam.d")
    os.makedirs(conf)
    with open(os.path.join(conf, "other"), "w") as f:
        f.write("auth required pam_deny.so\n")
    with open(os.path.join(conf, "ga"), "w") as f:
        f.write("auth required pam_google_authenticator.so secret=%s "
                "user=root\n" % path)
    code = oathtool(secret)
    r = subprocess.run([PAMRUN, "-c", conf, "-s", "ga", "-u", "root", code],
                       capture_output=True, text=True, timeout=30)
    assert "PAM_SUCCESS" in r.stdout, r.stdout + r.stderr
    with open(path) as f:
        text = f.read()
    assert re.search(r'^" DISALLOW_REUSE \d+$', text, re.M), text
    r = admin.run("import", "google-authenticator", "alice", path)
    assert r.returncode == 0, r.stderr
    assert admin.run("verify", "alice", stdin=code + "\n").returncode == 1
    r = admin.run("verify", "alice",
                  stdin=oathtool(secret, at=now() + 30) + "\n")
    assert r.returncode == 0, r.stderr
