# SPDX-License-Identifier: BSD-2-Clause
"""PAM stacks: an error in pam_twofa must never let a login through.

For every error path (wrong, replayed, empty or missing code; unknown or
invalid user; locked account; broken, linked or wrongly owned record;
missing or unsafe store; held lock; full disk on the state write; bad
module options; nullok with a broken record; backup codes turned off;
use_first_pass without a token), the real pam_twofa.so runs through the
real libpam (tests/tools/pamrun) in three stacks:

  required   pam_twofa.so  +  required pam_permit.so   -> never PAM_SUCCESS
  [success=ok default=bad] pam_twofa.so + required pam_permit.so  (sudo)
  sufficient pam_twofa.so  +  required pam_deny.so     -> never PAM_SUCCESS

so PAM_IGNORE or PAM_SUCCESS on an error path would show. The same stacks
with a right code (and nullok without a record) do succeed, so the test
can tell. Codes come from pyotp.
"""
import os
import shutil
import subprocess
import tempfile
import time

import pyotp
import pytest

from conftest import BUILD

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BUILD_DIR = os.path.abspath(os.path.join(ROOT, BUILD)) \
    if not os.path.isabs(BUILD) else BUILD
MODULE = os.path.join(BUILD_DIR, "pam_twofa.so")
PAMRUN = os.path.join(BUILD_DIR, "tests/tools/pamrun")
TESTREC = os.path.join(BUILD_DIR, "tests/tools/twofa-testrec")
KEY_HEX = "3132333435363738393031323334353637383930"
TOTP = pyotp.TOTP("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")

pytestmark = pytest.mark.skipif(not os.path.exists(MODULE),
                                reason="pam_twofa.so not built")

STACKS = {
    "required+permit": ["auth required {m}", "auth required pam_permit.so"],
    "sudo+permit": ["auth [success=ok default=bad] {m}",
                    "auth required pam_permit.so"],
    "sufficient+deny": ["auth sufficient {m}", "auth required pam_deny.so"],
}


class Box:
    def __init__(self):
        self.base = tempfile.mkdtemp(prefix="twofa-test.", dir="/run")
        os.chmod(self.base, 0o700)
        self.store = os.path.join(self.base, "store")
        self.conf = os.path.join(self.base, "pam.d")
        os.mkdir(self.store, 0o700)
        os.mkdir(self.conf)
        with open(os.path.join(self.conf, "other"), "w") as f:
            f.write("auth required pam_deny.so\n")

    def enroll(self, user, *args):
        subprocess.run([TESTREC, "create", self.store, user,
                        "--secret-hex", KEY_HEX, *args], check=True)
        return os.path.join(self.store, user)

    def login(self, stack, user, answers, options="", wrap=(),
              timeout=20):
        mod = f"{MODULE} store={self.store} {options}".strip()
        with open(os.path.join(self.conf, "svc"), "w") as f:
            f.write("\n".join(l.format(m=mod) for l in STACKS[stack]) +
                    "\n")
        cmd = [*wrap, PAMRUN, "-c", self.conf, "-s", "svc", "-u", user,
               *answers]
        p = subprocess.run(cmd, capture_output=True, text=True,
                           timeout=timeout)
        res = [l.split(": ", 1)[1] for l in p.stdout.splitlines()
               if l.startswith("result: ")]
        return res[-1] if res else f"exit {p.returncode}"

    def remove(self):
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture
def box():
    b = Box()
    yield b
    b.remove()


def strace(syscall, error, path):
    """Fail syscall with error, only where it touches path (-P), so the
    dynamic loader's own calls are left alone."""
    return ["strace", "-f", "-qq", "-o", "/dev/null", "-P", path, "-e",
            f"trace={syscall}", "-e", f"inject={syscall}:error={error}"]


