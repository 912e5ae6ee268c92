/*
 * cmd_quotes.c - `newsdex quotes [--json] [--field MAP] FILE...`: the direct quotations of each
 * article of the files and who said them, read as `newsdex ingest` reads them, without touching
 * an index.  With --json one line per article: {"file","url","title","quotes":[{"text","start",
 * "end","speaker","speaker_start","speaker_end","name","type","cue","quoted_by"}]} (offsets:
 * bytes of the body text as `show --json` prints it; speaker/name/cue/quoted_by null when not
 * found).
 * Exit status: 0 every file gave articles, 1 some did not, 2 usage error.
 */
#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/names_cli.h"

#include <string.h>

static int quotes_article(const ndx_article *a, json_t *o)
{
    json_object_set_new(o, "quotes", ndxx_quotes_json(a->body, a->nbody));
    return 0;
}

static void quotes_text(json_t *o, int not_first)
{
    if (not_first)
        fputc('\n', stdout);
    printf("%s  %s\n", json_string_value(json_object_get(o, "file")),
           json_string_value(json_object_get(o, "url")));
    json_t *arr = json_object_get(o, "quotes"), *x;
    size_t i;
    json_array_foreach(arr, i, x)
    {
        const char *sp = json_string_value(json_object_get(x, "speaker"));
        const char *nm = json_string_value(json_object_get(x, "name"));
        const char *via = json_string_value(json_object_get(x, "quoted_by"));
        printf("  \xe2\x80\x9c%s\xe2\x80\x9d\n    \xe2\x80\x94 %s%s%s%s%s%s\n",
               json_string_value(json_object_get(x, "text")), sp ? sp : "(speaker unknown)",
               nm && (!sp || strcmp(nm, sp)) ? " (" : "", nm && (!sp || strcmp(nm, sp)) ? nm : "",
               nm && (!sp || strcmp(nm, sp)) ? ")" : "", via ? ", quoted by " : "", via ? via : "");
    }
}

int ndx_cmd_quotes(int argc, char **argv)
{
    static const struct names_cmd cmd = {
        "quotes",
        "Usage: newsdex quotes [--json] [--field MAP] FILE...\n"
        "Print the direct quotations of each article of the files and who said them, read as\n"
        "`newsdex ingest` reads them (files may be gzip'd; - = stdin).  No index is used.\n"
        "  --json, --jsonl  one JSON object per article and line: {file,url,title,quotes:[{text,\n"
        "                   start,end,speaker,speaker_start,speaker_end,name,type,cue,\n"
        "                   quoted_by}]} (speaker as written, name: the person or\n"
        "                   organisation it is, quoted_by: who passes the words on)\n"
        "  --field MAP      JSON field names, as for ingest (body=text,date=published,...)\n"
        "Exit status: 0 every file gave articles, 1 some did not, 2 usage error.\n",
        quotes_article, quotes_text};
    return names_run(&cmd, argc, argv);
}
