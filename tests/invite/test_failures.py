# SPDX-License-Identifier: BSD-2-Clause
"""Wrong and expired tickets are failures, counted and locking like
wrong codes; two logins racing with one ticket commit exactly once."""
import json
import time

from conftest import prompts, syslog_text

T0 = 1800000000


def lines_for(user):
    return [l for l in syslog_text().splitlines() if f"user={user} " in l]


def test_wrong_tickets_count_and_lock(env):
    user = env.user()
    ticket = env.invite(user)
    env.service(auth="enroll deny=3 unlock_time=600")
    digits = ticket.replace(" ", "")
    wrong = digits[:-1] + str((int(digits[-1]) + 1) % 10)
    for n in (1, 2):
        r = env.login(user, "=" + wrong)
        assert r["auth"] == "PAM_AUTH_ERR" and len(prompts(r)) == 1, r
        assert env.status(user)["failures"] == n
    r = env.login(user, "=123456")  # any answer counts
    assert r["auth"] == "PAM_AUTH_ERR", r
    st = env.status(user)
    assert st["failures"] == 3 and st["locked"] is True
    # Locked: even the right ticket is not looked at.
    r = env.login(user, "=" + ticket, "@code")
    assert r["auth"] == "PAM_AUTH_ERR" and len(prompts(r)) == 1, r
    assert any("locked" in t for s, t in r["messages"] if s == 3)
    assert any("method=ticket outcome=locked" in l for l in lines_for(user))
    # Unlocked by the admin: the ticket works.
    env.admin("unlock", user)
    r = env.login(user, "=" + ticket, "@code")
    assert r["acct"] == "PAM_SUCCESS", r


def test_expired_ticket_is_a_counted_failure(env):
    user = env.user()
    env.service()
    ticket = json.loads(env.admin("invite", user, "--json", "--ttl",
                                  "3600").stdout)
    expires = ticket["expires"]
    assert abs(expires - (int(time.time()) + 3600)) < 60
    # A second before expiry it works up to the code (not committed).
    r = env.login(user, "=" + ticket["ticket"], faketime=expires - 30,
                  extra=("--no-acct",))
    assert len(prompts(r)) == 2, r
    # At expiry: refused and counted, with the reason in the log.
    r = env.login(user, "=" + ticket["ticket"], "@code",
                  faketime=expires)
    assert r["auth"] == "PAM_AUTH_ERR" and len(prompts(r)) == 1, r
    assert env.status(user)["failures"] == 1
    assert env.status(user)["expired"] is False  # the real clock
    assert any("method=ticket outcome=failure" in l
               and "reason=expired" in l for l in lines_for(user))


def test_status_shows_expired(env):
    user = env.user()
    env.admin("invite", user, "--ttl", "60")
    r = env.admin("status", user, "--json")
    st = json.loads(r.stdout)
    assert st["pending"] is True and st["expired"] is False


def test_two_logins_racing_with_one_ticket_commit_once(env):
    user = env.user()
    ticket = env.invite(user)
    env.service()
    barrier = env.base / "go"
    procs = [env.login(user, "=" + ticket, "@code",
                       extra=("--barrier", str(barrier)), wait=False)
             for _ in range(2)]
    # Both pass authentication before either runs its account phase.
    deadline = time.monotonic() + 60
    while len([n for n in env.base.iterdir()
               if n.name.startswith("go.ready")]) < 2:
        assert time.monotonic() < deadline, "logins did not get ready"
        assert all(p.poll() is None for p in procs)
        time.sleep(0.01)
    barrier.touch()
    res = [json.loads(p.communicate(timeout=60)[0]) for p in procs]
    assert [r["auth"] for r in res] == ["PAM_SUCCESS"] * 2, res
    accts = sorted(r["acct"] for r in res)
    assert accts == ["PAM_AUTHINFO_UNAVAIL", "PAM_SUCCESS"], res
    winner = next(r for r in res if r["acct"] == "PAM_SUCCESS")
    # The stored record is the winner's, and the loser's secret is gone.
    st = env.status(user)
    assert st["pending"] is False
    plain = env.service("plain", auth="", account=False)
    from conftest import totp_b32
    loser = next(r for r in res if r["acct"] != "PAM_SUCCESS")
    code = totp_b32(loser["secret"], int(time.time()), 1)
    assert env.login(user, "=" + code, service=plain)["auth"] != \
        "PAM_SUCCESS"
    code = totp_b32(winner["secret"], int(time.time()), 1)
    assert env.login(user, "=" + code, service=plain)["auth"] == \
        "PAM_SUCCESS"
    log = lines_for(user)
    assert sum("method=enroll outcome=success" in l for l in log) == 1
    assert any("enrolled by another login meanwhile" in l for l in log)
