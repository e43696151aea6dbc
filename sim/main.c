/*
 * sim/main.c: the cscsim program. It owns the command line: the commands
 * `run`, `shell` and `bench` (bench.c), their options, `--help` (for the program and for each
 * command) and `--version` (the linked library's csc_version()), and exit
 * statuses (2 for a usage error, an unreadable file or a syntax error, 1
 * for a failed check, 0 otherwise). For `run` it reads each scenario file
 * whole (`-` is standard input) and hands it to csc_scenario_run on a fresh
 * cache (the library parses every line before running any), reports every
 * syntax error of a file as `FILE:LINE: error: ...`, prints the final count
 * of checks, and with `--dot` writes the final cache of its one file as
 * Graphviz (csc_cache_dump).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cscsim.h>

#include "bench.h"
#include "shell.h"

#define EXIT_CHECK_FAILED 1
#define EXIT_USAGE 2

static const char main_help[] =
    "Usage: cscsim COMMAND [OPTION]... [ARG]...\n"
    "       cscsim --help | --version\n"
    "\n"
    "A simulator of the Windows Offline Files cache (client-side caching): it\n"
    "runs scenarios that set up a cache, call Pin and Unpin, and check what\n"
    "happened.\n"
    "\n"
    "Commands:\n"
    "  run [--dot OUT.dot] [--load SNAP] [--save SNAP] FILE...\n"
    "                               run scenario files ('-' reads standard input)\n"
    "  shell                        run scenario commands one at a time\n"
    "  bench [--items N] [--format tsv|table]\n"
    "                               measure the library on N items\n"
    "\n"
    "Options:\n"
    "  -h, --help     show this help and exit\n"
    "      --version  print the version of the library and exit\n"
    "\n"
    "'cscsim COMMAND --help' describes a command.\n";

static const char run_help[] =
    "Usage: cscsim run [--dot OUT.dot] [--load SNAP] [--save SNAP] FILE...\n"
    "\n"
    "Runs each scenario FILE ('-' reads standard input) on a fresh cache, or on\n"
    "the state of the snapshot SNAP with --load. A file\n"
    "is parsed whole first: a syntax error is reported on standard error as\n"
    "FILE:LINE: error: ... and nothing of that file runs.\n"
    "\n"
    "The transcript on standard output shows each command that prints as\n"
    "'> COMMAND', then the events of pin, unpin and sync in WMI form, then the\n"
    "result as '= 0xHRESULT NAME (WMI)'. Setup commands print only when they\n"
    "failed or evicted something; show prints a picture of the cache; a failed\n"
    "check prints FILE:LINE: FAIL: expected ..., got .... The last line is\n"
    "'N passed, M failed', counting the checks of all files.\n"
    "\n"
    "Options:\n"
    "      --dot OUT.dot  also write the final cache as a Graphviz graph (one FILE)\n"
    "      --load SNAP    start each FILE from the snapshot SNAP (csc_cache_load)\n"
    "      --save SNAP    save the final cache as the snapshot SNAP (one FILE),\n"
    "                     atomically (csc_cache_save)\n"
    "  -h, --help         show this help and exit\n"
    "\n"
    "Exit status: 0 when every check passed, 1 when a check failed, 2 when a\n"
    "file could not be read or had a syntax error, or for a usage error.\n";

static const char shell_help[] =
    "Usage: cscsim shell\n"
    "\n"
    "Reads scenario commands from standard input and runs each at once on one\n"
    "cache. A syntax error is reported on standard error and the shell goes on.\n"
    "The prompt 'cscsim> ' is shown when standard input is a terminal. 'help'\n"
    "lists the commands; 'quit' or the end of input ends the session, which\n"
    "prints 'N passed, M failed'.\n"
    "\n"
    "Options:\n"
    "  -h, --help  show this help and exit\n"
    "\n"
    "Exit status: 0, 1 when a check failed, 2 when a line had a syntax error.\n";

static const char bench_help[] =
    "Usage: cscsim bench [--items N] [--format tsv|table]\n"
    "\n"
    "Builds a cache of N files (default 1000000: directories of 1,000 files\n"
    "under \\\\bench\\share, named like d000123\\f000456.txt, all pinned deep)\n"
    "and measures building, lookups, deep and subtree unpin with and without a\n"
    "progress sink, asynchronous delivery, eviction and memory (first: the\n"
    "peak resident memory of building and deep-unpinning the N files, in a\n"
    "child process), each next to the limit it is judged against (a bare\n"
    "uthash lookup, a walk through the public links, a walk over 32-byte\n"
    "records in one array) and, when built with SQLite, the same unpin as an\n"
    "SQL UPDATE. Each figure is the median of 5 runs after a warm-up. One\n"
    "row per figure:\n"
    "name<TAB>value<TAB>unit with --format tsv, an aligned table otherwise\n"
    "(the default), then the ratios with their targets.\n"
    "\n"
    "Options:\n"
    "      --items N              number of files (at least 1000)\n"
    "      --format tsv|table     output form (default: table)\n"
    "  -h, --help                 show this help and exit\n"
    "\n"
    "Exit status: 0, 1 when the benchmark could not run, 2 for a usage error.\n";

static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("cscsim: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputs("\nTry 'cscsim --help'.\n", stderr);
    va_end(ap);
    return EXIT_USAGE;
}

static bool is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

/* Colour only on a terminal, and never when NO_COLOR is set. */
static bool want_color(void)
{
    return isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
}

