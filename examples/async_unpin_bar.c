/*
 * examples/async_unpin_bar.c: an asynchronous deep Unpin on a libuv loop
 * (C6.4, C6.5). The walk runs on libuv's thread pool; progress arrives on
 * the loop with AsyncProgress, drawn as a progress bar on a terminal; Ctrl-C
 * cancels the operation (items already unpinned stay unpinned, C4.6).
 * Usage: async_unpin_bar [ITEMS]   (default 300000 files)
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <uv.h>

#include <cscsim.h>
#include <cscsim/async.h>

typedef struct app {
    csc_op_t op;
    uv_signal_t sigint;
    uv_timer_t timer;
    size_t total, results;
    bool tty;
} app_t;

static csc_op_response_t on_item_result(void *ud, const csc_event_t *ev)
{
    (void)ev;
    ((app_t *)ud)->results++;
    return CSC_OP_CONTINUE; /* ignored with AsyncProgress */
}

static void draw(app_t *app)
{
    if (!app->tty)
        return;
    int width = 40, filled = (int)(app->total ? app->results * (size_t)width / app->total : 0);
    printf("\r[");
    for (int i = 0; i < width; i++)
        putchar(i < filled ? '#' : '.');
    printf("] %zu/%zu", app->results, app->total);
    fflush(stdout);
}

static void on_timer(uv_timer_t *t)
{
    draw(t->data);
}

static void on_sigint(uv_signal_t *s, int signum)
{
    (void)signum;
    app_t *app = s->data;
    csc_op_cancel(&app->op);
}

static void on_done(csc_op_t *op, csc_hresult result)
{
    app_t *app = op->data;
    draw(app);
    printf("%sunpin finished: 0x%08X %s (%zu items processed, queue peak %zu bytes)\n",
           app->tty ? "\n" : "", (unsigned)result, csc_hresult_message(result), app->results,
           csc_op_queue_peak_bytes(op));
    uv_close((uv_handle_t *)&app->timer, NULL);
    uv_close((uv_handle_t *)&app->sigint, NULL);
}

int main(int argc, char **argv)
{
    size_t files = argc > 1 ? strtoul(argv[1], NULL, 10) : 300000;
    csc_cache_t *cache = NULL;
    if (csc_cache_new(&cache, NULL) != CSC_S_OK)
        return 1;
    char path[64];
    for (size_t i = 0; i < files; i++) {
        snprintf(path, sizeof path, "\\\\bench\\share\\d%06zu\\f%06zu.txt", i / 1000, i % 1000);
        if (csc_cache_file(cache, path, true, 1024, NULL) != CSC_S_OK)
            return 1;
    }
    const char *root[] = {"\\\\bench\\share"};
    csc_pin(cache, root, 1, CSC_PIN_FLAG_FOR_USER, true, NULL, NULL);

    uv_loop_t *loop = uv_default_loop();
    app_t app = {0};
    app.op.data = &app;
    app.total = csc_cache_item_count(cache) - 1; /* all but the server */
    app.tty = isatty(STDOUT_FILENO);
    uv_timer_init(loop, &app.timer);
    app.timer.data = &app;
    uv_timer_start(&app.timer, on_timer, 0, 100);
    uv_signal_init(loop, &app.sigint);
    app.sigint.data = &app;
    uv_signal_start(&app.sigint, on_sigint, SIGINT);

    csc_progress_t sink = {CSC_PROGRESS_VERSION, &app, NULL, NULL, NULL, on_item_result, NULL};
    csc_hresult hr = csc_unpin_async(&app.op, loop, cache, root, 1,
                                     CSC_PIN_FLAG_FOR_USER | CSC_PIN_FLAG_ASYNC_PROGRESS, true,
                                     &sink, NULL, on_done);
    if (hr != CSC_S_OK) {
        fprintf(stderr, "csc_unpin_async: 0x%08X\n", (unsigned)hr);
        return 1;
    }
    uv_run(loop, UV_RUN_DEFAULT);
    csc_cache_free(cache);
    return uv_loop_close(loop) == 0 ? 0 : 1;
}
