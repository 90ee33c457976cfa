# SPDX-License-Identifier: BSD-2-Clause
"""Timing: codes are compared in constant time, and a user without a
record waits about as long for the answer as an enrolled one (no
enrollment oracle). The numbers are in TIMING.md; these tests keep them
true with margins wide enough for a busy CI machine."""
import os
import re
import subprocess
import tempfile
import shutil

import pytest

from conftest import BUILD
from test_stacks import KEY_HEX, MODULE, PAMRUN, TESTREC

HERE = os.path.dirname(os.path.abspath(__file__))
TIMING_CT = os.path.join(BUILD, "tests/hardening/timing_ct")
CYCLES = os.path.join(BUILD, "tests/hardening/pam_cycles")

pytestmark = [pytest.mark.skipif(not os.path.exists(MODULE),
                                 reason="pam_twofa.so not built"),
              pytest.mark.timing]


def test_code_checks_take_as_long_whether_and_where_they_match():
    r = subprocess.run([TIMING_CT, "3000", "15"], capture_output=True,
                       text=True, timeout=120)
    print(r.stdout)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.fixture
def box():
    base = tempfile.mkdtemp(prefix="twofa-test.", dir="/run")
    os.chmod(base, 0o700)
    os.mkdir(os.path.join(base, "store"), 0o700)
    os.mkdir(os.path.join(base, "pam.d"))
    with open(os.path.join(base, "pam.d", "other"), "w") as f:
        f.write("auth required pam_deny.so\n")
    yield base
    shutil.rmtree(base, ignore_errors=True)


def medians(out):
    return {m.group(1): int(m.group(2)) for m in
            re.finditer(r"^pair (\S+) .*median_us=(\d+)", out, re.M)}


def test_unknown_user_answered_as_slowly_as_enrolled(box):
    """Enrolled users typing a wrong six-digit code (their failure count
    is written and synced) against users without a record, interleaved in
    one process so both see the same disk and load. Before the decoy
    write the unknown user was answered about 6x faster."""
    store = os.path.join(box, "store")
    with open(os.path.join(box, "pam.d", "t"), "w") as f:
        f.write(f"auth required {MODULE} store={store} deny=0\n")
    for u in ("alice", "carol"):
        subprocess.run([TESTREC, "create", store, u, "--secret-hex",
                        KEY_HEX], check=True)
    # 000000 is wrong for both at this moment with near certainty; a rare
    # match would only make an enrolled login a little slower.
    r = subprocess.run([CYCLES, os.path.join(box, "pam.d"), "t", "1200",
                        "alice:000000", "bob:000000", "carol:000000",
                        "dave:000000"], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    print(r.stdout)
    m = medians(r.stdout)
    enrolled = (m["alice"] + m["carol"]) / 2
    unknown = (m["bob"] + m["dave"]) / 2
    assert 0.6 < unknown / enrolled < 1.67, (m, unknown / enrolled)
    # The decoy is a plain root-only file of random bytes, nothing else.
    decoy = os.path.join(store, ".decoy")
    st = os.lstat(decoy)
    assert oct(st.st_mode & 0o7777) == "0o600" and st.st_nlink == 1
    assert st.st_size == 137
    assert sorted(os.listdir(store)) == [".decoy", "alice", "carol"]


@pytest.mark.parametrize("kind", ["symlink", "fifo", "hardlink",
                                  "directory", "group-readable"])
def test_unsafe_decoy_is_left_alone(box, kind):
    """A planted .decoy is never followed, opened when special, or
    "fixed"; the login is refused as ever and nothing hangs."""
    store = os.path.join(box, "store")
    decoy = os.path.join(store, ".decoy")
    victim = os.path.join(box, "victim")
    with open(victim, "w") as f:
        f.write("precious\n")
    os.chmod(victim, 0o600)
    if kind == "symlink":
        os.symlink(victim, decoy)
    elif kind == "fifo":
        os.mkfifo(decoy, 0o600)
    elif kind == "hardlink":
        os.link(victim, decoy)
    elif kind == "directory":
        os.mkdir(decoy, 0o700)
    else:
        with open(decoy, "w") as f:
            f.write("x")
        os.chmod(decoy, 0o640)
    before = os.lstat(decoy)
    vbefore = (open(victim).read(), os.stat(victim).st_mtime_ns)
    with open(os.path.join(box, "pam.d", "t"), "w") as f:
        f.write(f"auth required {MODULE} store={store}\n")
    r = subprocess.run([PAMRUN, "-c", os.path.join(box, "pam.d"), "-s", "t",
                        "-u", "nobody-here", "123456"], capture_output=True,
                       text=True, timeout=10)
    assert "result: PAM_AUTH_ERR" in r.stdout, r.stdout
    after = os.lstat(decoy)
    assert (after.st_ino, after.st_mode, after.st_mtime_ns) == \
        (before.st_ino, before.st_mode, before.st_mtime_ns)
    assert (open(victim).read(), os.stat(victim).st_mtime_ns) == vbefore
