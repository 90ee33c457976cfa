# SPDX-License-Identifier: BSD-2-Clause
"""Private OpenLDAP servers for the fleet tests: a provider (back-mdb,
durable, syncprov, the otp overlay) and a read-only consumer (syncrepl,
olcUpdateRef and slapo-chain, so writes sent to it are executed by the
provider). Each lives in a scratch directory under /var/tmp/twofa-12
(root-owned, 0755, not below /tmp), built with slapadd -n0 from a cn=config
LDIF, listening on an ldapi socket in that directory and on 127.0.0.1 ports
from the range this work may use (32000-32999) for StartTLS and ldaps with a
test CA made here with openssl. The system's /etc/ldap/slapd.d is never
created or read.

Servers are stopped by the PID in their PID file; a directory left behind by
a crashed run (its owner process gone) is cleaned up by the next run.

Used as a module by the pytest fixtures (conftest.py) and the bench, and as
a command for trying things by hand:

    /usr/bin/python3 tests/ldap/slapd.py up      # prints the URIs, waits
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_LDIF = ROOT / "packaging" / "ldap" / "twofa.ldif"
SCRATCH = Path("/var/tmp/twofa-12")
# Our range is 32000-32999, but from 32768 up it is also the kernel's
# ephemeral range (outgoing connections take ports from it), where a port
# free now may be taken before slapd binds it.
PORTS = range(32000, 32600)
SUFFIX = "dc=example,dc=com"
BASE = "ou=twofa," + SUFFIX
ROOTDN = "cn=admin," + SUFFIX
ROOTPW = "rootsecret"
SERVICES = "ou=services," + SUFFIX
PEOPLE = "ou=people," + SUFFIX


def scratch_root():
    """/var/tmp/twofa-12, root's and not writable by others (the stores
    the tests make below it must pass the module's path checks)."""
    SCRATCH.mkdir(mode=0o755, exist_ok=True)
    st = SCRATCH.lstat()
    if st.st_uid != 0 or st.st_mode & 0o022 or not SCRATCH.is_dir():
        raise RuntimeError(f"{SCRATCH}: not a root-owned 0755 directory")
    return SCRATCH


def _alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def _read_pid(path):
    try:
        return int(Path(path).read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _is_our_slapd(pid, d):
    """The PID file may be stale and the PID reused: only a slapd whose
    command line names this directory is ours to kill."""
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return bool(cmd) and cmd[0].endswith(b"slapd") and \
        any(str(d).encode() in a for a in cmd)


def reap_stale():
    """Remove the directories of runs whose owning process is gone,
    stopping their servers first."""
    for d in scratch_root().iterdir():
        owner = _read_pid(d / "owner.pid")
        if owner is not None and _alive(owner):
            continue
        for pidfile in d.glob("*/slapd.pid"):
            pid = _read_pid(pidfile)
            if pid and _is_our_slapd(pid, d):
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(d, ignore_errors=True)


# Ports this process has handed out: a port is free until its slapd binds
# it, so without this one instance could be given the same port for ldap://
# and ldaps:// (1 in 600 an instance) and fail to start.
_handed = set()


def free_port():
    """A free 127.0.0.1 port from our range, chosen at run time, and not
    one handed out before by this process (until the range runs out)."""
    import random
    for attempt in range(2):
        ports = [p for p in PORTS if p not in _handed]
        random.shuffle(ports)
        for p in ports:
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", p))
                except OSError:
                    continue
            _handed.add(p)
            return p
        _handed.clear()
    raise RuntimeError("no free port in 32000-32599")


def ldapi_uri(path):
    return "ldapi://" + urllib.parse.quote(str(path), safe="")


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True,
                          **kw)


def as_bytes(v):
    """A value from Slapd.search() as bytes (ldapsearch prints printable
    values as text and others base64-encoded)."""
    return v if isinstance(v, bytes) else v.encode()


