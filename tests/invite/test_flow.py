"""Self-enrollment at login (SPEC 9) through the real libpam."""
import time

from conftest import backup_codes, prompts, syslog_text, totp_b32


def test_whole_flow(env):
    user = "alice"
    ticket = env.invite(user)
    env.service()
    r = env.login(user, "=" + ticket, "@code")
    assert r["auth"] == "PAM_SUCCESS", r
    assert r["acct"] == "PAM_SUCCESS", r
    p = prompts(r)
    assert p[0] == "Verification code: "
    assert p[1].endswith("Code from your app: ")
    assert "otpauth://totp/" in p[1] and "\033" not in p[1]
    st = env.status(user)
    assert st["pending"] is False and st["type"] == "totp"
    # The new record works with the secret shown, as any enrollment.
    svc = env.service("plain", auth="", account=False)
    code = totp_b32(r["secret"], int(time.time()), 1)
    r2 = env.login(user, "=" + code, service=svc)
    assert r2["auth"] == "PAM_SUCCESS", r2
