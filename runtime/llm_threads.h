/* llm_threads.h: a fixed pool of worker threads for the forward pass. tg_pool_run calls
 * fn(arg, ith, nth) once per thread (the caller is thread 0) and returns when all are done; work
 * is split by the callee (rows of a matrix, heads of attention). One pool, one caller at a time. */
#ifndef TG_LLM_THREADS_H
#define TG_LLM_THREADS_H

typedef struct tg_pool tg_pool;
typedef void (*tg_pool_fn)(void *arg, int ith, int nth);

tg_pool *tg_pool_new(int n_threads);       /* NULL on failure; n_threads >= 1 */
void tg_pool_run(tg_pool *p, tg_pool_fn fn, void *arg);
int tg_pool_size(const tg_pool *p);
void tg_pool_free(tg_pool *p);

#endif