class CA:
    """A test CA with one server certificate for 127.0.0.1/localhost, and
    an unrelated CA whose certificate must be refused."""

    def __init__(self, d):
        self.dir = Path(d)
        self.dir.mkdir(mode=0o755)
        self.cacert = self._ca("ca", "pam_twofa test CA")
        self.wrong_cacert = self._ca("wrongca", "pam_twofa wrong CA")
        self.cert, self.key = self._server("server", "ca")

    def _ca(self, name, cn):
        key, crt = self.dir / f"{name}.key", self.dir / f"{name}.crt"
        run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:P-256", "-nodes", "-keyout", str(key),
             "-out", str(crt), "-days", "2", "-subj", f"/CN={cn}",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        return crt

    def _server(self, name, ca):
        key, csr, crt = (self.dir / f"{name}.{e}" for e in ("key", "csr",
                                                             "crt"))
        ext = self.dir / f"{name}.ext"
        ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                       "extendedKeyUsage=serverAuth\n")
        run(["openssl", "req", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:P-256", "-nodes", "-keyout", str(key),
             "-out", str(csr), "-subj", "/CN=localhost"])
        run(["openssl", "x509", "-req", "-in", str(csr), "-CA",
             str(self.dir / f"{ca}.crt"), "-CAkey",
             str(self.dir / f"{ca}.key"), "-CAcreateserial", "-days", "2",
             "-extfile", str(ext), "-out", str(crt)])
        os.chmod(key, 0o600)
        return crt, key


def _config_ldif(d, ca, modules, db_extra, overlays, frontend=""):
    return f"""dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: {d}/slapd.pid
olcArgsFile: {d}/slapd.args
olcTLSCACertificateFile: {ca.cacert}
olcTLSCertificateFile: {ca.cert}
olcTLSCertificateKeyFile: {ca.key}

dn: cn=module{{0}},cn=config
objectClass: olcModuleList
cn: module{{0}}
olcModulePath: /usr/lib/ldap
""" + "".join(f"olcModuleLoad: {m}\n" for m in modules) + f"""
dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file:///etc/ldap/schema/core.ldif

include: file:///etc/ldap/schema/cosine.ldif

include: file:///etc/ldap/schema/inetorgperson.ldif

include: file://{SCHEMA_LDIF}

dn: olcDatabase={{-1}}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {{-1}}frontend
{frontend}
dn: olcDatabase={{0}}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {{0}}config
olcAccess: to * by dn.exact=gidNumber=0+uidNumber=0,cn=peercred,cn=external,cn=auth manage by * none

dn: olcDatabase={{1}}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {{1}}mdb
olcDbDirectory: {d}/db
olcSuffix: {SUFFIX}
olcRootDN: {ROOTDN}
olcRootPW: {ROOTPW}
olcDbMaxSize: 268435456
olcDbIndex: objectClass eq
olcDbIndex: entryCSN,entryUUID eq
olcAccess: {{0}}to attrs=userPassword by anonymous auth by * none
olcAccess: {{1}}to dn.subtree="{BASE}" by dn.onelevel="{SERVICES}" write by * none
olcAccess: {{2}}to * by dn.onelevel="{SERVICES}" read by * none
{db_extra}
""" + "".join(overlays)


SEED = f"""dn: {SUFFIX}
objectClass: dcObject
objectClass: organization
dc: example
o: example

dn: {BASE}
objectClass: organizationalUnit
ou: twofa

dn: {SERVICES}
objectClass: organizationalUnit
ou: services

dn: {PEOPLE}
objectClass: organizationalUnit
ou: people

dn: cn=host-a,{SERVICES}
objectClass: applicationProcess
objectClass: simpleSecurityObject
cn: host-a
userPassword: pw-host-a

dn: cn=host-b,{SERVICES}
objectClass: applicationProcess
objectClass: simpleSecurityObject
cn: host-b
userPassword: pw-host-b
"""


