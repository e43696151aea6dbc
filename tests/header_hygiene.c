/*
 * tests/header_hygiene.c: compiled with -std=c11 -pedantic -Werror, the
 * umbrella header must stand alone (libgit2's headertest). Building this
 * file is the test; running it checks the version macros agree.
 */
#include <cscsim.h>

#include <string.h>

int main(void)
{
    return strcmp(csc_version(), CSC_VERSION_STRING) == 0 ? 0 : 1;
}
