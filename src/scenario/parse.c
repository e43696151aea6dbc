/*
 * src/scenario/parse.c: turns the tokens of a line into a command (src/scenario/command.h).
 * It owns the command table (each command's name, the positional arguments
 * it takes, its options and keywords with the kind of value each takes), the
 * value syntax (numbers in decimal or 0x hex with their 32- and 64-bit
 * limits, size suffixes K/M/G, flag terms joined by `|`, true/false, yes/no,
 * types, pin-source sets, `unlimited`, error-code names) and the forms of
 * `expect` with their keys. Every syntax error of the language is found here:
 * an unknown command or option, a malformed value, a repeated option, a
 * missing or extra argument. Keywords compare case-insensitively. A quoted
 * token is never a keyword or an option: it is an argument as written.
 */
#include "command.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fail.h"
#include "lexer.h"

/* ---- value kinds ------------------------------------------------------- */

typedef enum val_kind {
    VAL_SIZE,     /* a 64-bit size, K/M/G allowed */
    VAL_LIMIT,    /* a size or `unlimited` */
    VAL_FLAGS,    /* pin control flags: terms joined by | */
    VAL_SYNC_FLAGS,   /* synchronize control flags (round 2), likewise */
    VAL_DELETE_FLAGS, /* delete flags (round 2), likewise */
    VAL_ENCRYPT_FLAGS, /* encryption control flags (round 2), likewise */
    VAL_USER,     /* a user name (for=USER), kept as text */
    VAL_BOOL,     /* true | false */
    VAL_COUNT,    /* a 32-bit number */
    VAL_POSITIVE, /* a 32-bit number >= 1 */
    VAL_YESNO,    /* yes | no */
    VAL_TYPE,     /* file | directory | share | server */
    VAL_SOURCES,  /* none | a comma-separated set of pin sources */
    VAL_CACHING,  /* nocaching | manual | documents | programs (1-4, C10.6) */
    VAL_MODE,     /* none | the VAL_CACHING names (0-4, OFFLINEFILES_CACHING_MODE) */
    VAL_CONNECT,  /* online | offline (csc_connect_state_t) */
    VAL_REASON,   /* the OfflineReason names (csc_offline_reason_t) */
    VAL_RESOLVE,  /* a conflict resolution (csc_sync_resolve_t 0-7, C12.5) */
    VAL_VERSION,  /* a number or `none` (CSC__SCN_VERSION_NONE) */
    VAL_SYNC_STATE /* `none` or an OFFLINEFILES_SYNC_STATE name without its prefix */
} val_kind_t;

static const char *const val_desc[] = {
    [VAL_SIZE] = "a size (a number, optionally ending in K, M or G)",
    [VAL_LIMIT] = "a size or 'unlimited'",
    [VAL_FLAGS] = "pin control flags (names or numbers joined by '|')",
    [VAL_SYNC_FLAGS] = "synchronize control flags (names or numbers joined by '|')",
    [VAL_DELETE_FLAGS] = "delete flags (names or numbers joined by '|')",
    [VAL_ENCRYPT_FLAGS] = "encryption control flags (names or numbers joined by '|')",
    [VAL_USER] = "a user name",
    [VAL_BOOL] = "'true' or 'false'",
    [VAL_COUNT] = "a number",
    [VAL_POSITIVE] = "a number of at least 1",
    [VAL_YESNO] = "'yes' or 'no'",
    [VAL_TYPE] = "'file', 'directory', 'share' or 'server'",
    [VAL_SOURCES] = ("'none' or a comma-separated set of 'user', 'policy', 'computer', "
                     "'redirect'"),
    [VAL_CACHING] = "'nocaching', 'manual', 'documents' or 'programs'",
    [VAL_MODE] = "'none', 'nocaching', 'manual', 'documents' or 'programs'",
    [VAL_CONNECT] = "'online' or 'offline'",
    [VAL_RESOLVE] = ("'none', 'keep-local', 'keep-remote', 'keep-all-changes', "
                     "'keep-latest', 'log', 'skip' or 'abort'"),
    [VAL_REASON] = ("'unknown', 'not-applicable', 'forced', 'slow', 'error', 'conflict' or "
                    "'suspended'"),
    [VAL_VERSION] = "a number or 'none'",
    [VAL_SYNC_STATE] = ("'none' or an OFFLINEFILES_SYNC_STATE name without its prefix "
                        "(such as 'FileChangedOnClient_ChangedOnServer')"),
};

/* ---- the command table ------------------------------------------------- */

typedef enum arg_kind {
    ARGS_NONE,          /* no positional argument */
    ARGS_PATH,          /* exactly one path */
    ARGS_PATH_OPTIONAL, /* at most one path */
    ARGS_PATHS,         /* one path or more */
    ARGS_PATH_USERS,    /* a path, then one user or more */
    ARGS_USER,          /* a user name (a keyword may follow) */
    ARGS_WORD,          /* exactly one word */
    ARGS_NUMBER_OPTIONAL, /* at most one number */
    ARGS_TWO_PATHS,     /* exactly two paths */
    ARGS_WORD_PATH,     /* a word, then a path (remote VERB PATH) */
    ARGS_PATH_WORD,     /* a path, then a word (network \\SERVER up) */
    ARGS_EXPECT,        /* the forms of expect */
    ARGS_FAIL           /* the forms of fail (fail.c) */
} arg_kind_t;

typedef struct opt_spec {
    const char *name;
    csc__scn_opt_t slot;
    val_kind_t kind;
} opt_spec_t;

/* A keyword argument: sets its slot to 1 (as `deep` means deep=true). */
typedef struct keyword_spec {
    const char *word;
    csc__scn_opt_t slot;
} keyword_spec_t;

#define MAX_OPTS 4
#define MAX_KEYWORDS 1

typedef struct cmd_spec {
    const char *name;
    csc__scn_cmd_kind_t kind;
    arg_kind_t args;
    opt_spec_t opts[MAX_OPTS];
    keyword_spec_t keywords[MAX_KEYWORDS];
} cmd_spec_t;

#define METHOD_OPTS                                                                  \
    {                                                                                \
        {"flags", CSC__SCN_OPT_FLAGS, VAL_FLAGS}, {"deep", CSC__SCN_OPT_DEEP, VAL_BOOL},       \
            {"abort-at", CSC__SCN_OPT_ABORT_AT, VAL_COUNT},                               \
            {"retry-at", CSC__SCN_OPT_RETRY_AT, VAL_POSITIVE},                            \
    }

