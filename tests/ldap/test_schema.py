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
