# SPDX-License-Identifier: BSD-2-Clause
"""End to end with the real sshd (SPEC §7): two sshd instances, "host A"
whose twofa.conf names the provider and "host B" the chaining consumer,
AuthenticationMethods publickey,keyboard-interactive, pam_twofa.so with
store = ldap; a person types the code at a terminal (tests/e2e/drive.exp,
expect on a pty). A code that opened a session on A does not open one on
B. Run under check-ldap, which holds the e2e lock: this adds a user and
two /etc/pam.d files, and removes them again."""

import os
import pwd
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

import slapd
from conftest import BUILD, ROOT, totp

USER = "twofa-l12-e2e"
KEY = "3132333435363738393031323334353637383930"
DRIVE = ROOT / "tests" / "e2e" / "drive.exp"
SSHD = Path("/usr/sbin/sshd")


def port_free(p):
    import socket
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", p)) != 0


@pytest.fixture(scope="module")
def sshds(fleet, hosts, secrets_dir):
    if not SSHD.exists() or not shutil.which("expect"):
        pytest.skip("openssh-server and expect are needed")
    w = secrets_dir / "sshd"
    w.mkdir()
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                    str(w / "hostkey")], check=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                    str(w / "userkey")], check=True)
    made_user = False
    pam_files, procs = [], []
    try:
        try:
            pwd.getpwnam(USER)
        except KeyError:
            subprocess.run(["useradd", "-m", "-s", "/bin/sh", "-c",
                            "pam_twofa fleet e2e test user", USER],
                           check=True)
            made_user = True
        home = Path(pwd.getpwnam(USER).pw_dir)
        (home / ".ssh").mkdir(mode=0o700, exist_ok=True)
        shutil.copy(w / "userkey.pub", home / ".ssh" / "authorized_keys")
        u = pwd.getpwnam(USER)
        for p in (home / ".ssh", home / ".ssh" / "authorized_keys"):
            os.chown(p, u.pw_uid, u.pw_gid)
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        ports = {}
        for h in hosts:
            svc = f"sshd-twofa-l12{h.name[-1]}"
            pam = Path("/etc/pam.d") / svc
            pam.write_text(
                "# pam_twofa fleet e2e test service (removed by the test)\n"
                f"auth required {BUILD / 'pam_twofa.so'} conf={h.conf}\n"
                "account required pam_permit.so\n"
                "session required pam_permit.so\n")
            pam_files.append(pam)
            (w / svc).symlink_to(SSHD)  # the PAM service is its name
            # Below the kernel's ephemeral range (32768-) and slapd.PORTS.
            port = next(p for p in range(32600, 32768) if port_free(p))
            conf = w / f"{svc}.conf"
            conf.write_text(
                f"ListenAddress 127.0.0.1:{port}\nHostKey {w}/hostkey\n"
                "PidFile none\nUsePAM yes\nKbdInteractiveAuthentication yes\n"
                "PasswordAuthentication no\nPubkeyAuthentication yes\n"
                "AuthenticationMethods publickey,keyboard-interactive\n"
                f"AllowUsers {USER}\nPermitRootLogin no\nUseDNS no\n"
                "PrintMotd no\nPrintLastLog no\nLogLevel VERBOSE\n")
            p = subprocess.Popen([str(w / svc), "-D", "-f", str(conf), "-E",
                                  str(w / f"{svc}.log")])
            procs.append(p)
            deadline = time.monotonic() + 10
            while port_free(port):
                assert p.poll() is None, (w / f"{svc}.log").read_text()
                assert time.monotonic() < deadline
                time.sleep(0.05)
            ports[h.name] = port
        yield w, ports
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=10)
        for f in pam_files:
            f.unlink()
        if made_user:
            subprocess.run(["userdel", "-r", USER], capture_output=True)


def ssh(w, port, code):
    """One login as a person at a terminal: key, then the code."""
    return subprocess.run(
        ["expect", str(DRIVE), "30", "ssh", "-F", "/dev/null", "-i",
         str(w / "userkey"), "-o", "UserKnownHostsFile=/dev/null", "-o",
         "StrictHostKeyChecking=no", "-o", "LogLevel=ERROR", "-o",
         "IdentitiesOnly=yes", "-o", "NumberOfPasswordPrompts=1", "-p",
         str(port), "-l", USER, "127.0.0.1", "echo L12-SSH-OK"],
        capture_output=True, text=True, env={"PATH": "/usr/bin:/bin",
                                             "E2E_CODE": code})


def test_sshd_code_once_across_hosts(fleet, hosts, sshds):
    w, ports = sshds
    a, b = hosts
    p = a.drive("create", USER, KEY)
    assert p.returncode == 0, p.stderr
    fleet.wait_replicated(f"cn={USER},{slapd.BASE}")
    t = time.time()
    if t % 30 > 22:
        time.sleep(30 - t % 30 + 0.5)
    now = int(time.time())
    r = ssh(w, ports["host-a"], totp(now))
    assert "L12-SSH-OK" in r.stdout, (r.stdout, r.stderr)
    # The same code on host B: refused, no session.
    r = ssh(w, ports["host-b"], totp(now))
    assert "L12-SSH-OK" not in r.stdout and "code=1" in r.stdout, r.stdout
    # The next code works on B (window 1), and then not on A.
    r = ssh(w, ports["host-b"], totp(now + 30))
    assert "L12-SSH-OK" in r.stdout, (r.stdout, r.stderr)
    r = ssh(w, ports["host-a"], totp(now + 30))
    assert "L12-SSH-OK" not in r.stdout
    assert a.drive("remove", USER).returncode == 0
