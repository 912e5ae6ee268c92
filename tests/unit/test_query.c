/*
 * test_query.c - the query parser (lib/query/parse.c): a table of queries with their expected
 * S-expression dumps (every syntax form and precedence case), a table of bad queries with the
 * expected error position and message, date arithmetic checked against `date -u -d ... +%s`,
 * the size/depth limits, hostile bytes, and allocation failure at every step.
 */
#include "harness.h"
#include "ndx_int.h"
#include "query/query.h"

#include <stdlib.h>

/* Parse q[0..n) and return the dump (malloc'd), or "ERR <rc> @<pos>: <msg>". */
static char *parse_dump(const char *q, size_t n)
{
    struct ndx_qnode *root = (struct ndx_qnode *)1;
    size_t pos = 12345;
    char *msg = NULL;
    int rc = ndx__query_parse(q, n, &root, &pos, &msg);
    char *res;
    if (rc == 0) {
        struct ndx_buf b;
        int drc;
        ndx__buf_init(&b, 0);
        drc = ndx__query_dump(root, &b);
        CHECK_EQ(drc, 0);
        CHECK(msg == NULL);
        res = strdup(b.p ? (char *)b.p : "");
        ndx__buf_free(&b);
        ndx__query_free(root);
    } else {
        CHECK(root == NULL);
        CHECK(msg != NULL);
        char tmp[512];
        snprintf(tmp, sizeof tmp, "ERR %d @%zu: %s", rc, pos, msg ? msg : "(null)");
        res = strdup(tmp);
        ndx_free(msg);
    }
    return res;
}

static char *pd(const char *q)
{
    return parse_dump(q, strlen(q));
}

struct good {
    const char *q;
    const char *dump;
};

