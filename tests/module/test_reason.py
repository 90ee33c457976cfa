# SPDX-License-Identifier: BSD-2-Clause
"""The log line says why a code was refused (issue 13): reason=wrong,
replay, window, backup-used or locked, through the real libpam and the
shipped module; codes from Python's hmac (conftest), never logged."""

from conftest import T0, hotp, totp


def fields(line):
    body = line.split("): ", 1)[1]
    return dict(p.split("=", 1) for p in body.split(" ") if "=" in p)


def refusals(env, u):
    return [(f["outcome"], f.get("reason")) for f in map(fields, env.log(u))
            if f["outcome"] != "success"]


def wrong_code(at):
    """A 6-digit text that is no code of the secret within 20 steps."""
    near = {totp(at, offset=d) for d in range(-20, 21)}
    return next(c for c in ("000000", "111111", "222222", "333333")
                if c not in near)


def test_totp_reasons(env):
    u = env.user()
    env.record(u, "--backup", "12345678")
    env.service("nodeny", "deny=0")  # eight refusals, no lockout
    answers = [
        (totp(T0), "success"),
        (totp(T0), "replay"),              # the same code again
        (totp(T0, offset=-1), "replay"),   # an older one, inside the window
        (totp(T0, offset=4), "window"),    # real, but 2 minutes ahead
        (totp(T0, offset=-6), "replay"),   # far behind: behind the guard
        (wrong_code(T0), "wrong"),
        ("1234 5678", "success"),
        ("1234 5678", "backup-used"),
        ("8765 4321", "wrong"),
    ]
    for typed, _ in answers:
        env.login(u, typed, at=T0, service="nodeny")
    lines = env.log(u)
    assert len(lines) == len(answers), lines
    for line, (typed, want) in zip(lines, answers):
        f = fields(line)
        if want == "success":
            assert f["outcome"] == "success", line
            assert "reason" not in f
        else:
            assert (f["outcome"], f["reason"]) == ("failure", want), line
        assert typed not in line and typed.replace(" ", "") not in line


def test_window_behind_is_window_when_nothing_was_used(env):
    u = env.user()
    env.record(u)
    env.login(u, totp(T0, offset=-5), at=T0)
    assert refusals(env, u) == [("failure", "window")]


def test_hotp_reasons(env):
    u = env.user()
    env.record(u, "--type", "hotp")
    for typed in (hotp(3), hotp(3), hotp(1), hotp(25), hotp(13 + 11)):
        env.login(u, typed)
    # 3 accepted (guard 4); 3 and 1 behind it; 25 beyond the look-ahead
    # (4..14) and its span; 24 within the span past the look-ahead.
    assert refusals(env, u) == [("failure", "replay"),
                                ("failure", "replay"),
                                ("failure", "wrong"),
                                ("failure", "window")]


def test_locked_and_locking_lines(env):
    u = env.user()
    env.record(u, "--failures", 4)
    env.login(u, wrong_code(T0), at=T0)          # 5th failure: locks
    env.login(u, totp(T0), at=T0 + 1)            # locked: not even checked
    got = [fields(l) for l in env.log(u)]
    assert (got[0]["outcome"], got[0]["reason"]) == ("failure", "wrong")
    assert "locked_until" in got[0]
    assert (got[1]["outcome"], got[1]["reason"]) == ("locked", "locked")