static const cmd_spec_t commands[] = {
    {"file", CSC__SCN_CMD_FILE, ARGS_PATH, {{"size", CSC__SCN_OPT_SIZE, VAL_SIZE}}, {{0}}},
    {"dir", CSC__SCN_CMD_DIR, ARGS_PATH, {{0}}, {{0}}},
    {"as", CSC__SCN_CMD_AS, ARGS_USER, {{0}}, {{"admin", CSC__SCN_OPT_ADMIN}}},
    {"access", CSC__SCN_CMD_ACCESS, ARGS_PATH_USERS, {{0}}, {{0}}},
    {"modify", CSC__SCN_CMD_MODIFY, ARGS_PATH, {{"bytes", CSC__SCN_OPT_BYTES, VAL_SIZE}}, {{0}}},
    {"sync",
     CSC__SCN_CMD_SYNC,
     ARGS_PATHS,
     {{"flags", CSC__SCN_OPT_FLAGS, VAL_SYNC_FLAGS},
      {"resolve", CSC__SCN_OPT_RESOLVE, VAL_RESOLVE},
      {"abort-at", CSC__SCN_OPT_ABORT_AT, VAL_COUNT},
      {"retry-at", CSC__SCN_OPT_RETRY_AT, VAL_POSITIVE}},
     {{0}}},
    {"open", CSC__SCN_CMD_OPEN, ARGS_PATH, {{0}}, {{0}}},
    {"close", CSC__SCN_CMD_CLOSE, ARGS_PATH, {{0}}, {{0}}},
    {"limits",
     CSC__SCN_CMD_LIMITS,
     ARGS_NONE,
     {{"total", CSC__SCN_OPT_TOTAL, VAL_LIMIT}, {"unpinned", CSC__SCN_OPT_UNPINNED, VAL_LIMIT}},
     {{0}}},
    {"policy", CSC__SCN_CMD_POLICY, ARGS_WORD, {{0}}, {{0}}},
    {"tick", CSC__SCN_CMD_TICK, ARGS_NUMBER_OPTIONAL, {{0}}, {{0}}},
    {"touch", CSC__SCN_CMD_TOUCH, ARGS_PATH, {{0}}, {{0}}},
    {"evict",
     CSC__SCN_CMD_EVICT,
     ARGS_NONE,
     {{"bytes", CSC__SCN_OPT_BYTES, VAL_SIZE}},
     {{"all", CSC__SCN_OPT_ALL}}},
    {"pin", CSC__SCN_CMD_PIN, ARGS_PATHS, METHOD_OPTS, {{"deep", CSC__SCN_OPT_DEEP}}},
    {"unpin", CSC__SCN_CMD_UNPIN, ARGS_PATHS, METHOD_OPTS, {{"deep", CSC__SCN_OPT_DEEP}}},
    {"show", CSC__SCN_CMD_SHOW, ARGS_PATH_OPTIONAL, {{0}}, {{0}}},
    {"expect", CSC__SCN_CMD_EXPECT, ARGS_EXPECT, {{0}}, {{0}}},
    {"deleteitems",
     CSC__SCN_CMD_DELETEITEMS,
     ARGS_PATHS,
     {{"flags", CSC__SCN_OPT_FLAGS, VAL_DELETE_FLAGS},
      {"abort-at", CSC__SCN_OPT_ABORT_AT, VAL_COUNT},
      {"retry-at", CSC__SCN_OPT_RETRY_AT, VAL_POSITIVE},
      {"for", CSC__SCN_OPT_COUNT, VAL_USER}},
     {{0}}},
    {"rename", CSC__SCN_CMD_RENAME, ARGS_TWO_PATHS, {{0}},
     {{"restart-time", CSC__SCN_OPT_RESTART_TIME}}},
    {"suspend", CSC__SCN_CMD_SUSPEND, ARGS_PATH, {{0}}, {{"release", CSC__SCN_OPT_RELEASE}}},
    {"encrypt",
     CSC__SCN_CMD_ENCRYPT,
     ARGS_WORD,
     {{"flags", CSC__SCN_OPT_FLAGS, VAL_ENCRYPT_FLAGS},
      {"abort-at", CSC__SCN_OPT_ABORT_AT, VAL_COUNT},
      {"retry-at", CSC__SCN_OPT_RETRY_AT, VAL_POSITIVE}},
     {{0}}},
    {"enable", CSC__SCN_CMD_ENABLE, ARGS_WORD, {{0}}, {{0}}},
    {"start", CSC__SCN_CMD_START, ARGS_NONE, {{0}}, {{0}}},
    {"restart", CSC__SCN_CMD_RESTART, ARGS_NONE, {{0}}, {{0}}},
    {"location", CSC__SCN_CMD_LOCATION, ARGS_WORD, {{0}}, {{0}}},
    /* round 2, C10 */
    {"remote",
     CSC__SCN_CMD_REMOTE,
     ARGS_WORD_PATH,
     {{"size", CSC__SCN_OPT_SIZE, VAL_SIZE}, {"bytes", CSC__SCN_OPT_BYTES, VAL_SIZE}},
     {{0}}},
    {"share", CSC__SCN_CMD_SHARE, ARGS_PATH, {{"caching", CSC__SCN_OPT_CACHING, VAL_CACHING}},
     {{0}}},
    {"network", CSC__SCN_CMD_NETWORK, ARGS_PATH_WORD, {{0}}, {{0}}},
    {"offline", CSC__SCN_CMD_OFFLINE, ARGS_PATH, {{0}}, {{"force", CSC__SCN_OPT_FORCE}}},
    {"online", CSC__SCN_CMD_ONLINE, ARGS_PATH, {{0}}, {{0}}},
    {"cacheable", CSC__SCN_CMD_CACHEABLE, ARGS_PATH, {{0}}, {{0}}},
    /* round 2, C11: applications */
    {"write",
     CSC__SCN_CMD_WRITE,
     ARGS_PATH,
     {{"bytes", CSC__SCN_OPT_BYTES, VAL_SIZE}, {"size", CSC__SCN_OPT_SIZE, VAL_SIZE}},
     {{0}}},
    {"create", CSC__SCN_CMD_CREATE, ARGS_PATH, {{"size", CSC__SCN_OPT_SIZE, VAL_SIZE}}, {{0}}},
    {"delete", CSC__SCN_CMD_DELETE, ARGS_PATH, {{0}}, {{0}}},
    {"save", CSC__SCN_CMD_SAVE, ARGS_WORD, {{0}}, {{0}}}, /* a snapshot file */
    {"load", CSC__SCN_CMD_LOAD, ARGS_WORD, {{0}}, {{0}}},
    {"fail", CSC__SCN_CMD_FAIL, ARGS_FAIL, {{0}}, {{0}}},
};

#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

/* The keys of `expect PATH` and `expect space`. */
typedef struct key_spec {
    const char *name;
    csc__scn_key_t key;
    val_kind_t kind;
} key_spec_t;

