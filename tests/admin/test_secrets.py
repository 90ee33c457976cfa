# SPDX-License-Identifier: BSD-2-Clause
"""Secrets and records in twofa-admin (issue 13): a secret never reaches
argv or a core file, closed standard descriptors never let our output
into a record, the HOTP replay guard never wraps, imported duplicates
never make a code work twice, replaced secrets are never lost unseen,
an interrupted enrollment leaves no PNG, input is bounded, and user
names are at most 255 bytes. Codes come from oathtool and Python's hmac."""
import hashlib
import hmac
import os
import signal
import struct
import subprocess
import time

import pytest

from conftest import ADMIN, now, oathtool, parse_enroll

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # 160 bits
TESTREC = os.path.join(os.path.dirname(ADMIN), "tests", "tools",
                       "twofa-testrec")
TOP = 2 ** 64 - 1


def hotp(key, counter, digits=6):
    """RFC 4226, written out independently of the code under test."""
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF
    return str(value % 10 ** digits).zfill(digits)


def wait_for(pred, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.02)
    return False


def read_until(stream, prefix):
    """Lines of stream up to and including the one starting with prefix."""
    lines = []
    while True:
        line = stream.readline()
        assert line, "ended before %r: %r" % (prefix, lines)
        lines.append(line)
        if line.startswith(prefix):
            return lines


# --- the secret: stdin, argv, core files --------------------------------

def test_secret_from_stdin_then_code(admin):
    code = oathtool(SECRET)
    r = admin.run("enroll", "alice", "--secret", "-", "--qr", "none",
                  stdin=SECRET + "\n" + code + "\n")
    assert r.returncode == 0, r.stderr
    _, secret, _ = parse_enroll(r.stdout)
    assert secret == SECRET
    assert "Enrolled alice" in r.stdout
    r = admin.run("verify", "alice", stdin=oathtool(SECRET, at=now() + 30)
                  + "\n")
    assert r.returncode == 0, r.stderr


def test_secret_from_stdin_refusals(admin):
    r = admin.run("enroll", "alice", "--secret", "-", "--no-confirm",
                  stdin="")
    assert r.returncode == 2 and "no secret" in r.stderr
    r = admin.run("enroll", "alice", "--secret", "-", "--no-confirm",
                  stdin="JBSWY3DPEHPK3PXP\n")  # 80 bits
    assert r.returncode == 2 and "too short" in r.stderr
    assert not os.path.exists(admin.record("alice"))


