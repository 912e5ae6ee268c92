/*
 * alias_json.c - the JSON of the alias table, shared by `newsdex aliases --json` and
 * GET /api/aliases: {"aliases": [{"latin", "cjk", "script", "articles", "first"}], "total"}.
 */
#include "common/json_out.h"

static int add_alias(void *ctx, const ndx_alias *a)
{
    json_t *o = json_object();
    json_object_set_new(o, "latin", ndxx_jstr(a->latin, a->nlatin));
    json_object_set_new(o, "cjk", ndxx_jstr(a->cjk, a->ncjk));
    json_object_set_new(o, "script", json_string(a->script));
    json_object_set_new(o, "articles", json_integer((json_int_t)a->articles));
    json_object_set_new(o, "first", json_integer((json_int_t)a->first));
    return json_array_append_new(ctx, o) ? NDX_ENOMEM : 0;
}

json_t *ndxx_aliases_json(ndx_index *ix, const char *name, size_t nname, int *rc)
{
    json_t *list = json_array();
    *rc = ndx_index_aliases(ix, name, nname, add_alias, list);
    json_t *o = json_object();
    json_object_set_new(o, "total", json_integer((json_int_t)json_array_size(list)));
    json_object_set_new(o, "aliases", list);
    return o;
}