static const struct good good_cases[] = {
    /* terms, juxtaposition, explicit operators, precedence */
    {"a", "(term \"a\")"},
    {"  a  ", "(term \"a\")"},
    {"a b", "(and (term \"a\") (term \"b\"))"},
    {"a AND b", "(and (term \"a\") (term \"b\"))"},
    {"a OR b", "(or (term \"a\") (term \"b\"))"},
    {"a b OR c d", "(or (and (term \"a\") (term \"b\")) (and (term \"c\") (term \"d\")))"},
    {"a OR b c", "(or (term \"a\") (and (term \"b\") (term \"c\")))"},
    {"a AND b OR c", "(or (and (term \"a\") (term \"b\")) (term \"c\"))"},
    {"a OR b AND c", "(or (term \"a\") (and (term \"b\") (term \"c\")))"},
    {"a OR b OR c", "(or (term \"a\") (term \"b\") (term \"c\"))"},
    {"(a OR b) c", "(and (or (term \"a\") (term \"b\")) (term \"c\"))"},
    {"a AND b c AND d", "(and (term \"a\") (term \"b\") (term \"c\") (term \"d\"))"},
    /* flattening and collapsing */
    {"(a b) (c d)", "(and (term \"a\") (term \"b\") (term \"c\") (term \"d\"))"},
    {"a (b (c d))", "(and (term \"a\") (term \"b\") (term \"c\") (term \"d\"))"},
    {"(a OR b) OR (c OR d)", "(or (term \"a\") (term \"b\") (term \"c\") (term \"d\"))"},
    {"((a))", "(term \"a\")"},
    {"( a )", "(term \"a\")"},
    {"(a OR b) (c OR d)", "(and (or (term \"a\") (term \"b\")) (or (term \"c\") (term \"d\")))"},
    /* unary */
    {"NOT a", "(not (term \"a\"))"},
    {"-a", "(not (term \"a\"))"},
    {"+a", "(term \"a\")"},
    {"a NOT b", "(and (term \"a\") (not (term \"b\")))"},
    {"a AND NOT b", "(and (term \"a\") (not (term \"b\")))"},
    {"a -b", "(and (term \"a\") (not (term \"b\")))"},
    {"+a -b +c", "(and (term \"a\") (not (term \"b\")) (term \"c\"))"},
    {"NOT a b", "(and (not (term \"a\")) (term \"b\"))"},
    {"NOT a OR b", "(or (not (term \"a\")) (term \"b\"))"},
    {"a OR -b", "(or (term \"a\") (not (term \"b\")))"},
    {"NOT NOT a", "(term \"a\")"},
    {"NOT NOT NOT a", "(not (term \"a\"))"},
    {"NOT -a", "(term \"a\")"},
    {"-(a OR b) c", "(and (not (or (term \"a\") (term \"b\"))) (term \"c\"))"},
    {"-\"x y\"", "(not (phrase \"x y\"))"},
    {"NOT(a)", "(not (term \"a\"))"},
    {"-NOT", "(not (term \"NOT\"))"},
    {"+AND", "(term \"AND\")"},
    /* lower-case operators and operator look-alikes are words */
    {"and or not", "(and (term \"and\") (term \"or\") (term \"not\"))"},
    {"ANDROID ORB NOTE", "(and (term \"ANDROID\") (term \"ORB\") (term \"NOTE\"))"},
    {"&& ||", "(and (term \"&&\") (term \"||\"))"},
    /* words with inner '-', ':', '*', '+' */
    {"e-mail covid-19", "(and (term \"e-mail\") (term \"covid-19\"))"},
    {"10:30 http://x.org/a", "(and (term \"10:30\") (term \"http://x.org/a\"))"},
    {"foo:bar :x y:", "(and (term keyword \"foo:bar\") (term \":x\") (term keyword \"y:\"))"},
    {"10:30 a-b:c Sec:x", "(and (term \"10:30\") (term \"a-b:c\") (term keyword \"sec:x\"))"},
    {"tags:\"uk news\"", "(phrase keyword \"tags:uk news\")"},
    {"wire:yes x -WIRE:No", "(and (wire yes) (term \"x\") (not (wire no)))"},
    {"a*b *ab", "(and (term \"a*b\") (term \"*ab\"))"},
    {"c++ +c++", "(and (term \"c++\") (term \"c++\"))"},
    {"a-", "(term \"a-\")"},
    /* punctuation-only words stay terms */
    {"\xe2\x80\x94 ...", "(and (term \"\xe2\x80\x94\") (term \"...\"))"},
    {"--", "(term \"--\")"},
    {"a -- b", "(and (term \"a\") (term \"--\") (term \"b\"))"},
    /* prefixes */
    {"invest*", "(prefix \"invest\")"},
    {"invest**", "(prefix \"invest\")"},
    {"-invest*", "(not (prefix \"invest\"))"},
    {"\xe4\xb8\xad*", "(prefix \"\xe4\xb8\xad\")"},
    /* phrases */
    {"\"x y\"", "(phrase \"x y\")"},
    {"\"x y\"~2", "(phrase \"x y\" 2)"},
    {"\"x y\"~0", "(phrase \"x y\")"},
    {"\"x  y\"~1000", "(phrase \"x  y\" 1000)"},
    {"\"x y\"~007", "(phrase \"x y\" 7)"},
    {"\" x \"", "(phrase \" x \")"},
    {"\"a (b) -c OR d*\"", "(phrase \"a (b) -c OR d*\")"},
    {"a\"b c\"d", "(and (term \"a\") (phrase \"b c\") (term \"d\"))"},
    {"\"x\" ~2", "(and (phrase \"x\") (term \"~2\"))"},
    {"\"a\"\"b\"", "(and (phrase \"a\") (phrase \"b\"))"},
    /* fields */
    {"title:foo", "(term title \"foo\")"},
    {"TITLE:foo Body:bar", "(and (term title \"foo\") (term body \"bar\"))"},
    {"source:bbc.co.uk url:http://x lang:en",
     "(and (term source \"bbc.co.uk\") (term url \"http://x\") (term lang \"en\"))"},
    {"title:foo*", "(prefix title \"foo\")"},
    {"title:\"x y\"~2", "(phrase title \"x y\" 2)"},
    {"title:AND", "(term title \"AND\")"},
    {"title:a:b", "(term title \"a:b\")"},
    {"-title:foo", "(not (term title \"foo\"))"},
    {"NOT body:foo", "(not (term body \"foo\"))"},
    {"title:(a OR b*) c", "(and (or (term title \"a\") (prefix title \"b\")) (term \"c\"))"},
    {"title:(a body:b \"c d\")",
     "(and (term title \"a\") (term body \"b\") (phrase title \"c d\"))"},
    {"title:(a -(b OR url:c))",
     "(and (term title \"a\") (not (or (term title \"b\") (term url \"c\"))))"},
    {"title:(a date:2019)", "(and (term title \"a\") (date 1546300800 1577836799))"},
    {"lang:(en OR de) x", "(and (or (term lang \"en\") (term lang \"de\")) (term \"x\"))"},
    /* CJK and other non-ASCII: bytes of words, U+3000 separates */
    {"\xe4\xb8\xad\xe6\x96\x87 \xe6\x97\xa5\xe6\x9c\xac",
     "(and (term \"\xe4\xb8\xad\xe6\x96\x87\") (term \"\xe6\x97\xa5\xe6\x9c\xac\"))"},
    {"\xe4\xb8\xad\xe6\x96\x87\xe3\x80\x80\xe6\x97\xa5\xe6\x9c\xac",
     "(and (term \"\xe4\xb8\xad\xe6\x96\x87\") (term \"\xe6\x97\xa5\xe6\x9c\xac\"))"},
    {"\xe3\x80\x80"
     "a"
     "\xe3\x80\x80",
     "(term \"a\")"},
    {"\"\xe6\x96\xb0\xe9\x97\xbb \xe4\xb8\xad\xe5\x9b\xbd\"",
     "(phrase \"\xe6\x96\xb0\xe9\x97\xbb \xe4\xb8\xad\xe5\x9b\xbd\")"},
    {"title:\xe6\x96\xb0\xe9\x97\xbb", "(term title \"\xe6\x96\xb0\xe9\x97\xbb\")"},
    {"title\xef\xbc\x9a"
     "x",
     "(term \"title\xef\xbc\x9a"
     "x\")"}, /* fullwidth colon: a word */
    {"\xe3\x80\x81", "(term \"\xe3\x80\x81\")"},
    {"\xff\xfe", "(term \"\xff\xfe\")"},
    /* whitespace kinds, escaping in the dump */
    {"a\tb\nc\r\fd\ve", "(and (term \"a\") (term \"b\") (term \"c\") (term \"d\") (term \"e\"))"},
    {"a\\b", "(term \"a\\\\b\")"},
    {"\"a\\\"", "(phrase \"a\\\\\")"},
    {"a\x01"
     "b",
     "(term \"a\\x01b\")"},
    /* dates: values from `date -u -d ... +%s` */
    {"date:2019", "(date 1546300800 1577836799)"},
    {"DATE:2019", "(date 1546300800 1577836799)"},
    {"date:2019-03", "(date 1551398400 1554076799)"},
    {"date:2019-02", "(date 1548979200 1551398399)"},
    {"date:2019-12", "(date 1575158400 1577836799)"},
    {"date:2019-03-05", "(date 1551744000 1551830399)"},
    {"date:2020-02-29", "(date 1582934400 1583020799)"},
    {"date:2000-02-29", "(date 951782400 951868799)"},
    {"date:1970-01-01", "(date 0 86399)"},
    {"date:1969-12-31", "(date -86400 -1)"},
    {"date:1066-10-14", "(date -28502755200 -28502668801)"},
    {"date:2019-03..2019-06", "(date 1551398400 1561939199)"},
    {"date:2019-03-05..2019-03-05", "(date 1551744000 1551830399)"},
    {"date:2019..2019", "(date 1546300800 1577836799)"},
    {"date:2019-03..", "(date 1551398400 *)"},
    {"date:..2019-06-30", "(date * 1561939199)"},
    {"date:..2019-06", "(date * 1561939199)"},
    {"date:>2019", "(date 1577836800 *)"},
    {"date:>=2019", "(date 1546300800 *)"},
    {"date:<2019-03", "(date * 1551398399)"},
    {"date:<=2019-03", "(date * 1554076799)"},
    {"date:>2019-03-05", "(date 1551830400 *)"},
    {"date:2019-03-05T10:00:00Z", "(date 1551780000 1551780000)"},
    {"date:2019-03-05t10:00:00z", "(date 1551780000 1551780000)"},
    {"date:2019-03-05T10:00", "(date 1551780000 1551780000)"},
    {"date:2019-03-05T10:00:00+01:00", "(date 1551776400 1551776400)"},
    {"date:2019-03-05T10:00:00+0100", "(date 1551776400 1551776400)"},
    {"date:2019-03-05T09:00:00-01", "(date 1551780000 1551780000)"},
    {"date:2019-03-05T10:30:15.5Z", "(date 1551781815 1551781815)"},
    {"date:>2019-03-05T10:00:00Z", "(date 1551780001 *)"},
    {"date:2019-03-05T10:00:00Z..2019-03-06", "(date 1551780000 1551916799)"},
    {"-date:2019 a", "(and (not (date 1546300800 1577836799)) (term \"a\"))"},
    {"(date:2019)", "(date 1546300800 1577836799)"},
    {"date:2019 OR date:2020-02-29",
     "(or (date 1546300800 1577836799) (date 1582934400 1583020799))"},
    {"foo date:2019-03", "(and (term \"foo\") (date 1551398400 1554076799))"},
};

