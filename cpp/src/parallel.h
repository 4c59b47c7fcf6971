// Every parallel region of the kernels goes through this header: the work
// size below which a loop stays on one thread, the thread count, loops split
// into contiguous chunks, teams that synchronise, and reductions whose
// partial results are added in thread order (repeatable for a given thread
// count). Underneath is one process-wide pool of threads (parallel.cpp)
// shared by all ops of every run; replacing the scheduler means changing
// this header and parallel.cpp only.
//
// Why a pool of our own instead of OpenMP. A step is hundreds of small
// parallel regions; OpenMP (GCC's libgomp) has its idle threads spin between
// and inside them, and Eigen's OpenMP-parallel GEMM spins on atomics with no
// way to block. On a shared machine one of the two threads is descheduled
// now and then, and its partner spins away its whole time slice waiting for
// it. Measured on this 2-core machine: A/B of the OpenMP build and this one,
// separate processes, rounds interleaved, medians of 3, steps/s; "busy" is a
// `python -c 'while True: pass'` process loading one core; other engineers'
// builds kept the load average at 6-10 throughout (bench/README.md has the
// whole table and the peers):
//
//                              1 thread  2 threads  2 threads, core busy
//   seed MLP, OpenMP             169        2.1          2.9
//   seed MLP, this pool          161        158          167
//   small CNN, OpenMP            7.5        1.6          1.0
//   small CNN, this pool         7.4        13.2         9.6
//
// OpenMP with OMP_WAIT_POLICY=passive did not help (MLP 2 threads 7.9, busy
// 13.5, in a single run): Eigen's OpenMP GEMM spins on atomics regardless.
// The pool's threads spin briefly (2000 pause instructions, parallel.cpp's
// kSpinRounds: long enough to catch the next op of a step, as Eigen's
// ThreadPool, which TensorFlow uses, does) and then block on a condition
// variable, so a waiting thread gives its core to the one it waits for.
// Spin length, seed MLP at 2 threads, idle / one core busy, medians of 3
// interleaved rounds (SLIMCORE_SPIN_ROUNDS, load average 5): 0 pauses
// 330 / 220 steps/s, 200: 289 / 210, 2000: 339 / 418, 20000: 84 / 76
// (the small CNN, fewer and larger regions, showed no difference above the
// noise: 12-24 steps/s for every setting).
// Loops without a reduction hand out several chunks per thread from an
// atomic counter, so a thread that was descheduled does fewer of them; the
// chunk boundaries depend only on the size and the thread count, so results
// do not depend on which thread ran which chunk. Reductions keep one slice
// per thread, added in thread order.
//
// The pool's threads only ever run kernel bodies: never Python, never the
// GIL (host callbacks run on the thread that called Session.run). A fork()
// child (multiprocessing's 'fork') starts with an empty pool and starts new
// threads on its first parallel region (pthread_atfork, parallel.cpp). A
// parallel region entered from inside another one, or while another thread
// of the process has the pool, runs on the calling thread alone.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <type_traits>

namespace slimcore {

// Below this many elements a loop stays on one thread: waking the team costs
// more than it saves. PyTorch's grain size for elementwise loops
// (at::internal::GRAIN_SIZE) is the same, 32768; see the wake-up cost
// measured below kMinFlopsPerThread.
constexpr int64_t kParallelThreshold = 32768;

// Most threads a team has: arrays of per-thread partial results are sized by
// it.
constexpr int kMaxThreads = 64;

// The thread count parallel regions start from (all cores, or
// OMP_NUM_THREADS when set, unless configure_threads() set one).
int configured_threads();
void configure_threads(int n);

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

// A thread is worth waking for about this many floating-point operations
// (about 10 us of work on one core). An empty region of 2 threads took
// 40-140 us (against 1 us for a team of one, mostly the binding's overhead)
// measured with _core.testing.parallel_region_threads at load average 4-5,
// where the other thread must first be scheduled: on a loaded machine a
// higher threshold would pay. Not tuned yet.
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

namespace detail {
// fn(ctx, thread, team) on `team` threads of the pool, the caller being
// thread 0; returns how many ran (1 when it ran on the caller alone: team
// <= 1, a nested region, or the pool busy with another caller).
int run_on_pool(int team, void (*fn)(void*, int, int), void* ctx);
}  // namespace detail

// body(thread, team) on up to `team` threads (inline when team is 1); returns
// how many ran, which is what a reduction over per-thread partials must add.
// The body may call team_barrier() and in_thread_order(); it must not throw
// (as in an OpenMP region: an exception on a pool thread ends the process).
template <typename Body> int run_team(int team, Body&& body) {
  if (team <= 1) {
    body(0, 1);
    return 1;
  }
  using B = std::remove_reference_t<Body>;
  return detail::run_on_pool(
      team, [](void* ctx, int t, int nt) { (*static_cast<B*>(ctx))(t, nt); },
      const_cast<void*>(static_cast<const void*>(&body)));
}

// Waits until every thread of the running team reaches it (inside run_team;
// nothing on a team of one).
void team_barrier();

// fn() on each thread of the running team in turn, thread 0 first (inside
// run_team; every thread of the team must call it).
template <typename Fn> void in_thread_order(int t, int nt, Fn&& fn) {
  for (int turn = 0; turn < nt; ++turn) {
    if (turn == t) fn();
    team_barrier();
  }
}

// Chunks per thread of a loop without a reduction: a thread descheduled by
// another process on the machine leaves its chunks to the others.
constexpr int kChunksPerThread = 4;

// Splits [0, n) into contiguous chunks, each of at least `min_chunk` (a
// single chunk below 2 * min_chunk), up to kChunksPerThread per thread,
// handed out to whichever thread is free: body(begin, end). The chunk
// boundaries depend only on n, min_chunk and the thread count.
template <typename Body> void parallel_chunks(int64_t n, int64_t min_chunk, Body&& body) {
  const int team = n >= 2 * min_chunk ? max_threads() : 1;
  if (team <= 1) {
    if (n > 0) body(int64_t{0}, n);
    return;
  }
  const int64_t chunks =
      std::max<int64_t>(team, std::min<int64_t>(int64_t{team} * kChunksPerThread, n / std::max<int64_t>(min_chunk, 1)));
  std::atomic<int64_t> next{0};
  run_team(team, [&](int, int) {
    for (int64_t c = next.fetch_add(1, std::memory_order_relaxed); c < chunks;
         c = next.fetch_add(1, std::memory_order_relaxed)) {
      const int64_t begin = n * c / chunks, end = n * (c + 1) / chunks;
      if (begin < end) body(begin, end);
    }
  });
}

// for (i in [0, n)) body(i), vectorized, split over threads once n reaches
// kParallelThreshold. Each chunk runs a local copy of `body`: the pointers it
// captures become registers and the loop vectorizes.
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
// kParallelThreshold; then done() once on every thread of the team after
// its last item (e.g. a store fence for what that thread streamed).
template <typename Body, typename Done>
void parallel_for_dynamic(int64_t count, int64_t work, const Body& body, const Done& done) {
  std::atomic<int64_t> next{0};
  run_team(team_for_work(work), [&](int, int) {
    for (int64_t i = next.fetch_add(2, std::memory_order_relaxed); i < count;
         i = next.fetch_add(2, std::memory_order_relaxed)) {
      body(i);
      if (i + 1 < count) body(i + 1);
    }
    done();
  });
}

template <typename Body> void parallel_for_dynamic(int64_t count, int64_t work, const Body& body) {
  parallel_for_dynamic(count, work, body, [] {});
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
