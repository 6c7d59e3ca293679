#!/usr/bin/python3
"""sts_deadline - one AssumeRole has an overall deadline (issue 10, item 11): with STS
answering 503 only after 12 s, three attempts within the 20 s per-request limit
would take 37 s; pgiam gives up at 30 s, cutting the last request's timeout to what
remains, and says how many attempts it made. Real time (~31 s), against a private
STS emulator (its error fault with delay_ms), so it runs beside other tests."""

import time

from chainlib import ALICE_SECRET, main, no_secrets, one_line

DELAY_MS = 12000


def test_assume_role_gives_up_at_overall_deadline(box):
    box.role_profile()
    box.sts.faults(error={"code": "ServiceUnavailable", "status": 503, "count": 3,
                          "delay_ms": DELAY_MS})
    t0 = time.monotonic()
    p = box.run(["token", "--profile", "demo"], env=box.alice_env(), timeout=90)
    took = time.monotonic() - t0
    assert p.returncode != 0, "exit %d, stdout %r" % (p.returncode, p.stdout)
    line = one_line(p.stderr)
    # 12 s + 12 s + backoff, then the third request gets only what remains of 30 s
    assert 29 <= took < 34, "AssumeRole took %.1f s (%r)" % (took, line)
    assert "AssumeRole of" in line, line
    assert "overall 30 s deadline" in line, line
    assert "gave up after 3 attempts" in line, line
    assert "last answer: HTTP 503 ServiceUnavailable" in line, line
    no_secrets(p.stdout + p.stderr, ALICE_SECRET)
    # the third 503 is still on its way (the emulator sleeps 12 s per answer)
    assert box.sts.count("AssumeRole", "ServiceUnavailable") >= 2, box.sts.stats()


if __name__ == "__main__":
    main([test_assume_role_gives_up_at_overall_deadline])
