# SPDX-License-Identifier: BSD-2-Clause
"""The shipped schema (packaging/ldap/twofa.ldif) loads into slapd next to
the oath-ldap schema of the otp module, an enrollment entry in the layout
of SPEC §7 is accepted, and the twofaSeq guard refuses a stale
delete-old/add-new Modify, also when it is sent to the consumer and
chained to the provider."""

import subprocess

import slapd

ENTRY = """dn: cn={u},{base}
objectClass: device
objectClass: oathTOTPToken
objectClass: oathTOTPParams
objectClass: twofaState
cn: {u}
oathSecret:: MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=
oathOTPLength: 6
oathHMACAlgorithm: 1.2.840.113549.2.7
oathTOTPTimeStepPeriod: 30
oathTOTPTimeStepWindow: 1
oathTOTPParams: cn={u},{base}
twofaSeq: 1
twofaLockedUntil: 0
twofaBackupKDF: pbkdf2-sha256:10000
twofaBackupCount: 1
twofaBackupCode: 0 00112233445566778899aabbccddeeff 00
"""

CAS = """dn: cn={u},{base}
changetype: modify
delete: twofaSeq
twofaSeq: {old}
-
add: twofaSeq
twofaSeq: {new}
"""


def as_host(server, tool, host, ldif):
    return subprocess.run(
        [tool, "-x", "-ZZ", "-H", server.uri, "-D",
         f"cn={host},{slapd.SERVICES}", "-w", f"pw-{host}"],
        input=ldif, capture_output=True, text=True, env=server.client_env())


def test_entry_and_guard_through_consumer(fleet):
    u = "schema1"
    p = as_host(fleet.consumer, "ldapadd", "host-b",
                ENTRY.format(u=u, base=slapd.BASE))
    assert p.returncode == 0, p.stderr
    e = fleet.provider.search(f"cn={u},{slapd.BASE}")
    assert e["twofaSeq"] == ["1"]
    assert slapd.as_bytes(e["oathSecret"][0]) == b"12345678901234567890"
    # A second Add of the same entry: 68, entryAlreadyExists.
    p = as_host(fleet.provider, "ldapadd", "host-a",
                ENTRY.format(u=u, base=slapd.BASE))
    assert p.returncode == 68, p.stderr
    # The CAS 1 -> 2 wins once; the same CAS again is refused (16).
    p = as_host(fleet.consumer, "ldapmodify", "host-b",
                CAS.format(u=u, base=slapd.BASE, old=1, new=2))
    assert p.returncode == 0, p.stderr
    p = as_host(fleet.provider, "ldapmodify", "host-a",
                CAS.format(u=u, base=slapd.BASE, old=1, new=2))
    assert p.returncode == 16, p.stderr
    fleet.wait_replicated(f"cn={u},{slapd.BASE}", attr="twofaSeq",
                          value="2")


def test_entry_without_guard_refused(fleet):
    """twofaState MUSTs twofaSeq: an entry without a guard cannot exist."""
    u = "schema2"
    ldif = ENTRY.format(u=u, base=slapd.BASE).replace("twofaSeq: 1\n", "")
    p = as_host(fleet.provider, "ldapadd", "host-a", ldif)
    assert p.returncode == 65, p.stderr  # objectClassViolation


def test_wrong_ca_refused(fleet):
    env = fleet.provider.client_env()
    env["LDAPTLS_CACERT"] = str(fleet.ca.wrong_cacert)
    p = subprocess.run(["ldapsearch", "-x", "-ZZ", "-H", fleet.provider.uri,
                        "-b", slapd.BASE, "-s", "base"],
                       capture_output=True, text=True, env=env)
    assert p.returncode != 0


PENDING = """dn: cn={u},{base}
objectClass: device
objectClass: oathTOTPToken
objectClass: twofaState
cn: {u}
twofaSeq: 1
twofaLockedUntil: 0
oathFailureCount: 0
twofaTicket: pbkdf2-sha256:100000 1700259200 {salt} {hash}
"""

