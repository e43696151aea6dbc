/*
 * sim/scenario.h: one parsed command of the scenario language
 * (scenario-language.md): its kind, its arguments (paths or user names), its
 * options with their values already converted, and, for `expect`, the check
 * it makes. Parsing a line turns tokens (sim/lexer.h) into this struct; the
 * runner (sim/runner.h) executes it.
 */
#ifndef SIM_SCENARIO_H
#define SIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cscsim.h>

typedef enum sim_cmd_kind {
    SIM_CMD_FILE,
    SIM_CMD_DIR,
    SIM_CMD_AS,
    SIM_CMD_ACCESS,
    SIM_CMD_MODIFY,
    SIM_CMD_SYNC,
    SIM_CMD_OPEN,
    SIM_CMD_CLOSE,
    SIM_CMD_LIMITS,
    SIM_CMD_POLICY,
    SIM_CMD_TICK,
    SIM_CMD_TOUCH,
    SIM_CMD_EVICT,
    SIM_CMD_PIN,
    SIM_CMD_UNPIN,
    SIM_CMD_SHOW,
    SIM_CMD_EXPECT
} sim_cmd_kind_t;

/* The option slots of a command; each command accepts some of them. */
typedef enum sim_opt {
    SIM_OPT_SIZE,      /* file size=N */
    SIM_OPT_BYTES,     /* modify bytes=N, evict bytes=N */
    SIM_OPT_TOTAL,     /* limits total=N|unlimited */
    SIM_OPT_UNPINNED,  /* limits unpinned=N|unlimited */
    SIM_OPT_FLAGS,     /* pin/unpin flags=FLAGS */
    SIM_OPT_DEEP,      /* pin/unpin deep, deep=true|false */
    SIM_OPT_ABORT_AT,  /* pin/unpin abort-at=K */
    SIM_OPT_RETRY_AT,  /* pin/unpin retry-at=K */
    SIM_OPT_ALL,       /* evict all */
    SIM_OPT_ADMIN,     /* as USER admin */
    SIM_OPT_COUNT
} sim_opt_t;

typedef struct sim_opt_value {
    bool set;
    uint64_t num; /* the number, flags, or 1/0 for booleans */
} sim_opt_value_t;

/* The forms of `expect`. */
typedef enum sim_expect_kind {
    SIM_EXPECT_ITEM,      /* expect PATH KEY=VALUE... */
    SIM_EXPECT_RETURN,    /* expect return=CODE */
    SIM_EXPECT_HRESULT,   /* expect hresult=CODE */
    SIM_EXPECT_EVENTS,    /* expect events=N */
    SIM_EXPECT_EVENT_ANY, /* expect event="MESSAGE" */
    SIM_EXPECT_EVENT_AT,  /* expect event#K="MESSAGE" */
    SIM_EXPECT_SPACE      /* expect space KEY=N... */
} sim_expect_kind_t;

/* The item keys of `expect PATH`, and the disk-space keys of `expect space`. */
typedef enum sim_key {
    SIM_KEY_CACHED,
    SIM_KEY_TYPE,
    SIM_KEY_PINS,
    SIM_KEY_INHERIT,
    SIM_KEY_PINNED,
    SIM_KEY_PARTLY_PINNED,
    SIM_KEY_DIRTY,
    SIM_KEY_EVICTABLE,
    SIM_KEY_OPEN,
    SIM_KEY_USED,
    SIM_KEY_UNPINNED_USED,
    SIM_KEY_LIMIT,
    SIM_KEY_UNPINNED_LIMIT
} sim_key_t;

/* One KEY=VALUE of an `expect`: the value converted (yes/no as 1/0, a type,
 * a set of CSC_PIN_SOURCE_* bits, a size or CSC_SPACE_UNLIMITED). */
typedef struct sim_check_key {
    sim_key_t key;
    uint64_t value;
} sim_check_key_t;

#define SIM_MAX_CHECK_KEYS 16

typedef struct sim_expect {
    sim_expect_kind_t kind;
    /* ITEM and SPACE: the keys in the order written. */
    sim_check_key_t keys[SIM_MAX_CHECK_KEYS];
    size_t key_count;
    /* RETURN, HRESULT: the code in the form checked; EVENTS: N;
     * EVENT_AT: K. */
    uint64_t number;
    /* EVENT_ANY, EVENT_AT: the message. */
    char *message;
} sim_expect_t;

typedef struct sim_command {
    sim_cmd_kind_t kind;
    const char *name; /* the command's name as the table spells it */
    unsigned line;
    char *echo;       /* the command as written, comment removed, trimmed */
    /* Positional arguments: paths (or, for `as` and `access`, users after
     * the path). `as` USER is args[0]. */
    char **args;
    size_t nargs;
    sim_opt_value_t opt[SIM_OPT_COUNT];
    csc_evict_policy_t policy; /* policy */
    uint64_t ticks;            /* tick [N] (default 1) */
    sim_expect_t expect;       /* expect */
} sim_command_t;

/*
 * Parses one line (`len` bytes without its line break) into `cmd`. Returns
 * 1 for a command, 0 for a line with no command (blank or comment), -1 for a
 * syntax error with its message (no "FILE:LINE:" prefix) in err[err_size].
 * `line_no` is stored in the command.
 */
int sim_parse_line(const char *line, size_t len, unsigned line_no, sim_command_t *cmd,
                   char *err, size_t err_size);

/* Frees what sim_parse_line allocated in `cmd`. */
void sim_command_free(sim_command_t *cmd);

/* The name of a pin source bit ("user", "policy", "computer", "redirect"). */
const char *sim_source_name(uint32_t source);

/* The pin sources in the order the language lists them. */
extern const uint32_t sim_sources[4];

/* Writes a set of pin sources as the language does: "user,computer", or
 * "none" for the empty set. */
void sim_put_sources(FILE *out, uint32_t set);

/* The name of an item type as the language writes it ("file", ...). */
const char *sim_type_name(csc_item_type_t type);

/* The name of a key as the language writes it ("partly-pinned", "used"). */
const char *sim_key_name(sim_key_t key);

#endif
