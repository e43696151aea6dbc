/*
 * src/scenario/dot.c: the cache as a Graphviz digraph, for `cscsim run --dot`. It
 * owns the visual vocabulary of the graph: one box a cached item (a 3-D box
 * for a server), an edge from each container to its children, in walk order
 * (C2.3); the fill colour says which pin sources pin the item (stripes when
 * several do, grey for a partly pinned container); a double border marks
 * inherit bits; a thick red border a dirty file; a dashed border an evictable
 * item; and a legend cluster explains all of it. Labels carry the same words
 * as `show` (round 2: offline scopes, suspended, sparse, created and
 * deleted offline, conflicts, changed on server). Strings are escaped for DOT (backslash and double quote).
 */
#include "dot.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "picture.h"

/* Colours of the pin sources, in the order of csc__scn_sources. */
static const char *const source_colors[4] = {"#9ecae1", "#fdd0a2", "#a1d99b", "#dadaeb"};
#define PARTLY_COLOR "#eeeeee"
#define DIRTY_COLOR "#d62728"

static void put_escaped(FILE *out, const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s == '\\' || *s == '"')
            fputc('\\', out);
        fputc(*s, out);
    }
}

static void put_node(FILE *out, const csc_cache_t *cache, size_t id, const csc_item_t *item)
{
    csc_item_type_t type = csc_item_type(item);
    uint32_t pins = csc_item_pins(item), inherit = csc_item_inherit(item);
    bool evictable = csc_item_is_evictable(item);

    fprintf(out, "  n%zu [label=\"", id);
    if (type == CSC_ITEM_SERVER)
        fputs("\\\\\\\\", out);
    put_escaped(out, csc_item_name(item));
    fprintf(out, "\\n%s", csc__scn_type_name(type));
    if (type == CSC_ITEM_FILE)
        fprintf(out, ", %llu bytes", (unsigned long long)csc_item_size(item));
    if (pins != 0) {
        fputs("\\npins=", out);
        csc__scn_put_sources(out, pins);
    }
    if (inherit != 0) {
        fputs("\\ninherit=", out);
        csc__scn_put_sources(out, inherit);
    }
    if (csc_item_is_partly_pinned(item))
        fputs("\\npartly-pinned", out);
    if (csc_item_is_dirty(item))
        fprintf(out, "\\ndirty (%llu bytes)", (unsigned long long)csc_item_dirty_bytes(item));
    if (csc_item_is_open(item))
        fprintf(out, "\\nopen (%u)", (unsigned)csc_item_open_count(item));
    if (evictable)
        fputs("\\nevictable", out);
    /* round 2: offline scopes (C10.5) and the words of `show` */
    csc_offline_reason_t reason;
    if (csc__scn_offline_reason(cache, item, &reason))
        fprintf(out, "\\noffline (%s)", csc__scn_reason_name((uint64_t)reason));
    csc__scn_round2_words(out, item, "\\n");
    fputc('"', out);

    /* Fill: one colour per pin source, stripes for several. */
    size_t n = 0;
    for (size_t i = 0; i < 4; i++)
        n += (pins & csc__scn_sources[i]) != 0;
    if (n > 1) {
        fputs(", style=\"striped\", fillcolor=\"", out);
        const char *sep = "";
        for (size_t i = 0; i < 4; i++) {
            if (pins & csc__scn_sources[i]) {
                fprintf(out, "%s%s", sep, source_colors[i]);
                sep = ":";
            }
        }
        fputc('"', out);
    } else {
        const char *fill = "white";
        for (size_t i = 0; i < 4; i++)
            if (pins & csc__scn_sources[i])
                fill = source_colors[i];
        if (n == 0 && csc_item_is_partly_pinned(item))
            fill = PARTLY_COLOR;
        fprintf(out, ", style=\"filled%s\", fillcolor=\"%s\"", evictable ? ",dashed" : "",
                fill);
    }
    if (type == CSC_ITEM_SERVER)
        fputs(", shape=box3d", out);
    if (inherit != 0)
        fputs(", peripheries=2", out);
    if (csc_item_is_dirty(item))
        fputs(", color=\"" DIRTY_COLOR "\", penwidth=3", out);
    fputs("];\n", out);
}

static void put_legend(FILE *out)
{
    fputs("  subgraph cluster_legend {\n"
          "    label=\"Legend\";\n"
          "    style=dashed;\n"
          "    node [shape=box, style=filled, fillcolor=white];\n",
          out);
    for (size_t i = 0; i < 4; i++)
        fprintf(out, "    legend_%s [label=\"pins=%s\", fillcolor=\"%s\"];\n",
                csc__scn_source_name(csc__scn_sources[i]),
                csc__scn_source_name(csc__scn_sources[i]),
                source_colors[i]);
    fprintf(out,
            "    legend_several [label=\"several sources\\n(stripes)\", style=striped, "
            "fillcolor=\"%s:%s\"];\n"
            "    legend_partly [label=\"partly-pinned\\n(a pinned item below)\", "
            "fillcolor=\"" PARTLY_COLOR "\"];\n"
            "    legend_inherit [label=\"inherit=...\\n(new children get the pin)\", "
            "peripheries=2];\n"
            "    legend_dirty [label=\"dirty\\n(unsynchronized changes)\", color=\"" DIRTY_COLOR
            "\", penwidth=3];\n"
            "    legend_evictable [label=\"evictable\\n(may be removed)\", "
            "style=\"filled,dashed\"];\n"
            "    legend_server [label=\"server\", shape=box3d];\n"
            "  }\n",
            source_colors[0], source_colors[2]);
}

bool csc__scn_dot_write(FILE *out, const csc_cache_t *cache, const csc_item_t *top)
{
    csc_disk_space_t ds;
    bool ok = true;
    fputs("digraph cscsim {\n"
          "  graph [rankdir=LR, fontname=\"Helvetica\", labelloc=t, label=\"cscsim cache",
          out);
    if (csc_cache_get_disk_space(cache, &ds) == CSC_S_OK)
        fprintf(out, ": used=%llu unpinned-used=%llu", (unsigned long long)ds.used,
                (unsigned long long)ds.unpinned_used);
    fputs("\"];\n"
          "  node [shape=box, fontname=\"Helvetica\"];\n"
          "  edge [color=\"#888888\"];\n",
          out);

    /* Pre-order; ids[d] is the id of the ancestor at depth d. */
    size_t *ids = NULL, cap = 0, depth = 0, next_id = 0;
    const csc_item_t *it = top != NULL ? top : csc_cache_first_server(cache);
    while (it != NULL) {
        if (depth >= cap) {
            size_t ncap = cap == 0 ? 32 : cap * 2;
            size_t *n = realloc(ids, ncap * sizeof *n);
            if (n == NULL) {
                ok = false;
                break;
            }
            ids = n;
            cap = ncap;
        }
        size_t id = next_id++;
        ids[depth] = id;
        put_node(out, cache, id, it);
        if (depth > 0)
            fprintf(out, "  n%zu -> n%zu;\n", ids[depth - 1], id);
        if (csc_item_first_child(it) != NULL) {
            it = csc_item_first_child(it);
            depth++;
            continue;
        }
        /* Up to the next item; the parent of a server is NULL, which is
         * also `top` when the whole cache is drawn. */
        while (it != top && csc_item_next_sibling(it) == NULL) {
            it = csc_item_parent(it);
            if (depth > 0)
                depth--;
        }
        if (it == top)
            break;
        it = csc_item_next_sibling(it);
    }
    free(ids);
    put_legend(out);
    fputs("}\n", out);
    return ok && !ferror(out);
}
