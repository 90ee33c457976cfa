# SPDX-License-Identifier: BSD-2-Clause
"""Run one login through the real libpam (pamconv.py) and print what
happened as JSON. Run as its own process so a test can put it under
libfaketime or start two at once.

  drive.py CONFDIR SERVICE USER [--silent] [--no-acct] [--rhost H]
           [--barrier PATH] ANSWER...

Each ANSWER answers the next prompt: "=TEXT" is typed as is; "@code" is
the TOTP code, computed here with Python's hmac, of the secret shown in
the enrollment prompt (the prompt being answered, or the last one that
showed a secret), "@code+N" the code N steps later; nothing left fails
the conversation (Ctrl-C). With --barrier, after a successful
pam_authenticate the driver creates PATH.ready<pid> and waits for PATH
to exist before pam_acct_mgmt, so two logins can race for the commit.
"""
import base64
import hashlib
import hmac
import json
import os
import re
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pamconv  # noqa: E402


def hotp(key, counter, digits=6):
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    v = struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF
    return str(v % 10 ** digits).zfill(digits)


SECRET_RE = re.compile(r"Secret, typed by hand:((?: [A-Z2-7]{1,4})+)\n")


def secret_of(text):
    m = SECRET_RE.search(text)
    if not m:
        return None
    b32 = m.group(1).replace(" ", "")
    return base64.b32decode(b32 + "=" * (-len(b32) % 8))


def main(argv):
    confdir, service, user = argv[:3]
    rest = argv[3:]
    opts = {"silent": False, "acct": True, "rhost": None, "barrier": None}
    answers = []
    i = 0
    while i < len(rest):
        a = rest[i]
        if a == "--silent":
            opts["silent"] = True
        elif a == "--no-acct":
            opts["acct"] = False
        elif a == "--env":
            opts.setdefault("env", []).append(rest[i + 1])
            i += 1
        elif a in ("--rhost", "--barrier"):
            opts[a[2:]] = rest[i + 1]
            i += 1
        else:
            answers.append(a)
        i += 1
    state = {"secret": None}

    def answer(style, text):
        s = secret_of(text)
        if s is not None:
            state["secret"] = s
        if not answers:
            return None
        a = answers.pop(0)
        if a.startswith("="):
            return a[1:]
        m = re.fullmatch(r"@code([+-]\d+)?", a)
        if m and state["secret"] is not None:
            off = int(m.group(1) or 0)
            return hotp(state["secret"], int(time.time()) // 30 + off)
        return "000000"

    def between():
        if not opts["barrier"]:
            return
        open(f"{opts['barrier']}.ready{os.getpid()}", "w").close()
        deadline = time.monotonic() + 30
        while not os.path.exists(opts["barrier"]):
            if time.monotonic() > deadline:
                break
            time.sleep(0.002)

    r = pamconv.login(confdir, service, user, answer,
                      silent=opts["silent"], acct=opts["acct"],
                      rhost=opts["rhost"], between=between,
                      env_names=opts.get("env", []))
    print(json.dumps({
        "auth": r.auth, "acct": r.acct, "messages": r.messages,
        "env": r.env,
        "secret": base64.b32encode(state["secret"]).decode()
        if state["secret"] else None,
    }))


if __name__ == "__main__":
    main(sys.argv[1:])