/* Reads a whole file (NULL name: standard input). NULL with errno set on
 * failure. */
static char *read_all(const char *path, size_t *len)
{
    FILE *f = path == NULL ? stdin : fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf != NULL) {
        if (n == cap) {
            char *b = cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap * 2);
            if (b == NULL) {
                free(buf);
                buf = NULL;
                errno = ENOMEM;
                break;
            }
            buf = b;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                int e = errno != 0 ? errno : EIO;
                free(buf);
                buf = NULL;
                errno = e;
            }
            break;
        }
    }
    if (path != NULL) {
        int e = errno;
        fclose(f);
        errno = e;
    }
    *len = n;
    return buf;
}

/* The transcript goes to a stdio stream. */
static void write_stream(void *user_data, const char *text, size_t len)
{
    fwrite(text, 1, len, user_data);
}

/* The files of `run`'s options (NULL when not given). */
typedef struct run_files {
    const char *dot, *load, *save;
} run_files_t;

/* Runs one scenario file on a fresh cache; adds its checks to the counts.
 * Returns the exit status of the file (0, or EXIT_USAGE). */
static int run_file(const char *name, const char *text, size_t len, bool color,
                    const run_files_t *files, unsigned *passed, unsigned *failed)
{
    const char *dot = files->dot;
    csc_cache_t *cache;
    if (csc_cache_new(&cache, NULL) != CSC_S_OK) {
        fputs("cscsim: out of memory\n", stderr);
        exit(EXIT_USAGE);
    }
    if (files->load != NULL) {
        csc_hresult lr = csc_cache_load(cache, files->load);
        if (lr != CSC_S_OK) {
            fflush(stdout);
            fprintf(stderr, "cscsim: cannot load %s: 0x%08X %s\n", files->load, (unsigned)lr,
                    csc_hresult_name(lr));
            csc_cache_free(cache);
            return EXIT_USAGE;
        }
    }
    csc_scenario_options_t opts = CSC_SCENARIO_OPTIONS_INIT;
    opts.name = name;
    opts.write = write_stream;
    opts.user_data = stdout;
    opts.color = color;
    csc_scenario_result_t res;
    fflush(stdout);
    csc_hresult hr = csc_scenario_run(cache, text, len, &opts, &res);
    int status = 0;
    if (hr == CSC_E_OUTOFMEMORY) {
        fflush(stdout);
        fputs("cscsim: out of memory\n", stderr);
        exit(EXIT_USAGE);
    }
    if (hr == CSC_E_INVALIDARG) {
        for (size_t i = 0; i < res.syntax_error_count; i++)
            fprintf(stderr, "%s:%u: error: %s\n", name, res.syntax_errors[i].line,
                    res.syntax_errors[i].message);
        status = EXIT_USAGE;
    } else {
        *passed += res.passed;
        *failed += res.failed;
        if (dot != NULL) {
            FILE *f = fopen(dot, "w");
            bool written = f != NULL &&
                           csc_cache_dump(cache, NULL, CSC_DUMP_DOT, write_stream, f) == CSC_S_OK &&
                           !ferror(f);
            if (f != NULL && fclose(f) != 0)
                written = false;
            if (!written) {
                fflush(stdout);
                fprintf(stderr, "cscsim: cannot write %s: %s\n", dot, strerror(errno));
                status = EXIT_USAGE;
            }
        }
    }
    if (files->save != NULL && hr != CSC_E_INVALIDARG) {
        csc_hresult sr = csc_cache_save(cache, files->save);
        if (sr != CSC_S_OK) {
            fflush(stdout);
            fprintf(stderr, "cscsim: cannot save %s: 0x%08X %s\n", files->save, (unsigned)sr,
                    csc_hresult_name(sr));
            status = EXIT_USAGE;
        }
    }
    csc_scenario_result_clear(&res);
    csc_cache_free(cache);
    return status;
}

