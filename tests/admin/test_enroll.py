# SPDX-License-Identifier: BSD-2-Clause
"""twofa-admin enroll, qr and verify, checked with independent tools:
oathtool for codes, pyotp for the URI, zbarimg for the QR codes."""
import base64
import os
import re
import subprocess
import urllib.parse

import pyotp
import pytest
from PIL import Image

from conftest import ADMIN, now, oathtool, parse_enroll

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # 160 bits


def enroll_interactive(admin, *args):
    """Enroll with a generated secret, confirming with an oathtool code
    computed from what was printed, as a user with a phone would."""
    p = subprocess.Popen([ADMIN, "--store", admin.store, "enroll", *args],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    lines = []
    while True:
        line = p.stdout.readline()
        assert line, "enroll ended before printing the secret"
        lines.append(line)
        if line.startswith("Secret: "):
            break
    secret = line[len("Secret: "):].strip().replace(" ", "")
    return p, secret, lines


def test_enroll_confirm_then_verify_once(admin):
    p, secret, _ = enroll_interactive(admin, "alice")
    assert len(base64.b32decode(secret + "=" * (-len(secret) % 8))) == 20
    out, err = p.communicate(oathtool(secret) + "\n", timeout=30)
    assert p.returncode == 0, err
    assert "Enrolled alice" in out
    st = os.stat(admin.record("alice"))
    assert st.st_mode & 0o777 == 0o600 and st.st_uid == 0

    # The confirmation code is used up; the next step's code works once.
    code = oathtool(secret, at=now() + 30)
    r = admin.run("verify", "alice", stdin=code + "\n")
    assert r.returncode == 0, r.stderr
    assert "accepted" in r.stdout
    r = admin.run("verify", "alice", stdin=code + "\n")
    assert r.returncode == 1
    assert "refused" in r.stderr


def test_enroll_hotp_confirm_and_verify(admin):
    p, secret, _ = enroll_interactive(admin, "bob", "--type", "hotp")
    out, err = p.communicate(oathtool(secret, hotp=0) + "\n", timeout=30)
    assert p.returncode == 0, err
    assert admin.run("verify", "bob",
                     stdin=oathtool(secret, hotp=0) + "\n").returncode == 1
    r = admin.run("verify", "bob", stdin=oathtool(secret, hotp=3) + "\n")
    assert r.returncode == 0, r.stderr
    # Counters up to the accepted one are gone.
    assert admin.run("verify", "bob",
                     stdin=oathtool(secret, hotp=2) + "\n").returncode == 1


@pytest.mark.parametrize("alg,digits,period", [
    ("SHA1", 6, 30), ("SHA256", 8, 60), ("SHA512", 7, 45)])
def test_uri_gives_same_codes_in_pyotp(admin, alg, digits, period):
    r = admin.run("enroll", "carol", "--no-confirm", "--algorithm", alg,
                  "--digits", str(digits), "--period", str(period),
                  "--issuer", "Example Corp")
    assert r.returncode == 0, r.stderr
    uri, secret, _ = parse_enroll(r.stdout)
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(uri).query)
    assert q["algorithm"] == [alg] and q["digits"] == [str(digits)]
    assert q["period"] == [str(period)] and q["issuer"] == ["Example Corp"]
    otp = pyotp.parse_uri(uri)
    assert otp.issuer == "Example Corp" and otp.name == "carol"
    for t in (now(), 1000000000, 2000000000):
        assert otp.at(t) == oathtool(secret, digits=digits, period=period,
                                     alg=alg, at=t)
    # ... and the tool accepts what pyotp computes from the URI.
    r = admin.run("verify", "carol", stdin=otp.now() + "\n")
    assert r.returncode == 0, r.stderr


def test_hotp_uri_has_counter(admin):
    r = admin.run("enroll", "dave", "--type", "hotp", "--no-confirm",
                  "--digits", "8")
    assert r.returncode == 0, r.stderr
    uri, secret, _ = parse_enroll(r.stdout)
    assert uri.startswith("otpauth://hotp/")
    otp = pyotp.parse_uri(uri)
    assert isinstance(otp, pyotp.HOTP)
    assert otp.at(0) == oathtool(secret, hotp=0, digits=8)
    assert "counter=0" in uri and "period" not in uri


