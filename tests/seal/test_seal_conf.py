# SPDX-License-Identifier: BSD-2-Clause
"""twofa.conf for sealing: record_key names the key file for twofa-admin
(--conf) and the module (conf=) alike, and require_encrypted = yes makes
the module refuse plain records as the module option does."""

import os

from conftest import T0, admin, mc, totp


def conf(env, *lines):
    path = env.base / "twofa.conf"
    path.write_text("".join(l + "\n" for l in lines))
    os.chmod(path, 0o644)
    return path


def test_record_key_from_conf(env, nokey):
    keys = env.base / "keys"
    keys.mkdir(mode=0o755)
    key = keys / "records.key"
    c = conf(env, f"store = {env.store}", f"record_key = {key}")
    r = admin("--conf", c, "keygen", "--records")
    assert r.returncode == 0, r.stderr
    assert key.exists() and not os.path.exists("/etc/twofa/record.key")
    u = env.user()
    r = admin("--conf", c, "enroll", u, "--secret",
              "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "--no-confirm", "--qr",
              "none")
    assert r.returncode == 0, r.stderr
    assert (env.store / u).read_text().startswith("twofa-record 2\n")
    env.service("c", f"conf={c}", store=False)
    assert env.login(u, totp(T0), service="c", at=T0).result == \
        "PAM_SUCCESS"
    # Without the conf the module looks for /etc/twofa/record.key: none.
    assert env.login(u, totp(T0 + 30), at=T0 + 30).result == \
        "PAM_AUTHINFO_UNAVAIL"
    r = admin("--conf", c, "status", "--json", u)
    assert r.returncode == 0 and key.read_text().split("\n")[1].split()[1] \
        in r.stdout


def test_require_encrypted_from_conf(env, nokey):
    plain = env.user()
    env.record(plain)
    c = conf(env, f"store = {env.store}", "require_encrypted = yes")
    env.service("c", f"conf={c}", store=False)
    r = env.login(plain, totp(T0), service="c", at=T0)
    assert r.result == "PAM_AUTHINFO_UNAVAIL", r
    assert any("not sealed" in l for l in env.log(plain))
    c = conf(env, f"store = {env.store}", "require_encrypted = no")
    assert env.login(plain, totp(T0), service="c", at=T0).result == \
        "PAM_SUCCESS"
    c = conf(env, f"store = {env.store}", "require_encrypted = on")
    r = env.login(plain, totp(T0 + 30), service="c", at=T0 + 30)
    assert r.result == "PAM_SERVICE_ERR", r