static int cmd_run(int argc, char **argv)
{
    const char *dot = NULL, *load = NULL, *save = NULL;
    int first = argc;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            first = i + 1;
            break;
        }
        if (is_help(a)) {
            fputs(run_help, stdout);
            return 0;
        }
        const char **slot = NULL;
        const char *opt = NULL;
        static const char *const names[] = {"--dot", "--load", "--save"};
        const char **slots[] = {&dot, &load, &save};
        for (int k = 0; k < 3 && slot == NULL; k++) {
            size_t l = strlen(names[k]);
            if (strncmp(a, names[k], l) == 0 && (a[l] == '\0' || a[l] == '=')) {
                slot = slots[k];
                opt = names[k];
            }
        }
        if (slot != NULL) {
            size_t l = strlen(opt);
            if (*slot != NULL)
                return usage_error("run: %s given twice", opt);
            if (a[l] == '=') {
                *slot = a + l + 1;
            } else if (i + 1 < argc) {
                *slot = argv[++i];
            } else {
                return usage_error("run: %s needs a file name", opt);
            }
            if (**slot == '\0')
                return usage_error("run: %s needs a file name", opt);
            continue;
        }
        if (a[0] == '-' && a[1] != '\0')
            return usage_error("run: unknown option '%s'", a);
        first = i;
        break;
    }
    int nfiles = argc - first;
    if (nfiles == 0)
        return usage_error("run: no scenario file given");
    if (dot != NULL && nfiles != 1)
        return usage_error("run: --dot takes exactly one scenario file");
    if (save != NULL && nfiles != 1)
        return usage_error("run: --save takes exactly one scenario file");
    /* Options after the first file are not options (a file may be named so). */

    int status = 0;
    unsigned passed = 0, failed = 0;
    bool color = want_color();
    for (int i = first; i < argc; i++) {
        bool is_stdin = strcmp(argv[i], "-") == 0;
        const char *name = is_stdin ? "<stdin>" : argv[i];
        size_t len;
        char *text = read_all(is_stdin ? NULL : argv[i], &len);
        if (text == NULL) {
            fflush(stdout);
            fprintf(stderr, "cscsim: cannot read %s: %s\n", name, strerror(errno));
            status = EXIT_USAGE;
            continue;
        }
        run_files_t files = {dot, load, save};
        if (run_file(name, text, len, color, &files, &passed, &failed) != 0)
            status = EXIT_USAGE;
        free(text);
    }
    printf("%u passed, %u failed\n", passed, failed);
    if (status == 0 && failed > 0)
        status = EXIT_CHECK_FAILED;
    return status;
}

static int cmd_bench(int argc, char **argv)
{
    size_t items = 1000000;
    bool tsv = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (is_help(a)) {
            fputs(bench_help, stdout);
            return 0;
        }
        const char *val = NULL;
        if (strcmp(a, "--items") == 0 || strcmp(a, "--format") == 0) {
            if (i + 1 == argc)
                return usage_error("bench: %s needs a value", a);
            val = argv[++i];
        } else if (strncmp(a, "--items=", 8) == 0 || strncmp(a, "--format=", 9) == 0) {
            val = strchr(a, '=') + 1;
        } else {
            return usage_error("bench: unexpected argument '%s'", a);
        }
        if (a[2] == 'i') {
            char *end = NULL;
            errno = 0;
            unsigned long long n = strtoull(val, &end, 10);
            if (val[0] < '0' || val[0] > '9' || *end != '\0' || errno != 0 || n < 1000 ||
                n > 100000000ull)
                return usage_error("bench: --items wants a number from 1000 to 100000000, "
                                   "not '%s'", val);
            items = (size_t)n;
        } else if (strcmp(val, "tsv") == 0 || strcmp(val, "table") == 0) {
            tsv = strcmp(val, "tsv") == 0;
        } else {
            return usage_error("bench: --format wants tsv or table, not '%s'", val);
        }
    }
    return csc_sim_bench(items, tsv);
}

static int cmd_shell(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (is_help(argv[i])) {
            fputs(shell_help, stdout);
            return 0;
        }
        return usage_error("shell: unexpected argument '%s'", argv[i]);
    }
    sim_shell_options_t so = {stdin, stdout, isatty(STDIN_FILENO) != 0, want_color()};
    return sim_shell(&so);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("no command given");
    const char *cmd = argv[1];
    if (is_help(cmd) || strcmp(cmd, "help") == 0) {
        if (argc > 2 && strcmp(argv[2], "run") == 0)
            fputs(run_help, stdout);
        else if (argc > 2 && strcmp(argv[2], "shell") == 0)
            fputs(shell_help, stdout);
        else if (argc > 2 && strcmp(argv[2], "bench") == 0)
            fputs(bench_help, stdout);
        else
            fputs(main_help, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("cscsim %s\n", csc_version());
        return 0;
    }
    if (strcmp(cmd, "run") == 0)
        return cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "shell") == 0)
        return cmd_shell(argc - 2, argv + 2);
    if (strcmp(cmd, "bench") == 0)
        return cmd_bench(argc - 2, argv + 2);
    if (cmd[0] == '-')
        return usage_error("unknown option '%s'", cmd);
    return usage_error("unknown command '%s'", cmd);
}