# The account phase's commit: pending -> token in one guarded Modify.
COMMIT = """dn: cn={u},{base}
changetype: modify
delete: twofaSeq
twofaSeq: 1
-
add: twofaSeq
twofaSeq: 2
-
replace: twofaTicket
-
add: objectClass
objectClass: oathTOTPParams
-
replace: oathSecret
oathSecret:: MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=
-
replace: oathTOTPParams
oathTOTPParams: cn={u},{base}
-
replace: oathOTPLength
oathOTPLength: 6
-
replace: oathHMACAlgorithm
oathHMACAlgorithm: 1.2.840.113549.2.7
-
replace: oathTOTPTimeStepWindow
oathTOTPTimeStepWindow: 1
-
replace: oathTOTPTimeStepPeriod
oathTOTPTimeStepPeriod: 30
"""


def test_pending_entry_and_its_commit(fleet):
    """SPEC §9: a pending enrollment (twofaTicket, no token) is a valid
    entry; twofaTicket is single-valued and needs twofaState; the commit
    to a token is one Modify guarded by twofaSeq, which wins once."""
    u = "schema3"
    kw = dict(u=u, base=slapd.BASE, salt="5a" * 16, hash="a5" * 32)
    p = as_host(fleet.provider, "ldapadd", "host-a", PENDING.format(**kw))
    assert p.returncode == 0, p.stderr
    e = fleet.provider.search(f"cn={u},{slapd.BASE}")
    assert "oathSecret" not in e and "oathTOTPParams" not in e
    # Two tickets: refused (single-valued).
    two = PENDING.format(**dict(kw, u="schema4")) + \
        "twofaTicket: pbkdf2-sha256:1 1 00 00\n"
    p = as_host(fleet.provider, "ldapadd", "host-a", two)
    assert p.returncode != 0, p.stdout
    # Without twofaState there is no twofaTicket.
    bare = PENDING.format(**dict(kw, u="schema5")).replace(
        "objectClass: twofaState\n", "").replace(
        "twofaSeq: 1\ntwofaLockedUntil: 0\n", "")
    p = as_host(fleet.provider, "ldapadd", "host-a", bare)
    assert p.returncode == 65, p.stderr  # objectClassViolation
    # The commit, sent by two hosts (B through the consumer): one wins.
    p = as_host(fleet.consumer, "ldapmodify", "host-b", COMMIT.format(**kw))
    assert p.returncode == 0, p.stderr
    p = as_host(fleet.provider, "ldapmodify", "host-a", COMMIT.format(**kw))
    assert p.returncode == 16, p.stderr  # noSuchAttribute: seq moved
    e = fleet.provider.search(f"cn={u},{slapd.BASE}")
    assert "twofaTicket" not in e and e["twofaSeq"] == ["2"]
    assert "oathTOTPParams" in e["objectClass"]


def _definitions_ldif(text):
    """(kind, normalised definition) of twofa.ldif, in order."""
    lines = []
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        if line.startswith(" ") and lines:
            lines[-1] += " " + line.strip()
        else:
            lines.append(line)
    kinds = {"olcObjectIdentifier": "objectidentifier",
             "olcAttributeTypes": "attributetype",
             "olcObjectClasses": "objectclass"}
    out = []
    for line in lines:
        k, _, v = line.partition(":")
        if k in kinds:
            out.append((kinds[k], " ".join(v.split())))
    return out


def _definitions_schema(text):
    """(kind, normalised definition) of twofa.schema, in order."""
    import re
    body = "\n".join(l for l in text.splitlines() if not l.startswith("#"))
    out = []
    for m in re.finditer(r"^(objectidentifier|attributetype|objectclass)"
                         r"\s+(.*?)(?=^\S|\Z)", body, re.M | re.S | re.I):
        out.append((m.group(1).lower(), " ".join(m.group(2).split())))
    return out


def test_ldif_and_schema_forms_agree():
    """twofa.ldif (cn=config) and twofa.schema (slapd.conf) define the
    same identifiers, attribute types and classes, in the same order."""
    from conftest import ROOT
    d = ROOT / "packaging" / "ldap"
    ldif = _definitions_ldif((d / "twofa.ldif").read_text())
    schema = _definitions_schema((d / "twofa.schema").read_text())
    assert ldif and len(ldif) == len(schema)
    assert ldif == schema
    assert any("'twofaTicket'" in v for _, v in ldif)
