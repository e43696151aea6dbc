/*
 * src/progress.c: the WMI form of progress events (C6.1, C6.2): the string
 * "Reason:Result:ResultText:Path", Result as 0x%08X, ResultText Windows'
 * English message text without line break, Path empty for Begin and End.
 * Nothing is escaped (Windows documents no escaping).
 */
#include <stdio.h>
#include <string.h>

#include "error_table.h"

#include "cscsim/pin.h"

/* Appends s[0..n) to buf at *pos, counting what does not fit. */
static void put(char *buf, size_t size, size_t *pos, const char *s, size_t n)
{
    if (*pos < size) {
        size_t room = size - *pos;
        memcpy(buf + *pos, s, n < room ? n : room);
    }
    *pos += n;
}

size_t csc_event_format_wmi(const csc_event_t *event, char *buf, size_t size)
{
    if (event == NULL)
        return 0;
    if (buf == NULL)
        size = 0;
    char head[32];
    int hn = snprintf(head, sizeof head, "%u:0x%08X:", (unsigned)event->reason,
                      (unsigned)(uint32_t)event->result);
    const char *text = csc__hresult_text(event->result);
    if (text == NULL)
        text = "";
    const char *path = "";
    size_t path_len = 0;
    if (event->reason == CSC_EVENT_ITEM_BEGIN || event->reason == CSC_EVENT_ITEM_RESULT) {
        path = event->path != NULL ? event->path : "";
        path_len = event->path != NULL ? event->path_len : 0;
    }
    /* Everything is written into size - 1 bytes, then the NUL. */
    size_t pos = 0, cap = size > 0 ? size - 1 : 0;
    put(buf, cap, &pos, head, (size_t)hn);
    put(buf, cap, &pos, text, strlen(text));
    put(buf, cap, &pos, ":", 1);
    put(buf, cap, &pos, path, path_len);
    if (size > 0)
        buf[pos < cap ? pos : cap] = '\0';
    return pos;
}
