# SPDX-License-Identifier: BSD-2-Clause
"""A minimal syslog receiver for the end-to-end tests.

No syslog daemon runs on the test machine, so run.sh gives its private mount
namespace a /dev/log of its own: this program binds the datagram socket at
argv[1] and appends every message, one per line, to argv[2]. argv[3] is a
marker that lets the cleanup recognise the process by its command line.
"""
import os
import socket
import sys


def main():
    path, out = sys.argv[1], sys.argv[2]
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    os.chmod(path, 0o666)
    with open(out, "ab", buffering=0) as log:
        while True:
            data = sock.recv(65536)
            log.write(data.rstrip(b"\0\n") + b"\n")


if __name__ == "__main__":
    main()
