# SPDX-License-Identifier: BSD-2-Clause
"""Accepting codes: TOTP, HOTP, algorithms, digits, window, replay guard,
backup codes."""

import subprocess

import pytest

from conftest import SECRET_HEX, T0, hotp, step, totp


def test_totp_accepted_once(env):
    u = env.user()
    env.record(u)
    code = totp(T0)
    r = env.login(u, code, at=T0, setcred=True)
    assert r.result == "PAM_SUCCESS", r
    assert "setcred: PAM_SUCCESS" in r.lines
    assert r.prompts == ["prompt-echo-off: Verification code: "]
    assert env.dump(u)["next"] == step(T0) + 1
    # The same code again, still inside its window: refused.
    r = env.login(u, code, at=T0 + 5)
    assert r.result == "PAM_AUTH_ERR", r
    assert env.dump(u)["failures"] == 1


def test_wrong_code_refused_and_counted(env):
    u = env.user()
    env.record(u)
    good = totp(T0)
    wrong = str((int(good) + 1) % 10 ** 6).zfill(6)
    r = env.login(u, wrong, at=T0)
    assert r.result == "PAM_AUTH_ERR", r
    d = env.dump(u)
    assert d["failures"] == 1 and d["next"] == 0
    # Garbage of every shape is just a wrong code (deny=0: no lock here).
    env.service("nolock", "deny=0")
    for junk in ["", "abc", "12345", "123456789", good + " ", " " * 600,
                 good + "\t", "\u00e9" * 3]:
        r = env.login(u, junk, service="nolock", at=T0)
        assert r.result == "PAM_AUTH_ERR", (junk, r)
    assert env.dump(u)["failures"] == 9
    # A good code resets the failure count.
    assert env.login(u, good, service="nolock",
                     at=T0).result == "PAM_SUCCESS"
    assert env.dump(u)["failures"] == 0


def test_older_code_after_newer_refused(env):
    u = env.user()
    env.record(u, "--window", 1)
    # The next step's code is inside the window, and accepted...
    assert env.login(u, totp(T0, offset=1), at=T0).result == "PAM_SUCCESS"
    # ...after which the current one, also inside it, is too old.
    assert env.login(u, totp(T0), at=T0).result == "PAM_AUTH_ERR"
    assert env.login(u, totp(T0, offset=-1), at=T0).result == "PAM_AUTH_ERR"


@pytest.mark.parametrize("offset,ok", [(-2, True), (-1, True), (0, True),
                                       (1, True), (2, True), (-3, False),
                                       (3, False)])
def test_record_window_edges(env, offset, ok):
    u = env.user()
    env.record(u, "--window", 2)
    r = env.login(u, totp(T0, offset=offset), at=T0)
    assert r.result == ("PAM_SUCCESS" if ok else "PAM_AUTH_ERR"), r


@pytest.mark.parametrize("offset,ok", [(-4, True), (4, True), (-5, False),
                                       (5, False)])
def test_window_option_overrides_record(env, offset, ok):
    u = env.user()
    env.record(u, "--window", 1)
    env.service("w4", "window=4")
    r = env.login(u, totp(T0, offset=offset), service="w4", at=T0)
    assert r.result == ("PAM_SUCCESS" if ok else "PAM_AUTH_ERR"), r


def test_window_zero_only_now(env):
    u = env.user()
    env.record(u, "--window", 3)
    env.service("w0", "window=0")
    assert env.login(u, totp(T0, offset=1), service="w0",
                     at=T0).result == "PAM_AUTH_ERR"
    assert env.login(u, totp(T0), service="w0", at=T0).result == "PAM_SUCCESS"


