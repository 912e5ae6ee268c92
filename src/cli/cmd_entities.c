/*
 * cmd_entities.c - `newsdex entities [--json] [--field MAP] FILE...`: the people, organisations
 * and places of each article of the files, read as `newsdex ingest` reads them (every input
 * format, gzip, "-" = stdin), without touching an index.  With --json one line per article:
 * {"file","url","title","entities":[{"type","text","start","end"[,"name"]}]} where start/end are
 * byte offsets into the article's body text as `show --json` prints it and "name" is the fuller
 * mention a short one stands for ("Chen" -> "Chen Quanguo").  Also the reading loop that
 * `newsdex quotes` (cmd_quotes.c) shares.
 * Exit status: 0 every file gave articles, 1 some did not, 2 usage error.
 */
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/names_cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

struct run {
    const struct names_cmd *cmd;
    const char *path;
    int json;
    unsigned long articles;
    int failed;
};

static int on_article(void *ctx, const ndx_article *a)
{
    struct run *r = ctx;
    json_t *o = json_object();
    json_object_set_new(o, "file", json_string(r->path));
    json_object_set_new(o, "url", ndxx_jstr(a->url, a->nurl));
    json_object_set_new(o, "title", ndxx_jstr(a->title, a->ntitle));
    int rc = r->cmd->article(a, o);
    if (rc) {
        fprintf(stderr, "%s %s: %s: %s\n", prog, r->cmd->name, r->path, ndx_strerror(rc));
        r->failed = 1;
    } else if (r->json) {
        print_json(o);
        o = NULL;
    } else {
        r->cmd->print_text(o, r->articles > 0);
    }
    json_decref(o);
    r->articles++;
    return 0;
}

static void on_problem(void *ctx, const char *where, const char *what)
{
    struct run *r = ctx;
    fprintf(stderr, "%s %s: %s: %s\n", prog, r->cmd->name, where, what);
}

int names_run(const struct names_cmd *cmd, int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, 0, 'j'},
                                         {"jsonl", no_argument, 0, 'j'},
                                         {"field", required_argument, 0, 'f'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    ndx_reader_opts ropts = {0};
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j':
            json = 1;
            break;
        case 'f':
            ropts.field_map = optarg;
            break;
        case 'h':
            fputs(cmd->help, stdout);
            return 0;
        default:
            die_option(cmd->name, argv, opts);
        }
    }
    if (optind >= argc)
        die_usage(cmd->name, "give one or more files (- = stdin)");
    const char *status = ndx_names_data_status();
    if (status)
        fprintf(stderr, "%s %s: note: %s\n", prog, cmd->name, status);
    int exit_rc = 0;
    for (int i = optind; i < argc; i++) {
        struct run r = {.cmd = cmd, .path = argv[i], .json = json};
        ndx_reader_cb cb = {.on_article = on_article, .on_problem = on_problem, .ctx = &r};
        int rc = ndx_read_file(argv[i], &ropts, &cb);
        const char *why =
            rc == NDX_EINVAL ? "is a directory or has a bad --field" : ndx_strerror(rc);
        if (rc && rc != NDX_EFORMAT) {
            json_t *x = json_object();
            json_object_set_new(x, "file", json_string(argv[i]));
            json_error(1, why, x);
            fprintf(stderr, "%s %s: %s: %s\n", prog, cmd->name, argv[i], why);
        }
        if (rc || r.failed || !r.articles)
            exit_rc = 1;
    }
    return exit_rc;
}

/* ---- entities ------------------------------------------------------------------------------- */

static int entities_article(const ndx_article *a, json_t *o)
{
    json_object_set_new(o, "entities", ndxx_entities_json(a->body, a->nbody));
    return 0;
}

static void entities_text(json_t *o, int not_first)
{
    if (not_first)
        fputc('\n', stdout);
    printf("%s  %s\n", json_string_value(json_object_get(o, "file")),
           json_string_value(json_object_get(o, "url")));
    json_t *arr = json_object_get(o, "entities"), *x;
    size_t i;
    json_array_foreach(arr, i, x)
    {
        json_t *name = json_object_get(x, "name");
        printf("  %s  %6lld-%-6lld  %s%s%s\n", json_string_value(json_object_get(x, "type")),
               (long long)json_integer_value(json_object_get(x, "start")),
               (long long)json_integer_value(json_object_get(x, "end")),
               json_string_value(json_object_get(x, "text")), name ? "  = " : "",
               name ? json_string_value(name) : "");
    }
}

int ndx_cmd_entities(int argc, char **argv)
{
    static const struct names_cmd cmd = {
        "entities",
        "Usage: newsdex entities [--json] [--field MAP] FILE...\n"
        "Print the people (PER), organisations (ORG) and places (LOC) named in each article of\n"
        "the files, read as `newsdex ingest` reads them (files may be gzip'd; - = stdin).  No\n"
        "index is used.  Offsets are bytes of the body text as `newsdex show --json` prints it.\n"
        "  --json, --jsonl  one JSON object per article and line:\n"
        "                   {file,url,title,entities:[{type,text,start,end[,name]}]}\n"
        "                   (name: the full name a short mention stands for)\n"
        "  --field MAP      JSON field names, as for ingest (body=text,date=published,...)\n"
        "Exit status: 0 every file gave articles, 1 some did not, 2 usage error.\n",
        entities_article, entities_text};
    return names_run(&cmd, argc, argv);
}
