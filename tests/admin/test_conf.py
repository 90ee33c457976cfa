# SPDX-License-Identifier: BSD-2-Clause
"""twofa-admin and twofa.conf: --conf FILE, the file's settings (store,
policy, issuer), --store over it, global options before or after the
command, and exit status 3 for a bad file."""
import os
import subprocess
import urllib.parse

from conftest import ADMIN, oathtool


def run(*args, stdin=None):
    return subprocess.run([ADMIN, *args], input=stdin, capture_output=True,
                          text=True, timeout=60)


def write_conf(admin, text, mode=0o644, name="twofa.conf"):
    path = os.path.join(admin.root, name)
    if os.path.lexists(path):
        os.unlink(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    os.write(fd, text.encode())
    os.fchmod(fd, mode)
    os.close(fd)
    return path


def secret_of(out):
    for line in out.splitlines():
        line = line.removeprefix("URI: ")
        if line.startswith("otpauth://"):
            q = urllib.parse.parse_qs(urllib.parse.urlsplit(line).query)
            return line, q["secret"][0]
    raise AssertionError(out)


def test_bad_conf_exits_3(admin):
    conf = write_conf(admin, "deny = 3\nstroe = /srv\n")
    r = run("--conf", conf, "status")
    assert r.returncode == 3, r
    assert conf in r.stderr and "line 2" in r.stderr, r.stderr
    assert "unknown key" in r.stderr
    assert r.stdout == ""
    # Unsafe: writable by the group.
    conf = write_conf(admin, "deny = 3\n", mode=0o664)
    r = run("--conf", conf, "--store", admin.store, "status")
    assert r.returncode == 3 and "writable" in r.stderr, r
    # A symbolic link.
    good = write_conf(admin, "deny = 3\n", name="good.conf")
    os.unlink(conf)
    os.symlink(good, conf)
    r = run("--conf", conf, "status")
    assert r.returncode == 3 and "symbolic link" in r.stderr, r
    # Named but missing.
    r = run("--conf", os.path.join(admin.root, "none.conf"), "status")
    assert r.returncode == 3, r
    # A good one works.
    os.mkdir(admin.store, 0o700)
    r = run("--conf", good, "--store", admin.store, "status")
    assert r.returncode == 0, r


def test_store_from_conf_and_store_over_it(admin):
    other = os.path.join(admin.root, "other")
    conf = write_conf(admin, f"store = {other}\nissuer = Example Ops\n")
    r = run("--conf", conf, "enroll", "alice", "--no-confirm")
    assert r.returncode == 0, r.stderr
    assert os.path.exists(os.path.join(other, "alice"))
    assert not os.path.exists(admin.record("alice"))
    uri, _ = secret_of(r.stdout)
    assert "issuer=Example%20Ops" in uri, uri  # the file's issuer
    # --store wins over the file's store.
    r = run("--conf", conf, "--store", admin.store, "enroll", "bob",
            "--no-confirm", "--issuer", "Cmdline")
    assert r.returncode == 0, r.stderr
    assert os.path.exists(admin.record("bob"))
    assert "issuer=Cmdline" in secret_of(r.stdout)[0]


def test_global_options_after_the_command(admin):
    conf = write_conf(admin, "deny = 1\n")
    r = run("enroll", "carol", "--no-confirm", "--store", admin.store,
            "--conf=" + conf)
    assert r.returncode == 0, r.stderr
    _, secret = secret_of(r.stdout)
    r = run("status", "carol", "--store=" + admin.store, "--json")
    assert r.returncode == 0 and '"user":"carol"' in r.stdout.replace(
        " ", ""), r
    # deny = 1 from the file: one wrong code locks (verify is a login).
    wrong = str((int(oathtool(secret)) + 1) % 10 ** 6).zfill(6)
    r = run("verify", "carol", "--store", admin.store, "--conf", conf,
            stdin=wrong + "\n")
    assert r.returncode == 1, r
    r = run("--store", admin.store, "status", "carol", "--json")
    assert '"locked":true' in r.stdout.replace(" ", ""), r.stdout
    # Without the file the default deny (5) applies: not locked by one.
    r = run("--store", admin.store, "unlock", "carol")
    assert r.returncode == 0, r
    r = run("verify", "carol", "--store", admin.store, stdin=wrong + "\n")
    r = run("--store", admin.store, "status", "carol", "--json")
    assert '"locked":false' in r.stdout.replace(" ", ""), r.stdout


def test_global_option_errors(admin):
    r = run("--store", admin.store, "status", "--store", admin.store)
    assert r.returncode == 2 and "twice" in r.stderr, r
    r = run("status", "--store")
    assert r.returncode == 2 and "needs a value" in r.stderr, r
    r = run("status", "--store", "relative/dir")
    assert r.returncode == 2, r
    # After "--" nothing is taken as a global option.
    r = run("--store", admin.store, "status", "--", "--store")
    assert r.returncode == 2, r
