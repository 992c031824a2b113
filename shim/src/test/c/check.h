/* A minimal test harness for the C unit tests: counts checks, prints "N passed, N failed". */
#ifndef CORTADO_CHECK_H
#define CORTADO_CHECK_H

#include <stdio.h>
#include <string.h>

struct tally {
    int passed, failed;
};

#define CHECK(t, cond) check_that(t, (cond), #cond, __FILE__, __LINE__)
#define CHECK_STR(t, got, want) check_str(t, (got), (want), #got, __FILE__, __LINE__)

static inline void check_that(struct tally *t, int ok, const char *what, const char *file, int line)
{
    if (ok) {
        t->passed++;
        return;
    }
    t->failed++;
    fprintf(stderr, "FAIL %s:%d: %s\n", file, line, what);
}

static inline void check_str(struct tally *t, const char *got, const char *want, const char *what,
                             const char *file, int line)
{
    if (got != NULL && strcmp(got, want) == 0) {
        t->passed++;
        return;
    }
    t->failed++;
    fprintf(stderr, "FAIL %s:%d: %s is \"%s\", expected \"%s\"\n", file, line, what,
            got ? got : "(null)", want);
}

static inline int report(const char *suite, const struct tally *t)
{
    printf("%s: %d passed, %d failed\n", suite, t->passed, t->failed);
    return t->failed == 0 ? 0 : 1;
}

#endif
