/* The bootstrap of a Lambda function without a runtime (provided.al2023, provided.al2): a
 * freestanding static program (no libc) that speaks the Lambda Runtime API over HTTP/1.1 to
 * $AWS_LAMBDA_RUNTIME_API (an IPv4 host:port). For each event it runs the configured command with
 * the event on its standard input and AWS_LAMBDA_REQUEST_ID (and _X_AMZN_TRACE_ID) in its
 * environment, posts its standard output as the response, or an error on a non-zero exit or when
 * the deadline (Lambda-Runtime-Deadline-Ms) passes; a command that cannot run is reported on
 * init/error. The command's first word is a path relative to the bootstrap's own directory
 * (/var/task, or /opt from a layer) unless absolute. With --json-response the output is posted as
 * one JSON string (control characters escaped, invalid UTF-8 replaced by U+FFFD).
 *
 * Configuration: <its directory>/bootstrap.command, written by elfpack: words, each NUL-terminated:
 * options ("--json-response"), then "--", then the command's words. (Not a payload in its own
 * segment like the launcher's: this program needs a writable one for its buffers.) */
#include "arch.h"

#define AT_FDCWD (-100)
#define X_OK 1
#define O_CLOEXEC 02000000
#define POLLIN 1
#define POLLOUT 4
#define POLLHUP 16
#define POLLERR 8
#define SIGKILL 9
#define SIGCHLD 17
#define PATH_SIZE 4096
#define MAX_BODY (6 * 1024 * 1024 + 65536)

static char response[MAX_BODY + 8192]; /* one HTTP response: headers and an event */
static char output[MAX_BODY];           /* the command's standard output */
static char request[16384];

static unsigned long length(const char *s) {
  unsigned long n = 0;
  while (s[n] != '\0') n++;
  return n;
}

static void put(const char *s) { syscall3(SYS_WRITE, 2, (long)s, (long)length(s)); }

__attribute__((noreturn)) static void die(const char *why) {
  put("elfpack bootstrap: ");
  put(why);
  put("\n");
  for (;;) syscall3(SYS_EXIT_GROUP, 1, 0, 0);
}

static int prefix(const char *s, const char *p) {
  while (*p != '\0')
    if (*s++ != *p++) return 0;
  return 1;
}

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

static char *append(char *at, const char *end, const char *s) {
  while (*s != '\0' && at < end) *at++ = *s++;
  return at;
}

static char *append_number(char *at, const char *end, unsigned long v) {
  char digits[24];
  int n = 0;
  do digits[n++] = (char)('0' + v % 10); while ((v /= 10) != 0);
  while (n > 0 && at < end) *at++ = digits[--n];
  return at;
}

static unsigned long parse_number(const char *s) {
  unsigned long v = 0;
  while (*s >= '0' && *s <= '9') v = v * 10 + (unsigned long)(*s++ - '0');
  return v;
}

static long now_ms(void) {
  long ts[2];
  syscall3(SYS_CLOCK_GETTIME, 0 /* CLOCK_REALTIME */, (long)ts, 0);
  return ts[0] * 1000 + ts[1] / 1000000;
}

static unsigned int address;
static unsigned short port;

/* "a.b.c.d:port" */
static void parse_api(const char *api) {
  unsigned int parts[4] = {0, 0, 0, 0};
  int i = 0;
  for (; *api != '\0' && *api != ':'; api++) {
    if (*api == '.') {
      if (++i > 3) die("AWS_LAMBDA_RUNTIME_API is not an IPv4 host:port");
    } else if (*api >= '0' && *api <= '9') {
      parts[i] = parts[i] * 10 + (unsigned int)(*api - '0');
    } else {
      die("AWS_LAMBDA_RUNTIME_API is not an IPv4 host:port");
    }
  }
  if (*api != ':' || i != 3) die("AWS_LAMBDA_RUNTIME_API is not an IPv4 host:port");
  address = parts[0] | parts[1] << 8 | parts[2] << 16 | parts[3] << 24; /* network order */
  const unsigned long p = parse_number(api + 1);
  port = (unsigned short)((p >> 8) | ((p & 0xff) << 8));
}

static void write_all(int fd, const char *data, unsigned long n) {
  while (n > 0) {
    const long w = syscall3(SYS_WRITE, fd, (long)data, (long)n);
    if (w == -4) continue; /* EINTR */
    if (w <= 0) die("cannot send to the Runtime API");
    data += w;
    n -= (unsigned long)w;
  }
}

/* One request to /2018-06-01/runtime/<path>; the response (headers and body) in `response`, its
 * length returned. */