static const key_spec_t item_keys[] = {
    {"cached", CSC__SCN_KEY_CACHED, VAL_YESNO},
    {"type", CSC__SCN_KEY_TYPE, VAL_TYPE},
    {"pins", CSC__SCN_KEY_PINS, VAL_SOURCES},
    {"inherit", CSC__SCN_KEY_INHERIT, VAL_SOURCES},
    {"pinned", CSC__SCN_KEY_PINNED, VAL_YESNO},
    {"partly-pinned", CSC__SCN_KEY_PARTLY_PINNED, VAL_YESNO},
    {"dirty", CSC__SCN_KEY_DIRTY, VAL_YESNO},
    {"evictable", CSC__SCN_KEY_EVICTABLE, VAL_YESNO},
    {"open", CSC__SCN_KEY_OPEN, VAL_YESNO},
    {"suspended", CSC__SCN_KEY_SUSPENDED, VAL_YESNO},
    {"suspended-root", CSC__SCN_KEY_SUSPENDED_ROOT, VAL_YESNO},
    {"encrypted", CSC__SCN_KEY_ENCRYPTED, VAL_YESNO},
    {"connect", CSC__SCN_KEY_CONNECT, VAL_CONNECT},
    {"reason", CSC__SCN_KEY_REASON, VAL_REASON},
    /* round 2, C11, C13.5 (files only) */
    {"sparse", CSC__SCN_KEY_SPARSE, VAL_YESNO},
    {"created-offline", CSC__SCN_KEY_CREATED_OFFLINE, VAL_YESNO},
    {"deleted-offline", CSC__SCN_KEY_DELETED_OFFLINE, VAL_YESNO},
    {"dirty-bytes", CSC__SCN_KEY_DIRTY_BYTES, VAL_SIZE},
    {"remote-dirty-bytes", CSC__SCN_KEY_REMOTE_DIRTY_BYTES, VAL_SIZE},
    {"size", CSC__SCN_KEY_SIZE, VAL_SIZE},
    {"version", CSC__SCN_KEY_VERSION, VAL_VERSION},
    {"conflict", CSC__SCN_KEY_CONFLICT, VAL_SYNC_STATE},
    {"handles", CSC__SCN_KEY_HANDLES, VAL_COUNT},
};

/* expect remote PATH ... (round 2, C10.1, C10.6) */
static const key_spec_t remote_keys[] = {
    {"exists", CSC__SCN_KEY_EXISTS, VAL_YESNO},
    {"size", CSC__SCN_KEY_REMOTE_SIZE, VAL_SIZE},
    {"version", CSC__SCN_KEY_REMOTE_VERSION, VAL_SIZE},
    {"caching", CSC__SCN_KEY_CACHING, VAL_CACHING},
};

/* expect cacheable=yes|no mode=MODE (C10.7) */
static const key_spec_t cacheable_keys[] = {
    {"cacheable", CSC__SCN_KEY_CACHEABLE, VAL_YESNO},
    {"mode", CSC__SCN_KEY_MODE, VAL_MODE},
};

/* expect status ..., expect encryption ... (round 2, C13.1, C13.4) */
static const key_spec_t status_keys[] = {
    {"active", CSC__SCN_KEY_ACTIVE, VAL_YESNO},
    {"enabled", CSC__SCN_KEY_ENABLED, VAL_YESNO},
    {"reboot", CSC__SCN_KEY_REBOOT, VAL_YESNO},
};

static const key_spec_t encryption_keys[] = {
    {"encrypted", CSC__SCN_KEY_ENC_ENCRYPTED, VAL_YESNO},
    {"partial", CSC__SCN_KEY_PARTIAL, VAL_YESNO},
};

static const key_spec_t space_keys[] = {
    {"used", CSC__SCN_KEY_USED, VAL_SIZE},
    {"unpinned-used", CSC__SCN_KEY_UNPINNED_USED, VAL_SIZE},
    {"limit", CSC__SCN_KEY_LIMIT, VAL_LIMIT},
    {"unpinned-limit", CSC__SCN_KEY_UNPINNED_LIMIT, VAL_LIMIT},
};

#define ITEM_KEY_COUNT (sizeof item_keys / sizeof item_keys[0])
#define SPACE_KEY_COUNT (sizeof space_keys / sizeof space_keys[0])

/* The pin control flags by name (C4.1, windows-reference §2). */
typedef struct flag_name {
    const char *name;
    uint32_t value;
} flag_name_t;

static const flag_name_t flag_names[] = {
    {"Fill", CSC_PIN_FLAG_FILL},
    {"PinLinkTargets", CSC_PIN_FLAG_PIN_LINK_TARGETS},
    {"ForUser", CSC_PIN_FLAG_FOR_USER},
    {"ForUser_Policy", CSC_PIN_FLAG_FOR_USER_POLICY},
    {"ForAll", CSC_PIN_FLAG_FOR_ALL},
    {"ForRedir", CSC_PIN_FLAG_FOR_REDIR},
    {"LowPriority", CSC_PIN_FLAG_LOW_PRIORITY},
    {"AsyncProgress", CSC_PIN_FLAG_ASYNC_PROGRESS},
    {"Interactive", CSC_PIN_FLAG_INTERACTIVE},
    {"Console", CSC_PIN_FLAG_CONSOLE},
    {"Background", CSC_PIN_FLAG_BACKGROUND},
    {NULL, 0},
};

#define FLAG_PREFIX "OfflineFilesPinControlFlag"

/* Round 2: the synchronize control flags and conflict-resolution values
 * (windows-reference §2), and the delete flags. */
static const flag_name_t sync_flag_names[] = {
    {"FillSparse", 0x1}, {"SyncIn", 0x2}, {"SyncOut", 0x4}, {"PinNewFiles", 0x8},
    {"PinLinkTargets", 0x10}, {"PinForUser", 0x20}, {"PinForUser_Policy", 0x40},
    {"PinForAll", 0x80}, {"PinForRedir", 0x100}, {"LowPriority", 0x200},
    {"AsyncProgress", 0x400}, {"Interactive", 0x800}, {"Console", 0x1000},
    {"SkipSuspendedDirs", 0x2000}, {"Background", 0x10000}, {"NoNewFilesOut", 0x20000},
    {"CrKeepLocal", 0x10000000u}, {"CrKeepRemote", 0x20000000u},
    {"CrKeepLatest", 0x30000000u}, {NULL, 0},
};

static const flag_name_t delete_flag_names[] = {
    {"NoAutoCached", CSC_DELETE_NO_AUTO_CACHED}, {"NoPinned", CSC_DELETE_NO_PINNED},
    {"DelModified", CSC_DELETE_DEL_MODIFIED}, {"Admin", CSC_DELETE_ADMIN}, {NULL, 0},
};

/* A flag table and the prefixes its names may carry. */
typedef struct flag_table {
    const flag_name_t *names;
    const char *prefixes[2];
} flag_table_t;

static const flag_table_t pin_table = {flag_names, {FLAG_PREFIX, NULL}};
static const flag_table_t sync_table = {
    sync_flag_names, {"OfflineFilesSyncControlFlag", "OfflineFilesSyncControl"}};
static const flag_table_t delete_table = {delete_flag_names, {"OfflineFilesDeleteFlag", NULL}};

static const flag_name_t encrypt_flag_names[] = {
    {"LowPriority", CSC_ENCRYPT_FLAG_LOW_PRIORITY}, {"AsyncProgress", CSC_ENCRYPT_FLAG_ASYNC_PROGRESS},
    {"Interactive", CSC_ENCRYPT_FLAG_INTERACTIVE}, {"Console", CSC_ENCRYPT_FLAG_CONSOLE},
    {"Background", CSC_ENCRYPT_FLAG_BACKGROUND}, {NULL, 0},
};
static const flag_table_t encrypt_table = {encrypt_flag_names,
                                           {"OfflineFilesEncryptionControlFlag", NULL}};

