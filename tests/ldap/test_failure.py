# SPDX-License-Identifier: BSD-2-Clause
"""A directory that is down, frozen or killed refuses the login
(TWOFA_ERR_UNAVAILABLE, which the module answers with
PAM_AUTHINFO_UNAVAIL) within 2 x ldap_timeout, and logins work again once
it is back; a wrong CA is refused. Each test gets its own servers (it
stops them)."""

import signal
import subprocess
import time

import pytest

import slapd
from conftest import Host, totp

T0 = 1700000010
TIMEOUT = 2  # ldap_timeout of the hosts here
UNAVAILABLE = "error=-15"


@pytest.fixture
def fleet():
    f = slapd.Fleet()
    try:
        yield f
    finally:
        f.close()


@pytest.fixture
def hosts(fleet, secrets_dir):
    return (Host(fleet, secrets_dir, "host-a", fleet.provider,
                 timeout=TIMEOUT),
            Host(fleet, secrets_dir, "host-b", fleet.consumer,
                 timeout=TIMEOUT))


def enroll(fleet, host, user):
    p = host.drive("create", user, "3132333435363738393031323334353637383930")
    assert p.returncode == 0, p.stderr
    fleet.wait_replicated(f"cn={user},{slapd.BASE}")


def timed_auth(host, user, code, now):
    start = time.monotonic()
    p = host.auth(user, code, now)
    return p, time.monotonic() - start


# The bound: two tries of ldap_timeout, plus the helper's start and
# the scheduling of a busy 2-core machine.
BOUND = 2 * TIMEOUT + 1.5


def test_provider_stopped_then_back(fleet, hosts, user):
    a, b = hosts
    enroll(fleet, a, user)
    fleet.provider.stop()
    for h in hosts:  # B's consumer is up, but cannot reach the provider
        p, took = timed_auth(h, user, totp(T0), T0)
        assert UNAVAILABLE in p.stdout, (h.name, p.stdout, p.stderr)
        assert took < BOUND
    fleet.provider.start()
    p = a.auth(user, totp(T0), T0)
    assert "verdict=accepted" in p.stdout, p.stderr


@pytest.mark.parametrize("which", ["provider", "consumer"])
def test_frozen_directory_refused_within_bound(fleet, hosts, user, which):
    a, b = hosts
    enroll(fleet, a, user)
    host = a if which == "provider" else b
    server = getattr(fleet, which)
    server.kill(signal.SIGSTOP)
    try:
        p, took = timed_auth(host, user, totp(T0), T0)
    finally:
        server.kill(signal.SIGCONT)
    assert UNAVAILABLE in p.stdout, (p.stdout, p.stderr)
    assert TIMEOUT * 0.9 < took < BOUND, took
    p = host.auth(user, totp(T0), T0)
    assert "verdict=accepted" in p.stdout, p.stderr


def test_provider_killed_mid_login(fleet, hosts, user):
    """Frozen while the login waits on it, then killed with -9: refused in
    time; restarted on the same database, the code still works (nothing
    was committed) and the guard survived the crash."""
    a, b = hosts
    enroll(fleet, a, user)
    assert "verdict=accepted" in a.auth(user, totp(T0), T0).stdout
    fleet.provider.kill(signal.SIGSTOP)
    start = time.monotonic()
    proc = subprocess.Popen(
        a.command("auth", user, totp(T0 + 30), T0 + 30), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={"PATH": "/usr/bin:/bin"})
    time.sleep(0.5)
    fleet.provider.kill(signal.SIGKILL)
    out, err = proc.communicate(timeout=30)
    took = time.monotonic() - start
    assert UNAVAILABLE in out, (out, err)
    assert took < BOUND
    fleet.provider.pid = None
    fleet.provider.start()
    # The step accepted before the crash is still burnt...
    assert "verdict=rejected" in a.auth(user, totp(T0), T0 + 1).stdout
    # ...and the code of the refused login was never spent.
    p = a.auth(user, totp(T0 + 30), T0 + 30)
    assert "verdict=accepted" in p.stdout, (p.stdout, p.stderr)


def test_wrong_ca_refused(fleet, hosts, user):
    a, b = hosts
    enroll(fleet, a, user)
    for h in hosts:
        for uri in (h.server.uri, h.server.ldaps):
            p = h.drive("auth", user, totp(T0), T0, uri=uri,
                        cacert=str(fleet.ca.wrong_cacert))
            assert UNAVAILABLE in p.stdout, (uri, p.stdout, p.stderr)
            # libldap cannot tell a failed ldaps:// handshake from a
            # dead server; StartTLS says which.
            assert ("certificate" if uri.startswith("ldap:") else
                    "TLS handshake") in p.stderr, p.stderr
    # ldaps:// with the right CA works.
    p = a.drive("auth", user, totp(T0), T0, uri=a.server.ldaps)
    assert "verdict=accepted" in p.stdout, p.stderr


def test_nothing_listening_refused_within_bound(fleet, hosts, user):
    a, b = hosts
    enroll(fleet, a, user)
    start = time.monotonic()
    p = a.drive("auth", user, totp(T0), T0,
                uri=f"ldap://127.0.0.1:{slapd.free_port()}")
    assert UNAVAILABLE in p.stdout
    assert "unreachable" in p.stderr
    assert time.monotonic() - start < BOUND


def test_second_uri_used_when_first_is_down(fleet, hosts, user):
    """ldap_uri lists servers in order: with the first one dead, the
    second answers (the two tries of the bound)."""
    a, b = hosts
    enroll(fleet, a, user)
    dead = f"ldap://127.0.0.1:{slapd.free_port()}"
    p = a.drive("auth", user, totp(T0), T0, uri=f"{dead} {a.server.uri}")
    assert "verdict=accepted" in p.stdout, p.stderr
