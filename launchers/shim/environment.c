/* env.list: NAME=path lines (path relative to <dir>), each set when NAME is unset, e.g.
 * GCONV_PATH=root/usr/lib/x86_64-linux-gnu/gconv: glibc loads its iconv converters itself, with
 * no call this library can see.
 *
 * A child gets these variables only if the program set them itself, so an exec's environment
 * loses them while they still hold the value set here (clean_environment, for exec.c). At most
 * MAX_VARIABLES (LOCPATH, TZDIR, GCONV_PATH, fontconfig's, ... with room to spare). */
#include "shim.h"

#define MAX_VARIABLES 16

/* The variables this library set, "NAME=value" as in the environment. */
static char set_variables[MAX_VARIABLES][SHIM_PATH_MAX + 64];
static int set_variable_count;

void set_environment(void) {
  char text[8192];
  read_small_file("/env.list", text, sizeof text);
  const unsigned long used = length(text);
  char *line = text;
  for (unsigned long i = 0; i <= used; i++) {
    if (text[i] != '\n' && text[i] != '\0') continue;
    text[i] = '\0';
    char *equals = line;
    while (*equals != '\0' && *equals != '=') equals++;
    if (*equals == '=' && equals != line) {
      *equals = '\0';
      char value[SHIM_PATH_MAX];
      const unsigned long n = length(equals + 1);
      /* Only what can be taken out of a child's environment again is set. */
      if (set_variable_count < MAX_VARIABLES && getenv(line) == 0 && dir_length + 1 + n < sizeof value) {
        for (unsigned long k = 0; k < dir_length; k++) value[k] = dir_path[k];
        value[dir_length] = '/';
        for (unsigned long k = 0; k <= n; k++) value[dir_length + 1 + k] = equals[1 + k];
        if (setenv(line, value, 0) == 0) {
          char *entry = set_variables[set_variable_count++];
          unsigned long at = 0;
          for (unsigned long k = 0; line[k] != '\0' && at < sizeof set_variables[0] - 2; k++) entry[at++] = line[k];
          entry[at++] = '=';
          for (unsigned long k = 0; value[k] != '\0' && at < sizeof set_variables[0] - 1; k++) entry[at++] = value[k];
          entry[at] = '\0';
        }
      }
    }
    line = text + i + 1;
  }
}

char *const *clean_environment(char *const envp[], char **clean, int capacity) {
  if (set_variable_count == 0 || envp == 0) return envp;
  int n = 0, dropped = 0;
  for (int i = 0; envp[i] != 0; i++) {
    int ours = 0;
    for (int v = 0; v < set_variable_count; v++) {
      const unsigned long len = length(set_variables[v]);
      ours |= same_bytes(envp[i], set_variables[v], len + 1);
    }
    if (ours) {
      dropped = 1;
    } else if (n < capacity - 1) {
      clean[n++] = envp[i];
    }
  }
  clean[n] = 0;
  return dropped ? clean : envp;
}
