#include "CProcessArguments.h"

#include <stddef.h>

static int saved_count;
static char **saved_arguments;

// glibc calls the executable's init_array functions with (argc, argv, envp) (csu/libc-start.c,
// call_init; elf/dl-init.c for shared objects), before main and before any thread starts.
__attribute__((constructor)) static void cprocargs_save(int argc, char **argv, char **envp) {
    (void)envp;
    if (argc > 0 && argv != NULL) {
        saved_count = argc;
        saved_arguments = argv;
    }
}

int cprocargs_count(void) {
    return saved_count;
}

const char *cprocargs_argument(int index) {
    return index >= 0 && index < saved_count ? saved_arguments[index] : NULL;
}
