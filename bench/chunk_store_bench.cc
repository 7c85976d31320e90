// Chunk store micro-benchmarks: inserting 4 MiB chunks (new and duplicate) and reading them
// back, per sync level. Results: bench/RESULTS.md ("Chunk store").
//
// The store is created once per process in $FERRY_BENCH_DIR (else $TMPDIR, else /tmp) — a
// real disk, so that fsync costs what it costs; tmpfs makes SyncLevel::File free. New-chunk
// inserts use a pre-encoded blob under fresh digests (the store does not re-hash), so the
// numbers are the store's own cost: temp file, write, fsync, rename, directory fsync.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "datastore/chunk_store.h"

namespace ferry::datastore {
namespace {

namespace stdfs = std::filesystem;

constexpr size_t kChunkSize = 4u << 20;
// New chunks are unlinked in batches so that a long run does not fill the disk.
constexpr size_t kBatch = 32;

Bytes random_data(size_t n, uint64_t seed) {
  Bytes out(n);
  uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
  for (size_t i = 0; i < n; ++i) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    out[i] = uint8_t(s);
  }
  return out;
}

// The benchmark datastore: created on first use, removed at exit.
class BenchStore {
 public:
  static BenchStore& get() {
    static BenchStore store;
    return store;
  }
  ChunkStore& store(SyncLevel level) { return level == SyncLevel::File ? *fsync_ : *nosync_; }
  const DataBlob& blob() const { return *blob_; }

  ~BenchStore() {
    std::error_code ec;
    stdfs::remove_all(dir_, ec);
  }

 private:
  BenchStore() {
    const char* base = std::getenv("FERRY_BENCH_DIR");
    if (!base || !*base) base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/ferry-bench-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    dir_ = tmpl;
    auto created = ChunkStore::create("bench", dir_ / "ds");
    if (!created) {
      std::fprintf(stderr, "%s\n", created.error().to_string().c_str());
      std::abort();
    }
    fsync_ = std::make_unique<ChunkStore>(std::move(*created));
    nosync_ = std::make_unique<ChunkStore>(
        std::move(*ChunkStore::open("bench", dir_ / "ds", {.sync_level = SyncLevel::None})));
    blob_ = std::make_unique<DataBlob>(
        std::move(*DataBlob::encode(random_data(kChunkSize, 1), nullptr, false)));
  }

  stdfs::path dir_;
  std::unique_ptr<ChunkStore> fsync_;
  std::unique_ptr<ChunkStore> nosync_;
  std::unique_ptr<DataBlob> blob_;
};

// A digest no other iteration (or thread) uses: spread over prefix directories like real ones.
Digest fresh_digest(uint64_t n, int thread) {
  Digest d = sha256(as_bytes(std::to_string(n) + "/" + std::to_string(thread)));
  return d;
}

void BM_InsertNew(benchmark::State& state) {
  auto level = state.range(0) ? SyncLevel::File : SyncLevel::None;
  ChunkStore& store = BenchStore::get().store(level);
  const DataBlob& blob = BenchStore::get().blob();
  std::vector<Digest> written;
  uint64_t n = 0;
  for (auto _ : state) {
    Digest d = fresh_digest(n++, state.thread_index());
    auto r = store.insert(d, blob);
    if (!r || r->existed) state.SkipWithError("insert failed or found a duplicate");
    written.push_back(d);
    if (written.size() == kBatch) {
      state.PauseTiming();
      for (const auto& w : written) ::unlink(store.chunk_path(w).c_str());
      written.clear();
      state.ResumeTiming();
    }
  }
  for (const auto& w : written) ::unlink(store.chunk_path(w).c_str());
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(blob.raw_size()));
  state.SetLabel(level == SyncLevel::File ? "sync-level=file" : "sync-level=none");
}
BENCHMARK(BM_InsertNew)->Arg(0)->Arg(1)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_InsertNew)->Arg(1)->Threads(2)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_InsertDuplicate(benchmark::State& state) {
  ChunkStore& store = BenchStore::get().store(SyncLevel::File);
  const DataBlob& blob = BenchStore::get().blob();
  Digest d = fresh_digest(~uint64_t(0), -1);
  if (!store.insert(d, blob)) state.SkipWithError("initial insert failed");
  for (auto _ : state) {
    auto r = store.insert(d, blob);
    if (!r || !r->existed) state.SkipWithError("duplicate not detected");
  }
  // stat + utimensat only: count inserts, not (unwritten) bytes.
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_InsertDuplicate)->Unit(benchmark::kMicrosecond);

void BM_ReadChunk(benchmark::State& state) {
  ChunkStore& store = BenchStore::get().store(SyncLevel::None);
  const DataBlob& blob = BenchStore::get().blob();
  Digest d = fresh_digest(~uint64_t(1), -1);
  if (!store.insert(d, blob)) state.SkipWithError("initial insert failed");
  for (auto _ : state) {
    auto r = store.read(d);  // read + header + CRC
    if (!r) state.SkipWithError("read failed");
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(blob.raw_size()));
}
BENCHMARK(BM_ReadChunk)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ferry::datastore