def setup_case(box, case):
    """Make the error; return (user, answers, options, wrap). The answer
    is the right code wherever a code could matter: the error alone must
    refuse the login."""
    u = "alice"
    now = TOTP.now()
    if case == "wrong-code":
        box.enroll(u)
        wrong = "000000" if now != "000000" else "000001"
        return u, [wrong], "", ()
    if case == "replayed-code":
        box.enroll(u)
        assert box.login("required+permit", u, [now]) == "PAM_SUCCESS"
        return u, [now], "", ()
    if case == "empty-answer":
        box.enroll(u)
        return u, [""], "", ()
    if case == "no-answer":
        box.enroll(u)
        return u, [], "", ()
    if case == "letters":
        box.enroll(u)
        return u, ["abcdef"], "", ()
    if case == "overlong-answer":
        box.enroll(u)
        return u, [now + "0" * 5000], "", ()
    if case == "unknown-user":
        return "nobody-here", [now], "", ()
    if case == "invalid-user":
        return "../../etc/shadow", [now], "nullok", ()
    if case == "long-user":
        return "a" * 300, [now], "nullok", ()
    if case == "locked":
        box.enroll(u, "--failures", "5", "--locked-until",
                   str(int(time.time()) + 3600))
        return u, [now], "", ()
    if case == "malformed-record":
        p = box.enroll(u)
        with open(p, "a") as f:
            f.write("junk\n")
        return u, [now], "", ()
    if case == "malformed-record-nullok":
        p = box.enroll(u)
        with open(p, "r+b") as f:
            f.write(b"X")
        return u, [now], "nullok", ()
    if case == "symlinked-record":
        p = box.enroll("target")
        os.symlink(p, os.path.join(box.store, u))
        return u, [now], "nullok", ()
    if case == "group-readable-record":
        os.chmod(box.enroll(u), 0o640)
        return u, [now], "nullok", ()
    if case == "foreign-owner-record":
        os.chown(box.enroll(u), 65534, 65534)
        return u, [now], "nullok", ()
    if case == "directory-at-record":
        os.mkdir(os.path.join(box.store, u), 0o700)
        return u, [now], "nullok", ()
    if case == "missing-store":
        shutil.rmtree(box.store)
        return u, [now], "nullok", ()
    if case == "world-readable-store":
        box.enroll(u)
        os.chmod(box.store, 0o755)
        return u, [now], "nullok", ()
    if case == "symlinked-store":
        box.enroll(u)
        real = box.store + ".real"
        os.rename(box.store, real)
        os.symlink(real, box.store)
        return u, [now], "nullok", ()
    rec = os.path.join(box.store, u)
    if case == "disk-full-on-write":
        box.enroll(u)
        return u, [now], "", strace("pwrite64", "ENOSPC", rec)
    if case == "io-error-on-sync":
        box.enroll(u)
        return u, [now], "", strace("fdatasync", "EIO", rec)
    if case == "read-error":
        box.enroll(u)
        return u, [now], "", strace("pread64", "EIO", rec)
    if case == "out-of-memory-open":
        box.enroll(u)
        # The module opens the record relative to the store (openat), and
        # -P matches that literal name.
        return u, [now], "", strace("openat", "ENOMEM", u)
    if case == "lock-error":
        box.enroll(u)
        return u, [now], "", strace("flock", "EIO", rec)
    if case == "unknown-option":
        box.enroll(u)
        return u, [now], "nosuchoption", ()
    if case == "bad-option-value":
        box.enroll(u)
        return u, [now], "window=1x", ()
    if case == "relative-store":
        box.enroll(u)
        return u, [now], "store=relative/dir", ()
    if case == "backup-codes-off":
        box.enroll(u, "--backup", "12345678")
        return u, ["12345678"], "no_backup_codes", ()
    if case == "use-first-pass-no-token":
        box.enroll(u)
        return u, [now], "use_first_pass", ()
    raise AssertionError(case)


CASES = ["wrong-code", "replayed-code", "empty-answer", "no-answer",
         "letters", "overlong-answer", "unknown-user", "invalid-user",
         "long-user", "locked", "malformed-record",
         "malformed-record-nullok", "symlinked-record",
         "group-readable-record", "foreign-owner-record",
         "directory-at-record", "missing-store", "world-readable-store",
         "symlinked-store", "disk-full-on-write", "io-error-on-sync",
         "read-error", "out-of-memory-open", "lock-error", "unknown-option",
         "bad-option-value", "relative-store", "backup-codes-off",
         "use-first-pass-no-token"]


TRACED = {"disk-full-on-write", "io-error-on-sync", "read-error",
          "out-of-memory-open", "lock-error"}


@pytest.mark.parametrize("case", [
    pytest.param(c, marks=pytest.mark.ptrace) if c in TRACED else c
    for c in CASES])
def test_error_path_never_passes_a_stack(box, case):
    for stack in STACKS:
        if stack != "required+permit":
            # A fresh box per stack: some cases consume their setup.
            box.remove()
            box.__init__()
        user, answers, options, wrap = setup_case(box, case)
        result = box.login(stack, user, answers, options, wrap)
        assert result != "PAM_SUCCESS", (case, stack, result)
        assert result.startswith("PAM_"), (case, stack, result)


def test_lock_held_never_passes_a_stack(box):
    p = box.enroll("alice")
    holder = subprocess.Popen(["flock", "-x", p, "sleep", "30"],
                              start_new_session=True)
    try:
        time.sleep(0.2)
        for stack in STACKS:
            result = box.login(stack, "alice", [TOTP.now()])
            assert result == "PAM_AUTHINFO_UNAVAIL" or \
                result == "PAM_AUTH_ERR", (stack, result)
    finally:
        os.killpg(holder.pid, 9)
        holder.wait()


@pytest.mark.parametrize("stack", sorted(STACKS))
def test_right_code_passes_every_stack(box, stack):
    """The control: the stacks above can succeed."""
    box.enroll("alice")
    assert box.login(stack, "alice", [TOTP.now()]) == "PAM_SUCCESS"


def test_nullok_without_record_is_ignore(box):
    """The other control: PAM_IGNORE really makes required+permit pass,
    so the error cases above would have shown it."""
    assert box.login("required+permit", "bob", [], "nullok") == \
        "PAM_SUCCESS"
    assert box.login("sufficient+deny", "bob", [], "nullok") != \
        "PAM_SUCCESS"
