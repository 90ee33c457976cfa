# SPDX-License-Identifier: BSD-2-Clause
"""Exactly once, fleet-wide (SPEC §7): two hosts, one through the
provider and one through a read-only consumer that chains writes, share
one enrollment; the core's login loop runs against the real directory."""

import time

from conftest import totp

T0 = 1700000010


def enroll(host, user, *extra):
    p = host.drive("create", user, "3132333435363738393031323334353637383930",
                   *extra)
    assert p.returncode == 0, p.stderr


def test_code_used_on_a_refused_on_b(fleet, hosts, user):
    a, b = hosts
    enroll(a, user)
    fleet.wait_replicated(f"cn={user},ou=twofa,dc=example,dc=com")
    code = totp(T0)
    p = a.auth(user, code, T0)
    assert "verdict=accepted method=totp" in p.stdout, p.stderr
    # Replication may lag: the consumer then answers with the old state,
    # the chained CAS fails at the provider, and B decides again.
    p = b.auth(user, code, T0)
    assert "verdict=rejected" in p.stdout, p.stderr
    assert a.dump(user)["next"] == str(T0 // 30 + 1)


def race(hosts, user, code, now, n=8):
    """n logins with one code at once, alternating between the hosts;
    returns the verdict lines."""
    import subprocess
    procs = []
    for i in range(n):
        procs.append(subprocess.Popen(
            hosts[i % 2].command("auth", user, code, now),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env={"PATH": "/usr/bin:/bin"}))
    out = []
    for p in procs:
        o, e = p.communicate(timeout=60)
        out.append((o.strip(), e.strip()))
    return out


def test_eight_parallel_logins_over_two_hosts_accept_one(fleet, hosts, user):
    a, b = hosts
    for trial in range(10):
        # A user per trial: the 7 replays of a trial count as failures
        # and lock the account (deny=5), which would hide the next race.
        u = f"{user}t{trial}"
        enroll(a, u)
        fleet.wait_replicated(f"cn={u},ou=twofa,dc=example,dc=com")
        t = T0 + 30 * trial
        res = race(hosts, u, totp(t), t)
        accepted = [o for o, e in res if "verdict=accepted" in o]
        assert len(accepted) == 1, res
        # Every other login was answered: refused (a replay is a
        # failure; the fifth locks), never an error.
        assert all("verdict=rejected" in o or "verdict=locked" in o
                   for o, e in res if "verdict=accepted" not in o), res
        # Counted exactly up to the lock (deny=5), not one more.
        assert int(a.dump(u)["failures"]) == 5


def test_backup_code_once_fleet_wide(fleet, hosts, user):
    a, b = hosts
    enroll(a, user, "12345678", "87654321")
    fleet.wait_replicated(f"cn={user},ou=twofa,dc=example,dc=com")
    # Four at once: the three losers' failures stay below the lock.
    res = race(hosts, user, "1234 5678", T0, n=4)
    assert sum("verdict=accepted method=backup" in o for o, e in res) == 1
    assert sum("verdict=rejected" in o for o, e in res) == 3, res
    p = b.auth(user, "12345678", T0 + 60)
    assert "verdict=rejected" in p.stdout
    assert a.dump(user)["backup_left"] == "1"


def test_failures_add_up_across_hosts_and_lock_everywhere(fleet, hosts, user):
    a, b = hosts
    enroll(a, user)
    fleet.wait_replicated(f"cn={user},ou=twofa,dc=example,dc=com")
    for i in range(5):  # deny=5 by default
        h = hosts[i % 2]
        p = h.auth(user, "000000" if totp(T0) != "000000" else "111111",
                   T0)
        assert "verdict=rejected" in p.stdout, p.stderr
        assert f"failures={i + 1}" in p.stdout, p.stdout
    # Locked on both: even the right code is not looked at.
    for h in hosts:
        p = h.auth(user, totp(T0), T0 + 1)
        assert "verdict=locked" in p.stdout, (p.stdout, p.stderr)
    assert int(a.dump(user)["locked_until"]) > T0
