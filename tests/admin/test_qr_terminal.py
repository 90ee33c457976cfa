# SPDX-License-Identifier: BSD-2-Clause
"""The terminal QR code as a person sees it (issue 13): the text
twofa-admin prints is drawn the way a terminal draws it (a monospace
font, cell backgrounds, the SGR colours it sets, the theme's own colours
for the rest) on a light and on a dark theme, and zbarimg must read the
URI back from the picture. A code wider than the terminal is not
printed, with a message instead. Font: DejaVu Sans Mono (fonts-dejavu-core)."""
import fcntl
import os
import re
import struct
import subprocess
import termios

import pytest
from PIL import Image, ImageDraw, ImageFont

from conftest import ADMIN, parse_enroll
from test_tty import Tty, env_with

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

# xterm's palette for SGR 30-37 / 40-47, and 90-97 / 100-107.
PALETTE = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
           (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229)]
BRIGHT = [(127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
          (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255)]
THEMES = {  # default foreground, background
    "light": ((0, 0, 0), (255, 255, 255)),
    "dark": ((204, 204, 204), (24, 24, 24)),
}


def cells(text):
    """Terminal cells of text: rows of (char, fg, bg), None = default."""
    rows = []
    for line in text.split("\n"):
        fg = bg = None
        row = []
        for m in re.finditer(r"\x1b\[([0-9;]*)m|(.)", line):
            if m.group(2) is not None:
                row.append((m.group(2), fg, bg))
                continue
            for p in (m.group(1) or "0").split(";"):
                n = int(p or 0)
                if n == 0:
                    fg = bg = None
                elif 30 <= n <= 37:
                    fg = PALETTE[n - 30]
                elif 40 <= n <= 47:
                    bg = PALETTE[n - 40]
                elif 90 <= n <= 97:
                    fg = BRIGHT[n - 90]
                elif 100 <= n <= 107:
                    bg = BRIGHT[n - 100]
                elif n == 39:
                    fg = None
                elif n == 49:
                    bg = None
                else:
                    raise AssertionError("unexpected SGR %d" % n)
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def draw(text, theme, path, size=16, margin=3):
    """Draw text as a terminal with this theme and font would."""
    deffg, defbg = THEMES[theme]
    font = ImageFont.truetype(FONT, size)
    ascent, descent = font.getmetrics()
    cw = round(font.getlength("M"))
    ch = ascent + descent
    rows = cells(text)
    ncols = max(len(r) for r in rows)
    img = Image.new("RGB", ((ncols + 2 * margin) * cw,
                            (len(rows) + 2 * margin) * ch), defbg)
    d = ImageDraw.Draw(img)
    for y, row in enumerate(rows):
        for x, (c, fg, bg) in enumerate(row):
            x0, y0 = (x + margin) * cw, (y + margin) * ch
            d.rectangle([x0, y0, x0 + cw - 1, y0 + ch - 1], fill=bg or defbg)
            if c != " ":
                d.text((x0, y0), c, font=font, fill=fg or deffg)
    img.save(path)


def zbar(path):
    r = subprocess.run(["zbarimg", "--raw", "-q", path],
                       capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else None


def qr_text(out):
    """The QR code's lines: after the URI line, up to the secret."""
    lines = out.split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith("URI: ")) + 1
    end = next(i for i in range(start, len(lines))
               if lines[i].startswith(("Secret:", "QR code")) or
               lines[i] == "")
    return "\n".join(lines[start:end]) + "\n"


def enroll(admin, style, issuer="mail.example.com"):
    r = admin.run("enroll", "alice", "--no-confirm", "--qr", style,
                  "--issuer", issuer, "--secret", SECRET)
    assert r.returncode == 0, r.stderr
    uri, _, _ = parse_enroll(r.stdout)
    return uri, qr_text(r.stdout)


# ascii is left out: "##" in a real font is a sparse grid of strokes,
# and neither zbarimg nor a phone reads it from the screen (its module
# grid is checked in test_enroll.py; it is for logs and tickets).
@pytest.mark.parametrize("style,themes", [
    ("utf8", ("light", "dark")),   # the default on a UTF-8 terminal
    ("ansi", ("light", "dark")),   # the default on other terminals
])
def test_terminal_qr_decodes_as_seen(admin, style, themes):
    uri, text = enroll(admin, style)
    for theme in themes:
        png = os.path.join(admin.root, "%s-%s.png" % (style, theme))
        draw(text, theme, png)
        assert zbar(png) == uri, (style, theme)


def test_utf8_sets_black_on_white_on_every_line(admin):
    _, text = enroll(admin, "utf8")
    for line in text.rstrip("\n").split("\n"):
        assert line.startswith("\x1b[30;47m") and line.endswith("\x1b[0m")


def test_utf8_size(admin):
    """As small as reliable scanning allows: error correction L (as
    google-authenticator) and a 2-module quiet zone. For a usual URI
    (issuer of 16 characters, 160-bit secret, every parameter) that is
    version 6: 45 columns by 23 lines; before (level M, 4-module quiet
    zone, version 7): 57 x 29."""
    _, text = enroll(admin, "utf8")
    rows = cells(text)
    assert len({len(r) for r in rows}) == 1
    assert (len(rows[0]), len(rows)) == (45, 23)


def winsize(cols, rows=50):
    return struct.pack("HHHH", rows, cols, 0, 0)


class SizedTty(Tty):
    def __init__(self, args, env, cols):
        self.cols = cols
        super().__init__(args, env)

    def _controlling_tty(self):
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
        fcntl.ioctl(0, termios.TIOCSWINSZ, winsize(self.cols))


@pytest.mark.parametrize("style,need", [("utf8", 45), ("ansi", 90)])
def test_never_wraps(admin, style, need):
    assert admin.run("enroll", "alice", "--no-confirm", "--qr", "none",
                     "--secret", SECRET).returncode == 0
    args = ["--store", admin.store, "qr", "alice", "--qr", style,
            "--issuer", "mail.example.com"]
    t = SizedTty(args, env_with("C.UTF-8"), need - 1)
    rc, out = t.finish()
    assert rc == 0, out
    assert ("the QR code needs %d columns but the terminal has %d"
            % (need, need - 1)) in out
    assert "--png FILE" in out
    assert "\u2588" not in out and "\x1b[4" not in out
    assert "URI: otpauth://" in out
    t = SizedTty(args, env_with("C.UTF-8"), need)
    rc, out = t.finish()
    assert rc == 0, out
    assert "needs" not in out
    text = qr_text(out.replace("\r\n", "\n"))
    assert max(len(r) for r in cells(text)) == need
