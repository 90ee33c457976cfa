# SPDX-License-Identifier: BSD-2-Clause
"""One authpriv line per decision: user, service, rhost, method, outcome;
never a code or the secret."""

import base64

from conftest import SECRET_HEX, T0, hotp, syslog_text, totp


def fields(line):
    body = line.split("): ", 1)[1]
    return dict(p.split("=", 1) for p in body.split(" ") if "=" in p)


def test_log_lines_for_each_outcome(env):
    u = env.user()
    env.record(u, "--backup", "12345678")
    typed = [totp(T0), "000000", "1234 5678", "1234 5678"]
    for t in typed:
        env.login(u, t, at=T0, rhost="192.0.2.7")
    lines = env.log(u)
    assert len(lines) == 4, lines
    f = [fields(l) for l in lines]
    for x in f:
        assert x["user"] == u and x["service"] == "twofa-test"
        assert x["rhost"] == "192.0.2.7"
    assert (f[0]["method"], f[0]["outcome"]) == ("totp", "success")
    assert (f[1]["method"], f[1]["outcome"]) == ("totp", "failure")
    assert (f[2]["method"], f[2]["outcome"]) == ("backup", "success")
    # A used backup code again: logged as the backup attempt it was.
    assert (f[3]["method"], f[3]["outcome"]) == ("backup", "failure")
    for l in lines:
        assert l.startswith("<8"), l  # facility authpriv (10 << 3)
    assert lines[0].startswith("<86>")  # authpriv.info
    secret_b32 = base64.b32encode(bytes.fromhex(SECRET_HEX)).decode()
    for l in lines:
        for t in typed + ["12345678"]:
            assert t not in l, l
        assert SECRET_HEX not in l and secret_b32 not in l


def test_hotp_method_logged(env):
    u = env.user()
    env.record(u, "--type", "hotp")
    env.login(u, hotp(0))
    assert fields(env.log(u)[0])["method"] == "hotp"


def test_no_code_anywhere_in_the_log(env):
    u = env.user()
    env.record(u)
    codes = [totp(T0 + 30 * i) for i in range(4)]
    env.service("dbg", "debug")
    for i, c in enumerate(codes):
        env.login(u, c, service="dbg", at=T0 + 30 * i)
        env.login(u, c, service="dbg", at=T0 + 30 * i)  # replay
    text = syslog_text()
    for c in codes:
        assert c not in text


def test_names_cannot_forge_fields(env):
    tag = env.user("x")
    evil = tag + " outcome=success"
    env.login(evil, "000000", at=T0, rhost="h method=backup")
    text = syslog_text().splitlines()
    mine = [l for l in text if f"user={tag}?outcome=success" in l]
    assert len(mine) == 1, text[-3:]
    assert " outcome=success" not in mine[0]
    assert "rhost=h?method=backup" in mine[0]
    assert fields(mine[0])["outcome"] == "no-record"
