# SPDX-License-Identifier: BSD-2-Clause
"""No environment variable, no ldaprc in HOME or the working directory
changes how the directory is reached (SPEC §7). The caller here is
fleet-drive, a process that opens the store like pam_twofa.so does; each
hostile setting is shown to fool libldap itself (ldapsearch, run with the
same environment and directory), and then to change nothing for us."""

import os
import subprocess

import pytest

import slapd
from conftest import totp

T0 = 1700000010
UNAVAILABLE = "error=-15"


@pytest.fixture(scope="module")
def hostile(fleet, secrets_dir):
    """A HOME and a working directory full of ldaprc files, and an
    environment of LDAP* variables, all saying: trust any certificate,
    use this CA, this server, this base."""
    d = secrets_dir / "hostile"
    home, cwd = d / "home", d / "cwd"
    home.mkdir(parents=True)
    cwd.mkdir()
    rc = (f"TLS_REQCERT never\nTLS_CACERT {fleet.ca.wrong_cacert}\n"
          f"URI {fleet.provider.uri}\nBASE {slapd.BASE}\n")
    for f in (home / ".ldaprc", home / "ldaprc", cwd / "ldaprc",
              cwd / ".ldaprc", d / "ldap.conf", cwd / "myrc"):
        f.write_text(rc)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home),
           "LDAPTLS_REQCERT": "never",
           "LDAPTLS_CACERT": str(fleet.ca.wrong_cacert),
           "LDAPCONF": str(d / "ldap.conf"), "LDAPRC": "myrc",
           "LDAPURI": fleet.provider.uri, "LDAPBASE": slapd.BASE,
           "LDAPTIMEOUT": "600", "LDAPNETWORK_TIMEOUT": "600",
           "LDAPBINDDN": f"cn=host-b,{slapd.SERVICES}"}
    return env, cwd


def test_hostile_settings_fool_libldap_itself(fleet, hostile):
    """The control: with this environment, a plain libldap client accepts
    a server whose certificate it cannot verify (only the wrong CA), and
    finds server and base by itself."""
    env, cwd = hostile
    env = dict(env)
    del env["LDAPBINDDN"]  # so that ldapsearch binds anonymously
    p = subprocess.run(["ldapsearch", "-x", "-ZZ", "-b", "", "-s", "base",
                        "1.1"], capture_output=True, text=True, env=env,
                       cwd=cwd)
    assert p.returncode == 0, (p.returncode, p.stdout, p.stderr)
    # Without the environment, the same client refuses the server.
    p = subprocess.run(["ldapsearch", "-x", "-ZZ", "-H", fleet.provider.uri,
                        "-b", "", "-s", "base", "1.1"], capture_output=True,
                       text=True, env={"PATH": "/usr/bin:/bin",
                                       "HOME": "/nonexistent",
                                       "LDAPTLS_CACERT":
                                       str(fleet.ca.wrong_cacert)},
                       cwd="/")
    assert p.returncode != 0


def test_wrong_ca_still_refused(fleet, hosts, hostile, user):
    env, cwd = hostile
    a, b = hosts
    assert a.drive("create", user,
                   "3132333435363738393031323334353637383930").returncode == 0
    for h in hosts:
        for uri in (h.server.uri, h.server.ldaps):
            p = h.drive("auth", user, totp(T0), T0, env=env, cwd=cwd,
                        uri=uri, cacert=str(fleet.ca.wrong_cacert))
            assert UNAVAILABLE in p.stdout, (uri, p.stdout, p.stderr)
    # And the code was not spent by any of them.
    assert "verdict=accepted" in a.auth(user, totp(T0), T0).stdout


def test_configured_server_only(fleet, hosts, hostile, user):
    """LDAPURI names a live server, the configuration a dead one: dead."""
    env, cwd = hostile
    a, b = hosts
    dead = f"ldap://127.0.0.1:{slapd.free_port()}"
    p = a.drive("list", env=env, cwd=cwd, uri=dead)
    assert UNAVAILABLE in p.stdout, p.stdout


def test_timeout_not_stretched(fleet, hosts, hostile, user):
    """LDAPNETWORK_TIMEOUT/LDAPTIMEOUT of 600 s do not lengthen ours."""
    import signal
    import time
    env, cwd = hostile
    a, b = hosts
    fleet.provider.kill(signal.SIGSTOP)
    try:
        start = time.monotonic()
        p = a.drive("list", env=env, cwd=cwd)
        took = time.monotonic() - start
    finally:
        fleet.provider.kill(signal.SIGCONT)
    assert UNAVAILABLE in p.stdout
    assert took < 2 * a.timeout + 1.5


def test_hostile_environment_does_not_break_a_good_setup(fleet, hosts,
                                                         hostile, user):
    """The other way round: LDAPTLS_CACERT and ldaprc files naming the
    wrong CA, LDAPURI a dead server, do not stop a correctly configured
    host."""
    env, cwd = hostile
    env = dict(env, LDAPTLS_REQCERT="demand", LDAPURI="ldap://127.0.0.1:1")
    a, b = hosts
    assert a.drive("create", user, "3132333435363738393031323334353637383930",
                   env=env, cwd=cwd).returncode == 0
    p = a.drive("auth", user, totp(T0), T0, env=env, cwd=cwd)
    assert "verdict=accepted" in p.stdout, p.stderr


def test_module_under_hostile_caller(fleet, hosts, hostile, pamdir, user):
    """The same through pam_twofa.so and libpam: the PAM application
    runs with the hostile environment, HOME and working directory."""
    env, cwd = hostile
    a, b = hosts
    assert a.drive("create", user,
                   "3132333435363738393031323334353637383930").returncode == 0
    wrong = a.write_conf("wrong-ca.conf",
                         ldap_tls_cacert=str(fleet.ca.wrong_cacert))
    a.service(pamdir, conf=wrong)
    p = a.login(pamdir, user, totp(T0), at=T0, env=env, cwd=cwd)
    assert p.result == "PAM_AUTHINFO_UNAVAIL", (p.stdout, p.stderr)
    a.service(pamdir)
    p = a.login(pamdir, user, totp(T0), at=T0, env=env, cwd=cwd)
    assert p.result == "PAM_SUCCESS", (p.stdout, p.stderr)