const uint32_t csc__scn_sources[4] = {CSC_PIN_SOURCE_USER, CSC_PIN_SOURCE_POLICY,
                                 CSC_PIN_SOURCE_COMPUTER, CSC_PIN_SOURCE_REDIRECT};
static const char *const source_names[4] = {"user", "policy", "computer", "redirect"};
static const char *const type_names[4] = {"file", "directory", "share", "server"};
static const char *const resolve_names[8] = {"none", "keep-local", "keep-remote",
                                             "keep-all-changes", "keep-latest", "log",
                                             "skip", "abort"};
static const char *const mode_names[5] = {"none", "nocaching", "manual", "documents",
                                          "programs"};
static const char *const connect_names[3] = {"unknown", "offline", "online"};
static const char *const reason_names[7] = {"unknown", "not-applicable", "forced", "slow",
                                            "error",   "conflict",       "suspended"};

static const char *const sync_state_names[54] = {
    "Stable", "FileOnClient_DirOnServer",
    "FileOnClient_NoServerCopy", "DirOnClient_FileOnServer",
    "DirOnClient_FileChangedOnServer", "DirOnClient_NoServerCopy",
    "FileCreatedOnClient_NoServerCopy", "FileCreatedOnClient_FileChangedOnServer",
    "FileCreatedOnClient_DirChangedOnServer", "FileCreatedOnClient_FileOnServer",
    "FileCreatedOnClient_DirOnServer", "FileCreatedOnClient_DeletedOnServer",
    "FileChangedOnClient_ChangedOnServer", "FileChangedOnClient_DirOnServer",
    "FileChangedOnClient_DirChangedOnServer", "FileChangedOnClient_DeletedOnServer",
    "FileSparseOnClient_ChangedOnServer", "FileSparseOnClient_DeletedOnServer",
    "FileSparseOnClient_DirOnServer", "FileSparseOnClient_DirChangedOnServer",
    "DirCreatedOnClient_NoServerCopy", "DirCreatedOnClient_DirOnServer",
    "DirCreatedOnClient_FileOnServer", "DirCreatedOnClient_FileChangedOnServer",
    "DirCreatedOnClient_DirChangedOnServer", "DirCreatedOnClient_DeletedOnServer",
    "DirChangedOnClient_FileOnServer", "DirChangedOnClient_FileChangedOnServer",
    "DirChangedOnClient_ChangedOnServer", "DirChangedOnClient_DeletedOnServer",
    "NoClientCopy_FileOnServer", "NoClientCopy_DirOnServer",
    "NoClientCopy_FileChangedOnServer", "NoClientCopy_DirChangedOnServer",
    "DeletedOnClient_FileOnServer", "DeletedOnClient_DirOnServer",
    "DeletedOnClient_FileChangedOnServer", "DeletedOnClient_DirChangedOnServer",
    "FileSparseOnClient", "FileChangedOnClient",
    "FileRenamedOnClient", "DirSparseOnClient",
    "DirChangedOnClient", "DirRenamedOnClient",
    "FileChangedOnServer", "FileRenamedOnServer",
    "FileDeletedOnServer", "DirChangedOnServer",
    "DirRenamedOnServer", "DirDeletedOnServer",
    "FileReplacedAndDeletedOnClient_FileOnServer", "FileReplacedAndDeletedOnClient_FileChangedOnServer",
    "FileReplacedAndDeletedOnClient_DirOnServer", "FileReplacedAndDeletedOnClient_DirChangedOnServer",
};

const char *csc__scn_sync_state_name(uint64_t state)
{
    return state == 0 ? "none" : state < 54 ? sync_state_names[state] : "?";
}

bool csc__scn_key_files_only(csc__scn_key_t key)
{
    switch (key) {
    case CSC__SCN_KEY_ENCRYPTED:
    case CSC__SCN_KEY_SPARSE:
    case CSC__SCN_KEY_CREATED_OFFLINE:
    case CSC__SCN_KEY_DELETED_OFFLINE:
    case CSC__SCN_KEY_DIRTY_BYTES:
    case CSC__SCN_KEY_REMOTE_DIRTY_BYTES:
    case CSC__SCN_KEY_SIZE:
    case CSC__SCN_KEY_VERSION:
    case CSC__SCN_KEY_CONFLICT:
    case CSC__SCN_KEY_HANDLES:
        return true;
    default:
        return false;
    }
}

const char *csc__scn_mode_name(uint64_t mode)
{
    return mode < 5 ? mode_names[mode] : "?";
}

const char *csc__scn_connect_name(uint64_t state)
{
    return state < 3 ? connect_names[state] : "?";
}

const char *csc__scn_reason_name(uint64_t reason)
{
    return reason < 7 ? reason_names[reason] : "?";
}

/* The index of s among names[first..n), or false. */
static bool find_name(const char *const *names, uint64_t first, uint64_t n, const char *s,
                      uint64_t *out);

const char *csc__scn_source_name(uint32_t source)
{
    for (size_t i = 0; i < 4; i++)
        if (csc__scn_sources[i] == source)
            return source_names[i];
    return "?";
}

void csc__scn_put_sources(FILE *out, uint32_t set)
{
    if (set == 0) {
        fputs("none", out);
        return;
    }
    const char *sep = "";
    for (size_t i = 0; i < 4; i++) {
        if (set & csc__scn_sources[i]) {
            fprintf(out, "%s%s", sep, source_names[i]);
            sep = ",";
        }
    }
}

const char *csc__scn_type_name(csc_item_type_t type)
{
    return (unsigned)type < 4 ? type_names[type] : "?";
}

const char *csc__scn_key_name(csc__scn_key_t key)
{
    for (size_t i = 0; i < ITEM_KEY_COUNT; i++)
        if (item_keys[i].key == key)
            return item_keys[i].name;
    for (size_t i = 0; i < SPACE_KEY_COUNT; i++)
        if (space_keys[i].key == key)
            return space_keys[i].name;
    for (size_t i = 0; i < sizeof status_keys / sizeof status_keys[0]; i++)
        if (status_keys[i].key == key)
            return status_keys[i].name;
    for (size_t i = 0; i < sizeof encryption_keys / sizeof encryption_keys[0]; i++)
        if (encryption_keys[i].key == key)
            return encryption_keys[i].name;
    for (size_t i = 0; i < sizeof remote_keys / sizeof remote_keys[0]; i++)
        if (remote_keys[i].key == key)
            return remote_keys[i].name;
    for (size_t i = 0; i < sizeof cacheable_keys / sizeof cacheable_keys[0]; i++)
        if (cacheable_keys[i].key == key)
            return cacheable_keys[i].name;
    return "?";
}

/* ---- values ------------------------------------------------------------ */

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

