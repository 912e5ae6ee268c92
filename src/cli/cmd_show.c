/*
 * cmd_show.c - `newsdex show ID|URL`: one stored article with its story and its exact copies.
 */
#include "cli/cli.h"
#include "cli/commands.h"
#include "common/json_out.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int collect_member(void *ctx, const ndx_article *a)
{
    json_array_append_new((json_t *)ctx, ndxx_member_json(a));
    return 0;
}

/* People, organisations and places (each name once, fullest form) and the quotations. */
static void print_names(const ndx_article *a)
{
    static const char *const types[] = {"PER", "ORG", "LOC"};
    static const char *const labels[] = {"People", "Organisations", "Places"};
    json_t *ents = ndxx_entities_json(a->body, a->nbody), *x;
    int any = 0;
    for (size_t t = 0; t < 3; t++) {
        json_t *seen = json_object();
        size_t i;
        json_array_foreach(ents, i, x)
        {
            if (strcmp(json_string_value(json_object_get(x, "type")), types[t]))
                continue;
            json_t *nm = json_object_get(x, "name");
            const char *name = json_string_value(nm ? nm : json_object_get(x, "text"));
            if (json_object_get(seen, name))
                continue;
            if (json_object_size(seen))
                fputs("; ", stdout);
            else
                printf("%s%s: ", any++ ? "" : "\n", labels[t]);
            fputs(name, stdout);
            json_object_set_new(seen, name, json_true());
        }
        if (json_object_size(seen))
            fputc('\n', stdout);
        json_decref(seen);
    }
    json_decref(ents);
    json_t *qs = ndxx_quotes_json(a->body, a->nbody);
    size_t i;
    json_array_foreach(qs, i, x)
    {
        const char *sp = json_string_value(json_object_get(x, "speaker"));
        const char *nm = json_string_value(json_object_get(x, "name"));
        const char *via = json_string_value(json_object_get(x, "quoted_by"));
        if (i == 0)
            printf("\nQuotes:\n");
        printf("  \xe2\x80\x9c%s\xe2\x80\x9d \xe2\x80\x94 %s%s%s%s%s%s\n",
               json_string_value(json_object_get(x, "text")), sp ? sp : "?",
               nm && sp && strcmp(nm, sp) ? " (" : "", nm && sp && strcmp(nm, sp) ? nm : "",
               nm && sp && strcmp(nm, sp) ? ")" : "", via ? ", quoted by " : "", via ? via : "");
    }
    json_decref(qs);
}

int ndx_cmd_show(int argc, char **argv)
{
    const char *dir = NULL;
    int json = 0;
    if (simple_opts(argc, argv, "show",
                    "Usage: %s show [--index DIR] [--json] ID|URL\n"
                    "Print a stored article: metadata, full text, its story's articles and the\n"
                    "URLs of exact copies.  Exit status 1 when there is no such article.\n",
                    &dir, &json))
        return 0;
    if (optind + 1 != argc)
        die_usage("show", "give one article id or URL");
    ndx_index *ix = open_index(index_dir(dir), NDX_OPEN_READ);
    uint64_t id;
    ndx_article *a = NULL;
    const char *key = argv[optind];
    if (ndx_index_lookup(ix, key, strlen(key), &id) || ndx_index_get(ix, id, &a)) {
        cli_error(1, NULL, "%s", ndx_errmsg(ix));
        ndx_index_close(ix);
        return 1;
    }
    json_t *story = json_array();
    ndx_story_members(ix, a->story, collect_member, story);
    if (json) {
        json_t *o = ndxx_article_json(ix, a);
        print_json(o);
    } else {
        char date[32];
        format_date(a->published, date, sizeof date);
        printf("%s\n", a->title);
        printf("id %" PRIu64 " · %s · %s · %s\n", a->id, a->nsource ? a->source : "-", date,
               a->lang);
        if (a->nurl)
            printf("%s\n", a->url);
        if (a->flags & (NDX_ART_LISTING | NDX_ART_OTHER_PAGE))
            printf("page type: %s\n", ndxx_page_type(a->flags));
        if (a->nauthors)
            printf("by %s\n", a->authors);
        if (a->nfields) {
            json_t *f = ndxx_fields_json(a->fields, a->nfields);
            const char *name;
            json_t *vals;
            json_object_foreach(f, name, vals)
            {
                printf("%s:", name);
                for (size_t k = 0; k < json_array_size(vals); k++)
                    printf("%s %s", k ? ";" : "", json_string_value(json_array_get(vals, k)));
                printf("\n");
            }
            json_decref(f);
        }
        printf("\n%s\n", a->body);
        print_names(a);
        if (json_array_size(story) > 1) {
            printf("\nThe same story (%zu articles, earliest first):\n", json_array_size(story));
            for (size_t k = 0; k < json_array_size(story); k++) {
                json_t *m = json_array_get(story, k);
                json_t *d = json_object_get(m, "date");
                printf("  %s%" JSON_INTEGER_FORMAT " %s · %s · %s\n",
                       json_integer_value(json_object_get(m, "id")) == (json_int_t)a->id ? "*"
                                                                                         : " ",
                       json_integer_value(json_object_get(m, "id")),
                       json_string_value(json_object_get(m, "source")),
                       json_is_string(d) ? json_string_value(d) : "-",
                       json_string_value(json_object_get(m, "title")));
            }
        }
        if (a->ncopies) {
            printf("\nAlso published as (exact copies):\n");
            const char *p = a->copies, *url, *src;
            size_t nurl, nsrc;
            while (ndx_copies_next(&p, a->copies + a->ncopies, &url, &nurl, &src, &nsrc))
                if (src && nsrc)
                    printf("  %.*s (%.*s)\n", (int)nurl, url, (int)nsrc, src);
                else
                    printf("  %.*s\n", (int)nurl, url);
        }
    }
    json_decref(story);
    ndx_article_free(a);
    ndx_index_close(ix);
    return 0;
}