static unsigned long http(const char *method, const char *path, const char *extra_header, const char *body,
                          unsigned long body_length) {
  const long fd = syscall3(SYS_SOCKET, 2 /* AF_INET */, 1 /* SOCK_STREAM */ | O_CLOEXEC, 0);
  if (fd < 0) die("cannot open a socket");
  struct {
    unsigned short family, port;
    unsigned int addr;
    unsigned char zero[8];
  } sa = {2, port, address, {0}};
  if (syscall3(SYS_CONNECT, fd, (long)&sa, sizeof sa) < 0) die("cannot reach the Runtime API");
  char *at = request, *end = request + sizeof request;
  at = append(at, end, method);
  at = append(at, end, " /2018-06-01/runtime/");
  at = append(at, end, path);
  at = append(at, end, " HTTP/1.1\r\nHost: runtime\r\nConnection: close\r\n");
  at = append(at, end, extra_header);
  at = append(at, end, "Content-Length: ");
  at = append_number(at, end, body_length);
  at = append(at, end, "\r\n\r\n");
  write_all((int)fd, request, (unsigned long)(at - request));
  if (body_length > 0) write_all((int)fd, body, body_length);
  unsigned long used = 0;
  for (;;) {
    if (used >= sizeof response - 1) die("a Runtime API response is too large");
    const long r = syscall3(SYS_READ, fd, (long)(response + used), (long)(sizeof response - 1 - used));
    if (r == -4) continue;
    if (r <= 0) break;
    used += (unsigned long)r;
  }
  syscall3(SYS_CLOSE, fd, 0, 0);
  response[used] = '\0';
  return used;
}

/* The value of header `name` (lower case) in `response`, NUL-terminated in place, or 0. */
static char *header(char *headers_end, const char *name) {
  for (char *line = response; line < headers_end;) {
    char *eol = line;
    while (eol < headers_end && *eol != '\r' && *eol != '\0') eol++; /* '\0': a header already taken */
    const char *n = name;
    char *c = line;
    while (*n != '\0' && c < eol && lower(*c) == *n) c++, n++;
    if (*n == '\0' && c < eol && *c == ':') {
      c++;
      while (*c == ' ') c++;
      *eol = '\0';
      return c;
    }
    line = eol + 2;
  }
  return 0;
}

static int status;    /* the command's exit status */
static int timed_out;
static int too_large; /* its output passed the 6 MB a response may hold */