bool csc__scn_eq_n(const char *a, size_t n, const char *b)
{
    size_t i = 0;
    for (; i < n && b[i] != '\0'; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return false;
    return i == n && b[i] == '\0';
}

bool csc__scn_eq(const char *a, const char *b)
{
    return csc__scn_eq_n(a, strlen(a), b);
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)lower((unsigned char)c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/*
 * Parses s[0..n): decimal, or hexadecimal after 0x; with `suffix`, an
 * optional K, M or G (powers of 1024). False when malformed or above max.
 */
static bool parse_number(const char *s, size_t n, uint64_t max, bool suffix, uint64_t *out)
{
    unsigned shift = 0;
    if (suffix && n > 0) {
        switch (s[n - 1]) {
        case 'K': case 'k': shift = 10; break;
        case 'M': case 'm': shift = 20; break;
        case 'G': case 'g': shift = 30; break;
        default: break;
        }
        if (shift != 0)
            n--;
    }
    unsigned base = 10;
    size_t i = 0;
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        i = 2;
    }
    if (i == n)
        return false;
    uint64_t v = 0;
    for (; i < n; i++) {
        int d = base == 16 ? hex_digit(s[i]) : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);
        if (d < 0)
            return false;
        if (v > (UINT64_MAX - (uint64_t)d) / base)
            return false;
        v = v * base + (uint64_t)d;
    }
    if (shift != 0) {
        if (v > (UINT64_MAX >> shift))
            return false;
        v <<= shift;
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

static bool parse_flag_term(const flag_table_t *table, const char *s, size_t n, uint64_t *out)
{
    if (n > 0 && s[0] >= '0' && s[0] <= '9')
        return parse_number(s, n, UINT32_MAX, false, out);
    for (size_t k = 0; k < 2 && table->prefixes[k] != NULL; k++) {
        size_t plen = strlen(table->prefixes[k]);
        if (n > plen && csc__scn_eq_n(s, plen, table->prefixes[k])) {
            s += plen;
            n -= plen;
            break;
        }
    }
    for (const flag_name_t *f = table->names; f->name != NULL; f++) {
        if (csc__scn_eq_n(s, n, f->name)) {
            *out = f->value;
            return true;
        }
    }
    return false;
}

static bool parse_sources(const char *s, uint64_t *out)
{
    if (csc__scn_eq(s, "none")) {
        *out = 0;
        return true;
    }
    uint64_t set = 0;
    for (;;) {
        const char *comma = strchr(s, ',');
        size_t n = comma != NULL ? (size_t)(comma - s) : strlen(s);
        size_t i = 0;
        while (i < 4 && !csc__scn_eq_n(s, n, source_names[i]))
            i++;
        if (i == 4)
            return false;
        set |= csc__scn_sources[i];
        if (comma == NULL)
            break;
        s = comma + 1;
    }
    *out = set;
    return true;
}

static bool is_path_token(const char *text);

static bool find_name(const char *const *names, uint64_t first, uint64_t n, const char *s,
                      uint64_t *out)
{
    for (uint64_t i = first; i < n; i++) {
        if (csc__scn_eq(s, names[i])) {
            *out = i;
            return true;
        }
    }
    return false;
}

/* Converts a value of the given kind; false when malformed. */
static bool parse_value(val_kind_t kind, const char *s, uint64_t *out)
{
    switch (kind) {
    case VAL_SIZE:
        return parse_number(s, strlen(s), UINT64_MAX, true, out);
    case VAL_LIMIT:
        if (csc__scn_eq(s, "unlimited")) {
            *out = CSC_SPACE_UNLIMITED;
            return true;
        }
        return parse_number(s, strlen(s), UINT64_MAX, true, out);
    case VAL_FLAGS:
    case VAL_SYNC_FLAGS:
    case VAL_DELETE_FLAGS:
    case VAL_ENCRYPT_FLAGS: {
        const flag_table_t *table = kind == VAL_SYNC_FLAGS      ? &sync_table
                                    : kind == VAL_DELETE_FLAGS  ? &delete_table
                                    : kind == VAL_ENCRYPT_FLAGS ? &encrypt_table
                                                                : &pin_table;
        uint64_t flags = 0;
        for (;;) {
            const char *bar = strchr(s, '|');
            size_t n = bar != NULL ? (size_t)(bar - s) : strlen(s);
            uint64_t term;
            if (!parse_flag_term(table, s, n, &term))
                return false;
            flags |= term;
            if (bar == NULL)
                break;
            s = bar + 1;
        }
        *out = flags;
        return true;
    }
    case VAL_BOOL:
    case VAL_YESNO: {
        const char *yes = kind == VAL_BOOL ? "true" : "yes";
        const char *no = kind == VAL_BOOL ? "false" : "no";
        if (csc__scn_eq(s, yes) || csc__scn_eq(s, no)) {
            *out = csc__scn_eq(s, yes);
            return true;
        }
        return false;
    }
    case VAL_COUNT:
    case VAL_POSITIVE:
        if (!parse_number(s, strlen(s), UINT32_MAX, false, out))
            return false;
        return kind == VAL_COUNT || *out >= 1;
    case VAL_TYPE:
        for (uint64_t i = 0; i < 4; i++) {
            if (csc__scn_eq(s, type_names[i])) {
                *out = i;
                return true;
            }
        }
        return false;
    case VAL_SOURCES:
        return parse_sources(s, out);
    case VAL_CACHING:
        return find_name(mode_names, 1, 5, s, out);
    case VAL_RESOLVE: /* in the order of OFFLINEFILES_SYNC_CONFLICT_RESOLVE */
        return find_name(resolve_names, 0, 8, s, out);
    case VAL_MODE:
        return find_name(mode_names, 0, 5, s, out);
    case VAL_CONNECT:
        return find_name(connect_names, 1, 3, s, out);
    case VAL_REASON:
        return find_name(reason_names, 0, 7, s, out);
    case VAL_VERSION:
        if (csc__scn_eq(s, "none")) {
            *out = CSC__SCN_VERSION_NONE;
            return true;
        }
        return parse_number(s, strlen(s), UINT64_MAX - 1, false, out);
    case VAL_SYNC_STATE: /* C15.19: names compare case-insensitively */
        if (csc__scn_eq(s, "none")) {
            *out = 0;
            return true;
        }
        return find_name(sync_state_names, 1, 54, s, out);
    case VAL_USER:
        *out = 0;
        return s[0] != '\0' && !is_path_token(s);
    }
    return false;
}

/*
 * A result code (`expect return=` / `hresult=`): a number taken as it is,
 * or a name standing for its code in the form checked.
 */
static bool parse_code(const char *s, bool hresult_form, uint64_t *out)
{
    if (s[0] >= '0' && s[0] <= '9')
        return parse_number(s, strlen(s), UINT32_MAX, false, out);
    uint32_t value;
    bool is_hresult;
    if (!csc_error_from_name(s, &value, &is_hresult))
        return false;
    if (hresult_form)
        *out = is_hresult ? value : (uint32_t)CSC_HRESULT_FROM_WIN32(value);
    else
        *out = is_hresult ? csc_hresult_to_wmi((csc_hresult)value) : value;
    return true;
}

/* ---- parsing ------------------------------------------------------------ */

/* The message of a syntax error, and its column: the token being read when
 * it was found (the command's first token for a fault of the line as a
 * whole, such as a missing argument). */
typedef struct parser {
    char *err;
    size_t err_size;
    unsigned col;
} parser_t;

static bool syntax(parser_t *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err, p->err_size, fmt, ap);
    va_end(ap);
    return false;
}

static bool malformed(parser_t *p, const csc__scn_token_t *t, val_kind_t kind)
{
    p->col = t->column;
    return syntax(p, "malformed value in '%s': expected %s", t->text, val_desc[kind]);
}

static char *dup_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL)
        memcpy(d, s, n);
    return d;
}

