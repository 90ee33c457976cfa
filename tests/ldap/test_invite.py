# SPDX-License-Identifier: BSD-2-Clause
"""Self-enrollment with an invitation (SPEC §9) with store = ldap: the
pending enrollment in the directory (twofaTicket: only a salted hash of
the ticket and its expiry, no token attributes), the enrollment at login
through the real libpam (tests/invite/drive.py reads the secret out of
the prompt and answers with codes from Python's hmac), the account
phase's commit as one compare-and-swap on twofaSeq, and the admin
commands on a pending directory user."""

import base64
import hashlib
import json
import subprocess
import time

import slapd
from conftest import BUILD, MODULE, ROOT, totp

DRIVE = ROOT / "tests" / "invite" / "drive.py"
TOKEN_ATTRS = ("oathSecret", "twofaSealedSecret", "oathHMACAlgorithm",
               "oathOTPLength", "oathTOTPParams", "oathTOTPTimeStepPeriod",
               "oathTOTPTimeStepWindow", "oathTOTPLastTimeStep",
               "oathHOTPParams", "oathHOTPCounter", "twofaBackupKDF",
               "twofaBackupCount", "twofaBackupCode")


def dn(user):
    return f"cn={user},{slapd.BASE}"


def invite(host, user, *args):
    p = host.admin("invite", user, "--json", *args)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)["ticket"]


def enroll_service(pamdir, host, auth="enroll", account=True):
    """A service of host with the enroll option and the account line."""
    name = f"{host.name}-enroll" + ("" if account else "-noacct")
    lines = [f"auth required {MODULE} conf={host.conf} {auth}"]
    if account:
        lines.append(f"account required {MODULE} conf={host.conf}")
    (pamdir / name).write_text("\n".join(lines) + "\n")
    return name


def drive_cmd(pamdir, svc, user, *answers):
    return ["/usr/bin/python3", str(DRIVE), str(pamdir), svc, user,
            *answers]


