/* llm_threads.c: the worker pool (see llm_threads.h).
 * A job is announced by bumping `generation`; workers finishing decrement `pending`. Both sides
 * first spin briefly on those atomics, because a decode step issues a few hundred small jobs and
 * sleeping on a condition variable between them costs more than the work; after the spin they
 * sleep on the condition variables, checking the same atomics under the mutex, so no wake-up is
 * lost. */
#include "runtime/llm_threads.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

enum { SPIN_LIMIT = 20000 };        /* polls before sleeping: some tens of microseconds */

typedef struct worker_arg { struct tg_pool *p; int ith; } worker_arg;

struct tg_pool {
    int n;
    worker_arg *args;
    pthread_t *threads;
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    tg_pool_fn fn;                  /* written before generation is bumped */
    void *arg;
    atomic_ulong generation;
    atomic_int pending;             /* workers still running the current job */
    atomic_int quit;
};

static void *worker(void *a)
{
    tg_pool *p = ((worker_arg *)a)->p;
    int ith = ((worker_arg *)a)->ith;
    unsigned long seen = 0;
    for (;;) {
        for (int spin = 0; spin < SPIN_LIMIT && atomic_load(&p->generation) == seen && !atomic_load(&p->quit); spin++)
            ;
        if (atomic_load(&p->generation) == seen && !atomic_load(&p->quit)) {
            pthread_mutex_lock(&p->mu);
            while (!atomic_load(&p->quit) && atomic_load(&p->generation) == seen) pthread_cond_wait(&p->work, &p->mu);
            pthread_mutex_unlock(&p->mu);
        }
        if (atomic_load(&p->quit)) break;
        seen = atomic_load(&p->generation);
        p->fn(p->arg, ith, p->n);
        if (atomic_fetch_sub(&p->pending, 1) == 1) {
            pthread_mutex_lock(&p->mu);
            pthread_cond_signal(&p->done);
            pthread_mutex_unlock(&p->mu);
        }
    }
    return NULL;
}

tg_pool *tg_pool_new(int n_threads)
{
    if (n_threads < 1) n_threads = 1;
    tg_pool *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->n = n_threads;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    atomic_init(&p->generation, 0);
    atomic_init(&p->pending, 0);
    atomic_init(&p->quit, 0);
    if (n_threads == 1) return p;
    p->threads = calloc((size_t)n_threads, sizeof *p->threads);
    worker_arg *args = p->args = calloc((size_t)n_threads, sizeof *args);
    if (!p->threads || !args) { p->n = 1; tg_pool_free(p); return NULL; }
    for (int i = 1; i < n_threads; i++) {
        args[i] = (worker_arg){ p, i };
        if (pthread_create(&p->threads[i], NULL, worker, &args[i])) {
            p->n = i;                                /* run with the threads we have */
            break;
        }
    }
    return p;
}

int tg_pool_size(const tg_pool *p) { return p->n; }

void tg_pool_run(tg_pool *p, tg_pool_fn fn, void *arg)
{
    if (p->n == 1) { fn(arg, 0, 1); return; }
    p->fn = fn;
    p->arg = arg;
    atomic_store(&p->pending, p->n - 1);
    pthread_mutex_lock(&p->mu);
    atomic_fetch_add(&p->generation, 1);            /* seq_cst: publishes fn and arg */
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    fn(arg, 0, p->n);
    for (int spin = 0; spin < SPIN_LIMIT && atomic_load(&p->pending) > 0; spin++)
        ;
    if (atomic_load(&p->pending) > 0) {
        pthread_mutex_lock(&p->mu);
        while (atomic_load(&p->pending) > 0) pthread_cond_wait(&p->done, &p->mu);
        pthread_mutex_unlock(&p->mu);
    }
}

void tg_pool_free(tg_pool *p)
{
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    atomic_store(&p->quit, 1);
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (int i = 1; i < p->n && p->threads; i++) pthread_join(p->threads[i], NULL);
    free(p->threads);
    free(p->args);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    free(p);
}
