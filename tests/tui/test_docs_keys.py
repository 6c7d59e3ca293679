"""test_docs_keys.py - docs/tui.md's key reference is exactly what `pgiam --help-keys`
prints from the action table, so the documentation cannot drift from the code; and
`pgiam --help` lists the terminal UI's options a user needs."""
import os
import re
import subprocess

from tuilib import BIN, Fail, run


def main():
    root = os.environ["PGIAM_SOURCE_ROOT"]
    out = subprocess.run([BIN, "--help-keys"], capture_output=True, text=True, check=True).stdout
    if "| help |" not in out or "| connect |" not in out:
        raise Fail("--help-keys does not print the action table:\n" + out)
    with open(os.path.join(root, "docs", "tui.md")) as f:
        doc = f.read()
    try:
        block = doc.split("<!-- keys:begin -->\n", 1)[1].split("<!-- keys:end -->", 1)[0]
    except IndexError:
        raise Fail("docs/tui.md has no keys:begin/keys:end block")
    if block != out:
        raise Fail("docs/tui.md's keys differ from `pgiam --help-keys`; regenerate the "
                   "block between the markers")
    usage = subprocess.run([BIN, "--help"], capture_output=True, text=True, check=True).stdout
    for opt in ("--profiles DIR", "--profile NAME", "--help-keys"):
        if not re.search(r"(?m)^\s+%s\s+\S" % re.escape(opt), usage):
            raise Fail("pgiam --help does not describe %s:\n%s" % (opt, usage))


run(main)
