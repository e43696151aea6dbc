/*
 * src/scenario/command.h: one parsed command of the scenario language
 * (scenario-language.md): its kind, its arguments (paths or user names), its
 * options with their values already converted, and, for `expect`, the check
 * it makes. Parsing a line turns tokens (src/scenario/lexer.h) into this struct; the
 * runner (src/scenario/runner.h) executes it.
 */
#ifndef CSC__SCN_SCENARIO_H
#define CSC__SCN_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cscsim.h>

typedef enum csc__scn_cmd_kind {
    CSC__SCN_CMD_FILE,
    CSC__SCN_CMD_DIR,
    CSC__SCN_CMD_AS,
    CSC__SCN_CMD_ACCESS,
    CSC__SCN_CMD_MODIFY,
    CSC__SCN_CMD_SYNC,
    CSC__SCN_CMD_OPEN,
    CSC__SCN_CMD_CLOSE,
    CSC__SCN_CMD_LIMITS,
    CSC__SCN_CMD_POLICY,
    CSC__SCN_CMD_TICK,
    CSC__SCN_CMD_TOUCH,
    CSC__SCN_CMD_EVICT,
    CSC__SCN_CMD_PIN,
    CSC__SCN_CMD_UNPIN,
    CSC__SCN_CMD_SHOW,
    CSC__SCN_CMD_EXPECT,
    CSC__SCN_CMD_DELETEITEMS, /* round 2: deleteitems PATH... (DeleteItems) */
    CSC__SCN_CMD_SAVE, /* save FILE: csc_cache_save (issue 15) */
    CSC__SCN_CMD_LOAD, /* load FILE: csc_cache_load */
    CSC__SCN_CMD_FAIL, /* fault injection (fail.h) */
    /* round 2, C13 (methods.h) */
    CSC__SCN_CMD_RENAME,   /* rename PATH NEWPATH [restart-time] */
    CSC__SCN_CMD_SUSPEND,  /* suspend PATH [release] */
    CSC__SCN_CMD_ENCRYPT,  /* encrypt on|off [flags=FLAGS] */
    CSC__SCN_CMD_ENABLE,   /* enable on|off */
    CSC__SCN_CMD_START,    /* start */
    CSC__SCN_CMD_RESTART,  /* restart */
    CSC__SCN_CMD_LOCATION, /* location "TEXT" */
    /* round 2, C10 (remote.h) */
    CSC__SCN_CMD_REMOTE,    /* remote dir|file|write|delete PATH (args[0] the verb) */
    CSC__SCN_CMD_SHARE,     /* share PATH caching=MODE */
    CSC__SCN_CMD_NETWORK,   /* network \\SERVER up|down|slow (args[1] the word) */
    CSC__SCN_CMD_OFFLINE,   /* offline PATH [force] */
    CSC__SCN_CMD_ONLINE,    /* online PATH */
    CSC__SCN_CMD_CACHEABLE, /* cacheable PATH */
    /* round 2, C11 (apps.h); open and close are the applications' too */
    CSC__SCN_CMD_WRITE,     /* write PATH [bytes=N] [size=M] */
    CSC__SCN_CMD_CREATE,    /* create PATH [size=N] */
    CSC__SCN_CMD_DELETE     /* delete PATH */
} csc__scn_cmd_kind_t;

/* The option slots of a command; each command accepts some of them. */
typedef enum csc__scn_opt {
    CSC__SCN_OPT_SIZE,      /* file size=N */
    CSC__SCN_OPT_BYTES,     /* modify bytes=N, evict bytes=N */
    CSC__SCN_OPT_TOTAL,     /* limits total=N|unlimited */
    CSC__SCN_OPT_UNPINNED,  /* limits unpinned=N|unlimited */
    CSC__SCN_OPT_FLAGS,     /* pin/unpin/sync/deleteitems flags=FLAGS */
    CSC__SCN_OPT_DEEP,      /* pin/unpin deep, deep=true|false */
    CSC__SCN_OPT_ABORT_AT,  /* pin/unpin abort-at=K */
    CSC__SCN_OPT_RETRY_AT,  /* pin/unpin retry-at=K */
    CSC__SCN_OPT_ALL,       /* evict all */
    CSC__SCN_OPT_ADMIN,     /* as USER admin */
    CSC__SCN_OPT_RESTART_TIME, /* rename ... restart-time */
    CSC__SCN_OPT_RELEASE,   /* suspend PATH release */
    CSC__SCN_OPT_FORCE,     /* offline PATH force */
    CSC__SCN_OPT_CACHING,   /* share PATH caching=MODE (csc_caching_mode_t) */
    CSC__SCN_OPT_RESOLVE,   /* sync resolve=RESOLUTION (csc_sync_resolve_t, C12.5) */
    CSC__SCN_OPT_COUNT
} csc__scn_opt_t;

