// Every parallel region of the kernels goes through this header: the work
// size below which a loop stays on one thread, the thread count, loops split
// into one contiguous chunk per thread, teams that synchronise, and
// reductions whose partial results are added in thread order (repeatable for
// a given thread count). OpenMP runs underneath; replacing the scheduler
// means changing this file only.
#pragma once
#include <omp.h>

#include <algorithm>
#include <cstdint>

namespace slimcore {

// Below this many elements a loop stays on one thread: waking the team costs
// more than it saves.
constexpr int64_t kParallelThreshold = 32768;

// Most threads a team has: arrays of per-thread partial results are sized by
// it.
constexpr int kMaxThreads = 64;

// The thread count parallel regions start from (all cores unless the
// session set one).
inline int configured_threads() {
  return omp_get_max_threads();
}
inline void configure_threads(int n) {
  omp_set_num_threads(n);
}

// Threads a parallel region may use: configured_threads(), at most
// kMaxThreads.
inline int max_threads() {
  return std::min(configured_threads(), kMaxThreads);
}

// Threads for a loop over `work` elements: one below kParallelThreshold,
// max_threads() from there.
inline int team_for_work(int64_t work) {
  return work >= kParallelThreshold ? max_threads() : 1;
}

// A thread is worth waking for about this many floating-point operations.
constexpr double kMinFlopsPerThread = 1 << 18;

// Threads for `flops` of work over `units` independent units: at most one
// thread per unit and per kMinFlopsPerThread, at least one.
inline int team_for_flops(double flops, int64_t units) {
  int64_t team = std::min<int64_t>(max_threads(), units);
  team = std::min<int64_t>(team, static_cast<int64_t>(flops / kMinFlopsPerThread));
  return static_cast<int>(std::max<int64_t>(team, 1));
}

// Slice t of nt of [0, n): [n * t / nt, n * (t + 1) / nt).
inline int64_t slice_begin(int64_t n, int t, int nt) {
  return n * t / nt;
}

// body(thread, team) on up to `team` threads (inline when team is 1); returns
// how many ran, which is what a reduction over per-thread partials must add.
// The body may call team_barrier() and in_thread_order().
template <typename Body> int run_team(int team, Body&& body) {
  if (team <= 1) {
    body(0, 1);
    return 1;
  }
  int ran = 1;
#pragma omp parallel num_threads(team)
  {
    const int t = omp_get_thread_num(), nt = omp_get_num_threads();
    if (t == 0) ran = nt;
    body(t, nt);
  }
  return ran;
}

// Waits until every thread of the running team reaches it (inside run_team).
inline void team_barrier() {
#pragma omp barrier
}

// fn() on each thread of the running team in turn, thread 0 first (inside
// run_team; every thread of the team must call it).
template <typename Fn> void in_thread_order(int t, int nt, Fn&& fn) {
  for (int turn = 0; turn < nt; ++turn) {
    if (turn == t) fn();
    team_barrier();
  }
}

// Splits [0, n) into contiguous chunks, one per thread, each of at least
// `min_chunk` (a single chunk below 2 * min_chunk): body(begin, end).
template <typename Body> void parallel_chunks(int64_t n, int64_t min_chunk, Body&& body) {
  const int team = n >= 2 * min_chunk ? configured_threads() : 1;
  run_team(team, [&](int t, int nt) {
    const int64_t begin = slice_begin(n, t, nt), end = slice_begin(n, t + 1, nt);
    if (begin < end) body(begin, end);
  });
}

// for (i in [0, n)) body(i), vectorized, split over threads once n reaches
// kParallelThreshold. Each chunk runs a local copy of `body`: the pointers it
// captures become registers and the loop vectorizes (GCC does not vectorize
// through the shared closure of an `omp parallel for simd`).
template <typename Body> void parallel_for(int64_t n, const Body& body) {
  parallel_chunks(n, kParallelThreshold / 2, [&body](int64_t begin, int64_t end) {
    const Body local = body;
#pragma omp simd
    for (int64_t i = begin; i < end; ++i) local(i);
  });
}

// body(i) for i in [0, count), items handed out two at a time to whichever
// thread is free (on a shared machine a descheduled thread's items go to the
// others), on max_threads() once `work` (elements in all) reaches
// kParallelThreshold.
template <typename Body> void parallel_for_dynamic(int64_t count, int64_t work, const Body& body) {
  const int team = team_for_work(work);
#pragma omp parallel for schedule(dynamic, 2) num_threads(team)
  for (int64_t i = 0; i < count; ++i) body(i);
}

// parallel_for_dynamic, then done() once on every thread of the team after
// its last item (e.g. a store fence for what that thread streamed).
template <typename Body, typename Done>
void parallel_for_dynamic(int64_t count, int64_t work, const Body& body, const Done& done) {
  const int team = team_for_work(work);
#pragma omp parallel num_threads(team)
  {
#pragma omp for schedule(dynamic, 2) nowait
    for (int64_t i = 0; i < count; ++i) body(i);
    done();
  }
}

// sum over threads of partial(begin, end) for one contiguous slice of [0, n)
// per thread, on team_for_work(n) threads; the partials are added in thread
// order.
template <typename R, typename Partial> R sum_over_slices(int64_t n, const Partial& partial) {
  R partials[kMaxThreads];
  const int ran = run_team(team_for_work(n), [&](int t, int nt) {
    partials[t] = partial(slice_begin(n, t, nt), slice_begin(n, t + 1, nt));
  });
  R total = 0;
  for (int t = 0; t < ran; ++t) total += partials[t];
  return total;
}

}  // namespace slimcore
