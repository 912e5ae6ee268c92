/*
 * walknames.c - the names a directory walk passes over: files that are never articles (README,
 * LICENSE, change logs, source code, schemas, configuration) and version-control folders that do
 * not start with a dot.  `newsdex ingest` and the Python package walk directories by these same
 * rules (include/newsdex.h: ndx_not_article_name, ndx_vcs_dir_name).
 */
#include "newsdex.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Folders of version-control systems that do not start with a dot. */
int ndx_vcs_dir_name(const char *name)
{
    return !strcmp(name, "CVS") || !strcmp(name, "_darcs") || !strcmp(name, "RCS") ||
           !strcmp(name, "SCCS");
}

const char *ndx_not_article_name(const char *name)
{
    static const char *const docs[] = {
        "readme",   "license",         "licence",      "copying",      "changes", "changelog",
        "history",  "authors",         "contributors", "contributing", "notice",  "install",
        "manifest", "code_of_conduct", "security",     "todo",         NULL};
    static const char *const code[] = {"dtd",  "xsd", "xsl",  "xslt", "css",   "js",  "py",
                                       "c",    "h",   "cc",   "cpp",  "sh",    "pl",  "rb",
                                       "go",   "rs",  "java", "sql",  "ipynb", "yml", "yaml",
                                       "toml", "cfg", "ini",  NULL};
    /* the stem: the name up to its first dot ("README.md", "LICENSE-MIT", "CHANGES.txt") */
    char stem[32];
    size_t k = 0;
    for (; name[k] && name[k] != '.' && name[k] != '-' && name[k] != '_' && k + 1 < sizeof stem;
         k++)
        stem[k] = (char)tolower((unsigned char)name[k]);
    stem[k] = 0;
    if (!strcasecmp(name, "code_of_conduct.md"))
        return "README, LICENSE, change log or similar file";
    for (int i = 0; docs[i]; i++) {
        if (!strcmp(stem, docs[i]))
            return "README, LICENSE, change log or similar file";
    }
    const char *dot = strrchr(name, '.');
    if (dot && dot != name) {
        for (int i = 0; code[i]; i++) {
            if (!strcasecmp(dot + 1, code[i]))
                return "source code, schema or configuration file";
        }
    }
    if (!strcasecmp(name, "Makefile") || !strcasecmp(name, "Dockerfile"))
        return "source code, schema or configuration file";
    return NULL;
}
