/* llm_threads.c: the worker pool (see llm_threads.h). Workers sleep on a condition variable and
 * wake when the job generation changes; the last one to finish signals the caller. */
#include "runtime/llm_threads.h"

#include <pthread.h>
#include <stdlib.h>

typedef struct worker_arg { struct tg_pool *p; int ith; } worker_arg;

struct tg_pool {
    int n;
    worker_arg *args;
    pthread_t *threads;
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    tg_pool_fn fn;
    void *arg;
    unsigned long generation;
    int pending;            /* workers still running the current job */
    int quit;
};


static void *worker(void *a)
{
    tg_pool *p = ((worker_arg *)a)->p;
    int ith = ((worker_arg *)a)->ith;
    unsigned long seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->quit && p->generation == seen) pthread_cond_wait(&p->work, &p->mu);
        if (p->quit) break;
        seen = p->generation;
        tg_pool_fn fn = p->fn;
        void *arg = p->arg;
        pthread_mutex_unlock(&p->mu);
        fn(arg, ith, p->n);
        pthread_mutex_lock(&p->mu);
        if (--p->pending == 0) pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
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
    pthread_mutex_lock(&p->mu);
    p->fn = fn;
    p->arg = arg;
    p->pending = p->n - 1;
    p->generation++;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    fn(arg, 0, p->n);
    pthread_mutex_lock(&p->mu);
    while (p->pending > 0) pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
}

void tg_pool_free(tg_pool *p)
{
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    p->quit = 1;
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