/* "A token that begins with \\ or / is always a path" (lexical rules). */
static bool is_path_token(const char *text)
{
    return text[0] == '\\' || text[0] == '/';
}

static bool add_arg(parser_t *p, csc__scn_command_t *cmd, const char *text)
{
    char **args = realloc(cmd->args, (cmd->nargs + 1) * sizeof *args);
    if (args == NULL)
        return syntax(p, "out of memory");
    cmd->args = args;
    args[cmd->nargs] = dup_string(text);
    if (args[cmd->nargs] == NULL)
        return syntax(p, "out of memory");
    cmd->nargs++;
    return true;
}

static const key_spec_t *find_key(const key_spec_t *keys, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (csc__scn_eq(name, keys[i].name))
            return &keys[i];
    return NULL;
}

/* Whether `name` is `event#` followed by something (K is checked later). */
static bool is_event_at(const char *name)
{
    return csc__scn_eq_n(name, 6, "event#") && name[6] != '\0';
}

static bool is_result_key(const char *name)
{
    return csc__scn_eq(name, "location") || csc__scn_eq(name, "open-files") || csc__scn_eq(name, "cacheable") ||
           csc__scn_eq(name, "mode") || csc__scn_eq(name, "return") || csc__scn_eq(name, "hresult") || csc__scn_eq(name, "events") ||
           csc__scn_eq(name, "event") || is_event_at(name);
}

/* expect return=CODE | hresult=CODE | events=N | event="M" | event#K="M" */
static bool parse_expect_result(parser_t *p, const csc__scn_token_t *t, csc__scn_expect_t *e)
{
    const char *name = t->name;
    if (csc__scn_eq(name, "open-files")) { /* the last offline's OpenFiles (C10.9) */
        e->kind = CSC__SCN_EXPECT_OPEN_FILES;
        return parse_value(VAL_YESNO, t->value, &e->number) || malformed(p, t, VAL_YESNO);
    }
    if (csc__scn_eq(name, "location")) { /* expect location="TEXT" (round 2) */
        e->kind = CSC__SCN_EXPECT_LOCATION;
        e->message = dup_string(t->value);
        return e->message != NULL || syntax(p, "out of memory");
    }
    if (csc__scn_eq(name, "return") || csc__scn_eq(name, "hresult")) {
        bool hr = csc__scn_eq(name, "hresult");
        e->kind = hr ? CSC__SCN_EXPECT_HRESULT : CSC__SCN_EXPECT_RETURN;
        if (!parse_code(t->value, hr, &e->number))
            return syntax(p,
                          "malformed value in '%s': expected a code (a number, or a name such "
                          "as ERROR_SUCCESS or E_INVALIDARG)",
                          t->text);
        return true;
    }
    if (csc__scn_eq(name, "events")) {
        e->kind = CSC__SCN_EXPECT_EVENTS;
        return parse_value(VAL_COUNT, t->value, &e->number) || malformed(p, t, VAL_COUNT);
    }
    if (csc__scn_eq(name, "event")) {
        e->kind = CSC__SCN_EXPECT_EVENT_ANY;
    } else {
        e->kind = CSC__SCN_EXPECT_EVENT_AT;
        const char *k = name + 6;
        if (!parse_number(k, strlen(k), UINT32_MAX, false, &e->number) || e->number == 0)
            return syntax(p, "malformed option name '%s=': K in event#K is a number of at "
                             "least 1", name);
    }
    if (t->value[0] == '\0') /* no event has an empty WMI form */
        return syntax(p, "malformed value in '%s': expected the WMI form of an event",
                      t->text);
    e->message = dup_string(t->value);
    return e->message != NULL || syntax(p, "out of memory");
}