TEST(query_parse_table)
{
    for (size_t i = 0; i < NDX_ARRAY_LEN(good_cases); i++) {
        char *got = pd(good_cases[i].q);
        if (strcmp(got, good_cases[i].dump) != 0)
            fprintf(stderr, "  query [%s]\n", good_cases[i].q);
        CHECK_STR(got, good_cases[i].dump);
        free(got);
    }
}

struct bad {
    const char *q;
    int rc;
    size_t pos;
    const char *msg; /* substring of the message */
};

static const struct bad bad_cases[] = {
    {"", NDX_ESYNTAX, 0, "empty query"},
    {"   \t\n", NDX_ESYNTAX, 0, "empty query"},
    {"\xe3\x80\x80", NDX_ESYNTAX, 0, "empty query"},
    {"(", NDX_ESYNTAX, 0, "unbalanced '('"},
    {"a (b", NDX_ESYNTAX, 2, "unbalanced '('"},
    {"(a (b)", NDX_ESYNTAX, 0, "unbalanced '('"},
    {"((a) b", NDX_ESYNTAX, 0, "unbalanced '('"},
    {"a)", NDX_ESYNTAX, 1, "unbalanced ')'"},
    {")", NDX_ESYNTAX, 0, "unbalanced ')'"},
    {"(a)) b", NDX_ESYNTAX, 3, "unbalanced ')'"},
    {"()", NDX_ESYNTAX, 0, "empty parentheses"},
    {"a ( )", NDX_ESYNTAX, 2, "empty parentheses"},
    {"a AND", NDX_ESYNTAX, 2, "AND needs a term after it"},
    {"AND a", NDX_ESYNTAX, 0, "AND needs a term before it"},
    {"(AND a)", NDX_ESYNTAX, 1, "AND needs a term before it"},
    {"a OR", NDX_ESYNTAX, 2, "OR needs a term after it"},
    {"OR b", NDX_ESYNTAX, 0, "OR needs a term before it"},
    {"a (OR b)", NDX_ESYNTAX, 3, "OR needs a term before it"},
    {"NOT", NDX_ESYNTAX, 0, "NOT needs a term after it"},
    {"a NOT", NDX_ESYNTAX, 2, "NOT needs a term after it"},
    {"NOT NOT", NDX_ESYNTAX, 4, "NOT needs a term after it"},
    {"(a NOT) b", NDX_ESYNTAX, 3, "NOT needs a term after it"},
    {"a AND OR b", NDX_ESYNTAX, 2, "AND needs a term after it"},
    {"a AND AND b", NDX_ESYNTAX, 2, "AND needs a term after it"},
    {"a OR OR b", NDX_ESYNTAX, 2, "OR needs a term after it"},
    {"a OR AND b", NDX_ESYNTAX, 2, "OR needs a term after it"},
    {"a NOT OR b", NDX_ESYNTAX, 2, "NOT needs a term after it"},
    {"(a OR) b", NDX_ESYNTAX, 3, "OR needs a term after it"},
    {"(a AND)", NDX_ESYNTAX, 3, "AND needs a term after it"},
    {"-", NDX_ESYNTAX, 0, "'-' needs a term right after it"},
    {"a - b", NDX_ESYNTAX, 2, "'-' needs a term right after it"},
    {"(a -)", NDX_ESYNTAX, 3, "'-' needs a term right after it"},
    {"--a", NDX_ESYNTAX, 0, "'-' needs a term right after it"},
    {"-+a", NDX_ESYNTAX, 0, "'-' needs a term right after it"},
    {"-\xe3\x80\x80"
     "a",
     NDX_ESYNTAX, 0, "'-' needs a term right after it"},
    {"+", NDX_ESYNTAX, 0, "'+' needs a term right after it"},
    {"a + b", NDX_ESYNTAX, 2, "'+' needs a term right after it"},
    {"\"abc", NDX_ESYNTAX, 0, "missing closing quote"},
    {"a \"b c", NDX_ESYNTAX, 2, "missing closing quote"},
    {"\"a\" \"b", NDX_ESYNTAX, 4, "missing closing quote"},
    {"\"\"", NDX_ESYNTAX, 0, "empty phrase"},
    {"x \"  \"", NDX_ESYNTAX, 2, "empty phrase"},
    {"\"a\"~", NDX_ESYNTAX, 3, "'~' needs a number"},
    {"\"a\"~x", NDX_ESYNTAX, 3, "'~' needs a number"},
    {"\"a\"~1001", NDX_ESYNTAX, 3, "too large"},
    {"\"a\"~99999999999999999999999", NDX_ESYNTAX, 3, "too large"},
    {"*", NDX_ESYNTAX, 0, "prefix too short"},
    {"a **", NDX_ESYNTAX, 2, "prefix too short"},
    {"title:*", NDX_ESYNTAX, 6, "prefix too short"},
    {"title:", NDX_ESYNTAX, 0, "title: needs a term right after it"},
    {"a title: b", NDX_ESYNTAX, 2, "title: needs a term right after it"},
    {"(Body:)", NDX_ESYNTAX, 1, "body: needs a term right after it"},
    {"title:-a", NDX_ESYNTAX, 6, "put '-' before the field"},
    {"url:+a", NDX_ESYNTAX, 4, "put '+' before the field"},
    {"title:body:x", NDX_ESYNTAX, 6, "two fields in a row"},
    {"title:(a", NDX_ESYNTAX, 6, "unbalanced '('"},
    {"title:\"a", NDX_ESYNTAX, 6, "missing closing quote"},
    {"date:", NDX_ESYNTAX, 0, "date: needs a term right after it"},
    {"date:(2019)", NDX_ESYNTAX, 5, "date: takes a date"},
    {"wire:maybe", NDX_ESYNTAX, 5, "wire: takes yes or no"},
    {"x wire:(yes)", NDX_ESYNTAX, 7, "wire: takes yes or no"},
    {"date:\"2019\"", NDX_ESYNTAX, 5, "date: takes a date"},
    {"date:2019-13", NDX_ESYNTAX, 5, "bad date '2019-13'"},
    {"date:2019-00", NDX_ESYNTAX, 5, "bad date '2019-00'"},
    {"date:2019-02-29", NDX_ESYNTAX, 5, "bad date '2019-02-29'"},
    {"date:2019-04-31", NDX_ESYNTAX, 5, "bad date '2019-04-31'"},
    {"date:1900-02-29", NDX_ESYNTAX, 5, "bad date"},
    {"date:19", NDX_ESYNTAX, 5, "bad date '19'"},
    {"date:20190", NDX_ESYNTAX, 5, "bad date"},
    {"date:2019-3", NDX_ESYNTAX, 5, "bad date '2019-3'"},
    {"date:2019-03-5", NDX_ESYNTAX, 5, "bad date"},
    {"date:2019-03-05-", NDX_ESYNTAX, 5, "bad date"},
    {"date:..", NDX_ESYNTAX, 5, "bad date '..'"},
    {"date:2019...2020", NDX_ESYNTAX, 5, "bad date"},
    {"date:2020..2019", NDX_ESYNTAX, 5, "bad date '2020..2019'"},
    {"date:2019-03-02..2019-03-01", NDX_ESYNTAX, 5, "starts after it ends"},
    {"date:>", NDX_ESYNTAX, 5, "bad date '>'"},
    {"date:>=", NDX_ESYNTAX, 5, "bad date"},
    {"date:>2019..2020", NDX_ESYNTAX, 5, "bad date"},
    {"date:=2019", NDX_ESYNTAX, 5, "bad date"},
    {"date:2019-03-05T25:00", NDX_ESYNTAX, 5, "bad date"},
    {"date:2019-03-05T10", NDX_ESYNTAX, 5, "bad date"},
    {"date:2019-03-05T10:60", NDX_ESYNTAX, 5, "bad date"},
    {"date:2019-03-05T10:00:00.Z", NDX_ESYNTAX, 5, "bad date"},
    {"date:2019-03-05T10:00:00Zjunk", NDX_ESYNTAX, 5, "bad date"},
    {"date:2019-03-05T10:00:00+1", NDX_ESYNTAX, 5, "bad date"},
    {"a date:x", NDX_ESYNTAX, 7, "bad date 'x'"},
    {"date:last-week", NDX_ESYNTAX, 5, "bad date"},
};

