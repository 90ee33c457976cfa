# SPDX-License-Identifier: BSD-2-Clause
"""Bad input and unsafe stores: the documented exit status, a one-line
message naming what and where, and nothing half-written."""
import os
import subprocess

import pytest

from conftest import ADMIN, oathtool

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
COMMANDS = ["enroll", "qr", "verify", "backup-codes", "status", "unlock",
            "disable", "import"]


def one_line(err):
    # A warning (enroll: a name NSS does not know) is not the error line.
    lines = [l for l in err.split("\n") if l.strip() and
             not l.startswith("twofa-admin: warning: ")]
    assert lines and lines[0].startswith("twofa-admin: "), err
    return lines[0]


def test_unknown_command_and_no_command(admin):
    r = admin.run("frobnicate")
    assert r.returncode == 2
    assert "unknown command 'frobnicate'" in one_line(r.stderr)
    r = subprocess.run([ADMIN], capture_output=True, text=True)
    assert r.returncode == 2 and "no command" in r.stderr
    assert r.stderr.count("\n") == 1
    r = subprocess.run([ADMIN, "--bogus", "status"], capture_output=True,
                       text=True)
    assert r.returncode == 2 and "--bogus" in r.stderr
    # The token commands belong to another part; absent until then.
    for cmd in ("keygen", "token", "verify-token", "jwks"):
        if cmd not in subprocess.run([ADMIN, "--help"], capture_output=True,
                                     text=True).stdout:
            assert admin.run(cmd).returncode == 2