def test_uri_percent_encodes_issuer_and_account(admin):
    r = admin.run("enroll", "e.ve@corp", "--no-confirm", "--secret", SECRET,
                  "--issuer", "ACME & Co/Ops?x=1")
    assert r.returncode == 0, r.stderr
    uri, _, _ = parse_enroll(r.stdout)
    assert uri.startswith(
        "otpauth://totp/ACME%20%26%20Co%2FOps%3Fx%3D1:e.ve%40corp?")
    # pyotp unquotes before splitting the query, so check with urllib.
    u = urllib.parse.urlsplit(uri)
    assert urllib.parse.unquote(u.path) == "/ACME & Co/Ops?x=1:e.ve@corp"
    assert urllib.parse.parse_qs(u.query)["issuer"] == ["ACME & Co/Ops?x=1"]
    r = admin.run("enroll", "frank", "--no-confirm", "--issuer", "Ops Team")
    otp = pyotp.parse_uri(parse_enroll(r.stdout)[0])
    assert otp.issuer == "Ops Team" and otp.name == "frank"


def zbar(path):
    r = subprocess.run(["zbarimg", "-q", "--raw", path], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_png_decodes_to_uri(admin):
    png = os.path.join(admin.root, "alice.png")
    r = admin.run("enroll", "alice", "--no-confirm", "--png", png)
    assert r.returncode == 0, r.stderr
    uri, _, _ = parse_enroll(r.stdout)
    assert os.stat(png).st_mode & 0o777 == 0o600
    assert zbar(png) == uri
    # qr shows the same again, to a new file only.
    r = admin.run("qr", "alice", "--png", png)
    assert r.returncode == 3 and "exists" in r.stderr
    png2 = os.path.join(admin.root, "again.png")
    r = admin.run("qr", "alice", "--png", png2, "--qr", "none")
    assert r.returncode == 0, r.stderr
    assert zbar(png2) == uri


def qr_block(out):
    """The lines between the URI line and the next text line."""
    lines = out.split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith("URI: ")) + 1
    end = next(i for i in range(start, len(lines))
               if lines[i].startswith(("Secret:", "QR code")) or
               lines[i] == "")
    return lines[start:end]


def to_png(rows, path, scale=6):
    """rows: lists of booleans, True = light."""
    h, w = len(rows), max(len(r) for r in rows)
    img = Image.new("L", (w * scale, h * scale), 255)
    px = img.load()
    for y, row in enumerate(rows):
        for x, light in enumerate(row):
            if not light:
                for dy in range(scale):
                    for dx in range(scale):
                        px[x * scale + dx, y * scale + dy] = 0
    img.save(path)


def decode_utf8(block):
    # Black on white set on each line; glyphs draw the dark modules:
    # full, upper and lower half blocks.
    top = {"\u2588": False, "\u2580": False, "\u2584": True, " ": True}
    bottom = {"\u2588": False, "\u2580": True, "\u2584": False, " ": True}
    rows = []
    for line in block:
        assert line.startswith("\x1b[30;47m") and line.endswith("\x1b[0m")
        line = line[len("\x1b[30;47m"):-len("\x1b[0m")]
        assert set(line) <= set(top), repr(line)
        rows.append([top[c] for c in line])
        rows.append([bottom[c] for c in line])
    return rows


def decode_ansi(block):
    rows = []
    for line in block:
        assert line.endswith("\x1b[0m")
        row, light = [], None
        for tok in re.findall(r"\x1b\[(\d+)m|(  )", line):
            if tok[0] == "47":
                light = True
            elif tok[0] == "40":
                light = False
            elif tok[1]:
                assert light is not None
                row.append(light)
        rows.append(row)
    return rows


def decode_ascii(block):
    return [[line[i:i + 2] != "##" for i in range(0, len(line), 2)]
            for line in block]


@pytest.mark.parametrize("style,decode", [
    ("utf8", decode_utf8), ("ansi", decode_ansi), ("ascii", decode_ascii)])