TEST(query_parse_errors)
{
    for (size_t i = 0; i < NDX_ARRAY_LEN(bad_cases); i++) {
        const struct bad *c = &bad_cases[i];
        struct ndx_qnode *root = (struct ndx_qnode *)1;
        size_t pos = 12345;
        char *msg = NULL;
        int rc = ndx__query_parse(c->q, strlen(c->q), &root, &pos, &msg);
        int ok = rc == c->rc && pos == c->pos && root == NULL && msg && strstr(msg, c->msg);
        if (!ok)
            fprintf(stderr, "  query [%s]: rc %d pos %zu msg \"%s\"; want rc %d pos %zu \"%s\"\n",
                    c->q, rc, pos, msg ? msg : "(null)", c->rc, c->pos, c->msg);
        CHECK(ok);
        if (rc == 0)
            ndx__query_free(root);
        ndx_free(msg);
    }
}

TEST(query_node_positions)
{
    struct ndx_qnode *r = NULL;
    size_t pos;
    const char q[] = "a title:b -\"c d\" (e OR f*)";
    CHECK_EQ(ndx__query_parse(q, strlen(q), &r, &pos, NULL), 0);
    if (!r)
        return;
    CHECK_EQ(r->kind, NDX_Q_AND);
    CHECK_EQ(r->nkids, 4);
    if (r->nkids == 4) {
        CHECK_EQ(r->kids[0]->pos, 0);
        CHECK_EQ(r->kids[1]->pos, 2);
        CHECK_EQ(r->kids[1]->field, NDX_F_TITLE);
        CHECK_EQ(r->kids[1]->ntext, 1);
        CHECK_EQ(r->kids[2]->kind, NDX_Q_NOT);
        CHECK_EQ(r->kids[2]->pos, 10);
        CHECK_EQ(r->kids[2]->kids[0]->pos, 11);
        CHECK_EQ(r->kids[3]->kind, NDX_Q_OR);
        CHECK_EQ(r->kids[3]->pos, 18);
        CHECK_EQ(r->kids[3]->kids[1]->kind, NDX_Q_PREFIX);
        CHECK_EQ(r->kids[3]->kids[1]->pos, 23);
    }
    ndx__query_free(r);
}

