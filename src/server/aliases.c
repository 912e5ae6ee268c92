/*
 * aliases.c - GET /api/aliases[?name=NAME]: the names the index learnt in two scripts from
 * glosses, most glossed first (docs/API.md).  The same JSON as `newsdex aliases --json`.
 */
#include "server/server.h"

srv_result api_aliases(struct server *s, struct MHD_Connection *c)
{
    size_t n = 0;
    const char *name = srv_arg(c, "name", &n);
    if (name && n > SRV_MAX_QUERY)
        return srv_send_error(c, MHD_HTTP_BAD_REQUEST, "name is too long", NULL);
    srv_result ret;
    ndx_index *ix = api_acquire(s, c, &ret);
    if (!ix)
        return ret;
    int rc;
    json_t *j = ndxx_aliases_json(ix, name, name ? n : 0, &rc);
    if (rc) {
        json_decref(j);
        return api_fail(s, c, ix, rc);
    }
    srv_release(s, ix);
    if (name && n)
        json_object_set_new(j, "name", json_stringn(name, n));
    return srv_send_json(c, MHD_HTTP_OK, j);
}
