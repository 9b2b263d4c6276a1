// The floor for a cold attributed scrape: what any exporter must do to learn every socket's
// owner the first time, with no cache: list /proc/<pid>/fd of every process and read each
// descriptor's link (readlinkat), nothing kept. Prints "processes <n>", "descriptors <n>",
// "sockets <n>" and "took_ms <t>". Built and run by bench/churn.sh next to the exporter's cold
// scrape (the kernel's own cost per descriptor, measured on this machine: ~1.3 µs to list,
// ~4.4 µs to read a link, more when the /proc dentries are not cached yet).
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(void) {
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    unsigned long processes = 0, descriptors = 0, sockets = 0;
    DIR *proc = opendir("/proc");
    if (!proc) {
        perror("/proc");
        return 1;
    }
    struct dirent *entry;
    char path[300], target[64];
    while ((entry = readdir(proc))) {
        if (entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;
        snprintf(path, sizeof path, "/proc/%s/fd", entry->d_name);
        int dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0) continue;
        DIR *fds = fdopendir(dirfd);
        if (!fds) {
            close(dirfd);
            continue;
        }
        processes++;
        struct dirent *fd;
        while ((fd = readdir(fds))) {
            if (fd->d_name[0] == '.') continue;
            descriptors++;
            ssize_t length = readlinkat(dirfd, fd->d_name, target, sizeof target);
            if (length > 8 && memcmp(target, "socket:[", 8) == 0) sockets++;
        }
        closedir(fds);
    }
    closedir(proc);
    clock_gettime(CLOCK_MONOTONIC, &end);
    printf("processes %lu\ndescriptors %lu\nsockets %lu\n", processes, descriptors, sockets);
    printf("took_ms %.3f\n", (end.tv_sec - start.tv_sec) * 1e3 + (end.tv_nsec - start.tv_nsec) / 1e6);
    return 0;
}
