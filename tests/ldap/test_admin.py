# SPDX-License-Identifier: BSD-2-Clause
"""Every twofa-admin command against the directory (store = ldap in
--conf FILE), host A on the provider and host B on the consumer, and
import store DIR moving a host's file records into the directory."""

import base64
import json
import os
import subprocess
import time

import slapd
from conftest import BUILD, totp

KEY = "3132333435363738393031323334353637383930"
B32 = base64.b32encode(bytes.fromhex(KEY)).decode()
TESTREC = BUILD / "tests" / "tools" / "twofa-testrec"
T0 = 1700000010


def now_code(ahead=0):
    """A code for the real clock (enroll and verify use it), not too
    close to the end of its step; ahead=1: the next step's (window 1
    accepts it), as the enrollment's confirmation used this one."""
    t = time.time()
    if t % 30 > 25:
        time.sleep(30 - t % 30 + 0.5)
    return totp(int(time.time()) + 30 * ahead)


def enroll(fleet, host, user, *args):
    p = host.admin("enroll", user, "--secret", "-", "--qr", "none", *args,
                   input=f"{B32}\n{now_code()}\n")
    if p.returncode == 0:
        fleet.wait_replicated(f"cn={user},{slapd.BASE}")
    return p


def test_enroll_status_verify_disable(fleet, hosts, user):
    a, b = hosts
    p = enroll(fleet, a, user, "--backup-codes", "3")
    assert p.returncode == 0, p.stderr
    # Enrolled once for every host: B sees it, and refuses a second one.
    assert enroll(fleet, b, user).returncode == 1
    p = b.admin("status", user, "--json")
    assert p.returncode == 0, p.stderr
    st = json.loads(p.stdout)
    st = st["users"][0] if "users" in st else st
    assert st["user"] == user and st["backup_codes_left"] == 3
    p = b.admin("status", "--json")
    assert user in [u["user"] for u in json.loads(p.stdout)["users"]]
    # verify consumes the code fleet-wide.
    code = now_code(ahead=1)
    assert b.admin("verify", user, input=code + "\n").returncode == 0
    assert a.admin("verify", user, input=code + "\n").returncode == 1
    p = a.admin("qr", user, "--qr", "none")
    assert p.returncode == 0 and B32 in p.stdout.replace(" ", ""), p.stdout
    assert b.admin("disable", user).returncode == 0
    assert a.admin("status", user).returncode == 1
    assert fleet.provider.search(f"cn={user},{slapd.BASE}") is None


def test_enroll_force_replaces_in_one_modify(fleet, hosts, user):
    a, b = hosts
    assert enroll(fleet, a, user).returncode == 0
    p = a.admin("enroll", user, "--no-confirm", "--force", "--qr", "none",
                "--type", "hotp", "--json")
    assert p.returncode == 0, p.stderr
    e = fleet.provider.search(f"cn={user},{slapd.BASE}")
    assert "oathHOTPToken" in e["objectClass"]
    assert "oathTOTPToken" not in e["objectClass"]
    assert "oathTOTPTimeStepPeriod" not in e
    assert e["twofaSeq"] == ["2"]  # a replace, never delete + add


def test_backup_codes_and_unlock(fleet, hosts, user):
    a, b = hosts
    assert enroll(fleet, a, user, "--backup-codes", "0").returncode == 0
    p = b.admin("backup-codes", user, "--count", "2", "--json")
    assert p.returncode == 0, p.stderr
    codes = json.loads(p.stdout)["backup_codes"]
    assert len(codes) == 2
    assert a.admin("verify", user, input=codes[0] + "\n").returncode == 0
    assert b.admin("verify", user, input=codes[0] + "\n").returncode == 1
    for _ in range(5):
        a.admin("verify", user, input="000000\n")
    p = b.admin("status", user, "--json")
    st = json.loads(p.stdout)
    st = st["users"][0] if "users" in st else st
    assert st["locked"] is True
    assert b.admin("unlock", user).returncode == 0
    assert a.admin("verify", user, input=codes[1] + "\n").returncode == 0


def test_directory_down_exit_3_naming_the_uri(fleet, hosts, user):
    a, b = hosts
    dead = f"ldap://127.0.0.1:{slapd.free_port()}"
    p = a.admin("status", conf=a.write_conf("dead.conf", ldap_uri=dead))
    assert p.returncode == 3
    assert len(p.stderr.splitlines()) == 1 and dead in p.stderr, p.stderr


