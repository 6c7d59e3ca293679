"""layers.py - the core's layers hold (docs/architecture.md), checked two ways:

1. Includes: no file of a layer includes a header it may not use. ui/ and cli/ include
   no libpq, libcurl or libxml2 header (and the UI no AWS/PostgreSQL internals); util/
   only itself; aws/ no libpq, PostgreSQL-layer or profile header; pg/ no libcurl,
   libxml2, AWS-layer or profile header; profile/ no AWS or PostgreSQL header; no
   curses anywhere in src/.
2. The build: in compile_commands.json, no ui/ or cli/ file is compiled with the
   include path of libpq or libxml2 (the core's dependencies are not re-exported), and
   each src/ layer is compiled with only its own and lower layers' folders.
Needs no sandbox."""
import glob
import json
import os
import re
import sys

SRC = os.environ["PGIAM_SOURCE_ROOT"]
BUILD = os.environ["PGIAM_BUILD_ROOT"]
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
failures = []


def headers_of(folder):
    return {os.path.basename(p) for p in glob.glob(os.path.join(SRC, folder, "*.h"))}


LAYER_HEADERS = {name: headers_of(name) for name in
                 ("src/util", "src/aws", "src/pg", "src/profile", "src")}
EXTERNAL = {
    "libpq": re.compile(r"^(libpq-fe\.h|libpq/|pg_config|postgres_ext\.h)"),
    "libcurl": re.compile(r"^curl/"),
    "libxml2": re.compile(r"^libxml/"),
    "curses": re.compile(r"^(n?curses(w)?\.h|ncursesw/|term\.h)"),
    "iniparser": re.compile(r"^(iniparser|dictionary)\.h$"),
    "json-c": re.compile(r"^json-c/"),
    "openssl": re.compile(r"^openssl/"),
}
# folder: (layers whose headers it may include, external libraries it may include)
RULES = {
    "src/util": (["src/util"], ["openssl"]),
    "src/aws": (["src/util", "src/aws"], ["libcurl", "libxml2", "json-c", "iniparser",
                                           "openssl"]),
    "src/pg": (["src/util", "src/pg"], ["libpq", "openssl"]),
    "src/profile": (["src/util", "src/profile"], ["iniparser", "libcurl"]),
    "src": (["src/util", "src/aws", "src/pg", "src/profile", "src"],
            ["libpq", "libcurl", "libxml2", "json-c", "iniparser", "openssl"]),
    "cli": (["src/util", "src/aws", "src/pg", "src/profile", "src", "cli"], ["json-c"]),
    "ui": (["src/util", "src/aws", "src/pg", "src/profile", "src", "ui"], ["curses"]),
}
# main.c starts either front end: the CLI may name the TUI's entry point, nothing else.
EXTRA = {"cli": {"tui.h"}}
# The UI is a front end on the core's API: the session's internals are not for it.
PRIVATE = {"session_int.h", "profile_priv.h"}


def check_includes(folder, allowed_layers, allowed_ext):
    own = headers_of(folder)
    allowed = set().union(*(LAYER_HEADERS.get(l, headers_of(l)) for l in allowed_layers))
    allowed |= EXTRA.get(folder, set())
    for path in sorted(glob.glob(os.path.join(SRC, folder, "*.[ch]"))):
        rel = os.path.relpath(path, SRC)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for kind, name in INCLUDE.findall(text):
            ext = [lib for lib, rx in EXTERNAL.items() if rx.search(name)]
            if ext:
                if ext[0] not in allowed_ext:
                    failures.append("%s includes <%s> (%s), which its layer may not use"
                                    % (rel, name, ext[0]))
                continue
            if kind == '"':
                if name in PRIVATE and name not in own:
                    failures.append("%s includes %s, another layer's internals" % (rel, name))
                elif name not in allowed and name not in own:
                    owner = [l for l, hs in LAYER_HEADERS.items() if name in hs]
                    failures.append('%s includes "%s" (%s), outside the layers it may use'
                                    % (rel, name, owner[0] if owner else "unknown"))


def check_build():
    path = os.path.join(BUILD, "compile_commands.json")
    with open(path) as f:
        commands = json.load(f)
    seen = set()
    for c in commands:
        src = os.path.normpath(os.path.join(c["directory"], c["file"]))
        rel = os.path.relpath(src, SRC)
        folder = os.path.dirname(rel)
        args = c.get("command", " ".join(c.get("arguments", [])))
        incs = re.findall(r"(?:^|\s)-I\s*(\S+)", args)
        if folder in ("ui", "cli"):
            seen.add(folder)
            for inc in incs:
                if "postgresql" in inc or "libxml2" in inc:
                    failures.append("%s is compiled with -I%s: a core dependency leaks "
                                    "into the front end" % (rel, inc))
        if folder in ("src/util", "src/aws", "src/pg", "src/profile"):
            seen.add(folder)
            layers = RULES[folder][0]
            for inc in incs:
                full = os.path.normpath(os.path.join(c["directory"], inc))
                if full.startswith(os.path.join(SRC, "src")):
                    layer = os.path.relpath(full, SRC)
                    if layer not in layers:
                        failures.append("%s is compiled with -I%s, a layer it may not use"
                                        % (rel, layer))
    for folder in ("ui", "cli", "src/util", "src/aws", "src/pg", "src/profile"):
        if folder not in seen:
            failures.append("no compile command for %s/ in %s" % (folder, path))


for folder, (layers, ext) in RULES.items():
    check_includes(folder, layers, ext)
check_build()
for f in failures:
    print("FAIL", f)
if failures:
    sys.exit(1)
print("ok: %d folders follow their layer's rules" % len(RULES))
