/*
 * commands.h - the subcommands of the newsdex tool, one file each (src/cli/cmd_NAME.c; serve
 * lives with the server in src/server/serve.c).  main.c's table lists them for dispatch and for
 * the usage text.
 */
#ifndef NDX_CLI_COMMANDS_H
#define NDX_CLI_COMMANDS_H

int ndx_cmd_ingest(int argc, char **argv);   /* src/cli/cmd_ingest.c */
int ndx_cmd_search(int argc, char **argv);   /* src/cli/cmd_search.c */
int ndx_cmd_show(int argc, char **argv);     /* src/cli/cmd_show.c */
int ndx_cmd_related(int argc, char **argv);  /* src/cli/cmd_related.c */
int ndx_cmd_timeline(int argc, char **argv); /* src/cli/cmd_timeline.c */
int ndx_cmd_terms(int argc, char **argv);    /* src/cli/cmd_terms.c */
int ndx_cmd_export(int argc, char **argv);   /* src/cli/cmd_export.c */
int ndx_cmd_delete(int argc, char **argv);   /* src/cli/cmd_delete.c */
int ndx_cmd_stats(int argc, char **argv);    /* src/cli/cmd_stats.c */
int ndx_cmd_check(int argc, char **argv);    /* src/cli/cmd_check.c */
int ndx_cmd_optimize(int argc, char **argv); /* src/cli/cmd_optimize.c */
int ndx_cmd_extract(int argc, char **argv);  /* src/cli/cmd_extract.c */
int ndx_cmd_entities(int argc, char **argv); /* src/cli/cmd_entities.c */
int ndx_cmd_quotes(int argc, char **argv);   /* src/cli/cmd_quotes.c */
int ndx_cmd_aliases(int argc, char **argv);  /* src/cli/cmd_aliases.c */
int ndx_cmd_serve(int argc, char **argv);    /* src/server/serve.c */

#endif
