# SPDX-License-Identifier: BSD-2-Clause
"""Sealed secrets in the directory (SPEC sections 7 and 8): with a record
key (record_key in each host's twofa.conf), an enrollment's secret lives
sealed in twofaSealedSecret and oathSecret is absent; logins work on both
hosts; the sealed value moved to another user's entry, or a host without
the key, is refused (PAM_AUTHINFO_UNAVAIL), never "no record"; rekey
moves directory records to a new key."""

import base64
import json
import os

import slapd
from conftest import totp

T0 = 1700000010
KEY = "3132333435363738393031323334353637383930"


def keyed(hosts, secrets_dir):
    """Both hosts' twofa.conf name one record key file (as a site copies
    its key to every host); made by keygen --records on host A."""
    keys = secrets_dir / "keys"
    keys.mkdir(mode=0o755, exist_ok=True)
    key = keys / "record.key"
    confs = [h.write_conf(f"{h.name}-sealed.conf", record_key=str(key))
             for h in hosts]
    if not key.exists():
        p = hosts[0].admin("keygen", "--records", conf=confs[0])
        assert p.returncode == 0, p.stderr
    return key, confs


def enroll(fleet, host, conf, user):
    b32 = base64.b32encode(bytes.fromhex(KEY)).decode()
    p = host.admin("enroll", user, "--secret", "-", "--no-confirm", "--qr",
                   "none", input=b32 + "\n", conf=conf)
    assert p.returncode == 0, p.stderr
    fleet.wait_replicated(f"cn={user},{slapd.BASE}")


def entry(fleet, user):
    return fleet.provider.search(f"cn={user},{slapd.BASE}")


def test_sealed_in_the_directory(fleet, hosts, pamdir, secrets_dir, user):
    a, b = hosts
    key, (ca, cb) = keyed(hosts, secrets_dir)
    enroll(fleet, a, ca, user)
    e = entry(fleet, user)
    assert "oathSecret" not in e, e
    assert len(e["twofaSealedSecret"]) == 1
    raw = bytes.fromhex(KEY)
    b32 = base64.b32encode(raw).rstrip(b"=")
    for values in e.values():
        for v in values:
            v = slapd.as_bytes(v)
            for form in (raw, b32, b32.lower(), KEY.encode()):
                assert form not in v, (form, v)
    a.service(pamdir, conf=ca)
    b.service(pamdir, conf=cb)
    p = a.login(pamdir, user, totp(T0), at=T0)
    assert p.result == "PAM_SUCCESS", (p.stdout, p.stderr)
    p = b.login(pamdir, user, totp(T0), at=T0 + 5)
    assert p.result == "PAM_AUTH_ERR"
    p = b.login(pamdir, user, totp(T0 + 30), at=T0 + 30)
    assert p.result == "PAM_SUCCESS", (p.stdout, p.stderr)
    # status over the directory names the key.
    p = a.admin("status", "--json", user, conf=ca)
    assert p.returncode == 0, p.stderr
    st = json.loads(p.stdout)
    st = st["users"][0] if "users" in st else st
    kid = [l.split()[1] for l in key.read_text().splitlines()
           if l.startswith("key ")][0]
    assert st["sealed_with"] == kid


def test_sealed_value_moved_to_another_user(fleet, hosts, pamdir,
                                            secrets_dir, user):
    a, _ = hosts
    key, (ca, _) = keyed(hosts, secrets_dir)
    other = user + "o"
    enroll(fleet, a, ca, user)
    enroll(fleet, a, ca, other)
    sealed = slapd.as_bytes(entry(fleet, user)["twofaSealedSecret"][0])
    fleet.provider.ldap("ldapmodify", input=(
        f"dn: cn={other},{slapd.BASE}\nchangetype: modify\n"
        f"replace: twofaSealedSecret\ntwofaSealedSecret: "
        f"{sealed.decode()}\n"))
    a.service(pamdir, conf=ca)
    for opts in ("", "nullok"):
        a.service(pamdir, opts, conf=ca)
        p = a.login(pamdir, other, totp(T0), at=T0)
        assert p.result == "PAM_AUTHINFO_UNAVAIL", (opts, p.stdout)
    # disable needs no secret: the tampered entry can still be removed.
    p = a.admin("disable", other, conf=ca)
    assert p.returncode == 0, p.stderr
    assert entry(fleet, other) is None


def test_host_without_the_key(fleet, hosts, pamdir, secrets_dir, user):
    a, b = hosts
    key, (ca, _) = keyed(hosts, secrets_dir)
    enroll(fleet, a, ca, user)
    nokey = b.write_conf(f"{b.name}-nokey.conf",
                         record_key=str(secrets_dir / "keys" / "none.key"))
    b.service(pamdir, conf=nokey)
    p = b.login(pamdir, user, totp(T0), at=T0)
    assert p.result == "PAM_AUTHINFO_UNAVAIL", (p.stdout, p.stderr)


def test_rekey_in_the_directory(fleet, hosts, pamdir, secrets_dir, user):
    a, _ = hosts
    key, (ca, _) = keyed(hosts, secrets_dir)
    enroll(fleet, a, ca, user)
    before = slapd.as_bytes(entry(fleet, user)["twofaSealedSecret"][0])
    p = a.admin("keygen", "--records", "--rotate", conf=ca)
    assert p.returncode == 0, p.stderr
    new = [l.split()[1] for l in key.read_text().splitlines()
           if l.startswith("key ")][0]
    p = a.admin("rekey", conf=ca)
    assert p.returncode == 0, p.stderr
    after = slapd.as_bytes(entry(fleet, user)["twofaSealedSecret"][0])
    assert after != before and after.startswith(new.encode() + b" ")
    assert "oathSecret" not in entry(fleet, user)
    a.service(pamdir, conf=ca)
    p = a.login(pamdir, user, totp(T0 + 60), at=T0 + 60)
    assert p.result == "PAM_SUCCESS", (p.stdout, p.stderr)
