# SPDX-License-Identifier: BSD-2-Clause
"""twofa-admin verify says why a code was refused, as the log line does
(issue 13). Codes from oathtool."""
from conftest import now, oathtool, parse_enroll

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_verify_names_the_reason(admin):
    r = admin.run("enroll", "alice", "--no-confirm", "--qr", "none",
                  "--secret", SECRET)
    assert r.returncode == 0, r.stderr
    _, _, backup = parse_enroll(r.stdout)
    t = now()
    near = {oathtool(SECRET, at=t + 30 * d) for d in range(-12, 13)}
    wrong = next(c for c in ("000000", "111111", "222222") if c not in near)
    code = oathtool(SECRET, at=t)
    cases = [
        (code, 0, None),
        (code, 1, "replay"),
        (oathtool(SECRET, at=t + 150), 1, "window"),
        (wrong, 1, "wrong"),
        (backup[0], 0, None),
        (backup[0], 1, "backup-used"),
    ]
    for typed, rc, reason in cases:
        r = admin.run("verify", "alice", stdin=typed + "\n")
        assert r.returncode == rc, (typed, r.stdout, r.stderr)
        if reason:
            assert "code refused: reason=%s (" % reason in r.stderr, \
                r.stderr
        assert typed not in r.stderr
        # unlock between attempts: the reasons, not the lockout, matter
        assert admin.run("unlock", "alice").returncode == 0


def test_verify_while_locked_says_reason_locked(admin):
    r = admin.run("enroll", "alice", "--no-confirm", "--qr", "none",
                  "--secret", SECRET)
    assert r.returncode == 0, r.stderr
    for _ in range(5):
        admin.run("verify", "alice", stdin="000000\n")
    r = admin.run("verify", "alice", stdin=oathtool(SECRET) + "\n")
    assert r.returncode == 1
    assert "alice: code not checked: reason=locked" in r.stderr
    assert "locked until" in r.stderr