@pytest.mark.parametrize("cmd", COMMANDS)
def test_help_per_command(admin, cmd):
    r = admin.run(cmd, "--help")
    assert r.returncode == 0
    assert r.stdout.startswith("usage: twofa-admin [--store DIR] " + cmd)
    assert r.stderr == ""
    assert not os.path.exists(admin.store)
    r = subprocess.run([ADMIN, "help", cmd], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("usage:")


def test_global_help_lists_commands():
    r = subprocess.run([ADMIN, "--help"], capture_output=True, text=True)
    assert r.returncode == 0
    for cmd in COMMANDS:
        assert "\n  %s " % cmd in r.stdout


@pytest.mark.parametrize("args", [
    ["enroll"], ["qr"], ["verify"], ["backup-codes"], ["unlock"],
    ["disable"], ["import"], ["import", "oath"],
    ["import", "google-authenticator", "alice"],
    ["import", "floppy", "x"],
    ["enroll", "alice", "bob"], ["status", "a", "b"],
    ["enroll", "alice", "--digits"], ["enroll", "alice", "--frob"],
])
def test_missing_or_extra_arguments(admin, args):
    r = admin.run(*args)
    assert r.returncode == 2, r.stderr
    assert one_line(r.stderr)
    assert r.stderr.count("\n") == 1 and "--help)" in r.stderr
    assert admin.files() == []


@pytest.mark.parametrize("opt,value,what", [
    ("--digits", "5", "--digits"), ("--digits", "9", "--digits"),
    ("--digits", "six", "--digits"), ("--digits", "06", "--digits"),
    ("--period", "0", "--period"), ("--period", "3601", "--period"),
    ("--period", "-30", "--period"), ("--period", "30s", "--period"),
    ("--algorithm", "MD5", "--algorithm"), ("--algorithm", "", "--algorithm"),
    ("--type", "sms", "--type"), ("--window", "101", "--window"),
    ("--backup-codes", "21", "--backup-codes"),
    ("--qr", "sixel", "--qr"), ("--issuer", "a:b", "--issuer"),
    ("--issuer", "", "--issuer"),
])
def test_bad_enroll_options(admin, opt, value, what):
    r = admin.run("enroll", "alice", "--no-confirm", opt, value)
    assert r.returncode == 2, r.stdout
    assert what in one_line(r.stderr)
    assert admin.files() == []


def test_period_is_for_totp_only(admin):
    r = admin.run("enroll", "alice", "--no-confirm", "--type", "hotp",
                  "--period", "60")
    assert r.returncode == 2 and "--period" in r.stderr


@pytest.mark.parametrize("user", [
    "../../etc/passwd", "..", ".hidden", "-rf", "a/b", "a b", "", "x" * 257,
    "al\nice"])
def test_invalid_user_name_writes_nothing_anywhere(admin, user):
    before = os.stat("/etc/passwd")
    # "--" so that "-rf" reaches the name check instead of getopt.
    for args in (["enroll", "--no-confirm", "--", user],
                 ["import", "google-authenticator", "--", user, "/x"],
                 ["verify", "--", user], ["disable", "--", user],
                 ["status", "--", user]):
        r = admin.run(*args, stdin="123456\n")
        assert r.returncode == 2, (args, r.stderr)
        assert "invalid user name" in one_line(r.stderr)
    assert admin.files() == []
    assert not os.path.exists(admin.store)
    after = os.stat("/etc/passwd")
    assert (before.st_mtime_ns, before.st_ino) == (after.st_mtime_ns,
                                                   after.st_ino)


def test_unsafe_stores_are_refused(admin):
    os.mkdir(admin.store, 0o700)
    os.chmod(admin.store, 0o755)
    r = admin.run("enroll", "alice", "--no-confirm")
    assert r.returncode == 3
    line = one_line(r.stderr)
    assert admin.store in line and "permissions" in line
    assert os.listdir(admin.store) == []
    r = admin.run("status")
    assert r.returncode == 3 and admin.store in r.stderr

    # A symlinked store is never followed.
    os.chmod(admin.store, 0o700)
    link = os.path.join(admin.root, "link")
    os.symlink(admin.store, link)
    r = admin.run("enroll", "alice", "--no-confirm", store=link)
    assert r.returncode == 3 and "symbolic link" in r.stderr
    assert os.listdir(admin.store) == []

    # Relative store paths are a usage error.
    r = admin.run("status", store="relative/store")
    assert r.returncode == 2 and "absolute" in r.stderr

    # A store whose parent is world-writable (like /tmp) is refused.
    open_dir = os.path.join(admin.root, "open")
    os.mkdir(open_dir)
    os.chmod(open_dir, 0o777)
    r = admin.run("enroll", "alice", "--no-confirm",
                  store=os.path.join(open_dir, "store"))
    assert r.returncode == 3 and "writable" in r.stderr
    os.chmod(open_dir, 0o755)


def test_unsafe_record_is_refused(admin):
    assert admin.run("enroll", "alice", "--no-confirm",
                     "--secret", SECRET).returncode == 0
    os.chmod(admin.record("alice"), 0o644)
    for args in (["verify", "alice"], ["status", "alice"],
                 ["unlock", "alice"], ["disable", "alice"],
                 ["backup-codes", "alice"],
                 ["enroll", "alice", "--no-confirm", "--force"]):
        r = admin.run(*args, stdin=oathtool(SECRET) + "\n")
        assert r.returncode == 3, args
        line = one_line(r.stderr)
        assert admin.record("alice") in line and "permissions" in line
    assert os.path.exists(admin.record("alice"))  # never "fixed"
    os.chmod(admin.record("alice"), 0o600)
    os.rename(admin.record("alice"), os.path.join(admin.root, "real"))
    os.symlink(os.path.join(admin.root, "real"), admin.record("alice"))
    r = admin.run("verify", "alice", stdin="123456\n")
    assert r.returncode == 3 and "symbolic link" in r.stderr


def test_broken_record_is_a_system_error(admin):
    assert admin.run("enroll", "alice", "--no-confirm").returncode == 0
    with open(admin.record("alice"), "r+") as f:
        f.write("garbage")
    r = admin.run("status", "alice")
    assert r.returncode == 3 and admin.record("alice") in r.stderr
    r = admin.run("status")
    assert r.returncode == 3


def test_read_only_store_leaves_nothing(admin):
    """An unwritable store (read-only mount): exit 3, nothing behind."""
    os.mkdir(admin.store, 0o700)
    script = (
        'mount -t tmpfs -o mode=0700 tmpfs "$1" && '
        '"$2" --store "$1" enroll bob --no-confirm --secret %s >/dev/null && '
        'mount -o remount,ro "$1" && '
        '"$2" --store "$1" enroll alice --no-confirm >/dev/null; rc=$?; '
        'echo "bob=$(echo $(oathtool -b --totp %s) | '
        '"$2" --store "$1" verify bob >/dev/null 2>&1; echo $?)"; '
        'ls -a "$1"; exit $rc' % (SECRET, SECRET))
    r = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh",
                        admin.store, ADMIN], capture_output=True, text=True)
    if "unshare" in r.stderr and "Operation not permitted" in r.stderr:
        pytest.skip("no mount namespace here")
    assert r.returncode == 3, r.stderr
    assert admin.store in one_line(r.stderr)
    assert "Read-only file system" in r.stderr
    # A login that cannot record its success is refused too (exit 3).
    assert "bob=3" in r.stdout
    assert sorted(r.stdout.split()[1:]) == [".", "..", "bob"]


def test_code_line_too_long(admin):
    assert admin.run("enroll", "alice", "--no-confirm").returncode == 0
    r = admin.run("verify", "alice", stdin="1" * 100 + "\n")
    assert r.returncode == 2 and "too long" in r.stderr
    st = admin.run("status", "alice", "--json").stdout
    assert '"failures":0' in st


def test_unwritable_stdout(admin):
    """A secret nobody saw is never enrolled; lost output is an error."""
    with open("/dev/full", "w") as full:
        r = subprocess.run([ADMIN, "--store", admin.store, "enroll", "alice",
                            "--no-confirm"], stdout=full,
                           stderr=subprocess.PIPE, text=True)
        assert r.returncode == 3
        assert "nothing was written" in one_line(r.stderr)
        assert len([l for l in r.stderr.splitlines()
                    if not l.startswith("twofa-admin: warning: ")]) == 1
        assert not os.path.exists(admin.record("alice"))
        r = subprocess.run([ADMIN, "--store", admin.store, "status"],
                           stdout=full, stderr=subprocess.PIPE, text=True)
        assert r.returncode == 3 and "standard output" in r.stderr