class Slapd:
    """One slapd: built, started, polled until it answers, stopped."""

    def __init__(self, run_dir, name, ca, ldif, seed=None):
        self.dir = Path(run_dir) / name
        self.dir.mkdir(mode=0o700)
        (self.dir / "db").mkdir(mode=0o700)
        (self.dir / "slapd.d").mkdir(mode=0o700)
        self.sock = self.dir / "ldapi"
        self.ldapi = ldapi_uri(self.sock)
        self.port = free_port()
        self.tls_port = free_port()
        self.uri = f"ldap://127.0.0.1:{self.port}"
        self.ldaps = f"ldaps://127.0.0.1:{self.tls_port}"
        self.ca = ca
        (self.dir / "config.ldif").write_text(ldif(self.dir))
        run(["slapadd", "-n0", "-F", str(self.dir / "slapd.d"), "-l",
             str(self.dir / "config.ldif")])
        if seed:
            (self.dir / "seed.ldif").write_text(seed)
            run(["slapadd", "-q", "-n1", "-F", str(self.dir / "slapd.d"),
                 "-l", str(self.dir / "seed.ldif")])
        self.pid = None

    def start(self, timeout=20):
        subprocess.run(["slapd", "-F", str(self.dir / "slapd.d"), "-h",
                        f"{self.ldapi} {self.uri}/ {self.ldaps}/"],
                       check=True, env={"PATH": "/usr/sbin:/usr/bin"})
        deadline = time.monotonic() + timeout
        while True:
            p = subprocess.run(
                ["ldapsearch", "-x", "-H", self.ldapi, "-D", ROOTDN, "-w",
                 ROOTPW, "-b", "", "-s", "base", "-o", "nettimeout=1",
                 "1.1"], capture_output=True, env=self.client_env())
            if p.returncode == 0:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"slapd in {self.dir} did not answer")
            time.sleep(0.02)
        self.pid = _read_pid(self.dir / "slapd.pid")
        return self

    def stop(self):
        """SIGTERM, wait, then SIGKILL: slapd writes back on TERM."""
        pid = self.pid or _read_pid(self.dir / "slapd.pid")
        if not pid or not _is_our_slapd(pid, self.dir):
            self.pid = None
            return
        for sig in (signal.SIGCONT, signal.SIGTERM):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                break
        deadline = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
            while _alive(pid):
                time.sleep(0.01)
        self.pid = None

    def kill(self, sig):
        os.kill(self.pid, sig)

    def client_env(self):
        """For ldap-utils: our CA, and HOME in the scratch directory so
        no one's ~/.ldaprc is read (LDAPNOINIT would also drop the CA)."""
        return {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
                "HOME": str(self.dir), "LDAPTLS_CACERT": str(self.ca.cacert),
                "LDAPTLS_REQCERT": "demand"}

    def ldap(self, tool, *args, input=None, check=True):
        """Run an ldap-utils tool as the rootdn over the ldapi socket."""
        return subprocess.run(
            [tool, "-x", "-H", self.ldapi, "-D", ROOTDN, "-w", ROOTPW,
             *args], input=input, capture_output=True, text=True,
            check=check, env=self.client_env())

    def search(self, dn, *attrs):
        """{attribute: [values]} of one entry, or None; binary values
        come base64-encoded (attr:: ...) and are returned as bytes."""
        import base64
        p = self.ldap("ldapsearch", "-LLL", "-o", "ldif-wrap=no", "-b", dn,
                      "-s", "base", "(objectClass=*)", *attrs, check=False)
        if p.returncode == 32:
            return None
        if p.returncode != 0:
            raise RuntimeError(p.stderr)
        out = {}
        for line in p.stdout.splitlines():
            if line.startswith("dn:") or not line.strip():
                continue
            if ":: " in line:
                k, v = line.split(":: ", 1)
                out.setdefault(k, []).append(base64.b64decode(v))
            else:
                k, v = line.split(": ", 1)
                out.setdefault(k, []).append(v)
        return out


