/* The wall time of two commands with as little harness as possible: a small C process that
 * posix_spawns each (stdout and stderr to /dev/null) and waits, alternating A and B after one
 * warm-up pair, and prints the medians and their ratio. bench/compare.py (Python) and
 * bench/resolve.sh (a bash loop) add their own cost per run to both sides; this one adds least.
 *   cc -O2 -o /tmp/spawn_pair bench/spawn_pair.c
 *   /tmp/spawn_pair 101 -- build/elfpack inspect --flat /usr/bin/ffmpeg -- /lib64/ld-linux-x86-64.so.2 --list /usr/bin/ffmpeg
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 6 || strcmp(argv[2], "--") != 0) {
    fprintf(stderr, "usage: %s RUNS -- A [ARGS...] -- B [ARGS...]\n", argv[0]);
    return 2;
  }
  const int runs = atoi(argv[1]);
  char **a = argv + 3;
  int split = 3;
  while (split < argc && strcmp(argv[split], "--") != 0) split++;
  if (split >= argc - 1 || runs < 1) {
    fprintf(stderr, "%s: need RUNS > 0 and two commands\n", argv[0]);
    return 2;
  }
  argv[split] = NULL;
  char **b = argv + split + 1;
  double *ta = malloc(runs * sizeof *ta), *tb = malloc(runs * sizeof *tb);
  posix_spawn_file_actions_t quiet;
  posix_spawn_file_actions_init(&quiet);
  posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&quiet, 2, "/dev/null", O_WRONLY, 0);
  for (int r = -1; r < runs; r++) {
    for (int k = 0; k < 2; k++) {
      char **cmd = ((r + k) % 2 == 0) ? a : b;  /* A B, then B A, ... */
      pid_t pid;
      int status;
      const double start = now_ms();
      if (posix_spawn(&pid, cmd[0], &quiet, NULL, cmd, environ) != 0) {
        fprintf(stderr, "%s: cannot run %s\n", argv[0], cmd[0]);
        return 1;
      }
      waitpid(pid, &status, 0);
      const double took = now_ms() - start;
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "%s: %s failed\n", argv[0], cmd[0]);
        return 1;
      }
      if (r >= 0) (cmd == a ? ta : tb)[r] = took;
    }
  }
  qsort(ta, runs, sizeof *ta, by_value);
  qsort(tb, runs, sizeof *tb, by_value);
  printf("A %.3f ms  B %.3f ms  A/B %.3f\n", ta[runs / 2], tb[runs / 2], ta[runs / 2] / tb[runs / 2]);
  return 0;
}