TEST(query_bytes_not_strings)
{
    /* NUL and invalid UTF-8 are word bytes; the length, not a terminator, bounds the query */
    char *got = parse_dump("a\0b c", 5);
    CHECK_STR(got, "(and (term \"a\\x00b\") (term \"c\"))");
    free(got);
    got = parse_dump("title:x", 5); /* "title" only: a word, no field */
    CHECK_STR(got, "(term \"title\")");
    free(got);
    got = parse_dump("\"ab\"", 3); /* closing quote outside the length */
    CHECK(strstr(got, "missing closing quote") != NULL);
    free(got);
    got = parse_dump("a\xe3\x80", 3); /* truncated U+3000 is a word byte */
    CHECK_STR(got, "(term \"a\xe3\x80\")");
    free(got);

    struct ndx_qnode *r = (struct ndx_qnode *)1;
    size_t pos = 7;
    CHECK_EQ(ndx__query_parse(NULL, 0, &r, &pos, NULL), NDX_ESYNTAX);
    CHECK(r == NULL);
    CHECK_EQ(ndx__query_parse(NULL, 3, &r, &pos, NULL), NDX_EINVAL);

    /* every single byte and every pair of syntax-relevant bytes: no crash, sane result */
    static const char alphabet[] = "()\"+-*:~.<>= aAN\xe3\x80";
    for (int c = 0; c < 256; c++) {
        char q[1] = {(char)c};
        free(parse_dump(q, 1));
    }
    for (size_t i = 0; i < sizeof alphabet - 1; i++)
        for (size_t j = 0; j < sizeof alphabet - 1; j++)
            for (size_t k = 0; k < sizeof alphabet - 1; k++) {
                char q[3] = {alphabet[i], alphabet[j], alphabet[k]};
                free(parse_dump(q, 3));
            }
}