static bool parse_expect(parser_t *p, const csc__scn_line_t *line, csc__scn_command_t *cmd)
{
    csc__scn_expect_t *e = &cmd->expect;
    const csc__scn_token_t *positional = NULL, *remote_path = NULL;
    size_t options = 0;
    for (size_t i = 1; i < line->count; i++) {
        const csc__scn_token_t *t = &line->tokens[i];
        if (t->is_option) {
            options++;
        } else if (positional == NULL) {
            positional = t;
        } else if (remote_path == NULL && !positional->quoted && csc__scn_eq(positional->text, "remote")) {
            remote_path = t; /* expect remote PATH (round 2) */
        } else {
            p->col = t->column;
            return syntax(p, "unexpected argument '%s' (expect takes one path, or 'space')",
                          t->text);
        }
    }
    if (options == 0)
        return syntax(p, positional == NULL ? "expect needs a check (KEY=VALUE)"
                                            : "expect needs at least one KEY=VALUE");

    if (positional == NULL) {
        /* The result and event forms: exactly one key per line. */
        const csc__scn_token_t *t = NULL;
        for (size_t i = 1; i < line->count; i++)
            if (line->tokens[i].is_option && t == NULL)
                t = &line->tokens[i];
        p->col = t->column;
        if (csc__scn_eq(t->name, "cacheable") || csc__scn_eq(t->name, "mode")) {
            /* expect cacheable=yes|no mode=MODE: either key or both (C10.7) */
            e->kind = CSC__SCN_EXPECT_CACHEABLE;
            uint32_t seen = 0;
            for (size_t i = 1; i < line->count; i++) {
                const csc__scn_token_t *o = &line->tokens[i];
                p->col = o->column;
                const key_spec_t *k = find_key(cacheable_keys, 2, o->name);
                if (k == NULL)
                    return syntax(p, "unknown key '%s=' for 'expect cacheable=' (cacheable= "
                                     "and mode=)", o->name);
                if (seen & (1u << (k->key - CSC__SCN_KEY_CACHEABLE)))
                    return syntax(p, "repeated key '%s='", o->name);
                seen |= 1u << (k->key - CSC__SCN_KEY_CACHEABLE);
                csc__scn_check_key_t *ck = &e->keys[e->key_count++];
                ck->key = k->key;
                if (!parse_value(k->kind, o->value, &ck->value))
                    return malformed(p, o, k->kind);
            }
            return true;
        }
        if (!is_result_key(t->name)) {
            if (find_key(item_keys, ITEM_KEY_COUNT, t->name) != NULL)
                return syntax(p, "'%s=' needs a path: expect PATH %s", t->name, t->text);
            if (find_key(space_keys, SPACE_KEY_COUNT, t->name) != NULL)
                return syntax(p, "'%s=' needs 'space': expect space %s", t->name, t->text);
            return syntax(p, "unknown option '%s=' for 'expect'", t->name);
        }
        if (options > 1)
            return syntax(p, "'%s=' takes a line of its own: one result or event check per "
                             "expect", t->name);
        return parse_expect_result(p, t, e);
    }

    bool space = !positional->quoted && csc__scn_eq(positional->text, "space");
    bool status = !positional->quoted && csc__scn_eq(positional->text, "status");
    bool encryption = !positional->quoted && csc__scn_eq(positional->text, "encryption");
    bool remote = !positional->quoted && csc__scn_eq(positional->text, "remote");
    if (remote && remote_path == NULL)
        return syntax(p, "'expect remote' needs a path");
    const key_spec_t *keys = space ? space_keys : item_keys;
    size_t nkeys = space ? SPACE_KEY_COUNT : ITEM_KEY_COUNT;
    e->kind = space ? CSC__SCN_EXPECT_SPACE : CSC__SCN_EXPECT_ITEM;
    if (status) {
        keys = status_keys;
        nkeys = sizeof status_keys / sizeof status_keys[0];
        e->kind = CSC__SCN_EXPECT_STATUS;
    } else if (encryption) {
        keys = encryption_keys;
        nkeys = sizeof encryption_keys / sizeof encryption_keys[0];
        e->kind = CSC__SCN_EXPECT_ENCRYPTION;
    } else if (remote) {
        keys = remote_keys;
        nkeys = sizeof remote_keys / sizeof remote_keys[0];
        e->kind = CSC__SCN_EXPECT_REMOTE;
    }
    bool named_form = space || status || encryption;
    uint64_t seen = 0; /* bit k: key k (csc__scn_key_t has fewer than 64) */
    for (size_t i = 1; i < line->count; i++) {
        const csc__scn_token_t *t = &line->tokens[i];
        if (!t->is_option)
            continue;
        p->col = t->column;
        const key_spec_t *k = find_key(keys, nkeys, t->name);
        if (k == NULL) {
            if (is_result_key(t->name))
                return syntax(p, "'%s=' takes a line of its own, without a path", t->name);
            return syntax(p, "unknown key '%s=' for 'expect %s'", t->name,
                          named_form ? positional->text : "PATH");
        }
        if (seen & ((uint64_t)1 << k->key))
            return syntax(p, "repeated key '%s='", t->name);
        seen |= (uint64_t)1 << k->key;
        if (e->key_count == CSC__SCN_MAX_CHECK_KEYS)
            return syntax(p, "too many keys");
        csc__scn_check_key_t *ck = &e->keys[e->key_count++];
        ck->key = k->key;
        if (!parse_value(k->kind, t->value, &ck->value))
            return malformed(p, t, k->kind);
    }
    if (status && !(seen & ((uint64_t)1 << CSC__SCN_KEY_ACTIVE) &&
                    seen & ((uint64_t)1 << CSC__SCN_KEY_ENABLED)))
        return syntax(p, "'expect status' needs active= and enabled=");
    if (encryption &&
        !(seen & ((uint64_t)1 << CSC__SCN_KEY_ENC_ENCRYPTED) &&
          seen & ((uint64_t)1 << CSC__SCN_KEY_PARTIAL)))
        return syntax(p, "'expect encryption' needs encrypted= and partial=");
    if (remote)
        return add_arg(p, cmd, remote_path->text);
    return named_form || add_arg(p, cmd, positional->text);
}

static const cmd_spec_t *find_command(const char *name)
{
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        if (csc__scn_eq(name, commands[i].name))
            return &commands[i];
    return NULL;
}

/* Sets an option slot, refusing a repeat. */
static bool set_slot(parser_t *p, csc__scn_command_t *cmd, csc__scn_opt_t slot, uint64_t v,
                     const char *what)
{
    if (cmd->opt[slot].set)
        return syntax(p, "repeated option '%s'", what);
    cmd->opt[slot].set = true;
    cmd->opt[slot].num = v;
    return true;
}

/* Checks the number of positional arguments against the table. */
static bool check_args(parser_t *p, const cmd_spec_t *spec, const csc__scn_command_t *cmd)
{
    size_t n = cmd->nargs;
    switch (spec->args) {
    case ARGS_NONE:
        if (n > 0)
            return syntax(p, "unexpected argument '%s' for '%s'", cmd->args[0], spec->name);
        return true;
    case ARGS_PATH:
    case ARGS_PATHS:
    case ARGS_PATH_OPTIONAL:
        if (n == 0 && spec->args != ARGS_PATH_OPTIONAL)
            return syntax(p, "'%s' needs %s", spec->name,
                          spec->args == ARGS_PATH ? "a path" : "at least one path");
        if (n > 1 && spec->args != ARGS_PATHS)
            return syntax(p, "unexpected argument '%s' for '%s' (it takes one path)",
                          cmd->args[1], spec->name);
        return true;
    case ARGS_PATH_USERS:
        if (n < 2)
            return syntax(p, "'%s' needs a path and at least one user", spec->name);
        for (size_t k = 1; k < n; k++)
            if (is_path_token(cmd->args[k]))
                return syntax(p, "'%s' is a path, not a user name", cmd->args[k]);
        return true;
    case ARGS_USER:
        if (n == 0)
            return syntax(p, "'%s' needs a user name", spec->name);
        if (is_path_token(cmd->args[0]))
            return syntax(p, "'%s' is a path, not a user name", cmd->args[0]);
        if (n > 1)
            return syntax(p, "unexpected argument '%s' for '%s' (expected 'admin')",
                          cmd->args[1], spec->name);
        return true;
    case ARGS_WORD:
        if (n != 1)
            return syntax(p, n == 0 ? "'%s' needs an argument" : "'%s' takes one argument",
                          spec->name);
        return true;
    case ARGS_NUMBER_OPTIONAL:
        if (n > 1)
            return syntax(p, "'%s' takes at most one number", spec->name);
        return true;
    case ARGS_TWO_PATHS:
        if (n != 2)
            return syntax(p, "'%s' needs two paths", spec->name);
        return true;
    case ARGS_WORD_PATH:
    case ARGS_PATH_WORD:
        if (n != 2)
            return syntax(p, "'%s' needs %s", spec->name,
                          spec->args == ARGS_WORD_PATH ? "dir|file|write|delete and a path"
                                                       : "a server and up|down|slow");
        return true;
    case ARGS_EXPECT:
    case ARGS_FAIL:
        return true;
    }
    return true;
}

/* What the table cannot say: the values of policy and tick, and evict's
 * either-or. */
