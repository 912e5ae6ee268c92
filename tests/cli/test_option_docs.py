"""Every option a command accepts is in its --help and in its section of docs/CLI.md (serve's in
docs/API.md), and every option its --help names is accepted: the option tables of src/cli, the
--help texts (the man pages are made from them) and the documentation cannot drift apart."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI_MD = (ROOT / "docs" / "CLI.md").read_text()
API_MD = (ROOT / "docs" / "API.md").read_text()

QUERY_CMDS = {"search", "terms", "timeline"}
COMMON = {"index", "json", "help"}  # documented once, at the top of docs/CLI.md
SOURCES = {"serve": ROOT / "src" / "server" / "serve.c",
           "quotes": ROOT / "src" / "cli" / "cmd_entities.c"}  # the table entities and quotes share
COMMANDS = ["ingest", "search", "timeline", "terms", "related", "export", "extract", "entities",
            "quotes", "aliases", "show", "delete", "stats", "check", "optimize", "serve"]


def table_options(cmd):
    """The long options of the command's getopt table(s)."""
    src = SOURCES.get(cmd, ROOT / "src" / "cli" / f"cmd_{cmd}.c").read_text()
    names = set(re.findall(r'\{"([a-z][a-z-]*)", (?:no|required|optional)_argument', src))
    if cmd in QUERY_CMDS:
        cli_h = (ROOT / "src" / "cli" / "cli.h").read_text()
        block = cli_h[cli_h.index("#define QUERY_OPTIONS"):]
        block = block[:block.index("/* clang-format on */")]
        names |= set(re.findall(r'\{"([a-z][a-z-]*)"', block))
    if "simple_opts(" in src:
        names |= {"index", "json", "help"}
    return names


def doc_section(cmd):
    if cmd == "serve":
        return API_MD[:API_MD.index("## Conventions")]
    heads = [(m.start(), m.group(1)) for m in re.finditer(r"^## (.+)$", CLI_MD, re.M)]
    for i, (at, title) in enumerate(heads):
        if cmd in re.split(r"[ ,]+", title):
            end = heads[i + 1][0] if i + 1 < len(heads) else len(CLI_MD)
            return CLI_MD[at:end]
    raise AssertionError(f"no section for {cmd} in docs/CLI.md")


def help_text(nd, cmd):
    rc, out, err = nd(cmd, "--help")
    assert rc == 0, err
    return out


@pytest.mark.parametrize("cmd", COMMANDS)
def test_every_option_is_in_help_and_docs(nd, cmd):
    opts = table_options(cmd)
    assert opts, cmd
    helptext = help_text(nd, cmd)
    section = doc_section(cmd)
    missing_help = sorted(o for o in opts - {"help"} if f"--{o}" not in helptext)
    missing_doc = sorted(o for o in opts - COMMON if f"--{o}" not in section)
    assert not missing_help, f"{cmd} --help lacks {missing_help}"
    assert not missing_doc, f"docs for {cmd} lack {missing_doc}"


@pytest.mark.parametrize("cmd", COMMANDS)
def test_every_option_in_help_is_accepted(nd, cmd, tmp_path):
    """The options of the usage line and of the option lists (other commands' options named in
    the prose, such as search's --facet in ingest's --field, are not this command's)."""
    text = help_text(nd, cmd)
    usage = text.split("\n\n")[0].split("\n")[0]
    named = set(re.findall(r"\[--([a-z][a-z-]+)", usage))
    named |= set(re.findall(r"^ {1,4}(?:-\w, )?--([a-z][a-z-]+)", text, re.M))
    assert named or cmd in ("stats", "show", "delete", "related"), text
    for o in sorted(named):
        rc, out, err = nd(cmd, f"--{o}", "--help", cwd=tmp_path)
        assert f"unknown option '--{o}'" not in err, (cmd, o, err)
