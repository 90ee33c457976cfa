# SPDX-License-Identifier: BSD-2-Clause
"""twofa-admin on a terminal: the default QR style follows the locale,
codes are read from the terminal (verify without echo)."""
import fcntl
import os
import select
import subprocess
import termios
import time

import pytest

from conftest import ADMIN, now, oathtool

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class Tty:
    def __init__(self, args, env):
        self.master, slave = os.openpty()
        self.p = subprocess.Popen([ADMIN, *args], stdin=slave, stdout=slave,
                                  stderr=slave, env=env,
                                  preexec_fn=self._controlling_tty)
        os.close(slave)
        self.out = b""

    @staticmethod
    def _controlling_tty():
        """A session of its own with the pty as its terminal, so Ctrl-C
        there sends SIGINT as on a real terminal."""
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    def read_until(self, text, timeout=20):
        end = time.time() + timeout
        while text.encode() not in self.out:
            assert time.time() < end, self.out
            if not self._read(end - time.time()):
                break
        return text.encode() in self.out

    def _read(self, timeout):
        r, _, _ = select.select([self.master], [], [], max(timeout, 0))
        if not r:
            return True
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: the other side is closed
            return False
        if not data:
            return False
        self.out += data
        return True

    def send(self, line):
        os.write(self.master, (line + "\n").encode())

    def finish(self, timeout=30):
        end = time.time() + timeout
        while self._read(1):
            if self.p.poll() is not None and not select.select(
                    [self.master], [], [], 0.2)[0]:
                break
            if time.time() > end:
                self.p.kill()
                pytest.fail("twofa-admin hung on the terminal: %r" % self.out)
        rc = self.p.wait(timeout=timeout)
        os.close(self.master)
        return rc, self.out.decode("utf-8", "replace")


def env_with(locale):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LC_") and k != "LANG"}
    env["LC_ALL"] = locale
    return env


@pytest.mark.parametrize("locale,marker,absent", [
    # utf8: half blocks, black on white set on each line
    ("C.UTF-8", "\x1b[30;47m", "\x1b[47m"),
    # ansi: colour blocks, no UTF-8
    ("C", "\x1b[47m", "\u2588"),
])
def test_default_qr_style_on_a_terminal(admin, locale, marker, absent):
    t = Tty(["--store", admin.store, "enroll", "alice", "--secret", SECRET],
            env_with(locale))
    assert t.read_until("confirm: ")
    t.send(oathtool(SECRET))
    rc, out = t.finish()
    assert rc == 0, out
    assert marker in out and absent not in out
    assert "Enrolled alice" in out


def test_verify_reads_code_from_terminal_without_echo(admin):
    r = admin.run("enroll", "alice", "--no-confirm", "--secret", SECRET)
    assert r.returncode == 0
    code = oathtool(SECRET, at=now())
    t = Tty(["--store", admin.store, "verify", "alice"], env_with("C"))
    assert t.read_until("Verification code: ")
    t.send(code)
    rc, out = t.finish()
    assert rc == 0, out
    assert "accepted" in out
    assert code not in out  # not echoed


def test_ctrl_c_at_the_code_prompt_restores_echo(admin):
    import signal
    r = admin.run("enroll", "alice", "--no-confirm", "--secret", SECRET)
    assert r.returncode == 0
    t = Tty(["--store", admin.store, "verify", "alice"], env_with("C"))
    assert t.read_until("Verification code: ")
    lflag = termios.tcgetattr(t.master)[3]
    assert not lflag & termios.ECHO  # echo is off while the code is typed
    os.write(t.master, b"12\x03")  # Ctrl-C
    rc = t.p.wait(timeout=30)
    assert rc == -signal.SIGINT
    lflag = termios.tcgetattr(t.master)[3]
    assert lflag & termios.ECHO
    os.close(t.master)
    # Nothing was checked, so nothing was counted.
    assert '"failures":0' in admin.run("status", "alice", "--json").stdout