TEST(query_dump_escapes)
{
    struct ndx_qnode t = {.kind = NDX_Q_PHRASE, .field = NDX_F_SOURCE, .slop = 3};
    char text[] = "say \"hi\" \\o/";
    t.text = text;
    t.ntext = strlen(text);
    struct ndx_qnode d = {.kind = NDX_Q_DATE, .date_from = -5, .date_to = INT64_MAX};
    struct ndx_qnode *kids[] = {&t, &d};
    struct ndx_qnode o = {.kind = NDX_Q_OR, .kids = kids, .nkids = 2};
    struct ndx_buf b;
    ndx__buf_init(&b, 0);
    CHECK_EQ(ndx__query_dump(&o, &b), 0);
    CHECK_STR((char *)b.p, "(or (phrase source \"say \\\"hi\\\" \\\\o/\" 3) (date -5 *))");
    ndx__buf_free(&b);
    ndx__buf_init(&b, 10); /* a bounded buffer reports its error */
    CHECK_EQ(ndx__query_dump(&o, &b), NDX_ETOOBIG);
    ndx__buf_free(&b);
}

static char *repeat(const char *unit, size_t times, const char *tail)
{
    size_t u = strlen(unit), t = strlen(tail);
    char *s = malloc(u * times + t + 1);
    for (size_t i = 0; i < times; i++)
        memcpy(s + i * u, unit, u);
    memcpy(s + u * times, tail, t + 1);
    return s;
}

