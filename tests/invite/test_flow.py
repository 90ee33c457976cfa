# SPDX-License-Identifier: BSD-2-Clause
"""Self-enrollment at login (SPEC 9) through the real libpam: the whole
flow, what the user sees, what is logged, and what is (not) committed."""
import os
import re
import subprocess
import time

from conftest import (backup_codes, prompts, syslog_text, totp_b32,
                      qr_decode)


def lines_for(user):
    return [l for l in syslog_text().splitlines() if f"user={user} " in l]


def test_whole_flow(env):
    user = env.user()
    ticket = env.invite(user)
    env.service()
    r = env.login(user, "=" + ticket, "@code", extra=("--rhost", "192.0.2.9"))
    assert (r["auth"], r["acct"]) == ("PAM_SUCCESS", "PAM_SUCCESS"), r
    p = prompts(r)
    # The usual prompt first: nothing tells a pending user apart.
    assert p[0] == "Verification code: "
    text = p[1]
    assert text.endswith("Code from your app: ")
    assert "\033" not in text  # no colour escapes: ssh shows them as octal
    uri = re.search(r"otpauth://\S+", text).group(0)
    assert uri.startswith(f"otpauth://totp/") and f":{user}?" in uri
    assert f"secret={r['secret']}" in uri
    assert "algorithm=SHA1" in uri and "digits=6" in uri
    assert "period=30" in uri
    # The QR code in the prompt decodes (zbarimg) to the same URI.
    assert qr_decode(text) == uri
    # The secret in groups of four, and ten backup codes.
    groups = re.search(r"typed by hand: ([A-Z2-7 ]+)\n", text).group(1)
    assert groups.replace(" ", "") == r["secret"]
    assert all(len(g) == 4 for g in groups.split(" ")[:-1])
    assert len(set(backup_codes(text))) == 10
    st = env.status(user)
    assert st["pending"] is False and st["type"] == "totp"
    assert st["backup_codes_left"] == 10
    # The record holds no ticket and no plain secret-free leftovers.
    body = env.record_text(user)
    assert "twofa-pending" not in body and ticket.replace(" ", "") not in body
    log = lines_for(user)
    assert any("method=ticket outcome=accepted" in l for l in log), log
    assert any("method=enroll outcome=staged" in l for l in log), log
    assert any("method=enroll outcome=success" in l
               and "rhost=192.0.2.9" in l for l in log), log
    assert not any("outcome=incomplete" in l for l in log), log
    # Never a code, the ticket or the secret in a log line.
    for l in log:
        assert ticket.replace(" ", "") not in l.replace(" ", "")
        assert r["secret"] not in l
    # The new record works as any enrollment, with the next code.
    plain = env.service("plain", auth="", account=False)
    code = totp_b32(r["secret"], int(time.time()), 1)
    r2 = env.login(user, "=" + code, service=plain)
    assert r2["auth"] == "PAM_SUCCESS", r2


def test_the_code_that_confirmed_is_not_accepted_again(env):
    user = env.user()
    ticket = env.invite(user)
    env.service()
    r = env.login(user, "=" + ticket, "@code")
    assert r["acct"] == "PAM_SUCCESS", r
    plain = env.service("plain", auth="", account=False)
    code = totp_b32(r["secret"], int(time.time()))
    r2 = env.login(user, "=" + code, service=plain)
    # Either this step's code was the one just used (a replay) or the
    # step moved on and it is older than the one used: refused both ways.
    assert r2["auth"] == "PAM_AUTH_ERR", r2


def test_ticket_refused_after_commit(env):
    user = env.user()
    ticket = env.invite(user)
    env.service()
    r = env.login(user, "=" + ticket, "@code")
    assert r["acct"] == "PAM_SUCCESS", r
    r2 = env.login(user, "=" + ticket, "@code")
    assert r2["auth"] == "PAM_AUTH_ERR", r2
    assert len(prompts(r2)) == 1  # no enrollment prompt
    assert env.status(user)["failures"] == 1


