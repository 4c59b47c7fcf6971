// The thread pool under parallel.h: why it exists, and the measurements
// that chose it, are at the top of parallel.h.
//
// One job at a time: the caller (thread 0 of the team) publishes the job by
// storing a new `job_` word (a generation count and the team size), runs its
// own share, then waits until the other threads of the team report done.
// Workers outside the team see the word, skip the job and touch nothing
// else of it, so the caller never waits for them. Every wait (workers for a job, the caller for the team, the
// team at a barrier) spins spin_rounds() pause instructions and then blocks
// on a condition variable.
#include "parallel.h"

#include "slimcore/errors.h"
#include "slimcore/session.h"

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SLIMCORE_PAUSE() _mm_pause()
#else
#define SLIMCORE_PAUSE() std::this_thread::yield()
#endif

namespace slimcore {

namespace {

// Spins of a waiting thread before it blocks (kSpinRounds pause
// instructions, SLIMCORE_SPIN_ROUNDS in the environment when set, read once):
// long enough to catch the next op of a step on an idle machine, short
// enough that a thread waiting for a descheduled partner soon gives up its
// core. The default was chosen by measurement: see parallel.h.
constexpr int kSpinRounds = 2000;
int spin_rounds() {
  static const int rounds = [] {
    const char* env = std::getenv("SLIMCORE_SPIN_ROUNDS");
    return env && std::atoi(env) >= 0 ? std::atoi(env) : kSpinRounds;
  }();
  return rounds;
}

// Spins until ready() holds, then blocks on `cv` (under `m`) until it does;
// `sleepers` counts the blocked threads so that wakers skip notify when
// nobody sleeps.
template <typename Ready>
void spin_then_wait(const Ready& ready, std::mutex& m, std::condition_variable& cv, std::atomic<int>& sleepers) {
  const int rounds = spin_rounds();
  for (int i = 0; i < rounds; ++i) {
    if (ready()) return;
    SLIMCORE_PAUSE();
  }
  std::unique_lock<std::mutex> lock(m);
  sleepers.fetch_add(1);
  cv.wait(lock, ready);
  sleepers.fetch_sub(1);
}

// Wakes the threads blocked in spin_then_wait on (m, cv) after the caller
// changed what their ready() reads (a seq_cst store, so that a thread about
// to block sees it or is counted in `sleepers`).
void wake(std::mutex& m, std::condition_variable& cv, const std::atomic<int>& sleepers) {
  if (sleepers.load() > 0) {
    std::lock_guard<std::mutex> lock(m);
    cv.notify_all();
  }
}

int default_threads() {
  if (const char* env = std::getenv("OMP_NUM_THREADS")) {
    const int n = std::atoi(env);
    if (n > 0) return n;
  }
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

std::atomic<int> g_configured{0};  // 0: default_threads()

class Pool;

// The pool whose job the calling thread runs a share of (null outside
// run_team or in a team of one).
thread_local Pool* tls_pool = nullptr;

class Pool {
 public:
  // The pool serving this process (a fresh one after fork()).
  static Pool& instance() {
    static const bool registered = [] {
      pthread_atfork(&Pool::before_fork, &Pool::after_fork_parent, &Pool::after_fork_child);
      return true;
    }();
    (void)registered;
    Pool* pool = current_.load(std::memory_order_acquire);
    if (pool) return *pool;
    std::lock_guard<std::mutex> lock(create_mutex_);
    pool = current_.load();
    if (!pool) {
      pool = new Pool();  // never deleted: threads may still block in it at exit
      current_.store(pool);
    }
    return *pool;
  }

  int run(int team, void (*fn)(void*, int, int), void* ctx) {
    // Nested in a region of the pool, or another thread has the pool: alone.
    std::unique_lock<std::mutex> owner(run_mutex_, std::defer_lock);
    if (tls_pool != nullptr || !owner.try_lock()) {
      Pool* outer = tls_pool;
      tls_pool = nullptr;
      fn(ctx, 0, 1);
      tls_pool = outer;
      return 1;
    }
    ensure_workers(team - 1);
    fn_ = fn;
    ctx_ = ctx;
    team_ = team;
    pending_.store(team - 1);
    job_.store(((job_.load() >> kTeamBits) + 1) << kTeamBits | static_cast<uint64_t>(team));
    wake(job_mutex_, job_cv_, job_sleepers_);
    tls_pool = this;
    fn(ctx, 0, team);
    tls_pool = nullptr;
    spin_then_wait([this] { return pending_.load() == 0; }, done_mutex_, done_cv_, done_sleepers_);
    return team;
  }

  // Every thread of the running team arrives before any leaves.
  void barrier() {
    const uint64_t phase = barrier_phase_.load();
    if (barrier_arrived_.fetch_add(1) + 1 == team_) {
      barrier_arrived_.store(0);
      barrier_phase_.fetch_add(1);
      wake(barrier_mutex_, barrier_cv_, barrier_sleepers_);
      return;
    }
    spin_then_wait([&] { return barrier_phase_.load() != phase; }, barrier_mutex_, barrier_cv_, barrier_sleepers_);
  }

 private:
  Pool() = default;

  // Starts workers until there are `n` (they are kept for later runs).
  void ensure_workers(int n) {
    while (static_cast<int>(workers_.size()) < n) {
      const int index = static_cast<int>(workers_.size()) + 1;
      const uint64_t seen = job_.load();  // jobs from the next one on
      workers_.emplace_back([this, index, seen] { work(index, seen); });
      workers_.back().detach();
    }
  }

  void work(int index, uint64_t seen) {
    for (;;) {
      spin_then_wait([&] { return job_.load() != seen; }, job_mutex_, job_cv_, job_sleepers_);
      seen = job_.load();
      // Outside the team: the caller may already be writing the next job.
      if (index >= static_cast<int>(seen & kTeamMask)) continue;
      tls_pool = this;
      fn_(ctx_, index, team_);
      tls_pool = nullptr;
      if (pending_.fetch_sub(1) == 1) wake(done_mutex_, done_cv_, done_sleepers_);
    }
  }

  // fork() copies only the calling thread: the child's pool has no workers.
  // Holding run_mutex_ across fork() keeps a job from being half published;
  // the child leaves the old pool (its mutexes may be held by threads that
  // no longer exist) and makes a new one on its first parallel region.
  static void before_fork() {
    if (Pool* pool = current_.load()) pool->run_mutex_.lock();
  }
  static void after_fork_parent() {
    if (Pool* pool = current_.load()) pool->run_mutex_.unlock();
  }
  static void after_fork_child() {
    current_.store(nullptr);
    tls_pool = nullptr;
    new (&create_mutex_) std::mutex();
  }

  static std::atomic<Pool*> current_;
  static std::mutex create_mutex_;

  std::mutex run_mutex_;  // held by the caller of the running job
  std::vector<std::thread> workers_;

  // The job: written by the caller before job_ changes, read only by the
  // threads of its team (the caller waits for them before the next job).
  void (*fn_)(void*, int, int) = nullptr;
  void* ctx_ = nullptr;
  int team_ = 1;
  static constexpr int kTeamBits = 8;
  static_assert(kMaxThreads < (1 << kTeamBits), "a team size must fit the job word");
  static constexpr uint64_t kTeamMask = (uint64_t{1} << kTeamBits) - 1;
  std::atomic<uint64_t> job_{0};  // generation << kTeamBits | team size
  std::mutex job_mutex_;
  std::condition_variable job_cv_;
  std::atomic<int> job_sleepers_{0};

  std::atomic<int> pending_{0};  // threads of the team (but the caller) still running
  std::mutex done_mutex_;
  std::condition_variable done_cv_;
  std::atomic<int> done_sleepers_{0};

  std::atomic<int> barrier_arrived_{0};
  std::atomic<uint64_t> barrier_phase_{0};
  std::mutex barrier_mutex_;
  std::condition_variable barrier_cv_;
  std::atomic<int> barrier_sleepers_{0};
};

std::atomic<Pool*> Pool::current_{nullptr};
std::mutex Pool::create_mutex_;

}  // namespace

int configured_threads() {
  const int n = g_configured.load(std::memory_order_relaxed);
  return n > 0 ? n : default_threads();
}

void configure_threads(int n) {
  g_configured.store(n, std::memory_order_relaxed);
}

void team_barrier() {
  if (tls_pool) tls_pool->barrier();
}

namespace detail {
int run_on_pool(int team, void (*fn)(void*, int, int), void* ctx) {
  team = std::min(team, kMaxThreads);
  if (team <= 1) {
    fn(ctx, 0, 1);
    return 1;
  }
  return Pool::instance().run(team, fn, ctx);
}
}  // namespace detail

std::vector<int64_t> parallel_region_threads(int team) {
  if (team < 1 || team > kMaxThreads)
    throw InvalidArgument("team must be in [1, " + std::to_string(kMaxThreads) + "], got " + std::to_string(team));
  std::vector<int64_t> ids(team, -1);
  std::atomic<int> arrived{0};
  std::atomic<bool> early{false};
  const int ran = run_team(team, [&](int t, int nt) {
    ids[t] = static_cast<int64_t>(syscall(SYS_gettid));
    arrived.fetch_add(1);
    team_barrier();
    if (arrived.load() != nt) early.store(true);
  });
  if (early.load()) throw std::logic_error("team_barrier let a thread through before the whole team arrived");
  ids.resize(ran);
  return ids;
}

}  // namespace slimcore