@pytest.mark.parametrize("form", ["separate", "equals"])
def test_secret_scrubbed_from_argv(admin, form):
    args = (["--secret", SECRET] if form == "separate"
            else ["--secret=" + SECRET])
    p = subprocess.Popen([ADMIN, "--store", admin.store, "enroll", "alice",
                          "--qr", "none", *args],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        read_until(p.stdout, "Secret: ")
        # Waiting for the confirmation code: what ps would show now.
        with open("/proc/%d/cmdline" % p.pid, "rb") as f:
            cmdline = f.read()
        assert b"enroll" in cmdline and b"alice" in cmdline
        assert SECRET.encode() not in cmdline
        assert SECRET[:8].encode() not in cmdline
    finally:
        p.kill()
        p.communicate()


def test_not_dumpable_and_no_core_limit(admin):
    """As an unprivileged user (so /proc tells): a non-dumpable process's
    /proc files belong to root, and RLIMIT_CORE is 0. It blocks reading
    --secret - from stdin, before any store is opened."""
    p = subprocess.Popen(["setpriv", "--reuid=65534", "--regid=65534",
                          "--clear-groups", ADMIN, "--store", admin.store,
                          "enroll", "alice", "--secret", "-"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        assert wait_for(lambda: os.readlink("/proc/%d/exe" % p.pid)
                        == ADMIN)
        # Let it reach the read (after main's hardening).
        assert wait_for(lambda: open("/proc/%d/wchan" % p.pid).read()
                        not in ("", "0"))
        time.sleep(0.2)
        assert os.stat("/proc/%d/status" % p.pid).st_uid == 0
        with open("/proc/%d/status" % p.pid) as f:
            assert "Uid:\t65534" in f.read()
        with open("/proc/%d/limits" % p.pid) as f:
            core = [l for l in f if l.startswith("Max core file size")][0]
        assert core.split()[4:6] == ["0", "0"], core
    finally:
        p.kill()
        p.communicate()


# --- closed standard descriptors ---------------------------------------

def test_closed_stdout_refuses_enroll_and_writes_nothing(admin):
    r = subprocess.run([ADMIN, "--store", admin.store, "enroll", "alice",
                        "--no-confirm", "--qr", "none", "--secret", SECRET],
                       preexec_fn=lambda: os.close(1),
                       stderr=subprocess.PIPE, text=True, timeout=30)
    assert r.returncode == 3 and "standard output" in r.stderr
    assert not os.path.exists(admin.record("alice"))


@pytest.mark.parametrize("closed", [(0,), (1,), (2,), (0, 1, 2)])
def test_closed_fds_get_dev_null(admin, closed):
    """While enroll waits for its confirmation (store and PNG open), each
    closed standard descriptor is /dev/null, never a file of ours."""
    png = os.path.join(admin.root, "alice.png")
    r, w = os.pipe()

    def pre():
        for fd in closed:
            os.close(fd)

    p = subprocess.Popen([ADMIN, "--store", admin.store, "enroll", "alice",
                          "--qr", "none", "--png", png,
                          "--secret", SECRET],
                         stdin=r if 0 not in closed else None,
                         stdout=subprocess.PIPE if 1 not in closed else None,
                         stderr=subprocess.PIPE if 2 not in closed else None,
                         preexec_fn=pre)
    os.close(r)
    try:
        if 0 in closed or 1 in closed:
            # No code can be read (or nobody saw the secret): it ends.
            p.wait(timeout=30)
            assert p.returncode != 0
            assert not os.path.exists(admin.record("alice"))
            assert not os.path.exists(png)
            return
        assert wait_for(lambda: os.path.exists(png))
        time.sleep(0.3)
        for fd in closed:
            assert os.readlink("/proc/%d/fd/%d" % (p.pid, fd)) == \
                "/dev/null"
        os.write(w, (oathtool(SECRET) + "\n").encode())
        p.wait(timeout=30)
        assert p.returncode == 0
        t = open(admin.record("alice")).read()
        assert t.startswith("twofa-record ") and "Enrolled" not in t
        r2 = admin.run("status", "alice")
        assert r2.returncode == 0, r2.stderr
    finally:
        os.close(w)
        if p.poll() is None:
            p.kill()
        p.communicate()


# --- the HOTP replay guard at the top of the counter range -------------

def run_testrec(admin, *args):
    r = subprocess.run([TESTREC, *args], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_hotp_guard_never_wraps(admin):
    os.makedirs(admin.store, mode=0o700)
    key = b"12345678901234567890"
    run_testrec(admin, "create", admin.store, "hank", "--type", "hotp",
            "--secret-hex", key.hex(), "--next", str(TOP - 1))
    r = admin.run("verify", "hank", stdin=hotp(key, TOP - 1) + "\n")
    assert r.returncode == 0, r.stderr
    # The guard is now at the top: the counter 2^64-1 itself is never
    # accepted (its guard would be 0), and nothing wraps around.
    for c in (TOP, 0, 1, 5):
        r = admin.run("verify", "hank", stdin=hotp(key, c % 2 ** 64) + "\n")
        assert r.returncode == 1, (c, r.stdout)
    assert "next=%d" % TOP in run_testrec(admin, "dump", admin.store, "hank")


def test_imports_refuse_counters_near_the_top(admin, tmp_path_factory):
    ga = os.path.join(admin.root, "ga")
    with open(ga, "w") as f:
        f.write(SECRET + "\n\" HOTP_COUNTER %d\n\" WINDOW_SIZE 3\n"
                % (TOP - 2))
    r = admin.run("import", "google-authenticator", "gina", ga)
    assert r.returncode != 0 and "HOTP_COUNTER too large" in r.stderr
    assert not os.path.exists(admin.record("gina"))
    oath = os.path.join(admin.root, "oath")
    with open(oath, "w") as f:
        f.write("HOTP olga - %s %d\n" % ("31" * 20, TOP - 5))
    r = admin.run("import", "oath", oath)
    assert r.returncode != 0 and "counter too large" in r.stderr
    assert not os.path.exists(admin.record("olga"))
    # Far enough from the top it is adopted.
    with open(oath, "w") as f:
        f.write("HOTP olga - %s %d\n" % ("31" * 20, TOP - 1000))
    r = admin.run("import", "oath", oath)
    assert r.returncode == 0, r.stderr


# --- duplicates in an imported file ------------------------------------

def test_duplicate_scratch_code_is_one_backup_code(admin):
    ga = os.path.join(admin.root, "ga")
    with open(ga, "w") as f:
        f.write(SECRET + "\n\" TOTP_AUTH\n11112222\n33334444\n11112222\n")
    r = admin.run("import", "google-authenticator", "dora", ga)
    assert r.returncode == 0, r.stderr
    r = admin.run("status", "dora", "--json")
    assert '"backup_codes_left":2' in r.stdout, r.stdout
    assert admin.run("verify", "dora",
                     stdin="11112222\n").returncode == 0
    assert admin.run("verify", "dora",
                     stdin="11112222\n").returncode == 1
    r = admin.run("status", "dora", "--json")
    assert '"backup_codes_left":1' in r.stdout, r.stdout


# --- print, then commit --------------------------------------------------

def test_backup_codes_to_dev_full_keeps_old_codes(admin):
    r = admin.run("enroll", "alice", "--no-confirm", "--qr", "none",
                  "--secret", SECRET)
    assert r.returncode == 0, r.stderr
    _, _, old = parse_enroll(r.stdout)
    with open("/dev/full", "w") as full:
        r = subprocess.run([ADMIN, "--store", admin.store, "backup-codes",
                            "alice"], stdout=full, stderr=subprocess.PIPE,
                           text=True, timeout=30)
    assert r.returncode == 3
    assert "nothing was changed" in r.stderr
    r = admin.run("verify", "alice", stdin=old[0] + "\n")
    assert r.returncode == 0, r.stderr
    r = admin.run("status", "alice", "--json")
    assert '"backup_codes_left":9' in r.stdout


def test_backup_codes_closed_pipe_keeps_old_codes(admin):
    r = admin.run("enroll", "alice", "--no-confirm", "--qr", "none",
                  "--secret", SECRET)
    _, _, old = parse_enroll(r.stdout)
    rd, wr = os.pipe()
    os.close(rd)  # the reader is gone: SIGPIPE or EPIPE on the first write
    r = subprocess.run([ADMIN, "--store", admin.store, "backup-codes",
                        "alice"], stdout=wr, stderr=subprocess.PIPE,
                       timeout=30)
    os.close(wr)
    assert r.returncode != 0
    assert admin.run("verify", "alice",
                     stdin=old[1] + "\n").returncode == 0


# --- an interrupted enrollment -----------------------------------------

@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM,
                                 signal.SIGHUP])
def test_signal_at_confirmation_removes_png(admin, sig):
    png = os.path.join(admin.root, "alice.png")
    p = subprocess.Popen([ADMIN, "--store", admin.store, "enroll", "alice",
                          "--qr", "none", "--png", png],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    try:
        read_until(p.stdout, "Secret: ")
        assert os.path.exists(png)
        time.sleep(0.1)
        p.send_signal(sig)
        p.wait(timeout=10)
        assert p.returncode == -sig
        assert not os.path.exists(png)
        assert not os.path.exists(admin.record("alice"))
    finally:
        if p.poll() is None:
            p.kill()
        p.communicate()


def test_ignored_signal_stays_ignored(admin):
    """Started as a background job (SIGINT ignored), an enrollment is
    not ended by SIGINT, as the shell meant; SIGTERM still ends it and
    still removes the PNG."""
    png = os.path.join(admin.root, "alice.png")
    p = subprocess.Popen([ADMIN, "--store", admin.store, "enroll", "alice",
                          "--qr", "none", "--png", png],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True,
                         preexec_fn=lambda: signal.signal(signal.SIGINT,
                                                          signal.SIG_IGN))
    try:
        read_until(p.stdout, "Secret: ")
        time.sleep(0.1)
        p.send_signal(signal.SIGINT)
        time.sleep(0.3)
        assert p.poll() is None
        assert os.path.exists(png)
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=10)
        assert p.returncode == -signal.SIGTERM
        assert not os.path.exists(png)
        assert not os.path.exists(admin.record("alice"))
    finally:
        if p.poll() is None:
            p.kill()
        p.communicate()


# --- bounded input -------------------------------------------------------

@pytest.mark.parametrize("cmd", [["verify", "alice"],
                                 ["enroll", "bob", "--qr", "none"],
                                 ["enroll", "carl", "--secret", "-"]])
def test_stdin_from_dev_zero_ends(admin, cmd):
    r = admin.run("enroll", "alice", "--no-confirm", "--qr", "none",
                  "--secret", SECRET)
    assert r.returncode == 0
    with open("/dev/zero") as zero:
        r = subprocess.run([ADMIN, "--store", admin.store, *cmd],
                           stdin=zero, capture_output=True, text=True,
                           timeout=20)
    assert r.returncode == 2 and "too long" in r.stderr
    assert not os.path.exists(admin.record(cmd[1])) or cmd[1] == "alice"


# --- user names ----------------------------------------------------------

def test_user_names_up_to_255_bytes(admin):
    name = "u" * 255
    r = admin.run("enroll", name, "--no-confirm", "--qr", "none",
                  "--secret", SECRET)
    assert r.returncode == 0, r.stderr
    assert os.path.exists(admin.record(name))
    r = admin.run("enroll", "u" * 256, "--no-confirm", "--qr", "none",
                  "--secret", SECRET)
    assert r.returncode == 2 and "at most 255 bytes" in r.stderr