def test_no_account_phase_commits_nothing_and_keeps_the_ticket(env):
    user = env.user()
    ticket = env.invite(user)
    env.service()
    r = env.login(user, "=" + ticket, "@code", extra=("--no-acct",))
    assert r["auth"] == "PAM_SUCCESS" and r["acct"] is None, r
    assert env.status(user)["pending"] is True
    assert any("method=enroll outcome=incomplete" in l
               and "enrollment did not complete" in l
               for l in lines_for(user))
    # The ticket still works, with a new secret.
    r2 = env.login(user, "=" + ticket, "@code")
    assert (r2["auth"], r2["acct"]) == ("PAM_SUCCESS", "PAM_SUCCESS"), r2
    assert r2["secret"] != r["secret"]
    assert env.status(user)["pending"] is False


def test_stack_without_account_line_commits_nothing(env):
    user = env.user()
    ticket = env.invite(user)
    env.service(account=False)
    # libpam answers the account phase without any module: not ours.
    r = env.login(user, "=" + ticket, "@code")
    assert r["auth"] == "PAM_SUCCESS", r
    assert env.status(user)["pending"] is True


def test_failing_earlier_auth_line_commits_nothing(env):
    user = env.user()
    ticket = env.invite(user)
    env.service(before=["auth required pam_deny.so"])
    r = env.login(user, "=" + ticket, "@code")
    assert r["auth"] == "PAM_AUTH_ERR" and r["acct"] is None, r
    assert env.status(user)["pending"] is True
    assert any("outcome=incomplete" in l for l in lines_for(user))
    env.service()
    r2 = env.login(user, "=" + ticket, "@code")
    assert r2["acct"] == "PAM_SUCCESS", r2


def test_without_enroll_a_ticket_does_nothing(env):
    user = env.user()
    ticket = env.invite(user)
    env.service(auth="")
    r = env.login(user, "=" + ticket, "@code")
    assert r["auth"] == "PAM_AUTH_ERR", r
    assert len(prompts(r)) == 1
    st = env.status(user)
    assert st["pending"] is True and st["failures"] == 1
    assert any("method=ticket outcome=failure" in l
               and "reason=pending" in l for l in lines_for(user))


def test_nullok_does_not_apply_to_a_pending_user(env):
    user = env.user()
    env.invite(user)
    env.service(auth="nullok")
    r = env.login(user, "=123456")
    assert r["auth"] == "PAM_AUTH_ERR", r
    assert any("method=ticket outcome=failure" in l for l in lines_for(user))
    other = env.user()
    r = env.login(other, "=123456")  # no record at all: nullok ignores
    # (libpam answers a stack whose only module ignored with PERM_DENIED)
    assert r["auth"] == "PAM_PERM_DENIED", r
    assert any("outcome=ignore" in l for l in lines_for(other))


def test_pam_silent_still_shows_the_qr_code(env):
    user = env.user()
    ticket = env.invite(user)
    env.service()
    r = env.login(user, "=" + ticket, "@code", extra=("--silent",))
    assert (r["auth"], r["acct"]) == ("PAM_SUCCESS", "PAM_SUCCESS"), r
    text = prompts(r)[1]
    assert qr_decode(text).startswith("otpauth://totp/")


def test_ascii_and_no_qr_options(env):
    user = env.user()
    ticket = env.invite(user)
    env.service(auth="enroll enroll_qr=ascii")
    r = env.login(user, "=" + ticket, "@code")
    text = prompts(r)[1]
    assert "##" in text and "\u2580" not in text and "\u2588" not in text
    assert qr_decode(text, dark="#") == re.search(r"otpauth://\S+",
                                                  text).group(0)
    assert r["acct"] == "PAM_SUCCESS"
    user = env.user()
    ticket = env.invite(user)
    env.service(auth="enroll enroll_qr=none")
    r = env.login(user, "=" + ticket, "@code")
    text = prompts(r)[1]
    assert "##" not in text and "\u2588" not in text
    assert "otpauth://" in text and r["acct"] == "PAM_SUCCESS"


def test_backup_code_from_enrollment_works_once(env):
    user = env.user()
    ticket = env.invite(user)
    env.service()
    r = env.login(user, "=" + ticket, "@code")
    assert r["acct"] == "PAM_SUCCESS", r
    codes = backup_codes(prompts(r)[1])
    plain = env.service("plain", auth="", account=False)
    r2 = env.login(user, "=" + codes[3], service=plain)
    assert r2["auth"] == "PAM_SUCCESS", r2
    assert any("Backup code accepted; 9 left" in t for s, t in r2["messages"])
    r3 = env.login(user, "=" + codes[3], service=plain)
    assert r3["auth"] == "PAM_AUTH_ERR", r3


