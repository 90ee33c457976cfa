# SPDX-License-Identifier: BSD-2-Clause
"""An invitation is not told by the wait: a 12-digit answer costs a
ticket hash for an invited, an enrolled and an unknown user alike, and a
6-digit one costs none of them a hash (medians of real logins through
libpam; the hash is about what ten backup codes cost, an 8-digit
answer's price, which is the yardstick)."""
import statistics
import time

import pamconv

RUNS = 15


def median_ms(env, user, answer):
    ts = []
    for _ in range(RUNS):
        t = time.perf_counter()
        pamconv.login(env.conf, "svc", user, lambda s, x: answer, acct=False)
        ts.append(time.perf_counter() - t)
    return statistics.median(ts) * 1000


def test_ticket_shaped_answers_cost_everyone_a_hash(env):
    env.service(auth="enroll deny=0", account=False)
    env.invite("pend")
    env.admin("enroll", "enr", "--no-confirm", "--qr", "none")
    yard = median_ms(env, "enr", "12345678")  # ten backup code hashes
    for user in ("pend", "enr", "nobody"):
        t12 = median_ms(env, user, "1234 5678 9012")
        assert t12 > yard / 2, (user, t12, yard)
    # And a 6-digit answer costs an invited user no hash either.
    t6 = median_ms(env, "pend", "123456")
    assert t6 < yard / 2, (t6, yard)
