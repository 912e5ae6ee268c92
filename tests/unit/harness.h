/*
 * harness.h - the unit-test harness: TEST(name) defines and registers a test (each test file
 * registers its own, no central list); CHECK* record failures and go on.  main.c runs every test
 * in a child process with a timeout, or only those whose name contains argv[1].
 */
#ifndef NDX_TEST_HARNESS_H
#define NDX_TEST_HARNESS_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef void (*ndx_test_fn)(void);
void ndx_test_register(const char *name, ndx_test_fn fn);
extern int ndx_test_failures;

#define TEST(name)                                                                                 \
    static void test_##name(void);                                                                 \
    __attribute__((constructor)) static void reg_##name(void)                                      \
    {                                                                                              \
        ndx_test_register(#name, test_##name);                                                     \
    }                                                                                              \
    static void test_##name(void)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);             \
            ndx_test_failures++;                                                                   \
        }                                                                                          \
    } while (0)

#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        long long va_ = (long long)(a), vb_ = (long long)(b);                                      \
        if (va_ != vb_) {                                                                          \
            fprintf(stderr, "  %s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__, #a,    \
                    #b, va_, vb_);                                                                 \
            ndx_test_failures++;                                                                   \
        }                                                                                          \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *sa_ = (a), *sb_ = (b);                                                         \
        if (!sa_ || !sb_ || strcmp(sa_, sb_) != 0) {                                               \
            fprintf(stderr, "  %s:%d: %s == %s failed:\n    got:  \"%s\"\n    want: \"%s\"\n",     \
                    __FILE__, __LINE__, #a, #b, sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");       \
            ndx_test_failures++;                                                                   \
        }                                                                                          \
    } while (0)

#endif
