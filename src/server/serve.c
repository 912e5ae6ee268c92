/* serve.c - `newsdex serve` (being written). */
#include "cli/commands.h"
#include <stdio.h>
int ndx_cmd_serve(int argc, char **argv)
{
    (void)argc, (void)argv;
    fprintf(stderr, "newsdex serve: not available yet\n");
    return 2;
}