def drive(pamdir, svc, user, *answers):
    r = subprocess.run(drive_cmd(pamdir, svc, user, *answers),
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def key_of(res):
    s = res["secret"]
    return base64.b32decode(s + "=" * (-len(s) % 8))


def status(host, user):
    p = host.admin("status", user, "--json")
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_invite_stores_only_a_hash_of_the_ticket(fleet, hosts, user):
    a, b = hosts
    before = int(time.time())
    ticket = invite(a, user)
    digits = ticket.replace(" ", "")
    assert len(digits) == 12 and digits.isdigit()
    e = fleet.provider.search(dn(user))
    assert e is not None
    # No token: slapo-otp finds nothing to verify, nothing to read.
    for attr in TOKEN_ATTRS:
        assert attr not in e, attr
    assert "twofaState" in e["objectClass"]
    assert "oathTOTPParams" not in e["objectClass"]
    assert "oathHOTPToken" not in e["objectClass"]
    assert e["twofaSeq"] == ["1"]
    (t,) = e["twofaTicket"]
    kdf, expires, salt, h = t.split(" ")
    assert kdf.startswith("pbkdf2-sha256:")
    # Default 72 h.
    assert before + 72 * 3600 <= int(expires) <= int(time.time()) + 72 * 3600
    # The stored value is PBKDF2 of the ticket, and the ticket itself is
    # nowhere in the entry (also not in another spelling).
    assert hashlib.pbkdf2_hmac("sha256", digits.encode(),
                               bytes.fromhex(salt), int(kdf.split(":")[1]),
                               len(bytes.fromhex(h))).hex() == h
    dump = repr(e)
    for spelling in (digits, ticket, digits[:4] + digits[4:8]):
        assert spelling not in dump
    # The consumer host sees it as pending too.
    fleet.wait_replicated(dn(user))
    st = status(b, user)
    assert st["pending"] is True and st["expires"] == int(expires)
    # A new invitation for a pending user replaces the ticket (no
    # --force), through the seq guard.
    ticket2 = invite(b, user, "--ttl", "600")
    assert ticket2 != ticket
    e2 = fleet.provider.search(dn(user))
    assert e2["twofaSeq"] == ["2"] and e2["twofaTicket"] != e["twofaTicket"]
    assert int(e2["twofaTicket"][0].split(" ")[1]) <= int(time.time()) + 600


def test_whole_flow_then_a_fresh_code(fleet, hosts, pamdir, user):
    """Invited on A, enrolled at a login on A (ticket, prompt with the
    secret, first code, account phase), the entry is then an oath token
    slapo-otp reads, and a later login with a fresh code works on B."""
    a, b = hosts
    ticket = invite(a, user)
    svc = enroll_service(pamdir, a)
    res = drive(pamdir, svc, user, "=" + ticket, "@code")
    assert (res["auth"], res["acct"]) == ("PAM_SUCCESS", "PAM_SUCCESS"), res
    key = key_of(res)
    e = fleet.provider.search(dn(user))
    assert "twofaTicket" not in e
    assert e["oathSecret"] == [key]
    assert {"device", "oathTOTPToken", "oathTOTPParams",
            "twofaState"} <= set(e["objectClass"])
    assert e["oathTOTPParams"] == [dn(user)]
    assert int(e["twofaSeq"][0]) >= 2
    # The confirming code is the last accepted step (replay guard).
    step = int(e["oathTOTPLastTimeStep"][0])
    assert abs(step - int(time.time()) // 30) <= 1
    assert int(e["twofaBackupCount"][0]) > 0
    st = status(a, user)
    assert st["pending"] is False
    # A later login with a fresh code, on the other host, through the
    # module.
    fleet.wait_replicated(dn(user), attr="oathSecret", value=key)
    b.service(pamdir)
    t = (step + 2) * 30 + 5
    p = b.login(pamdir, user, totp(t, key_hex=key.hex()), at=t)
    assert p.result == "PAM_SUCCESS", (p.stdout, p.stderr)
    e = fleet.provider.search(dn(user), "oathTOTPLastTimeStep")
    assert e["oathTOTPLastTimeStep"] == [str(step + 2)]
    # The ticket is spent: typed again at an enroll service it is a
    # wrong answer.
    res = drive(pamdir, svc, user, "=" + ticket)
    assert res["auth"] != "PAM_SUCCESS"
    assert status(a, user)["failures"] == 1


def test_wrong_ticket_counted_across_hosts(fleet, hosts, pamdir, user):
    a, b = hosts
    ticket = invite(a, user)
    wrong = "%012d" % ((int(ticket.replace(" ", "")) + 1) % 10 ** 12)
    fleet.wait_replicated(dn(user))
    res = drive(pamdir, enroll_service(pamdir, a), user, "=" + wrong)
    assert res["auth"] == "PAM_AUTH_ERR", res
    res = drive(pamdir, enroll_service(pamdir, b), user, "=" + wrong)
    assert res["auth"] == "PAM_AUTH_ERR", res
    e = fleet.provider.search(dn(user))
    assert e["oathFailureCount"] == ["2"]
    assert "twofaTicket" in e and "oathSecret" not in e
    st = status(a, user)
    assert st["pending"] is True and st["failures"] == 2
    # Below the lock the right ticket still enrolls, on either host.
    res = drive(pamdir, enroll_service(pamdir, b), user, "=" + ticket,
                "@code")
    assert (res["auth"], res["acct"]) == ("PAM_SUCCESS", "PAM_SUCCESS"), res
    assert status(a, user)["pending"] is False


def test_without_enroll_a_ticket_does_nothing(fleet, hosts, pamdir, user):
    """A pending user is not "no record" (nullok does not apply), and on
    a service without enroll the right ticket is a counted failure."""
    a, _ = hosts
    ticket = invite(a, user)
    plain = enroll_service(pamdir, a, auth="nullok", account=False)
    res = drive(pamdir, plain, user, "=" + ticket)
    assert res["auth"] == "PAM_AUTH_ERR", res
    st = status(a, user)
    assert st["pending"] is True and st["failures"] == 1
    e = fleet.provider.search(dn(user))
    assert e["oathFailureCount"] == ["1"] and "oathSecret" not in e


def test_no_account_phase_commits_nothing(fleet, hosts, pamdir, user):
    a, _ = hosts
    ticket = invite(a, user)
    res = drive(pamdir, enroll_service(pamdir, a, account=False), user,
                "=" + ticket, "@code")
    assert res["auth"] == "PAM_SUCCESS", res
    e = fleet.provider.search(dn(user))
    assert "twofaTicket" in e and "oathSecret" not in e
    # The ticket is still valid.
    res = drive(pamdir, enroll_service(pamdir, a), user, "=" + ticket,
                "@code")
    assert (res["auth"], res["acct"]) == ("PAM_SUCCESS", "PAM_SUCCESS"), res


def test_two_hosts_racing_with_one_ticket(fleet, hosts, pamdir, user,
                                          secrets_dir):
    """Both logins pass authentication (one on A, one on B through the
    consumer) before either runs its account phase: exactly one commit,
    the other's account phase fails, and the entry holds the winner's
    secret."""
    a, b = hosts
    ticket = invite(a, user)
    fleet.wait_replicated(dn(user))
    barrier = secrets_dir / f"go-{user}"
    procs = [subprocess.Popen(
        drive_cmd(pamdir, enroll_service(pamdir, h), user, "--barrier",
                  str(barrier), "=" + ticket, "@code"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for h in (a, b)]
    deadline = time.monotonic() + 60
    while len([n for n in secrets_dir.iterdir()
               if n.name.startswith(f"go-{user}.ready")]) < 2:
        assert time.monotonic() < deadline, "logins did not get ready"
        assert all(p.poll() is None for p in procs), \
            [p.communicate() for p in procs]
        time.sleep(0.01)
    barrier.touch()
    res = [json.loads(p.communicate(timeout=60)[0]) for p in procs]
    assert [r["auth"] for r in res] == ["PAM_SUCCESS"] * 2, res
    assert sorted(r["acct"] for r in res) == ["PAM_AUTHINFO_UNAVAIL",
                                              "PAM_SUCCESS"], res
    winner = next(r for r in res if r["acct"] == "PAM_SUCCESS")
    loser = next(r for r in res if r["acct"] != "PAM_SUCCESS")
    e = fleet.provider.search(dn(user))
    assert e["oathSecret"] == [key_of(winner)] != [key_of(loser)]
    assert "twofaTicket" not in e
    # The loser's secret opens nothing; the winner's next code does.
    b.service(pamdir)
    t = (int(e["oathTOTPLastTimeStep"][0]) + 2) * 30 + 5
    p = b.login(pamdir, user, totp(t, key_hex=key_of(loser).hex()), at=t)
    assert p.result == "PAM_AUTH_ERR", (p.stdout, p.stderr)
    p = b.login(pamdir, user, totp(t, key_hex=key_of(winner).hex()), at=t)
    assert p.result == "PAM_SUCCESS", (p.stdout, p.stderr)


def test_status_and_disable_on_a_pending_user(fleet, hosts, user):
    a, b = hosts
    invite(a, user)
    fleet.wait_replicated(dn(user))
    for h in (a, b):
        p = h.admin("status")
        line = next(l for l in p.stdout.splitlines() if user in l)
        assert " pending " in line and "expires" in line, p.stdout
        p = h.admin("status", user)
        assert p.returncode == 0 and "pending:" in p.stdout, p.stdout
        j = json.loads(h.admin("status", "--json").stdout)
        (u,) = [x for x in j["users"] if x["user"] == user]
        assert u["pending"] is True and u["expired"] is False
        assert "ticket" not in json.dumps(u)
    for cmd in (["qr", user], ["backup-codes", user]):
        p = a.admin(*cmd)
        assert p.returncode == 1 and "invited" in p.stderr, (cmd, p.stderr)
    p = b.admin("disable", user)
    assert p.returncode == 0, p.stderr
    assert "pending invitation removed" in p.stdout
    assert fleet.provider.search(dn(user)) is None
    p = a.admin("status", user)
    assert p.returncode != 0


def test_force_invite_replaces_an_enrolled_user(fleet, hosts, pamdir, user):
    """The lost-phone case over the directory: invite refuses an enrolled
    user (exit 1) unless --force, which removes the token at once."""
    a, b = hosts
    ticket = invite(a, user)
    res = drive(pamdir, enroll_service(pamdir, a), user, "=" + ticket,
                "@code")
    assert res["acct"] == "PAM_SUCCESS", res
    p = b.admin("invite", user)
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert "oathSecret" in fleet.provider.search(dn(user))
    invite(b, user, "--force")
    e = fleet.provider.search(dn(user))
    for attr in TOKEN_ATTRS:
        assert attr not in e, attr
    assert "twofaTicket" in e
    assert "oathTOTPParams" not in e["objectClass"]


def test_expired_ticket_counted(fleet, hosts, pamdir, user):
    """A ticket past its expiry (the login's clock from libfaketime) is
    a counted failure and enrolls nothing."""
    import os
    from conftest import FAKETIME_LIB
    a, _ = hosts
    ticket = invite(a, user, "--ttl", "60")
    later = time.strftime("%Y-%m-%d %H:%M:%S",
                          time.gmtime(time.time() + 3600))
    env = dict(os.environ, LD_PRELOAD=FAKETIME_LIB, FAKETIME="@" + later,
               TZ="UTC", FAKETIME_DONT_FAKE_MONOTONIC="1", NO_FAKE_STAT="1")
    r = subprocess.run(drive_cmd(pamdir, enroll_service(pamdir, a), user,
                                 "=" + ticket, "@code"),
                       capture_output=True, text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    assert res["auth"] == "PAM_AUTH_ERR", res
    assert res["secret"] is None, "an expired ticket showed a secret"
    e = fleet.provider.search(dn(user))
    assert "twofaTicket" in e and "oathSecret" not in e
    assert e["oathFailureCount"] == ["1"]
    st = status(a, user)
    assert st["pending"] is True and st["failures"] == 1
