/* test_llm_threads.c: the worker pool runs every job on every thread exactly once, in order, for
 * many back-to-back jobs (where a lost wake-up would hang and a double run would miscount), with
 * 1, 2 and 3 threads, and after idle gaps long enough for workers to fall asleep. */
#include <stdio.h>
#include <time.h>

#include "runtime/llm_threads.h"

enum { N = 1000 };

typedef struct job { int data[N]; int calls[8]; int round; } job;

/* Each thread adds round to its share of data; calls counts invocations per thread. */
static void work(void *arg, int ith, int nth)
{
    job *j = arg;
    j->calls[ith]++;
    for (int i = ith; i < N; i += nth) j->data[i] += j->round;
}

int main(void)
{
    int failures = 0;
    for (int nt = 1; nt <= 3; nt++) {
        tg_pool *p = tg_pool_new(nt);
        if (!p || tg_pool_size(p) != nt) { fprintf(stderr, "pool of %d: not created\n", nt); return 1; }
        static job j;
        j = (job){ 0 };
        long want = 0;
        for (int r = 1; r <= 3000; r++) {
            j.round = r;
            tg_pool_run(p, work, &j);
            want += r;
            if (r % 1000 == 0) {   /* idle gap: workers go past their spin and sleep */
                struct timespec ts = { 0, 5 * 1000 * 1000 };
                nanosleep(&ts, NULL);
            }
        }
        for (int i = 0; i < N; i++)
            if (j.data[i] != want) { fprintf(stderr, "%d threads: element %d = %d, want %ld\n", nt, i, j.data[i], want); failures++; break; }
        for (int t = 0; t < nt; t++)
            if (j.calls[t] != 3000) { fprintf(stderr, "%d threads: thread %d ran %d jobs\n", nt, t, j.calls[t]); failures++; }
        tg_pool_free(p);
    }
    if (failures) return 1;
    printf("test_llm_threads: ok\n");
    return 0;
}
