# SPDX-License-Identifier: BSD-2-Clause
"""Every module option, and strict refusal of bad ones."""

import os

import pytest

from conftest import MODULE, T0, syslog_text, totp


def capture_script(env):
    """A program for pam_exec expose_authtok that saves PAM_AUTHTOK."""
    out = env.base / "authtok"
    script = env.base / "capture"
    script.write_text(f"#!/bin/sh\ncat > {out}\n")
    os.chmod(script, 0o700)
    return script, out


def captured(out):
    return out.read_bytes().rstrip(b"\0").decode()


SET_AUTHTOK = "auth required pam_exec.so expose_authtok quiet /usr/bin/cat"


def test_prompt_option(env):
    u = env.user()
    env.record(u)
    env.service("p", lines=[
        f"auth required {MODULE} store={env.store} [prompt=Code please: ]"])
    r = env.login(u, totp(T0), service="p", at=T0)
    assert r.prompts == ["prompt-echo-off: Code please: "], r
    assert r.result == "PAM_SUCCESS"
    # An unknown user sees the same custom prompt.
    r = env.login(env.user(), totp(T0), service="p", at=T0)
    assert r.prompts == ["prompt-echo-off: Code please: "], r


def test_echo_option(env):
    u = env.user()
    env.record(u)
    env.service("e", "echo")
    r = env.login(u, totp(T0), service="e", at=T0)
    assert r.prompts == ["prompt-echo-on: Verification code: "], r
    assert r.result == "PAM_SUCCESS"


def test_debug_option_logs_more_but_no_code(env):
    u = env.user()
    env.record(u)
    env.service("d", "debug")
    code = totp(T0)
    r = env.login(u, code, service="d", at=T0)
    assert r.result == "PAM_SUCCESS"
    text = syslog_text()
    assert "pam_twofa(d:auth): options: store=" in text
    assert code not in text


def test_use_first_pass(env):
    u = env.user()
    env.record(u)
    env.service("use", lines=[
        SET_AUTHTOK, f"auth required {MODULE} store={env.store} "
        "use_first_pass"])
    r = env.login(u, totp(T0), service="use", at=T0)
    assert r.result == "PAM_SUCCESS", r
    assert r.prompts == ["prompt-echo-off: Password: "]  # ours never asked
    r = env.login(u, "000000", totp(T0 + 60), service="use", at=T0 + 60)
    assert r.result == "PAM_AUTH_ERR" and len(r.prompts) == 1, r
    # Without an earlier module there is no PAM_AUTHTOK: refused, no prompt.
    env.service("use-alone", "use_first_pass")
    r = env.login(u, totp(T0 + 90), service="use-alone", at=T0 + 90)
    assert r.result == "PAM_AUTH_ERR" and r.prompts == [], r


def test_try_first_pass(env):
    u = env.user()
    env.record(u)
    env.service("try", lines=[
        SET_AUTHTOK, f"auth required {MODULE} store={env.store} "
        "try_first_pass"])
    # The code from PAM_AUTHTOK: no second prompt.
    r = env.login(u, totp(T0), service="try", at=T0)
    assert r.result == "PAM_SUCCESS" and len(r.prompts) == 1, r
    # A password there is not a code: asked, and no failure counted.
    t = T0 + 60
    r = env.login(u, "hunter2", totp(t), service="try", at=t)
    assert r.result == "PAM_SUCCESS", r
    assert r.prompts[1] == "prompt-echo-off: Verification code: "
    assert env.dump(u)["failures"] == 0
    # Nor is anything that is not exactly a code's shape.
    t = T0 + 90
    r = env.login(u, " 123456", totp(t), service="try", at=t)
    assert r.result == "PAM_SUCCESS", r
    assert env.dump(u)["failures"] == 0
    # A wrong code there: counted, and asked again.
    t = T0 + 120
    r = env.login(u, "000000", totp(t), service="try", at=t)
    assert r.result == "PAM_SUCCESS" and len(r.prompts) == 2, r
    # A backup code there, typed with its space.
    env.record(u, "--backup", "12345678")
    r = env.login(u, "1234 5678", service="try", at=t)
    assert r.result == "PAM_SUCCESS" and len(r.prompts) == 1, r
    assert r.infos == ["Backup code accepted; 0 left"]


