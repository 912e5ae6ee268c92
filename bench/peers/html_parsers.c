/*
 * html_parsers.c - the two HTML parsers Debian 12 packages, side by side on the same pages:
 * libxml2's HTML parser in SAX mode with handlers that do nothing (the options newsdex uses) and
 * gumbo (which always builds its DOM).  Pages are read whole before timing (gzip or not); only
 * the parse is timed, in CPU seconds of this thread.  Prints one JSON line.
 *   html_parsers LIST        (one page path per line)
 */
#include "../libxml2_noop.h"

#include <gumbo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

static double cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: html_parsers LIST\n");
        return 2;
    }
    FILE *list = fopen(argv[1], "r");
    if (!list) {
        perror(argv[1]);
        return 2;
    }
    size_t cap = 1 << 20, pages = 0, bytes = 0;
    char *buf = malloc(cap), line[4096];
    double t_xml = 0, t_gumbo = 0;
    xmlInitParser();
    while (buf && fgets(line, sizeof line, list)) {
        line[strcspn(line, "\r\n")] = 0;
        gzFile g = gzopen(line, "rb");
        if (!g)
            continue;
        size_t n = 0;
        int k;
        for (;;) {
            if (cap - n < (1 << 16)) {
                char *b = realloc(buf, cap *= 2);
                if (!b)
                    return 1;
                buf = b;
            }
            if ((k = gzread(g, buf + n, 1 << 16)) <= 0)
                break;
            n += (size_t)k;
        }
        gzclose(g);
        pages++;
        bytes += n;
        double t0 = cpu();
        parse_noop(buf, n);
        t_xml += cpu() - t0;
        t0 = cpu();
        GumboOutput *o = gumbo_parse_with_options(&kGumboDefaultOptions, buf, n);
        gumbo_destroy_output(&kGumboDefaultOptions, o);
        t_gumbo += cpu() - t0;
    }
    printf("{\"pages\": %zu, \"mb\": %.1f, \"libxml2_pages_per_cpu_s\": %.0f, "
           "\"gumbo_pages_per_cpu_s\": %.0f}\n",
           pages, bytes / 1e6, pages / t_xml, pages / t_gumbo);
    free(buf);
    fclose(list);
    return 0;
}
