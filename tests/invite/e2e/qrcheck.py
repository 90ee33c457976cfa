# SPDX-License-Identifier: BSD-2-Clause
"""qrcheck.py TRANSCRIPT: the QR code a terminal showed during a
self-enrollment decodes (zbarimg) to the otpauth URI shown beside it.
Prints the URI; exit 1 if not."""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
from conftest import qr_decode  # noqa: E402

text = open(sys.argv[1], encoding="utf-8").read().replace("\r", "")
m = re.search(r"otpauth://\S+", text)
if not m:
    sys.exit("no otpauth URI in the transcript")
got = qr_decode(text)
if got != m.group(0):
    sys.exit(f"QR code reads {got!r}, URI is {m.group(0)!r}")
print(got)