/* Runs the command with `input` on stdin; its stdout in `output`; returns its length. */
static unsigned long run(char **argv, char **envp, const char *input, unsigned long input_length, long deadline) {
  int in[2], out[2];
  if (syscall3(SYS_PIPE2, (long)in, O_CLOEXEC, 0) < 0 || syscall3(SYS_PIPE2, (long)out, O_CLOEXEC, 0) < 0) {
    die("cannot make pipes");
  }
  /* fork() as clone: aarch64 has no fork system call. */
  const long pid = syscall3(SYS_CLONE, SIGCHLD, 0, 0);
  if (pid == 0) {
    syscall3(SYS_DUP3, in[0], 0, 0);
    syscall3(SYS_DUP3, out[1], 1, 0);
    syscall3(SYS_EXECVE, (long)argv[0], (long)argv, (long)envp);
    for (;;) syscall3(SYS_EXIT_GROUP, 127, 0, 0);
  }
  syscall3(SYS_CLOSE, in[0], 0, 0);
  syscall3(SYS_CLOSE, out[1], 0, 0);
  unsigned long written = 0, used = 0;
  int input_open = 1;
  if (input_length == 0) {
    syscall3(SYS_CLOSE, in[1], 0, 0);
    input_open = 0;
  }
  timed_out = too_large = 0;
  for (;;) {
    struct {
      int fd;
      short events, revents;
    } fds[2] = {{out[0], POLLIN, 0}, {input_open ? in[1] : -1, POLLOUT, 0}};
    long wait = deadline - now_ms();
    if (wait <= 0) {
      timed_out = 1;
      syscall3(SYS_KILL, pid, SIGKILL, 0);
      break;
    }
    const long timeout[2] = {wait / 1000, wait % 1000 * 1000000}; /* ppoll: aarch64 has no poll */
    if (syscall4(SYS_PPOLL, (long)fds, 2, (long)timeout, 0) < 0) continue;
    if (input_open && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const long w = syscall3(SYS_WRITE, in[1], (long)(input + written), (long)(input_length - written));
      if (w > 0) written += (unsigned long)w;
      if (w <= 0 || written == input_length) {
        syscall3(SYS_CLOSE, in[1], 0, 0);
        input_open = 0;
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      const long r = syscall3(SYS_READ, out[0], (long)(output + used), (long)(sizeof output - used));
      if (r <= 0) break;
      used += (unsigned long)r;
      if (used == sizeof output) {
        too_large = 1;
        syscall3(SYS_KILL, pid, SIGKILL, 0);
        break;
      }
    }
  }
  if (input_open) syscall3(SYS_CLOSE, in[1], 0, 0);
  syscall3(SYS_CLOSE, out[0], 0, 0);
  int wstatus = 0;
  syscall4(SYS_WAIT4, pid, (long)&wstatus, 0, 0);
  status = (wstatus & 0x7f) == 0 ? (wstatus >> 8) & 0xff : 128 + (wstatus & 0x7f);
  return used;
}

/* `output` as one JSON string into `response` (free once the event has been passed on); its
 * length, or 0 when it does not fit. */
static unsigned long json_string(unsigned long n) {
  static const char hex[] = "0123456789abcdef";
  char *at = response, *const end = response + sizeof response - 8;
  *at++ = '"';
  for (unsigned long i = 0; i < n;) {
    if (at >= end) return 0;
    const unsigned char c = (unsigned char)output[i];
    if (c >= 0x80) {
      /* A well-formed UTF-8 sequence is copied; any other byte becomes U+FFFD. */
      const unsigned long more = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
      int good = more != 0 && i + more < n;
      for (unsigned long k = 1; good && k <= more; k++) good = ((unsigned char)output[i + k] & 0xc0) == 0x80;
      if (good && more >= 2) {
        const unsigned char d = (unsigned char)output[i + 1];
        good = !(c == 0xe0 && d < 0xa0) && !(c == 0xed && d > 0x9f) && !(c == 0xf0 && d < 0x90) && !(c == 0xf4 && d > 0x8f);
      }
      if (good) {
        for (unsigned long k = 0; k <= more; k++) *at++ = output[i + k];
        i += more + 1;
      } else {
        at = append(at, end, "\\ufffd");
        i++;
      }
      continue;
    }
    if (c == '"' || c == '\\') {
      *at++ = '\\';
      *at++ = (char)c;
    } else if (c == '\n') {
      at = append(at, end, "\\n");
    } else if (c < 0x20 || c == 0x7f) {
      at = append(at, end, "\\u00");
      *at++ = hex[c >> 4];
      *at++ = hex[c & 15];
    } else {
      *at++ = (char)c;
    }
    i++;
  }
  if (at >= end) return 0;
  *at++ = '"';
  return (unsigned long)(at - response);
}

/* Posts an error to /2018-06-01/runtime/<path>: a JSON body with `message` (and `number` after it unless negative),
 * and `type` in the body and the Lambda-Runtime-Function-Error-Type header. */
static void post_error(const char *path, const char *type, const char *message, long number) {
  static char error[256], error_header[128];
  char *const ee = error + sizeof error - 1, *const he = error_header + sizeof error_header - 1;
  char *e = append(error, ee, "{\"errorMessage\":\"");
  e = append(e, ee, message);
  if (number >= 0) e = append_number(e, ee, (unsigned long)number);
  e = append(e, ee, "\",\"errorType\":\"");
  e = append(e, ee, type);
  e = append(e, ee, "\",\"stackTrace\":[]}");
  *e = '\0';
  char *h = append(error_header, he, "Lambda-Runtime-Function-Error-Type: ");
  h = append(h, he, type);
  h = append(h, he, "\r\n");
  *h = '\0';
  http("POST", path, error_header, error, (unsigned long)(e - error));
}

static char *environment[1024];
static char request_id_variable[256], trace_variable[1024];

__attribute__((noreturn, used)) void launcher_main(long *sp) {
  long argc = sp[0];
  char **argv0 = (char **)(sp + 1);
  char **envp = argv0 + argc + 1;
  /* Our directory, then the command from bootstrap.command in it. */
  static char self[PATH_SIZE], command_file[PATH_SIZE], command_text[16384], command_path[PATH_SIZE];
  long dir = syscall4(SYS_READLINKAT, AT_FDCWD, (long)"/proc/self/exe", (long)self, PATH_SIZE - 1);
  if (dir <= 0) die("cannot read /proc/self/exe");
  while (dir > 0 && self[dir - 1] != '/') dir--;
  self[dir] = '\0';
  char *at = append(command_file, command_file + sizeof command_file - 1, self);
  at = append(at, command_file + sizeof command_file - 1, "bootstrap.command");
  *at = '\0';
  const long fd = syscall4(SYS_OPENAT, AT_FDCWD, (long)command_file, O_CLOEXEC, 0);
  if (fd < 0) die("cannot open bootstrap.command next to me");
  long used = 0, r;
  while (used < (long)sizeof command_text - 1 &&
         (r = syscall3(SYS_READ, fd, (long)(command_text + used), (long)(sizeof command_text - 1 - used))) > 0) {
    used += r;
  }
  syscall3(SYS_CLOSE, fd, 0, 0);
  command_text[used] = '\0';
  static char *command[256];
  int words = 0, options = 1, json = 0;
  for (long i = 0; i < used && words < 255; i += (long)length(command_text + i) + 1) {
    char *word = command_text + i;
    if (options) {
      if (word[0] == '-' && word[1] == '-' && word[2] == '\0') options = 0;
      else if (prefix(word, "--json-response") && word[15] == '\0') json = 1;
      else die("bootstrap.command has an option I do not know");
      continue;
    }
    command[words++] = word;
  }
  command[words] = 0;
  if (words == 0) die("bootstrap.command names no command");
  if (command[0][0] != '/') {
    at = append(command_path, command_path + sizeof command_path - 1, self);
    at = append(at, command_path + sizeof command_path - 1, command[0]);
    *at = '\0';
    command[0] = command_path;
  }

  const char *api = 0;
  int n = 0;
  for (char **e = envp; *e != 0; e++) {
    if (prefix(*e, "AWS_LAMBDA_RUNTIME_API=")) api = *e + 23;
    if (n < 1020) environment[n++] = *e;
  }
  if (api == 0) die("AWS_LAMBDA_RUNTIME_API is not set: run me in AWS Lambda");
  parse_api(api);
  const int base = n;

  if (syscall4(SYS_FACCESSAT, AT_FDCWD, (long)command[0], X_OK, 0) < 0) {
    post_error("init/error", "Runtime.InvalidEntrypoint", "the command cannot be run", -1);
    die("the command cannot be run");
  }

  for (;;) {
    const unsigned long got = http("GET", "invocation/next", "", 0, 0);
    char *split = 0;
    for (unsigned long i = 0; i + 3 < got; i++) {
      if (response[i] == '\r' && response[i + 1] == '\n' && response[i + 2] == '\r' && response[i + 3] == '\n') {
        split = response + i;
        break;
      }
    }
    if (split == 0) die("a Runtime API response without headers");
    char *body = split + 4;
    unsigned long body_length = got - (unsigned long)(body - response);
    char *id = header(split, "lambda-runtime-aws-request-id");
    char *deadline_text = header(split, "lambda-runtime-deadline-ms");
    char *trace = header(split, "lambda-runtime-trace-id");
    char *content_length = header(split, "content-length");
    if (content_length != 0 && parse_number(content_length) < body_length) body_length = parse_number(content_length);
    if (id == 0) die("a Runtime API event without a request id");
    const long deadline = deadline_text != 0 ? (long)parse_number(deadline_text) : now_ms() + 900000;

    n = base;
    at = append(request_id_variable, request_id_variable + sizeof request_id_variable - 1, "AWS_LAMBDA_REQUEST_ID=");
    at = append(at, request_id_variable + sizeof request_id_variable - 1, id);
    *at = '\0';
    environment[n++] = request_id_variable;
    if (trace != 0) {
      at = append(trace_variable, trace_variable + sizeof trace_variable - 1, "_X_AMZN_TRACE_ID=");
      at = append(at, trace_variable + sizeof trace_variable - 1, trace);
      *at = '\0';
      environment[n++] = trace_variable;
    }
    environment[n] = 0;

    const unsigned long out_length = run(command, environment, body, body_length, deadline);
    static char path[512];
    char *pe = path + sizeof path - 1;
    at = append(path, pe, "invocation/");
    at = append(at, pe, id);
    const char *body_out = output;
    unsigned long body_out_length = out_length;
    if (json && !timed_out && !too_large && status == 0) {
      body_out = response;
      body_out_length = json_string(out_length);
      too_large = body_out_length == 0;
    }
    if (!timed_out && !too_large && status == 0) {
      at = append(at, pe, "/response");
      *at = '\0';
      http("POST", path, "", body_out, body_out_length);
    } else {
      at = append(at, pe, "/error");
      *at = '\0';
      post_error(path,
                 timed_out   ? "Runtime.Timeout"
                 : too_large ? "Function.ResponseSizeTooLarge"
                             : "Runtime.ExitError",
                 timed_out   ? "the command passed the deadline"
                 : too_large ? "the command's output is larger than a response may be (6 MB)"
                             : "the command exited with status ",
                 timed_out || too_large ? -1 : status);
    }
  }
}