def test_forward_pass(env):
    script, out = capture_script(env)
    u = env.user()
    env.record(u, "--backup", "12345678", "--backup", "87654321")
    env.service("fwd", lines=[
        f"auth required {MODULE} store={env.store} forward_pass",
        f"auth required pam_exec.so expose_authtok quiet {script}"])
    r = env.login(u, "hunter2" + totp(T0), service="fwd", at=T0)
    assert r.result == "PAM_SUCCESS", r
    assert r.prompts == ["prompt-echo-off: Password and verification code: "]
    assert captured(out) == "hunter2"
    # A backup code at the end, with or without its space.
    r = env.login(u, "pass word1234 5678", service="fwd", at=T0)
    assert r.result == "PAM_SUCCESS" and captured(out) == "pass word", r
    r = env.login(u, "s3cret87654321", service="fwd", at=T0)
    assert r.result == "PAM_SUCCESS" and captured(out) == "s3cret", r
    # A wrong code: refused, and the password is handed on all the same.
    r = env.login(u, "hunter2000000", service="fwd", at=T0 + 60)
    assert r.result == "PAM_AUTH_ERR" and captured(out) == "hunter2", r


def test_forward_pass_eight_digits(env):
    script, out = capture_script(env)
    u = env.user()
    env.record(u, "--digits", 8)
    env.service("fwd8", lines=[
        f"auth required {MODULE} store={env.store} forward_pass",
        f"auth required pam_exec.so expose_authtok quiet {script}"])
    r = env.login(u, "pw42" + totp(T0, digits=8), service="fwd8", at=T0)
    assert r.result == "PAM_SUCCESS" and captured(out) == "pw42", r


def test_token_env_accepted(env):
    # Token signing is wired in by lib/token/token.c; the option itself parses
    # and never stands in the way of a login.
    u = env.user()
    env.record(u)
    env.service("tok", "token_env=TWOFA_TOKEN")
    r = env.login(u, totp(T0), service="tok", at=T0, env=["TWOFA_TOKEN"])
    assert r.result == "PAM_SUCCESS", r


@pytest.mark.parametrize("options", [
    "window=0 deny=0 unlock_time=0",
    "window=100 deny=1000 unlock_time=31536000",
    "nullok debug no_backup_codes echo try_first_pass",
])
def test_good_option_sets(env, options):
    u = env.user()
    env.record(u)
    env.service("ok", options)
    assert env.login(u, totp(T0), service="ok",
                     at=T0).result == "PAM_SUCCESS"


@pytest.mark.parametrize("options", [
    "bogus", "NULLOK", "debug=1", "window=", "window=abc", "window=101",
    "window=-1", "window=01", "window=1x", "window=+1", "window= 1",
    "deny=1001", "deny=", "unlock_time=31536001", "unlock_time=1e3",
    "unlock_time=99999999999999999999999", "store=relative/path", "store=",
    "prompt=", "token_env=", "token_env=1ABC", "token_env=A-B",
    "nullok nullok", "window=1 window=2", "try_first_pass use_first_pass",
    "forward_pass use_first_pass", "forward_pass try_first_pass",
    "forward_pass echo",
])
def test_bad_option_refuses(env, options):
    u = env.user()
    env.record(u)
    env.service("bad", options)
    r = env.login(u, totp(T0), service="bad", at=T0)
    assert r.result == "PAM_SERVICE_ERR", (options, r)
    assert r.prompts == []
    lines = env.log(u)
    assert len(lines) == 1 and "bad module option" in lines[0], lines
    assert env.dump(u)["next"] == 0


def test_bad_option_refuses_even_a_permit_stack(env):
    u = env.user()
    env.service("bad", lines=[f"auth optional {MODULE} store={env.store}",
                              f"auth required {MODULE} bogus",
                              "auth required pam_permit.so"])
    assert env.login(u, service="bad", at=T0).result != "PAM_SUCCESS"