def test_wrong_first_code_is_a_failure_and_keeps_the_ticket(env):
    user = env.user()
    ticket = env.invite(user)
    env.service()
    r = env.login(user, "=" + ticket, "@code+7")
    assert r["auth"] == "PAM_AUTH_ERR" and r["acct"] is None, r
    st = env.status(user)
    assert st["pending"] is True and st["failures"] == 1
    assert any("method=enroll outcome=failure reason=wrong failures=1" in l
               for l in lines_for(user))
    r = env.login(user, "=" + ticket, "@code")
    assert r["acct"] == "PAM_SUCCESS", r


def test_conversation_cut_at_the_enrollment_prompt(env):
    user = env.user()
    ticket = env.invite(user)
    env.service()
    r = env.login(user, "=" + ticket)  # Ctrl-C at "Code from your app"
    assert r["auth"] in ("PAM_CONV_ERR", "PAM_AUTH_ERR"), r
    assert env.status(user)["pending"] is True


def test_reinvite_between_auth_and_account_refuses_the_commit(env):
    """The commit is a compare-and-swap against the invitation that was
    accepted: an admin's new ticket in between wins."""
    user = env.user()
    ticket = env.invite(user)
    env.service()
    barrier = env.base / "barrier"
    p = env.login(user, "=" + ticket, "@code",
                  extra=("--barrier", str(barrier)), wait=False)
    deadline = time.monotonic() + 30
    while not any(n.name.startswith("barrier.ready")
                  for n in env.base.iterdir()):
        assert time.monotonic() < deadline and p.poll() is None
        time.sleep(0.01)
    env.invite(user)
    barrier.touch()
    import json
    r = json.loads(p.communicate(timeout=60)[0])
    assert r["auth"] == "PAM_SUCCESS" and r["acct"] == "PAM_AUTHINFO_UNAVAIL"
    assert env.status(user)["pending"] is True
    assert any("invitation replaced during the login" in l
               for l in lines_for(user))


def test_issuer_and_store_from_twofa_conf(env):
    """The URI's issuer is twofa.conf's (conf=FILE); the account phase
    reads the same file, so both find the store it names."""
    user = env.user()
    ticket = env.invite(user)
    conf = env.base / "twofa.conf"
    conf.write_text(f"store = {env.store}\nissuer = Example Corp\n")
    os.chmod(conf, 0o644)
    lines = [f"auth required {env_module()} conf={conf} enroll",
             f"account required {env_module()} conf={conf}"]
    (env.conf / "withconf").write_text("\n".join(lines) + "\n")
    r = env.login(user, "=" + ticket, "@code", service="withconf")
    assert (r["auth"], r["acct"]) == ("PAM_SUCCESS", "PAM_SUCCESS"), r
    uri = re.search(r"otpauth://\S+", prompts(r)[1]).group(0)
    assert uri.startswith(f"otpauth://totp/Example%20Corp:{user}?")
    assert "&issuer=Example%20Corp&" in uri


def test_account_line_with_another_store_refuses_the_commit(env):
    user = env.user()
    ticket = env.invite(user)
    other = env.base / "other"
    other.mkdir(mode=0o700)
    lines = [f"auth required {env_module()} store={env.store} enroll",
             f"account required {env_module()} store={other}"]
    (env.conf / "mixed").write_text("\n".join(lines) + "\n")
    r = env.login(user, "=" + ticket, "@code", service="mixed")
    assert (r["auth"], r["acct"]) == ("PAM_SUCCESS", "PAM_AUTHINFO_UNAVAIL")
    assert env.status(user)["pending"] is True


def env_module():
    from conftest import MODULE
    return MODULE


def test_enroll_with_forward_pass_is_a_bad_option(env):
    """A ticket cannot be typed glued to a password: the pair refuses
    every login (PAM_SERVICE_ERR), rather than silently never matching."""
    user = env.user()
    env.invite(user)
    env.service(auth="enroll forward_pass")
    r = env.login(user, "=123456")
    assert r["auth"] == "PAM_SERVICE_ERR" and prompts(r) == [], r
    assert any("enroll excludes forward_pass" in l
               for l in syslog_text().splitlines())
