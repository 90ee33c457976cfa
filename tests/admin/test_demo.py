# SPDX-License-Identifier: BSD-2-Clause
"""make demo's script: the flow it shows must really happen."""
import os
import re
import subprocess

import pytest

from conftest import ADMIN

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.dirname(ADMIN)


def test_demo_flow():
    for f in ("pam_twofa.so", "tests/tools/pamrun",
              "tests/tools/syslog-sink"):
        if not os.path.exists(os.path.join(BUILD, f)):
            pytest.skip("%s not built" % f)
    def demos():
        return {n for n in os.listdir("/run") if n.startswith("twofa-demo.")}
    before = demos()
    r = subprocess.run(["sh", os.path.join(ROOT, "tools", "demo.sh"), BUILD],
                       capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    assert "Enrolled demo" in out
    assert "\u2588" in out or "\x1b[47m" in out  # the QR code
    assert re.findall(r"result: (PAM_\w+)", out) == [
        "PAM_SUCCESS", "PAM_AUTH_ERR", "PAM_SUCCESS", "PAM_AUTH_ERR",
        "PAM_SUCCESS"]
    assert "info: Backup code accepted; 9 left" in out
    assert "method=backup outcome=success" in out  # the module's log line
    # Step 6: a token in the PAM environment and one from twofa-admin,
    # accepted by verify-token for its audience only.
    assert re.search(r"env TWOFA_TOKEN=[\w-]+\.[\w-]+\.[\w-]+", out)
    assert '"aud":"git.example"' in out and '"sub":"demo"' in out
    assert "invalid token: token is for an audience" in out
    # The sandbox is gone.
    sandbox = re.search(r"Sandbox (/run/twofa-demo\.\w+) removed", out)
    assert sandbox and not os.path.exists(sandbox.group(1))
    assert demos() - before == set()