static int parse_rc(const char *q, size_t *pos, char **msg)
{
    struct ndx_qnode *r = NULL;
    int rc = ndx__query_parse(q, strlen(q), &r, pos, msg);
    ndx__query_free(r);
    return rc;
}

TEST(query_limits_depth)
{
    size_t pos = 0;
    char *msg = NULL;
    /* 10,000 '(' : an error at the first '(' past the limit, not a stack overflow */
    char *q = repeat("(", 10000, "a");
    CHECK_EQ(parse_rc(q, &pos, &msg), NDX_ETOOBIG);
    CHECK_EQ(pos, NDX_QUERY_MAX_DEPTH);
    CHECK(msg && strstr(msg, "nested too deeply"));
    ndx_free(msg);
    free(q);

    /* exactly the limit is fine; one more is not */
    char buf[512];
    size_t d = NDX_QUERY_MAX_DEPTH;
    memset(buf, '(', d);
    buf[d] = 'a';
    memset(buf + d + 1, ')', d);
    buf[2 * d + 1] = 0;
    CHECK_EQ(parse_rc(buf, &pos, NULL), 0);
    memset(buf, '(', d + 1);
    buf[d + 1] = 'a';
    memset(buf + d + 2, ')', d + 1);
    buf[2 * d + 3] = 0;
    CHECK_EQ(parse_rc(buf, &pos, NULL), NDX_ETOOBIG);
    CHECK_EQ(pos, d);

    /* "-(" nesting and field groups count the same way */
    q = repeat("-title:(", 5000, "a");
    CHECK_EQ(parse_rc(q, &pos, NULL), NDX_ETOOBIG);
    free(q);

    /* long NOT chains are counted, not recursed */
    q = repeat("NOT ", 10000, "a");
    struct ndx_qnode *r = NULL;
    CHECK_EQ(ndx__query_parse(q, strlen(q), &r, &pos, NULL), 0);
    CHECK(r && r->kind == NDX_Q_TERM);
    ndx__query_free(r);
    free(q);
    q = repeat("NOT ", 10001, "a");
    CHECK_EQ(ndx__query_parse(q, strlen(q), &r, &pos, NULL), 0);
    CHECK(r && r->kind == NDX_Q_NOT);
    ndx__query_free(r);
    free(q);

    /* an unclosed deep nest stays within the limit and reports the innermost '(' */
    q = repeat("(", 10, "a");
    CHECK_EQ(parse_rc(q, &pos, NULL), NDX_ESYNTAX);
    CHECK_EQ(pos, 9);
    free(q);
}

