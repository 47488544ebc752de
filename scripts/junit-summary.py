#!/usr/bin/env python3
"""Print one plain closing line from JUnit XML reports: "pytest: N passed, N failed, N skipped".

`make test` ends with this line so the suite's outcome stays the last thing printed, even
when a library prints shutdown noise after pytest's own summary.
"""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ElementTree


def main(*paths: str) -> int:
    suites = []
    for path in paths:
        root = ElementTree.parse(path).getroot()
        suites += [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    total = sum(int(s.get("tests", 0)) for s in suites)
    failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    # Start on a fresh line: a library may have left its shutdown noise unterminated.
    print(f"\npytest: {total - failed - skipped} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
