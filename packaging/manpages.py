#!/usr/bin/env python3
"""Write the man pages of the newsdex command from its --help texts.

Usage: manpages.py NEWSDEX_BINARY OUTPUT_DIR

newsdex(1) comes from `newsdex --help`, newsdex-CMD(1) from `newsdex CMD --help` for every
command that `newsdex --help` lists and whose help starts with a "Usage:" line.  The build runs
this after linking the binary, so the pages always say what --help says.  Help texts follow one
shape: a "Usage:" line, paragraphs, sections headed "Name:" at the left margin, options as
"  -x, --long ARG   description" with continuation lines indented further.
"""
import os
import re
import subprocess
import sys

OPTION = re.compile(r"^  (-\S.*?)(?:\s{2,}(\S.*))?$")
HEADING = re.compile(r"^([A-Z][A-Za-z /()-]*):$")
COMMAND = re.compile(r"^  ([a-z][a-z-]*)(?: (\S.*?))?\s{2,}(\S.*)$")


def roff(text):
    """Escape text for roff: backslashes, hyphens, and a control character at line start."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    if text.startswith((".", "'")):
        text = "\\&" + text
    return text


def help_text(binary, *args):
    r = subprocess.run([binary, *args, "--help"], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"manpages: '{' '.join(['newsdex', *args])} --help' exited with status "
                 f"{r.returncode}: {r.stderr.strip()}")
    return r.stdout


def commands(main_help):
    """[(name, args, summary)] of the Commands: section of newsdex --help."""
    out, inside = [], False
    for line in main_help.splitlines():
        if line == "Commands:":
            inside = True
        elif inside and not line.strip():
            break
        elif inside:
            m = COMMAND.match(line)
            if m:
                out.append((m.group(1), m.group(2) or "", m.group(3)))
    return out


def body(lines):
    """roff for help lines after the usage line: paragraphs, headings, options, examples."""
    out, para = [], []

    def flush():
        if para:
            out.append(".PP")
            out.extend(roff(p) for p in para)
            para.clear()

    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        m_opt = OPTION.match(line)
        if not line.strip():
            flush()
        elif HEADING.match(line):
            flush()
            out.append(".SH " + roff(HEADING.match(line).group(1).upper()))
        elif m_opt:
            flush()
            out.append(".TP")
            out.append("\\fB" + roff(m_opt.group(1)) + "\\fR")
            desc = [m_opt.group(2)] if m_opt.group(2) else []
            while i + 1 < len(lines) and re.match(r"^\s{6,}\S", lines[i + 1]):
                i += 1
                desc.append(lines[i].strip())
            out.extend(roff(d) for d in desc)
        elif line.startswith("  "):
            flush()  # an indented block (examples, a query table): kept as typed
            out.append(".nf")
            while i < len(lines) and lines[i].startswith("  ") and not OPTION.match(lines[i]):
                out.append(roff(lines[i].rstrip()))
                i += 1
            out.append(".fi")
            continue
        else:
            para.append(line.strip())
        i += 1
    flush()
    return out


def page(name, summary, version, synopsis, rest, see_also):
    out = [f'.TH {roff(name.upper())} 1 "" "newsdex {version}" "newsdex manual"',
           ".SH NAME", f"{roff(name)} \\- {roff(summary)}"]
    if synopsis:
        out += [".SH SYNOPSIS", ".nf"] + [roff(s) for s in synopsis] + [".fi"]
    body_lines = body(rest)
    if body_lines and not body_lines[0].startswith(".SH"):
        out.append(".SH DESCRIPTION")
    out += body_lines
    out += [".SH SEE ALSO", ", ".join(f"\\fB{roff(p)}\\fR(1)" for p in see_also)]
    return "\n".join(out) + "\n"


def main():
    binary, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    main_help = help_text(binary)
    first = main_help.splitlines()[0]
    m = re.match(r"^newsdex (\S+) - (.*)$", first)
    if not m:
        sys.exit(f"manpages: unexpected first line of 'newsdex --help': {first!r}")
    version, summary = m.groups()
    cmds = commands(main_help)
    if not cmds:
        sys.exit("manpages: no Commands: section in 'newsdex --help'")
    pages = []
    for name, _args, csummary in cmds:
        text = help_text(binary, name)
        lines = text.splitlines()
        if not lines or not lines[0].startswith("Usage: "):
            continue  # e.g. `version`: described in newsdex(1) only
        synopsis = [lines[0][len("Usage: "):]]
        k = 1
        while k < len(lines) and lines[k].startswith("       "):  # continued usage lines
            synopsis.append(lines[k].strip())
            k += 1
        pages.append((f"newsdex-{name}", csummary, synopsis, lines[k:]))
    names = ["newsdex"] + [p[0] for p in pages]
    lines = main_help.splitlines()
    usage = [l[len("Usage: "):] for l in lines if l.startswith("Usage: ")]
    rest = [l for l in lines[1:] if not l.startswith("Usage: ")]
    with open(os.path.join(outdir, "newsdex.1"), "w") as f:
        f.write(page("newsdex", summary, version, usage, rest, names[1:]))
    for name, csummary, synopsis, rest in pages:
        with open(os.path.join(outdir, name + ".1"), "w") as f:
            f.write(page(name, csummary, version, synopsis, rest, ["newsdex"]))


if __name__ == "__main__":
    main()
