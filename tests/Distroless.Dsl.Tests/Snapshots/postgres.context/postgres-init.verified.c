/*
 * postgres-init: the PostgreSQL image's entrypoint. The image has no shell, so this small static program does what
 * an entrypoint script would: when POSTGRES_PASSWORD_FILE (a secret file) or POSTGRES_PASSWORD is set, it sets the
 * postgres role's password with the server in single-user mode; then it becomes the server (execv), passing on its
 * arguments. With neither set, the password made at build time ("postgres") stays.
 *
 * Built in a builder stage of the postgres image: cc -static -Os -s -o postgres-init postgres-init.c
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef POSTGRES_SERVER
#define POSTGRES_SERVER "/usr/lib/postgresql/17/bin/postgres"
#endif
#define DEFAULT_PGDATA "/var/lib/postgresql/data"
#define MAX_PASSWORD 1024

static void die(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fputs("postgres-init: ", stderr);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
    exit(1);
}

static int is_set(const char *value) { return value != NULL && value[0] != '\0'; }

/* Reads the secret file; one trailing newline (as editors and `echo` leave) is the file's, not the password's. */
static size_t read_secret(const char *path, char *buffer, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        die("cannot open POSTGRES_PASSWORD_FILE %s: %s", path, strerror(errno));
    size_t length = 0;
    for (;;) {
        ssize_t n = read(fd, buffer + length, size - length);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("cannot read POSTGRES_PASSWORD_FILE %s: %s", path, strerror(errno));
        if (n == 0)
            break;
        length += (size_t)n;
        if (length == size)
            die("POSTGRES_PASSWORD_FILE %s is longer than %d bytes", path, MAX_PASSWORD);
    }
    close(fd);
    if (length > 0 && buffer[length - 1] == '\n')
        length--;
    if (length > 0 && buffer[length - 1] == '\r')
        length--;
    return length;
}

/* The new password, or NULL when none is asked for. Refuses what the single-user command line could not carry:
 * in its -j mode a command ends at ";\n\n", so a password may hold no line break (nor NUL). */
static const char *wanted_password(char *buffer, size_t size)
{
    const char *file = getenv("POSTGRES_PASSWORD_FILE");
    const char *value = getenv("POSTGRES_PASSWORD");
    size_t length;
    if (is_set(file) && is_set(value))
        die("both POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE are set: use one");
    if (is_set(file)) {
        length = read_secret(file, buffer, size);
    } else if (is_set(value)) {
        length = strlen(value);
        if (length > MAX_PASSWORD)
            die("POSTGRES_PASSWORD is longer than %d bytes", MAX_PASSWORD);
        memcpy(buffer, value, length);
    } else {
        return NULL;
    }
    if (length == 0)
        die("the password is empty");
    for (size_t i = 0; i < length; i++)
        if (buffer[i] == '\0' || buffer[i] == '\n' || buffer[i] == '\r')
            die("the password holds a line break or NUL byte, which is not supported");
    buffer[length] = '\0';
    return buffer;
}

/* A clear message for the data directories the server would reject less clearly. */
static void check_data_directory(const char *pgdata)
{
    struct stat st;
    char version[4096];
    if (stat(pgdata, &st) != 0 || !S_ISDIR(st.st_mode))
        die("data directory %s does not exist", pgdata);
    if (st.st_uid != geteuid())
        die("data directory %s is owned by UID %u; the server runs as UID %u", pgdata, (unsigned)st.st_uid, (unsigned)geteuid());
    snprintf(version, sizeof version, "%s/PG_VERSION", pgdata);
    if (access(version, R_OK) != 0)
        die("data directory %s holds no database cluster. This image is initialised when it is built: mount a new named "
            "volume there (the engine copies the cluster into it), not an empty host directory", pgdata);
}

/* ALTER ROLE in single-user mode: no network, no authentication, nothing listening while it runs. The statement
 * goes through a pipe, never the command line or a log (errors do not echo statements). */
static void set_password(const char *pgdata, const char *password)
{
    static char sql[2 * MAX_PASSWORD + 64];
    size_t at = (size_t)snprintf(sql, sizeof sql, "ALTER ROLE postgres WITH PASSWORD '");
    for (const char *p = password; *p; p++) {
        if (*p == '\'')
            sql[at++] = '\''; /* standard_conforming_strings=on: a quote doubles, a backslash is itself */
        sql[at++] = *p;
    }
    at += (size_t)snprintf(sql + at, sizeof sql - at, "';\n\n");

    int in[2];
    if (pipe(in) != 0)
        die("pipe: %s", strerror(errno));
    pid_t child = fork();
    if (child < 0)
        die("fork: %s", strerror(errno));
    if (child == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(in[0], STDIN_FILENO);
        if (devnull >= 0)
            dup2(devnull, STDOUT_FILENO); /* the "backend>" prompts */
        close(in[0]);
        close(in[1]);
        char *const argv[] = {
            POSTGRES_SERVER, "--single", "-j", "-D", (char *)pgdata,
            "-c", "log_min_error_statement=panic", "-c", "log_statement=none",
            "-c", "standard_conforming_strings=on", "-c", "password_encryption=scram-sha-256",
            "postgres", NULL,
        };
        execv(POSTGRES_SERVER, argv);
        _exit(127);
    }
    close(in[0]);
    for (size_t written = 0; written < at;) {
        ssize_t n = write(in[1], sql + written, at - written);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("writing to postgres --single: %s", strerror(errno));
        written += (size_t)n;
    }
    close(in[1]);
    memset(sql, 0, sizeof sql);

    int status;
    while (waitpid(child, &status, 0) < 0)
        if (errno != EINTR)
            die("waitpid: %s", strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("setting the postgres password failed (postgres --single exited with status %d)",
            WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    fputs("postgres-init: password of role postgres set\n", stderr);
}

int main(int argc, char **argv)
{
    static char password[MAX_PASSWORD + 1];
    const char *pgdata = is_set(getenv("PGDATA")) ? getenv("PGDATA") : DEFAULT_PGDATA;
    const char *wanted = wanted_password(password, MAX_PASSWORD + 1);

    /* Asking the server about itself (--version, --help) needs no data directory. */
    int about = argc >= 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--help") == 0);
    if (!about || wanted != NULL)
        check_data_directory(pgdata);
    if (wanted != NULL) {
        set_password(pgdata, wanted);
        memset(password, 0, sizeof password);
    }
    unsetenv("POSTGRES_PASSWORD");

    argv[0] = POSTGRES_SERVER; /* the server finds its libraries and share directory from its own path */
    execv(POSTGRES_SERVER, argv);
    die("cannot start %s: %s", POSTGRES_SERVER, strerror(errno));
    return 1;
}
