/*
 * STREAM-like read bandwidth: THREADS threads each sum their own buffer (first-touched by that thread,
 * much larger than the caches) with wide vector loads; the figure is the bytes all threads read divided
 * by the time from a common start to the last thread's end, best of REPS. Read-only, because a decode
 * step only reads weights.
 *
 *   cc -O3 -march=native -pthread -o stream-read stream-read.c && ./stream-read THREADS MIB_PER_THREAD REPS
 *
 * Prints one line: {"threads":T,"bytes":B,"read_gb_per_s":X}
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_barrier_t start_line;
static size_t words_per_thread;
static volatile uint64_t sink;

struct worker {
    pthread_t thread;
    uint64_t *buffer;
    double seconds;
    int reps;
    double *best_per_rep;
};

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t sum(const uint64_t *restrict p, size_t n) {
    uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
    for (size_t i = 0; i + 8 <= n; i += 8) {
        a0 += p[i]; a1 += p[i + 1]; a2 += p[i + 2]; a3 += p[i + 3];
        a4 += p[i + 4]; a5 += p[i + 5]; a6 += p[i + 6]; a7 += p[i + 7];
    }
    return a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
}

static double *ends;

static void *run(void *arg) {
    struct worker *w = arg;
    w->buffer = aligned_alloc(64, words_per_thread * 8);
    if (w->buffer == NULL) {
        fprintf(stderr, "stream-read: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < words_per_thread; i++) {
        w->buffer[i] = i * 2654435761u;
    }
    for (int r = 0; r < w->reps; r++) {
        pthread_barrier_wait(&start_line);
        sink += sum(w->buffer, words_per_thread);
        w->best_per_rep[r] = now();
        pthread_barrier_wait(&start_line);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: stream-read THREADS MIB_PER_THREAD REPS\n");
        return 2;
    }
    int threads = atoi(argv[1]), reps = atoi(argv[3]);
    size_t mib = strtoul(argv[2], NULL, 10);
    if (threads < 1 || reps < 1 || mib < 1) {
        fprintf(stderr, "stream-read: THREADS, MIB_PER_THREAD and REPS must be positive\n");
        return 2;
    }
    words_per_thread = mib * 1024 * 1024 / 8;
    pthread_barrier_init(&start_line, NULL, threads + 1);
    struct worker *w = calloc(threads, sizeof *w);
    for (int t = 0; t < threads; t++) {
        w[t].reps = reps;
        w[t].best_per_rep = calloc(reps, sizeof(double));
        pthread_create(&w[t].thread, NULL, run, &w[t]);
    }
    double best = 0;
    for (int r = 0; r < reps; r++) {
        pthread_barrier_wait(&start_line);
        double t0 = now();
        pthread_barrier_wait(&start_line);
        double last = t0;
        for (int t = 0; t < threads; t++) {
            if (w[t].best_per_rep[r] > last) {
                last = w[t].best_per_rep[r];
            }
        }
        double gbps = (double) threads * words_per_thread * 8 / (last - t0) / 1e9;
        if (gbps > best) {
            best = gbps;
        }
    }
    for (int t = 0; t < threads; t++) {
        pthread_join(w[t].thread, NULL);
    }
    printf("{\"threads\":%d,\"bytes\":%zu,\"read_gb_per_s\":%.2f}\n", threads, (size_t) threads * words_per_thread * 8, best);
    return 0;
}
