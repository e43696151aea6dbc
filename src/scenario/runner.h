/*
 * src/scenario/runner.h: executes parsed commands (command.h) against a
 * cache it borrows and writes the transcript: echo lines, progress events,
 * results, evictions, pictures and failed checks; it counts the checks that
 * passed and failed. The public entry points (scenario.c) and the fuzzers
 * drive it one command at a time.
 */
#ifndef CSC__SCN_RUNNER_H
#define CSC__SCN_RUNNER_H

#include <stdbool.h>
#include <stddef.h>

#include <cscsim.h>

#include "command.h"

typedef struct csc__scn_runner csc__scn_runner_t;

typedef struct csc__scn_runner_options {
    const char *file; /* the name FAIL lines carry */
    /* The transcript, one command's output at a time. */
    void (*write)(void *user_data, const char *text, size_t len);
    /* Each failed check: its line and "expected ..., got ..." (may be NULL).
     * Returns false when out of memory. */
    bool (*failed)(void *user_data, unsigned line, const char *message);
    void *user_data;
    bool color; /* ANSI colour in pictures */
    bool echo;  /* echo each printing command as "> ..." */
    /* save and load touch no file: they answer E_ACCESSDENIED (the fuzz
     * harnesses, which must not write files chosen by their input). */
    bool no_files;
} csc__scn_runner_options_t;

/*
 * A runner on `cache` (borrowed: it must outlive the runner) in *out. Until
 * csc__scn_runner_free, the cache's eviction callback is the runner's, which
 * passes each eviction on to the callback it found. E_OUTOFMEMORY, or what
 * csc_cache_set_evict_callback answered (0x800700AA inside a callback of a
 * running call, C14.5).
 */
csc_hresult csc__scn_runner_new(csc__scn_runner_t **out, csc_cache_t *cache,
                                const csc__scn_runner_options_t *opts);

/* Executes one command, writing what it prints to the transcript. After an
 * allocation failure it does nothing (see csc__scn_runner_out_of_memory). */
void csc__scn_runner_exec(csc__scn_runner_t *r, const csc__scn_command_t *cmd);

/* The checks counted so far. */
unsigned csc__scn_runner_passed(const csc__scn_runner_t *r);
unsigned csc__scn_runner_failed(const csc__scn_runner_t *r);

/* Whether memory ran out: the command then running may have been cut short,
 * and the runner runs nothing more. */
bool csc__scn_runner_out_of_memory(const csc__scn_runner_t *r);

/* The runner's cache (borrowed). */
csc_cache_t *csc__scn_runner_cache(const csc__scn_runner_t *r);

/* Gives the cache its eviction callback back and frees the runner. */
void csc__scn_runner_free(csc__scn_runner_t *r);

#endif