typedef struct csc__scn_opt_value {
    bool set;
    uint64_t num; /* the number, flags, or 1/0 for booleans */
} csc__scn_opt_value_t;

/* The forms of `expect`. */
typedef enum csc__scn_expect_kind {
    CSC__SCN_EXPECT_ITEM,      /* expect PATH KEY=VALUE... */
    CSC__SCN_EXPECT_RETURN,    /* expect return=CODE */
    CSC__SCN_EXPECT_HRESULT,   /* expect hresult=CODE */
    CSC__SCN_EXPECT_EVENTS,    /* expect events=N */
    CSC__SCN_EXPECT_EVENT_ANY, /* expect event="MESSAGE" */
    CSC__SCN_EXPECT_EVENT_AT,  /* expect event#K="MESSAGE" */
    CSC__SCN_EXPECT_SPACE,     /* expect space KEY=N... */
    CSC__SCN_EXPECT_LOCATION,  /* expect location="TEXT" (message) */
    CSC__SCN_EXPECT_STATUS,    /* expect status active= enabled= [reboot=] */
    CSC__SCN_EXPECT_ENCRYPTION, /* expect encryption encrypted= partial= */
    CSC__SCN_EXPECT_REMOTE,     /* expect remote PATH exists= size= version= caching= */
    CSC__SCN_EXPECT_CACHEABLE,  /* expect cacheable=yes|no mode=MODE */
    CSC__SCN_EXPECT_OPEN_FILES  /* expect open-files=yes|no */
} csc__scn_expect_kind_t;

/* The item keys of `expect PATH`, and the disk-space keys of `expect space`. */
typedef enum csc__scn_key {
    CSC__SCN_KEY_CACHED,
    CSC__SCN_KEY_TYPE,
    CSC__SCN_KEY_PINS,
    CSC__SCN_KEY_INHERIT,
    CSC__SCN_KEY_PINNED,
    CSC__SCN_KEY_PARTLY_PINNED,
    CSC__SCN_KEY_DIRTY,
    CSC__SCN_KEY_EVICTABLE,
    CSC__SCN_KEY_OPEN,
    CSC__SCN_KEY_USED,
    CSC__SCN_KEY_UNPINNED_USED,
    CSC__SCN_KEY_LIMIT,
    CSC__SCN_KEY_UNPINNED_LIMIT,
    /* round 2, C13.5 item keys */
    CSC__SCN_KEY_SUSPENDED,
    CSC__SCN_KEY_SUSPENDED_ROOT,
    CSC__SCN_KEY_ENCRYPTED,
    /* expect status, expect encryption */
    CSC__SCN_KEY_ACTIVE,
    CSC__SCN_KEY_ENABLED,
    CSC__SCN_KEY_REBOOT,
    CSC__SCN_KEY_ENC_ENCRYPTED,
    CSC__SCN_KEY_PARTIAL,
    /* round 2, C10: item keys connect= reason= (C10.5) */
    CSC__SCN_KEY_CONNECT,
    CSC__SCN_KEY_REASON,
    /* expect remote PATH ... */
    CSC__SCN_KEY_EXISTS,
    CSC__SCN_KEY_REMOTE_SIZE,
    CSC__SCN_KEY_REMOTE_VERSION,
    CSC__SCN_KEY_CACHING,
    /* expect cacheable= mode= */
    CSC__SCN_KEY_CACHEABLE,
    CSC__SCN_KEY_MODE,
    /* round 2, C11 and C13.5 item keys (files only) */
    CSC__SCN_KEY_SPARSE,
    CSC__SCN_KEY_CREATED_OFFLINE,
    CSC__SCN_KEY_DELETED_OFFLINE,
    CSC__SCN_KEY_DIRTY_BYTES,
    CSC__SCN_KEY_REMOTE_DIRTY_BYTES,
    CSC__SCN_KEY_SIZE,
    CSC__SCN_KEY_VERSION,  /* the original version; CSC__SCN_VERSION_NONE: none */
    CSC__SCN_KEY_CONFLICT, /* an OFFLINEFILES_SYNC_STATE value, 0: none */
    CSC__SCN_KEY_HANDLES
} csc__scn_key_t;