def test_hotp_counter_and_look_ahead(env):
    u = env.user()
    env.record(u, "--type", "hotp", "--window", 10)
    assert env.login(u, hotp(0)).result == "PAM_SUCCESS"
    assert env.dump(u)["next"] == 1
    assert env.login(u, hotp(0)).result == "PAM_AUTH_ERR"  # replay
    # Look-ahead: counter 5 when 1 is expected.
    assert env.login(u, hotp(5)).result == "PAM_SUCCESS"
    assert env.dump(u)["next"] == 6
    # Older than the last accepted one.
    assert env.login(u, hotp(3)).result == "PAM_AUTH_ERR"
    # 10 ahead of next (6) is the edge: 17 is beyond, 16 is inside.
    assert env.login(u, hotp(17)).result == "PAM_AUTH_ERR"
    assert env.login(u, hotp(16)).result == "PAM_SUCCESS"
    assert env.dump(u)["next"] == 17


def test_hotp_window_option(env):
    u = env.user()
    env.record(u, "--type", "hotp", "--window", 10)
    env.service("h2", "window=2")
    assert env.login(u, hotp(3), service="h2").result == "PAM_AUTH_ERR"
    assert env.login(u, hotp(2), service="h2").result == "PAM_SUCCESS"


def oathtool(alg, digits, t, key=SECRET_HEX):
    when = f"@{t}"
    out = subprocess.run(["oathtool", f"--totp={alg.lower()}",
                          f"--digits={digits}", f"--now={when}", key],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


@pytest.mark.parametrize("alg,digits", [("SHA1", 6), ("SHA1", 8),
                                        ("SHA256", 6), ("SHA256", 8),
                                        ("SHA512", 7), ("SHA512", 8)])
def test_algorithms_and_digits(env, alg, digits):
    key = SECRET_HEX * 3  # 60 bytes, fine for all three
    u = env.user()
    env.record(u, "--alg", alg, "--digits", digits, "--secret-hex", key)
    code = oathtool(alg, digits, T0, key)
    assert code == totp(T0, key, digits, alg)  # two independent sources
    # A code of the wrong length never matches.
    assert env.login(u, code[1:], at=T0).result == "PAM_AUTH_ERR"
    assert env.login(u, code, at=T0).result == "PAM_SUCCESS"


def test_period_60(env):
    u = env.user()
    env.record(u, "--period", 60, "--window", 0)
    assert env.login(u, totp(T0 + 30, period=60),
                     at=T0 + 30).result == "PAM_SUCCESS"


def test_backup_code_once_with_count(env):
    u = env.user()
    env.record(u, "--backup", "12345678", "--backup", "87654321",
               "--backup", "11112222")
    r = env.login(u, "1234 5678", at=T0)
    assert r.result == "PAM_SUCCESS", r
    assert r.infos == ["Backup code accepted; 2 left"]
    assert env.dump(u)["backup_left"] == 2
    # Used: gone, with or without the space.
    assert env.login(u, "12345678", at=T0).result == "PAM_AUTH_ERR"
    assert env.login(u, "1234 5678", at=T0).result == "PAM_AUTH_ERR"
    r = env.login(u, "87654321", at=T0)
    assert r.result == "PAM_SUCCESS" and r.infos == [
        "Backup code accepted; 1 left"]
    # PAM_SILENT: accepted without the message.
    r = env.login(u, "1111 2222", at=T0, silent=True)
    assert r.result == "PAM_SUCCESS" and r.infos == []
    assert env.dump(u)["backup_left"] == 0


def test_no_backup_codes_option(env):
    u = env.user()
    env.record(u, "--backup", "12345678")
    env.service("nb", "no_backup_codes")
    r = env.login(u, "12345678", service="nb", at=T0)
    assert r.result == "PAM_AUTH_ERR" and r.infos == []
    d = env.dump(u)
    assert d["backup_left"] == 1 and d["failures"] == 1
    # The OTP still works there.
    assert env.login(u, totp(T0), service="nb", at=T0).result == "PAM_SUCCESS"


def test_no_answer_is_conv_error_and_not_counted(env):
    u = env.user()
    env.record(u)
    r = env.login(u, at=T0)  # no answer: the conversation fails
    assert r.result in ("PAM_CONV_ERR", "PAM_AUTH_ERR"), r
    assert r.result != "PAM_SUCCESS"
    assert env.dump(u)["failures"] == 0
