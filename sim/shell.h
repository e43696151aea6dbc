/*
 * sim/shell.h: `cscsim shell`, the scenario language one command at a time.
 */
#ifndef SIM_SHELL_H
#define SIM_SHELL_H

#include <stdbool.h>
#include <stdio.h>

typedef struct sim_shell_options {
    FILE *in;         /* the commands */
    FILE *out;        /* the transcript */
    bool interactive; /* a person types: prompt, no echo lines */
    bool color;       /* ANSI colour in pictures */
} sim_shell_options_t;

/*
 * Reads commands until end of input or `quit`, each parsed and run at once
 * on one cache; a syntax error is reported on standard error and the shell
 * goes on. Ends with the line "N passed, M failed". Returns the exit status:
 * 2 when a line had a syntax error, else 1 when a check failed, else 0.
 */
int sim_shell(const sim_shell_options_t *opts);

#endif
