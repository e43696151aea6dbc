/*
 * src/scenario/fail.h: the `fail` command of the scenario language (fault
 * injection, cscsim/fault.h): its parsing into a csc_fault_rule_t, and its
 * execution, which adds the rule to the cache and remembers its id so that
 * `fail clear` and the end of the run remove the rules the scenario added,
 * and those only (the cache is borrowed).
 */
#ifndef CSC__SCN_FAIL_H
#define CSC__SCN_FAIL_H

#include "command.h"
#include "lexer.h"

/* The rules a runner added, by id. */
typedef struct csc__scn_faults {
    csc_fault_id_t *ids;
    size_t count, cap;
} csc__scn_faults_t;

/*
 * Parses the tokens of a `fail` line into cmd (fail_clear, fault, and the
 * path as args[0]). false on a syntax error, with its message in
 * err[err_size] and the column of the token at fault in *col.
 */
bool csc__scn_parse_fail(const csc__scn_line_t *line, csc__scn_command_t *cmd, char *err,
                         size_t err_size, unsigned *col);

/* Runs a parsed `fail`: adds its rule, or removes the runner's rules. */
csc_hresult csc__scn_fail_run(csc_cache_t *cache, const csc__scn_command_t *cmd,
                              csc__scn_faults_t *owned);

/* Removes the runner's rules that are still there, and frees the list. */
void csc__scn_faults_release(csc_cache_t *cache, csc__scn_faults_t *owned);

#endif