class Fleet:
    """A provider and a chaining read-only consumer, ready to use."""

    def __init__(self, consumer=True):
        reap_stale()
        self.run_dir = Path(tempfile.mkdtemp(prefix="run.",
                                             dir=scratch_root()))
        os.chmod(self.run_dir, 0o755)
        (self.run_dir / "owner.pid").write_text(f"{os.getpid()}\n")
        self.ca = CA(self.run_dir / "ca")
        self.provider = Slapd(self.run_dir, "provider", self.ca,
                              self._provider_ldif, SEED).start()
        self.consumer = None
        if consumer:
            self.consumer = Slapd(self.run_dir, "consumer", self.ca,
                                  self._consumer_ldif).start()
            self.wait_replicated(f"cn=host-b,{SERVICES}")

    def _provider_ldif(self, d):
        return _config_ldif(
            d, self.ca, ["back_mdb", "otp", "syncprov"], "",
            [f"""
dn: olcOverlay={{0}}syncprov,olcDatabase={{1}}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcSyncProvConfig
olcOverlay: {{0}}syncprov

dn: olcOverlay={{1}}otp,olcDatabase={{1}}mdb,cn=config
objectClass: olcOverlayConfig
olcOverlay: {{1}}otp
"""])

    def _consumer_ldif(self, d):
        p = self.provider
        frontend = ""
        chain = f"""
dn: olcOverlay={{0}}chain,olcDatabase={{-1}}frontend,cn=config
objectClass: olcOverlayConfig
objectClass: olcChainConfig
olcOverlay: {{0}}chain
olcChainReturnError: TRUE

dn: olcDatabase={{0}}ldap,olcOverlay={{0}}chain,olcDatabase={{-1}}frontend,cn=config
objectClass: olcLDAPConfig
objectClass: olcChainDatabase
olcDatabase: {{0}}ldap
olcDbURI: "{p.ldaps}"
olcDbStartTLS: ldaps tls_cacert={self.ca.cacert} tls_reqcert=demand
olcDbIDAssertBind: bindmethod=simple binddn="{ROOTDN}" credentials="{ROOTPW}" mode=self tls_cacert={self.ca.cacert} tls_reqcert=demand
"""
        extra = (f'olcSyncrepl: rid=001 provider="{p.ldapi}" '
                 f'bindmethod=simple binddn="{ROOTDN}" credentials="{ROOTPW}" '
                 f'searchbase="{SUFFIX}" type=refreshAndPersist '
                 f'retry="1 +" timeout=3\n'
                 f"olcUpdateRef: {p.ldaps}\n")
        # otp for the oath-ldap schema it carries (no overlay here: the
        # consumer never writes).
        ldif = _config_ldif(d, self.ca, ["back_mdb", "back_ldap", "otp"],
                            extra,
                            [], frontend)
        # The chain overlay belongs to the frontend, which comes before
        # the databases in the LDIF; slapadd wants parents first, so it
        # goes at the end.
        return ldif + chain

    def wait_replicated(self, dn, timeout=10, attr=None, value=None):
        """Until the consumer holds dn (with attr: value, if given)."""
        deadline = time.monotonic() + timeout
        while True:
            e = self.consumer.search(dn)
            if e is not None and (attr is None or value in e.get(attr, [])):
                return e
            if time.monotonic() > deadline:
                raise RuntimeError(f"{dn} not replicated")
            time.sleep(0.02)

    def close(self):
        for s in (self.consumer, self.provider):
            if s:
                s.stop()
        shutil.rmtree(self.run_dir, ignore_errors=True)


if __name__ == "__main__":
    import sys
    if len(sys.argv) > 1 and sys.argv[1] == "up":
        f = Fleet()
        try:
            for n in ("provider", "consumer"):
                s = getattr(f, n)
                print(f"{n}: {s.ldapi} {s.uri} {s.ldaps}")
            print(f"ca: {f.ca.cacert}  wrong ca: {f.ca.wrong_cacert}")
            print("Ctrl-C stops them")
            signal.pause()
        except KeyboardInterrupt:
            pass
        finally:
            f.close()
    else:
        print(__doc__)
