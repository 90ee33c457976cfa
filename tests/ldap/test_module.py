# SPDX-License-Identifier: BSD-2-Clause
"""pam_twofa.so through the real libpam with store = ldap in its
twofa.conf: two hosts (two PAM services, host B's directory being the
chaining consumer) share every enrollment, exactly once."""

import subprocess

import slapd
from conftest import totp

T0 = 1700000010
KEY = "3132333435363738393031323334353637383930"


def enroll(fleet, host, user, *codes):
    p = host.drive("create", user, KEY, *codes)
    assert p.returncode == 0, p.stderr
    fleet.wait_replicated(f"cn={user},{slapd.BASE}")


def test_code_accepted_on_a_refused_on_b(fleet, hosts, pamdir, user):
    a, b = hosts
    a.service(pamdir)
    b.service(pamdir)
    enroll(fleet, a, user)
    p = a.login(pamdir, user, totp(T0), at=T0)
    assert p.result == "PAM_SUCCESS", (p.stdout, p.stderr)
    p = b.login(pamdir, user, totp(T0), at=T0 + 5)
    assert p.result == "PAM_AUTH_ERR", (p.stdout, p.stderr)
    # The next code works on B, and is then refused on A.
    p = b.login(pamdir, user, totp(T0 + 30), at=T0 + 30)
    assert p.result == "PAM_SUCCESS", (p.stdout, p.stderr)
    p = a.login(pamdir, user, totp(T0 + 30), at=T0 + 31)
    assert p.result == "PAM_AUTH_ERR"
    # slapo-otp's view of the same token: the last accepted step.
    e = fleet.provider.search(f"cn={user},{slapd.BASE}",
                              "oathTOTPLastTimeStep")
    assert e["oathTOTPLastTimeStep"] == [str((T0 + 30) // 30)]


def test_eight_logins_one_code_two_hosts(fleet, hosts, pamdir, user):
    """4 racing logins on each host, the same code, every trial: one
    PAM_SUCCESS in all eight."""
    a, b = hosts
    a.service(pamdir)
    b.service(pamdir)
    for trial in range(10):
        u = f"{user}r{trial}"
        enroll(fleet, a, u)
        t = T0 + 30 * trial
        code = totp(t)
        procs = []
        for h in (a, b):
            cmd, env = h.login_cmd(pamdir, u, code, at=t, parallel=4)
            procs.append(subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True,
                                          env=env))
        outs = [p.communicate(timeout=120)[0] for p in procs]
        results = [l.split(": ", 1)[1] for o in outs for l in o.splitlines()
                   if l.startswith("result[")]
        assert len(results) == 8, outs
        assert results.count("PAM_SUCCESS") == 1, results
        assert set(results) <= {"PAM_SUCCESS", "PAM_AUTH_ERR"}, results


def test_backup_code_once_fleet_wide(fleet, hosts, pamdir, user):
    a, b = hosts
    a.service(pamdir)
    b.service(pamdir)
    enroll(fleet, a, user, "12345678", "87654321")
    p = b.login(pamdir, user, "1234 5678", at=T0)
    assert p.result == "PAM_SUCCESS", (p.stdout, p.stderr)
    assert "info: Backup code accepted; 1 left" in p.stdout
    p = a.login(pamdir, user, "12345678", at=T0)
    assert p.result == "PAM_AUTH_ERR"


def test_failures_lock_everywhere(fleet, hosts, pamdir, user):
    a, b = hosts
    a.service(pamdir)
    b.service(pamdir)
    enroll(fleet, a, user)
    wrong = "000000" if totp(T0) != "000000" else "111111"
    for i in range(5):
        p = hosts[i % 2].login(pamdir, user, wrong, at=T0)
        assert p.result == "PAM_AUTH_ERR"
    for h in hosts:
        p = h.login(pamdir, user, totp(T0), at=T0 + 1)
        assert p.result == "PAM_AUTH_ERR"
        assert "error:" in p.stdout  # "locked" is said to the user
    # The admin unlocks once, for the whole fleet.
    p = b.admin("unlock", user)
    assert p.returncode == 0, p.stderr
    p = a.login(pamdir, user, totp(T0), at=T0 + 2)
    assert p.result == "PAM_SUCCESS", (p.stdout, p.stderr)


def test_directory_down_is_authinfo_unavail_even_with_nullok(
        fleet, hosts, pamdir, user):
    a, b = hosts
    # nullok's PAM_IGNORE alone would make libpam answer PERM_DENIED.
    a.service(pamdir, "nullok", then=["auth required pam_permit.so"])
    enroll(fleet, a, user)
    fleet.provider.stop()
    try:
        for u in (user, user + "-never-enrolled"):
            p = a.login(pamdir, u, totp(T0), at=T0)
            assert p.result == "PAM_AUTHINFO_UNAVAIL", (p.stdout, p.stderr)
            assert p.seconds < 2 * a.timeout + 1.5
    finally:
        fleet.provider.start()
    # nullok still means "no record" when the directory says so.
    p = a.login(pamdir, user + "-never-enrolled", "123456", at=T0)
    assert p.result == "PAM_SUCCESS", (p.stdout, p.stderr)
    p = a.login(pamdir, user, totp(T0), at=T0)
    assert p.result == "PAM_SUCCESS"


def test_slapo_otp_interop(fleet, hosts, pamdir, user):
    """The entry is also an oath-ldap token that slapd's own otp overlay
    reads: a code accepted through an LDAP bind (password + code) is
    refused by pam_twofa afterwards, and a code pam_twofa accepted is
    refused by the overlay."""
    a, b = hosts
    a.service(pamdir)
    enroll(fleet, a, user)
    person = f"uid={user},{slapd.PEOPLE}"
    fleet.provider.ldap("ldapadd", input=f"""dn: {person}
objectClass: inetOrgPerson
objectClass: oathTOTPUser
uid: {user}
cn: {user}
sn: {user}
userPassword: secret-{user}
oathTOTPToken: cn={user},{slapd.BASE}
""")

    def bind(code):
        return subprocess.run(
            ["ldapwhoami", "-x", "-H", fleet.provider.ldapi, "-D", person,
             "-w", f"secret-{user}{code}"], capture_output=True, text=True,
            env=fleet.provider.client_env()).returncode

    # The overlay judges with the real clock.
    import time
    t = int(time.time())
    if t % 30 > 25:
        time.sleep(30 - t % 30 + 0.5)
        t = int(time.time())
    assert bind(totp(t)) == 0
    assert bind(totp(t)) == 49  # the overlay's own replay guard
    e = fleet.provider.search(f"cn={user},{slapd.BASE}",
                              "oathTOTPLastTimeStep")
    assert e["oathTOTPLastTimeStep"] == [str(t // 30)]
    p = a.login(pamdir, user, totp(t), at=t)
    assert p.result == "PAM_AUTH_ERR", p.stdout
    # The other way: pam_twofa accepts the next step, the overlay then
    # refuses it.
    p = a.login(pamdir, user, totp(t + 30), at=t + 1)
    assert p.result == "PAM_SUCCESS", (p.stdout, p.stderr)
    assert bind(totp(t + 30)) == 49


def test_libldap_only_in_the_helper():
    """The design (README, "Where libldap runs"): neither the module nor
    twofa-admin maps libldap; only the helper does."""
    from conftest import ADMIN, MODULE

    def needed(path):
        out = subprocess.run(["readelf", "-d", str(path)], check=True,
                             capture_output=True, text=True).stdout
        return [l for l in out.splitlines() if "NEEDED" in l]

    for path in (MODULE, ADMIN):
        assert not [l for l in needed(path) if "ldap" in l or "lber" in l]
    assert [l for l in needed("/usr/libexec/pam_twofa/twofa-ldap")
            if "libldap" in l]


def test_unknown_user_costs_a_directory_write(fleet, hosts, pamdir, user):
    """A user without an entry gets the reads and the durable write an
    enrolled user's failure costs, on cn=.twofa-decoy (which holds no
    secret and is never listed)."""
    a, b = hosts
    a.service(pamdir)
    dn = f"cn=.twofa-decoy,{slapd.BASE}"
    before = fleet.provider.search(dn, "twofaSeq")
    p = a.login(pamdir, user + "-nobody", "123456", at=T0)
    assert p.result == "PAM_AUTH_ERR"
    after = fleet.provider.search(dn, "twofaSeq", "oathSecret")
    assert after is not None and "oathSecret" not in after
    assert int(after["twofaSeq"][0]) == (
        int(before["twofaSeq"][0]) + 1 if before else 1)
    assert ".twofa-decoy" not in a.admin("status").stdout