def test_import_store(fleet, hosts, pamdir, user, secrets_dir):
    a, b = hosts
    store = secrets_dir / f"store-{user}"
    store.mkdir(mode=0o700)
    fresh, used, locked = f"{user}f", f"{user}u", f"{user}l"
    subprocess.run([str(TESTREC), "create", str(store), fresh], check=True)
    subprocess.run([str(TESTREC), "create", str(store), locked,
                    "--failures", "4", "--locked-until", "forever"],
                   check=True)
    step = T0 // 30
    subprocess.run([str(TESTREC), "create", str(store), used, "--next",
                    str(step + 1), "--failures", "3", "--backup", "11111111",
                    "--backup", "22222222"], check=True)
    # Burn backup code 0 on this host before the move.
    a_file = a.dir / "file.conf"
    a_file.write_text(f"store = {store}\n")
    os.chmod(a_file, 0o600)
    p = subprocess.run([str(BUILD / "twofa-admin"), "--conf", str(a_file),
                        "verify", used], input="11111111\n",
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    p = a.admin("import", "store", str(store))
    assert p.returncode == 0, p.stderr
    assert "3 users imported" in p.stdout
    # Again: refused as a whole (both exist), unless --force.
    assert a.admin("import", "store", str(store)).returncode == 1
    assert a.admin("import", "store", str(store), "--force").returncode == 0
    fleet.wait_replicated(f"cn={used},{slapd.BASE}")
    d = b.dump(used)
    assert d["next"] == str(step + 1)
    assert d["failures"] == "0"  # the backup code's success reset them
    assert d["backup_left"] == "1" and d["backup_used"] == "1"
    b.service(pamdir)
    # The guard came along: the imported host's last step is burnt.
    assert b.login(pamdir, used, totp(T0), at=T0).result == "PAM_AUTH_ERR"
    assert b.login(pamdir, used, "11111111", at=T0).result == "PAM_AUTH_ERR"
    assert b.login(pamdir, used, "22222222",
                   at=T0).result == "PAM_SUCCESS"
    assert b.login(pamdir, fresh, totp(T0),
                   at=T0).result == "PAM_SUCCESS"
    # Failures and a lock until an admin unlocks came along too.
    d = b.dump(locked)
    assert d["failures"] == "4" and d["locked_until"] == str(2 ** 64 - 1)
    p = b.login(pamdir, locked, totp(T0), at=T0)
    assert p.result == "PAM_AUTH_ERR" and "error:" in p.stdout


def test_invitation_across_hosts(fleet, hosts, pamdir, user):
    """SPEC §9 with store = ldap: invited on host A, enrolled at a login
    on host B (its consumer), and the new enrollment works on A."""
    import json as _json
    a, b = hosts
    p = a.admin("invite", user, "--json")
    assert p.returncode == 0, p.stderr
    ticket = _json.loads(p.stdout)["ticket"]
    e = fleet.provider.search(f"cn={user},{slapd.BASE}")
    assert "twofaTicket" in e and "oathSecret" not in e
    svc = "host-b-enroll"
    (pamdir / svc).write_text(
        f"auth required {BUILD / 'pam_twofa.so'} conf={b.conf} enroll\n"
        f"account required {BUILD / 'pam_twofa.so'} conf={b.conf}\n")
    from conftest import ROOT
    drive = ROOT / "tests" / "invite" / "drive.py"
    r = subprocess.run(["/usr/bin/python3", str(drive), str(pamdir), svc,
                        user, "=" + ticket, "@code"], capture_output=True,
                       text=True, timeout=120)
    res = _json.loads(r.stdout)
    assert (res["auth"], res["acct"]) == ("PAM_SUCCESS", "PAM_SUCCESS"), res
    e = fleet.provider.search(f"cn={user},{slapd.BASE}")
    assert "twofaTicket" not in e and "oathSecret" in e
    assert "oathTOTPParams" in e["objectClass"]
    # The ticket is spent fleet-wide; the new secret's next code works
    # on A.
    secret = base64.b32decode(res["secret"] + "=" * (-len(res["secret"])
                                                      % 8))
    code = totp(int(time.time()) + 30, key_hex=secret.hex())
    assert a.admin("verify", user, input=code + "\n").returncode == 0