def test_terminal_qr_decodes_to_uri(admin, style, decode):
    r = admin.run("enroll", "alice", "--no-confirm", "--qr", style,
                  "--algorithm", "SHA256")
    assert r.returncode == 0, r.stderr
    uri, _, _ = parse_enroll(r.stdout)
    rows = decode(qr_block(r.stdout))
    # A quiet zone of 2 light modules on every side (TWOFA_QR_QUIET_TERM:
    # enough on a screen; the PNG keeps ISO's 4).
    for row in rows[:2] + rows[-2:]:
        assert all(row)
    for row in rows:
        assert all(row[:2]) and all(row[-2:])
    png = os.path.join(admin.root, style + ".png")
    to_png(rows, png)
    assert zbar(png) == uri
    # qr USER draws the same code again.
    r2 = admin.run("qr", "alice", "--qr", style)
    assert r2.returncode == 0, r2.stderr
    assert qr_block(r2.stdout) == qr_block(r.stdout)


def test_no_qr_when_stdout_is_not_a_terminal(admin):
    r = admin.run("enroll", "alice", "--no-confirm")
    assert r.returncode == 0
    assert qr_block(r.stdout) == []
    assert "\u2588" not in r.stdout and "\x1b[" not in r.stdout


def test_wrong_confirmation_writes_nothing(admin):
    png = os.path.join(admin.root, "q.png")
    t = now()
    valid = {oathtool(SECRET, at=t + d) for d in range(-90, 91, 30)}
    wrong = next(c for c in ("000000", "123456", "999999")
                 if c not in valid)
    r = admin.run("enroll", "alice", "--secret", SECRET, "--png", png,
                  stdin=wrong + "\n")
    assert r.returncode == 1
    assert "did not verify" in r.stderr and "nothing was written" in r.stderr
    assert not os.path.exists(admin.record("alice"))
    assert not os.path.exists(png)  # the secret's QR code is gone too
    assert [f for f in admin.files()] == []
    # No input at all is a refusal too.
    r = admin.run("enroll", "alice", "--secret", SECRET, stdin="")
    assert r.returncode == 1 and not os.path.exists(admin.record("alice"))


def test_confirmation_read_from_stdin_not_argv(admin):
    code = oathtool(SECRET)
    r = admin.run("enroll", "alice", "--secret", SECRET, code)
    assert r.returncode == 2
    assert not os.path.exists(admin.record("alice"))
    r = admin.run("enroll", "alice", "--secret", SECRET, stdin=code + "\n")
    assert r.returncode == 0, r.stderr
    r = admin.run("verify", "alice", oathtool(SECRET, at=now() + 30))
    assert r.returncode == 2


def test_existing_record_needs_force(admin):
    assert admin.run("enroll", "alice", "--no-confirm").returncode == 0
    with open(admin.record("alice"), "rb") as f:
        before = f.read()
    r = admin.run("enroll", "alice", "--no-confirm")
    assert r.returncode == 1
    assert "already enrolled" in r.stderr and admin.store in r.stderr
    assert "Secret:" not in r.stdout  # refused before showing a secret
    with open(admin.record("alice"), "rb") as f:
        assert f.read() == before
    r = admin.run("enroll", "alice", "--no-confirm", "--force",
                  "--secret", SECRET)
    assert r.returncode == 0, r.stderr
    r = admin.run("verify", "alice", stdin=oathtool(SECRET) + "\n")
    assert r.returncode == 0, r.stderr


def test_adopted_secret_must_be_128_bits(admin):
    r = admin.run("enroll", "alice", "--no-confirm", "--secret",
                  "JBSWY3DPEHPK3PXP")  # 80 bits
    assert r.returncode == 2 and "128" in r.stderr
    r = admin.run("enroll", "alice", "--no-confirm", "--secret", "not*b32")
    assert r.returncode == 2 and "base32" in r.stderr
    assert admin.files() == []


def test_secret_printed_in_groups_of_four(admin):
    r = admin.run("enroll", "alice", "--no-confirm", "--secret", SECRET)
    assert "Secret: JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP\n" in r.stdout
