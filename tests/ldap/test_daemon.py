# SPDX-License-Identifier: BSD-2-Clause
"""twofa-ldap --daemon: the module and twofa-admin use its root-only
socket when it answers (pre-connected spares: no helper start, no TLS
handshake per login) and start the helper otherwise; the outcome is the
same either way."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

import slapd
from conftest import BUILD, totp

SOCK = Path("/run/pam_twofa/ldap.sock")
T0 = 1700000010
KEY = "3132333435363738393031323334353637383930"


@pytest.fixture
def daemon(hosts):
    a, b = hosts
    d = subprocess.Popen([str(BUILD / "twofa-ldap"), "--daemon", "--conf",
                          str(a.conf)], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 10
    while not SOCK.exists():
        assert d.poll() is None, d.stderr.read()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    try:
        yield d
    finally:
        d.send_signal(signal.SIGTERM)
        d.wait(timeout=30)
    assert not SOCK.exists()


def test_socket_is_roots_alone(daemon):
    st = SOCK.lstat()
    assert st.st_uid == 0 and (st.st_mode & 0o777) == 0o600
    assert (SOCK.parent.stat().st_mode & 0o022) == 0

    def try_as_nobody():
        os.setgid(65534)
        os.setuid(65534)

    p = subprocess.run(
        ["/usr/bin/python3", "-c",
         "import socket; s = socket.socket(socket.AF_UNIX); "
         f"s.connect('{SOCK}')"], preexec_fn=try_as_nobody,
        capture_output=True, text=True)
    assert p.returncode != 0 and "Permission denied" in p.stderr


def test_logins_through_the_daemon(fleet, hosts, pamdir, daemon, user):
    a, b = hosts
    a.service(pamdir)
    b.service(pamdir)
    assert a.drive("create", user, KEY).returncode == 0
    fleet.wait_replicated(f"cn={user},{slapd.BASE}")
    # The daemon's spares serve host A; no helper is started: an
    # unreadable helper binary would otherwise fail the login.
    helper = Path("/usr/libexec/pam_twofa/twofa-ldap")
    mode = helper.stat().st_mode
    os.chmod(helper, 0)
    try:
        p = a.login(pamdir, user, totp(T0), at=T0)
    finally:
        os.chmod(helper, mode)
    assert p.result == "PAM_SUCCESS", (p.stdout, p.stderr)
    # Host B's settings differ from the daemon's: its spare connects
    # with B's, and the code is refused as used.
    p = b.login(pamdir, user, totp(T0), at=T0)
    assert p.result == "PAM_AUTH_ERR"
    # Exactly once through the daemon too: 8 at once.
    cmd, env = a.login_cmd(pamdir, user, totp(T0 + 30), at=T0 + 30,
                           parallel=8)
    out = subprocess.run(cmd, capture_output=True, text=True, env=env,
                         timeout=120).stdout
    assert "successes: 1 of 8" in out, out


def test_helper_when_the_daemon_stops(fleet, hosts, pamdir, daemon, user):
    a, b = hosts
    a.service(pamdir)
    assert a.drive("create", user, KEY).returncode == 0
    daemon.send_signal(signal.SIGTERM)
    daemon.wait(timeout=30)
    p = a.login(pamdir, user, totp(T0), at=T0)
    assert p.result == "PAM_SUCCESS", (p.stdout, p.stderr)


def test_directory_restart_under_the_daemon(fleet, hosts, pamdir, daemon,
                                            user):
    """The spares' connections die with the provider; a session notices
    and connects again, so the first login after the restart works."""
    a, b = hosts
    a.service(pamdir)
    assert a.drive("create", user, KEY).returncode == 0
    fleet.provider.stop()
    fleet.provider.start()
    p = a.login(pamdir, user, totp(T0), at=T0)
    assert p.result == "PAM_SUCCESS", (p.stdout, p.stderr)


def test_daemon_refuses_a_file_store_conf(hosts, secrets_dir):
    conf = secrets_dir / "file-store.conf"
    conf.write_text("store = /var/lib/twofa\n")
    os.chmod(conf, 0o600)
    p = subprocess.run([str(BUILD / "twofa-ldap"), "--daemon", "--conf",
                        str(conf)], capture_output=True, text=True)
    assert p.returncode == 3 and "not ldap" in p.stderr


def test_busy_sessions_do_not_starve_a_login(fleet, hosts, pamdir, daemon,
                                              user):
    """Users typing their codes hold a session each; more of them than
    there are spares must not make the next login wait: a spare that takes
    a caller is replaced at once."""
    import socket
    a, b = hosts
    a.service(pamdir)
    assert a.drive("create", user, KEY).returncode == 0
    held = []
    try:
        for _ in range(10):
            s = socket.socket(socket.AF_UNIX)
            s.connect(str(SOCK))
            held.append(s)
            time.sleep(0.05)
        start = time.monotonic()
        p = a.login(pamdir, user, totp(T0), at=T0)
        took = time.monotonic() - start
    finally:
        for s in held:
            s.close()
    assert p.result == "PAM_SUCCESS", (p.stdout, p.stderr)
    assert took < 2, took
