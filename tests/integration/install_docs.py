"""install_docs.py - the installed pieces say what the binary does: the man page
(docs/pgiam.1) names every command, every option that `pgiam --help` and each
`pgiam CMD --help` list, and every profile key the core knows; the bash completion
(completions/pgiam.bash), run through bash itself, offers each command's options and
completes profile names from the profile directory; `meson install` puts the binary,
the man page and both completions in place. Needs no sandbox."""
import glob
import os
import re
import subprocess
import sys
import tempfile

BIN = os.environ["PGIAM_BIN"]
SRC = os.environ["PGIAM_SOURCE_ROOT"]
BUILD = os.environ["PGIAM_BUILD_ROOT"]
OPT = re.compile(r"(?<![\w-])(--[a-z][a-z-]*[a-z]|-c)(?![\w-])")
failures = []


def fail(msg):
    failures.append(msg)


def help_of(*args):
    r = subprocess.run([BIN, *args, "--help"], capture_output=True, text=True)
    return r.stdout + r.stderr


def commands():
    text = help_of()
    block = text.split("\ncommands:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in block.splitlines() if line.strip()]


def man_text():
    with open(os.path.join(SRC, "docs", "pgiam.1")) as f:
        return f.read()


def check_man(cmds):
    raw = man_text()
    plain = raw.replace("\\-", "-").replace("\\e", "\\")
    r = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", os.path.join(SRC, "docs", "pgiam.1")],
                       capture_output=True, text=True)
    if r.returncode != 0 or r.stderr.strip():
        fail("groff warns about docs/pgiam.1: %s" % r.stderr.strip())
    for c in cmds:
        if not re.search(r"(?m)^\.SS pgiam %s$" % re.escape(c), plain):
            fail("the man page has no section for command %r" % c)
    for c in [None] + cmds:
        for o in sorted(set(OPT.findall(help_of(*([c] if c else []))))):
            if not re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(o), plain):
                fail("the man page does not mention %s (from pgiam %s--help)" % (o, c + " " if c else ""))
    keys = []
    for path in glob.glob(os.path.join(SRC, "src", "**", "*.c"), recursive=True):
        with open(path) as f:
            body = f.read()
        m = re.search(r"known_keys\[\]\s*=\s*\{(.*?)\n\};", body, re.S)
        if m:
            keys += re.findall(r'\{\s*"([a-z_]+)"', m.group(1))
    if len(keys) < 10:
        fail("found only %d profile keys in the core's table: %r" % (len(keys), keys))
    for k in keys:
        if not re.search(r"(?m)^\.B %s$" % re.escape(k), plain):
            fail("the man page's PROFILE KEYS do not describe %r" % k)


def complete(words, env=None):
    """COMPREPLY for the command line `words` (the last one being completed)."""
    script = ('source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); '
              '_pgiam; printf "%s\\n" "${COMPREPLY[@]}"')
    full = dict(os.environ)
    full.update(env or {})
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", script, "complete",
                        os.path.join(SRC, "completions", "pgiam.bash"), *words],
                       capture_output=True, text=True, env=full)
    if r.returncode != 0:
        fail("bash completion failed for %r: %s" % (words, r.stderr.strip()))
    return [w for w in r.stdout.splitlines() if w]


def check_completion(cmds):
    got = complete(["pgiam", ""])
    if sorted(got) != sorted(cmds):
        fail("completing a command gives %r, pgiam --help lists %r" % (got, cmds))
    for c in cmds:
        want = set(o for o in OPT.findall(help_of(c)) if o.startswith("-"))
        got = set(complete(["pgiam", c, "-"]))
        if want - got:
            fail("completing `pgiam %s -` misses %s" % (c, sorted(want - got)))
    d = tempfile.mkdtemp(prefix="pgiam-compl-")
    for name in ("alpha-ro", "alpha-rw", "beta", ".hidden"):
        with open(os.path.join(d, name + ".ini"), "w") as f:
            f.write("[profile]\n")
    with open(os.path.join(d, "notes.txt"), "w") as f:
        f.write("not a profile\n")
    got = complete(["pgiam", "check", "--profiles", d, "--profile", "al"])
    if got != ["alpha-ro", "alpha-rw"]:
        fail("--profile al with --profiles DIR completes to %r" % got)
    got = complete(["pgiam", "--profile", ""], env={"PGIAM_PROFILES": d})
    if sorted(got) != ["alpha-ro", "alpha-rw", "beta"]:
        fail("--profile with $PGIAM_PROFILES completes to %r" % got)
    home = tempfile.mkdtemp(prefix="pgiam-home-")
    os.makedirs(os.path.join(home, ".config", "pgiam", "profiles"))
    with open(os.path.join(home, ".config", "pgiam", "profiles", "homeprof.ini"), "w") as f:
        f.write("[profile]\n")
    env = {"HOME": home, "PGIAM_PROFILES": "", "XDG_CONFIG_HOME": ""}
    got = complete(["pgiam", "token", "--profile", "h"], env=env)
    if got != ["homeprof"]:
        fail("--profile from ~/.config/pgiam/profiles completes to %r" % got)


def check_install():
    dest = tempfile.mkdtemp(prefix="pgiam-install-")
    r = subprocess.run(["meson", "install", "-C", BUILD, "--destdir", dest, "--no-rebuild",
                        "--quiet"], capture_output=True, text=True)
    if r.returncode != 0:
        fail("meson install failed: %s%s" % (r.stdout, r.stderr))
        return
    files = [os.path.relpath(p, dest) for p in glob.glob(os.path.join(dest, "**"), recursive=True)
             if os.path.isfile(p)]
    for want in (r"bin/pgiam$", r"share/man/man1/pgiam\.1$",
                 r"share/bash-completion/completions/pgiam$", r"share/zsh/.*/_pgiam$"):
        if not any(re.search(want, f) for f in files):
            fail("meson install put nothing at */%s; it installed %r" % (want, files))


def main():
    cmds = commands()
    if len(cmds) < 8:
        fail("pgiam --help lists only %r" % cmds)
    check_man(cmds)
    check_completion(cmds)
    check_install()
    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    sys.exit(1 if failures else 0)


main()