static bool finish(parser_t *p, csc__scn_command_t *cmd)
{
    switch (cmd->kind) {
    case CSC__SCN_CMD_POLICY: {
        static const char *const names[] = {"manual", "automatic", "eager"};
        static const csc_evict_policy_t values[] = {CSC_EVICT_MANUAL, CSC_EVICT_AUTOMATIC,
                                                    CSC_EVICT_EAGER};
        for (size_t i = 0; i < 3; i++) {
            if (csc__scn_eq(cmd->args[0], names[i])) {
                cmd->policy = values[i];
                return true;
            }
        }
        return syntax(p, "unknown policy '%s': expected 'manual', 'automatic' or 'eager'",
                      cmd->args[0]);
    }
    case CSC__SCN_CMD_TICK:
        cmd->ticks = 1;
        if (cmd->nargs == 1 &&
            !parse_number(cmd->args[0], strlen(cmd->args[0]), UINT64_MAX, false, &cmd->ticks))
            return syntax(p, "malformed number '%s' for 'tick'", cmd->args[0]);
        return true;
    case CSC__SCN_CMD_EVICT:
        if (cmd->opt[CSC__SCN_OPT_ALL].set && cmd->opt[CSC__SCN_OPT_BYTES].set)
            return syntax(p, "'evict' takes 'all' or 'bytes=N', not both");
        return true;
    case CSC__SCN_CMD_ENCRYPT:
    case CSC__SCN_CMD_ENABLE:
        if (!csc__scn_eq(cmd->args[0], "on") && !csc__scn_eq(cmd->args[0], "off"))
            return syntax(p, "'%s' takes 'on' or 'off', not '%s'", cmd->name, cmd->args[0]);
        return true;
    case CSC__SCN_CMD_REMOTE: { /* remote dir|file|write|delete PATH (C10.1) */
        const char *v = cmd->args[0];
        bool file = csc__scn_eq(v, "file"), write = csc__scn_eq(v, "write");
        if (!file && !write && !csc__scn_eq(v, "dir") && !csc__scn_eq(v, "delete"))
            return syntax(p, "unknown 'remote %s': expected 'dir', 'file', 'write' or 'delete'",
                          v);
        if (cmd->opt[CSC__SCN_OPT_SIZE].set && !file && !write)
            return syntax(p, "'remote %s' takes no size=", v);
        if (cmd->opt[CSC__SCN_OPT_BYTES].set && !write)
            return syntax(p, "'remote %s' takes no bytes=", v);
        return true;
    }
    case CSC__SCN_CMD_SHARE:
        if (!cmd->opt[CSC__SCN_OPT_CACHING].set)
            return syntax(p, "'share' needs caching=nocaching|manual|documents|programs");
        return true;
    case CSC__SCN_CMD_NETWORK: {
        static const char *const words[] = {"up", "down", "slow"}; /* csc_network_t */
        uint64_t w;
        if (!find_name(words, 0, 3, cmd->args[1], &w))
            return syntax(p, "'network' takes 'up', 'down' or 'slow', not '%s'", cmd->args[1]);
        cmd->ticks = w; /* the condition */
        return true;
    }
    default:
        return true;
    }
}

static bool parse_command(parser_t *p, const csc__scn_line_t *line, csc__scn_command_t *cmd)
{
    const csc__scn_token_t *first = &line->tokens[0];
    const cmd_spec_t *spec = first->quoted || first->is_option ? NULL : find_command(first->text);
    if (spec == NULL)
        return syntax(p, "unknown command '%s'", first->text);
    cmd->kind = spec->kind;
    cmd->name = spec->name;
    if (spec->args == ARGS_EXPECT)
        return parse_expect(p, line, cmd);
    if (spec->args == ARGS_FAIL)
        return csc__scn_parse_fail(line, cmd, p->err, p->err_size, &p->col);

    for (size_t i = 1; i < line->count; i++) {
        const csc__scn_token_t *t = &line->tokens[i];
        p->col = t->column;
        if (t->is_option) {
            const opt_spec_t *o = NULL;
            for (size_t k = 0; k < MAX_OPTS && spec->opts[k].name != NULL; k++)
                if (csc__scn_eq(t->name, spec->opts[k].name))
                    o = &spec->opts[k];
            if (o == NULL)
                return syntax(p, "unknown option '%s=' for '%s'", t->name, spec->name);
            uint64_t v;
            if (!parse_value(o->kind, t->value, &v))
                return malformed(p, t, o->kind);
            if (o->kind == VAL_USER) { /* deleteitems for=USER */
                if (cmd->user != NULL)
                    return syntax(p, "repeated option '%s='", o->name);
                cmd->user = dup_string(t->value);
                if (cmd->user == NULL)
                    return syntax(p, "out of memory");
                continue;
            }
            char what[64];
            snprintf(what, sizeof what, "%s=", o->name);
            if (!set_slot(p, cmd, o->slot, v, what))
                return false;
            continue;
        }
        /* A keyword (unquoted); `as` takes its user first, whatever it is. */
        const keyword_spec_t *kw = NULL;
        if (!t->quoted && !(spec->args == ARGS_USER && cmd->nargs == 0))
            for (size_t k = 0; k < MAX_KEYWORDS && spec->keywords[k].word != NULL; k++)
                if (csc__scn_eq(t->text, spec->keywords[k].word))
                    kw = &spec->keywords[k];
        if (kw != NULL) {
            if (!set_slot(p, cmd, kw->slot, 1, kw->word))
                return false;
            continue;
        }
        if (!add_arg(p, cmd, t->text))
            return false;
    }
    p->col = first->column;
    return check_args(p, spec, cmd) && finish(p, cmd);
}

int csc__scn_parse_line(const char *text, size_t len, unsigned line_no,
                        csc__scn_command_t *cmd, char *err, size_t err_size, unsigned *err_col)
{
    memset(cmd, 0, sizeof *cmd);
    cmd->line = line_no;
    csc__scn_line_t line;
    unsigned col_ignored;
    if (err_col == NULL)
        err_col = &col_ignored;
    *err_col = 0;
    if (!csc__scn_lex_line(text, len, &line, err, err_size, err_col))
        return -1;
    if (line.count == 0) {
        csc__scn_line_free(&line);
        return 0;
    }
    parser_t p = {err, err_size, line.tokens[0].column};
    bool ok = parse_command(&p, &line, cmd);
    if (ok) {
        cmd->echo = line.echo;
        line.echo = NULL;
    }
    csc__scn_line_free(&line);
    if (!ok) {
        *err_col = p.col;
        csc__scn_command_free(cmd);
        return -1;
    }
    return 1;
}

void csc__scn_command_free(csc__scn_command_t *cmd)
{
    for (size_t i = 0; i < cmd->nargs; i++)
        free(cmd->args[i]);
    free(cmd->args);
    free(cmd->echo);
    free(cmd->expect.message);
    free(cmd->user);
    memset(cmd, 0, sizeof *cmd);
}

bool csc__scn_parse_number(const char *s, uint64_t max, uint64_t *out)
{
    return parse_number(s, strlen(s), max, false, out);
}

bool csc__scn_parse_hresult(const char *s, uint64_t *out)
{
    return parse_code(s, true, out);
}