/* version=none of `expect PATH` (a file created offline has no original). */
#define CSC__SCN_VERSION_NONE UINT64_MAX

/* Whether an item key applies to files only (it fails on a container). */
bool csc__scn_key_files_only(csc__scn_key_t key);

/* One KEY=VALUE of an `expect`: the value converted (yes/no as 1/0, a type,
 * a set of CSC_PIN_SOURCE_* bits, a size or CSC_SPACE_UNLIMITED). */
typedef struct csc__scn_check_key {
    csc__scn_key_t key;
    uint64_t value;
} csc__scn_check_key_t;

#define CSC__SCN_MAX_CHECK_KEYS 16

typedef struct csc__scn_expect {
    csc__scn_expect_kind_t kind;
    /* ITEM and SPACE: the keys in the order written. */
    csc__scn_check_key_t keys[CSC__SCN_MAX_CHECK_KEYS];
    size_t key_count;
    /* RETURN, HRESULT: the code in the form checked; EVENTS: N;
     * EVENT_AT: K. */
    uint64_t number;
    /* EVENT_ANY, EVENT_AT: the message. */
    char *message;
} csc__scn_expect_t;

typedef struct csc__scn_command {
    csc__scn_cmd_kind_t kind;
    const char *name; /* the command's name as the table spells it */
    unsigned line;
    char *echo;       /* the command as written, comment removed, trimmed */
    /* Positional arguments: paths (or, for `as` and `access`, users after
     * the path). `as` USER is args[0]. */
    char **args;
    size_t nargs;
    csc__scn_opt_value_t opt[CSC__SCN_OPT_COUNT];
    csc_evict_policy_t policy; /* policy */
    uint64_t ticks;            /* tick [N] (default 1); network: the csc_network_t */
    csc__scn_expect_t expect;       /* expect */
    char *user;                /* deleteitems for=USER (round 2), or NULL */
    bool fail_clear;                /* fail clear */
    csc_fault_rule_t fault;         /* fail: the rule; its path is args[0] */
} csc__scn_command_t;

/*
 * Parses one line (`len` bytes without its line break) into `cmd`. Returns
 * 1 for a command, 0 for a line with no command (blank or comment), -1 for a
 * syntax error with its message (no "FILE:LINE:" prefix) in err[err_size]
 * and, when `err_col` is not NULL, the 1-based byte column of the token at
 * fault in *err_col (0 when out of memory).
 * `line_no` is stored in the command.
 */
int csc__scn_parse_line(const char *line, size_t len, unsigned line_no,
                        csc__scn_command_t *cmd, char *err, size_t err_size, unsigned *err_col);

/* Frees what csc__scn_parse_line allocated in `cmd`. */
void csc__scn_command_free(csc__scn_command_t *cmd);

/* For fail.c: a number of at most `max` (decimal or 0x hex), and a result
 * code in HRESULT form (a number as it is, or a name), as expect reads them. */
bool csc__scn_parse_number(const char *s, uint64_t max, uint64_t *out);
/* ASCII case-insensitive equality of a[0..n) (or a) and the NUL-terminated
 * b: how keywords compare. */
bool csc__scn_eq_n(const char *a, size_t n, const char *b);
bool csc__scn_eq(const char *a, const char *b);
bool csc__scn_parse_hresult(const char *s, uint64_t *out);

/* The name of a pin source bit ("user", "policy", "computer", "redirect"). */
const char *csc__scn_source_name(uint32_t source);

/* The pin sources in the order the language lists them. */
extern const uint32_t csc__scn_sources[4];

/* Writes a set of pin sources as the language does: "user,computer", or
 * "none" for the empty set. */
void csc__scn_put_sources(FILE *out, uint32_t set);

/* The name of an item type as the language writes it ("file", ...). */
const char *csc__scn_type_name(csc_item_type_t type);

/* The language's names of a caching mode (0 "none" to 4 "programs"), a
 * connect state ("online", "offline") and an offline reason. */
const char *csc__scn_mode_name(uint64_t mode);
const char *csc__scn_connect_name(uint64_t state);
const char *csc__scn_reason_name(uint64_t reason);
/* The OFFLINEFILES_SYNC_STATE name of a value without its prefix
 * ("FileChangedOnClient_ChangedOnServer"); "none" for 0 as `conflict=`
 * writes it. */
const char *csc__scn_sync_state_name(uint64_t state);

/* The name of a key as the language writes it ("partly-pinned", "used"). */
const char *csc__scn_key_name(csc__scn_key_t key);

#endif
