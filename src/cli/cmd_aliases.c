/*
 * cmd_aliases.c - `newsdex aliases [NAME...]`: the names the index learnt in two scripts from
 * glosses such as "Chen Quanguo (陳全國)", with how many articles gloss each pair.
 */
#include "cli/cli.h"
#include "cli/commands.h"
#include "common/json_out.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int print_alias(void *ctx, const ndx_alias *a)
{
    (void)ctx;
    printf("%.*s = %.*s  (%s, %" PRIu64 " article%s, first %" PRIu64 ")\n", (int)a->nlatin,
           a->latin, (int)a->ncjk, a->cjk, a->script, a->articles, a->articles == 1 ? "" : "s",
           a->first);
    return 0;
}

static int count_alias(void *ctx, const ndx_alias *a)
{
    (void)a;
    ++*(size_t *)ctx;
    return 0;
}

int ndx_cmd_aliases(int argc, char **argv)
{
    const char *dir = NULL;
    int json = 0;
    if (simple_opts(
            argc, argv, "aliases",
            "Usage: %s aliases [NAME...] [--index DIR] [--json]\n"
            "Names the index learnt in two scripts from glosses in parentheses\n"
            "(\"Chen Quanguo (陳全國)\", \"陈全国（Chen Quanguo）\"), most glossed first, with\n"
            "the number of articles glossing each pair and the first of them.  With NAME,\n"
            "only the pairs one of whose forms it is (either script, any case); exit\n"
            "status 1 when there is none.  Searches expand a name to its other form\n"
            "(search --no-aliases does not).\n",
            &dir, &json))
        return 0;
    char *name = NULL;
    size_t nname = 0;
    for (int i = optind; i < argc; i++) { /* the words of NAME, joined by one space */
        size_t len = strlen(argv[i]);
        char *p = realloc(name, nname + len + 2);
        if (!p) {
            cli_error(2, NULL, "out of memory");
            free(name);
            return 2;
        }
        name = p;
        if (nname)
            name[nname++] = ' ';
        memcpy(name + nname, argv[i], len + 1);
        nname += len;
    }
    ndx_index *ix = open_index(index_dir(dir), NDX_OPEN_READ);
    ndx_stats st;
    ndx_index_stats(ix, &st);
    if (st.analysis < 2)
        fprintf(stderr,
                "%s: note: this index was made before aliases were learnt (analysis %d): "
                "ingest again into a new index to get them\n",
                prog, st.analysis);
    size_t n = 0;
    int rc = ndx_index_aliases(ix, name, nname, count_alias, &n);
    if (!rc && json) {
        json_t *o = ndxx_aliases_json(ix, name, nname, &rc);
        if (!rc)
            print_json(o);
        else
            json_decref(o);
    } else if (!rc) {
        rc = ndx_index_aliases(ix, name, nname, print_alias, NULL);
    }
    if (rc)
        cli_error(2, NULL, "aliases: %s", ndx_strerror(rc));
    else if (name && n == 0 && !json)
        fprintf(stderr, "%s: no aliases for '%s'\n", prog, name);
    ndx_index_close(ix);
    free(name);
    return rc ? 2 : name && n == 0 ? 1 : 0;
}