TEST(query_limits_nodes_and_bytes)
{
    size_t pos = 0;
    char *msg = NULL;
    char *q = repeat("w ", 5000, "");
    CHECK_EQ(parse_rc(q, &pos, &msg), NDX_ETOOBIG);
    CHECK(msg && strstr(msg, "too complex"));
    ndx_free(msg);
    free(q);

    /* NDX_QUERY_MAX_NODES nodes in all: N-1 terms + their AND is fine, N terms + AND is not */
    q = repeat("w ", NDX_QUERY_MAX_NODES - 1, "");
    CHECK_EQ(parse_rc(q, &pos, NULL), 0);
    free(q);
    q = repeat("w ", NDX_QUERY_MAX_NODES, "");
    CHECK_EQ(parse_rc(q, &pos, NULL), NDX_ETOOBIG);
    free(q);
    q = repeat("w OR ", 5000, "w");
    CHECK_EQ(parse_rc(q, &pos, NULL), NDX_ETOOBIG);
    free(q);

    /* length limit: the whole query, including spaces */
    q = repeat(" ", NDX_QUERY_MAX_BYTES - 1, "a");
    CHECK_EQ(parse_rc(q, &pos, NULL), 0);
    free(q);
    q = repeat(" ", NDX_QUERY_MAX_BYTES, "a");
    msg = NULL;
    CHECK_EQ(parse_rc(q, &pos, &msg), NDX_ETOOBIG);
    CHECK_EQ(pos, NDX_QUERY_MAX_BYTES);
    CHECK(msg && strstr(msg, "too long"));
    ndx_free(msg);
    free(q);
}

/* Allocator that fails every allocation after the first `budget`. */
static long alloc_budget;
static void *failing_alloc(void *ud, void *ptr, size_t size)
{
    (void)ud;
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    if (alloc_budget-- <= 0)
        return NULL;
    return realloc(ptr, size);
}

TEST(query_out_of_memory)
{
    static const char *const qs[] = {
        "a b OR c d -e \"f g\"~2 title:(h* OR i) date:2019-03..2019-06 NOT NOT j",
        "(a OR (b c)) (d e) -(f OR g) NOT -h",
        "a AND OR b", /* the error path itself allocates the message */
    };
    for (size_t k = 0; k < NDX_ARRAY_LEN(qs); k++) {
        int saw_ok = 0;
        for (long budget = 0; budget < 1000 && !saw_ok; budget++) {
            struct ndx_qnode *r = (struct ndx_qnode *)1;
            size_t pos;
            char *msg = NULL;
            alloc_budget = budget;
            ndx_set_allocator(failing_alloc, NULL);
            int rc = ndx__query_parse(qs[k], strlen(qs[k]), &r, &pos, &msg);
            ndx_set_allocator(NULL, NULL);
            if (rc == 0 || (rc == NDX_ESYNTAX && msg)) {
                saw_ok = 1;
            } else {
                CHECK(rc == NDX_ENOMEM || rc == NDX_ESYNTAX);
                CHECK(r == NULL);
            }
            ndx__query_free(rc == 0 ? r : NULL);
            ndx_free(msg);
        }
        CHECK(saw_ok);
    }
}
