/*
 * sim/main.c: the cscsim program (stub until the scenario runner lands).
 */
#include <stdio.h>

#include <cscsim.h>

int main(void)
{
    printf("cscsim %s\n", csc_version());
    return 0;
}
