# SPDX-License-Identifier: BSD-2-Clause
"""On a terminal (issue 13): enroll --secret - reads the secret without
echo, and Ctrl-C at the confirmation prompt removes the PNG written for
the enrollment and leaves the terminal's echo on."""
import os
import signal
import termios

from conftest import oathtool
from test_tty import Tty, env_with

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_secret_typed_without_echo(admin):
    t = Tty(["--store", admin.store, "enroll", "alice", "--secret", "-",
             "--qr", "none"], env_with("C.UTF-8"))
    assert t.read_until("Secret (base32, not shown): ")
    assert not termios.tcgetattr(t.master)[3] & termios.ECHO
    t.send(SECRET.lower())
    assert t.read_until("confirm: ")
    before = t.out
    t.send(oathtool(SECRET))
    rc, out = t.finish()
    assert rc == 0, out
    assert "Enrolled alice" in out
    # The typed secret never came back: it was printed once, in capitals
    # and in groups of four, by enroll itself.
    assert SECRET.lower().encode() not in before
    assert "Secret: JBSW Y3DP" in out


def test_ctrl_c_at_confirmation_removes_png(admin):
    png = os.path.join(admin.root, "alice.png")
    t = Tty(["--store", admin.store, "enroll", "alice", "--qr", "none",
             "--png", png], env_with("C.UTF-8"))
    assert t.read_until("confirm: ")
    assert os.path.exists(png)
    os.write(t.master, b"12\x03")  # Ctrl-C
    rc = t.p.wait(timeout=30)
    assert rc == -signal.SIGINT
    assert termios.tcgetattr(t.master)[3] & termios.ECHO
    os.close(t.master)
    assert not os.path.exists(png)
    assert not os.path.exists(admin.record("alice"))
