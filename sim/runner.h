/*
 * sim/runner.h: executes parsed commands (sim/scenario.h) against one fresh
 * cache and writes the transcript: echo lines, progress events, results,
 * evictions, pictures and failed checks; it counts the checks that passed
 * and failed.
 */
#ifndef SIM_RUNNER_H
#define SIM_RUNNER_H

#include <stdbool.h>
#include <stdio.h>

#include <cscsim.h>

#include "scenario.h"

typedef struct sim_runner sim_runner_t;

typedef struct sim_runner_options {
    const char *file; /* the name FAIL lines carry */
    FILE *out;        /* the transcript */
    bool color;       /* ANSI colour in pictures */
    bool echo;        /* echo each printing command as "> ..." */
} sim_runner_options_t;

/* A runner on a fresh cache, or NULL when out of memory. */
sim_runner_t *sim_runner_new(const sim_runner_options_t *opts);

/* Executes one command, writing what it prints to the transcript. */
void sim_runner_exec(sim_runner_t *r, const sim_command_t *cmd);

/* The checks counted so far. */
unsigned sim_runner_passed(const sim_runner_t *r);
unsigned sim_runner_failed(const sim_runner_t *r);

/* The runner's cache (borrowed). */
const csc_cache_t *sim_runner_cache(const sim_runner_t *r);

void sim_runner_free(sim_runner_t *r);

#endif
