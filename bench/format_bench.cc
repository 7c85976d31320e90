// Micro-benchmarks of the PBS byte formats: chunk digests, blob encode/decode, index append
// and lookup, chunking. Results and machine details: bench/RESULTS.md.
//
// Run: build with -DFERRY_BUILD_BENCH=ON in a Release build dir, then
//   build-release/bench/format_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "common/digest.h"
#include "datastore/chunker.h"
#include "datastore/data_blob.h"
#include "datastore/dynamic_index.h"
#include "datastore/fixed_index.h"

namespace ferry::datastore {
namespace {

constexpr size_t kChunk = 4u << 20;

Bytes random_bytes(size_t n) {
  std::mt19937_64 rng(42);
  Bytes out(n);
  for (size_t i = 0; i + 8 <= n; i += 8) store_le64(out.data() + i, rng());
  return out;
}

// Text-like data that zstd -1 compresses about 3:1 (closer to real files than zeros).
Bytes compressible_bytes(size_t n) {
  std::mt19937 rng(7);
  static const char* kWords[] = {"backup ", "chunk ",     "index ",    "proxmox ", "ferry ",
                                 "server ", "datastore ", "snapshot ", "\n"};
  Bytes out;
  out.reserve(n);
  while (out.size() < n) {
    const char* w = kWords[rng() % 9];
    out.insert(out.end(), w, w + std::char_traits<char>::length(w));
    if (rng() % 4 == 0) out.push_back(uint8_t('0' + rng() % 10));
  }
  out.resize(n);
  return out;
}

// A scratch directory for index writers, removed at exit.
const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ferry-bench-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(scratch_dir(), ec);
    });
    return std::filesystem::path(tmpl);
  }();
  return dir;
}

void BM_Sha256_4MiB(benchmark::State& state) {
  Bytes data = random_bytes(kChunk);
  for (auto _ : state) benchmark::DoNotOptimize(sha256(data));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(kChunk));
}
BENCHMARK(BM_Sha256_4MiB);

void blob_encode(benchmark::State& state, Bytes data, bool encrypt) {
  std::array<uint8_t, 32> key{};
  CryptConfig crypt = CryptConfig::from_key(key);
  size_t encoded = 0;
  for (auto _ : state) {
    auto blob = DataBlob::encode(data, encrypt ? &crypt : nullptr, /*compress=*/true);
    if (!blob) state.SkipWithError("encode failed");
    encoded = blob->raw_size();
    benchmark::DoNotOptimize(blob->raw().data());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(data.size()));
  state.counters["ratio"] = double(data.size()) / double(encoded);
}

void blob_decode(benchmark::State& state, Bytes data) {
  auto blob = DataBlob::encode(data, nullptr, /*compress=*/true);
  Digest digest = sha256(data);
  for (auto _ : state) {
    auto plain = blob->decode(nullptr, &digest);  // includes the digest check, as verify does
    if (!plain) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(plain->data());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(data.size()));
}

void BM_BlobEncode_Compressible_4MiB(benchmark::State& s) {
  blob_encode(s, compressible_bytes(kChunk), false);
}
void BM_BlobEncode_Random_4MiB(benchmark::State& s) { blob_encode(s, random_bytes(kChunk), false); }
void BM_BlobEncodeEncrypted_Compressible_4MiB(benchmark::State& s) {
  blob_encode(s, compressible_bytes(kChunk), true);
}
void BM_BlobDecode_Compressible_4MiB(benchmark::State& s) {
  blob_decode(s, compressible_bytes(kChunk));
}
void BM_BlobDecode_Random_4MiB(benchmark::State& s) { blob_decode(s, random_bytes(kChunk)); }
BENCHMARK(BM_BlobEncode_Compressible_4MiB);
BENCHMARK(BM_BlobEncode_Random_4MiB);
BENCHMARK(BM_BlobEncodeEncrypted_Compressible_4MiB);
BENCHMARK(BM_BlobDecode_Compressible_4MiB);
BENCHMARK(BM_BlobDecode_Random_4MiB);

Digest digest_of(size_t i) {
  Digest d;
  store_le64(d.bytes.data(), i * 0x9e3779b97f4a7c15ULL);
  return d;
}

// Appending 100k entries (a 400 GiB image at 4 MiB chunks); the writer is aborted, so the
// numbers exclude the final fsync and rename.
void BM_DynamicIndexAppend_100k(benchmark::State& state) {
  for (auto _ : state) {
    auto w = DynamicIndexWriter::create(scratch_dir() / "bench.didx", 0);
    if (!w) state.SkipWithError("create failed");
    for (size_t i = 0; i < 100000; ++i) (void)w->add_chunk((i + 1) * 4096, digest_of(i));
    w->abort();
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * 100000);
}
BENCHMARK(BM_DynamicIndexAppend_100k)->Unit(benchmark::kMillisecond);

void BM_FixedIndexAddDigest_100k(benchmark::State& state) {
  for (auto _ : state) {
    auto w = FixedIndexWriter::create(scratch_dir() / "bench.fidx", uint64_t(100000) * kChunk,
                                      kChunk, 0);
    if (!w) state.SkipWithError("create failed");
    for (size_t i = 0; i < 100000; ++i) (void)w->add_digest(i, digest_of(i));
    w->abort();
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * 100000);
}
BENCHMARK(BM_FixedIndexAddDigest_100k)->Unit(benchmark::kMillisecond);

// Random-offset lookups in a 1M-entry dynamic index (binary search over end offsets).
void BM_DynamicIndexLookup_1M(benchmark::State& state) {
  auto path = scratch_dir() / "lookup.didx";
  {
    auto w = DynamicIndexWriter::create(path, 0);
    for (size_t i = 0; i < 1000000; ++i) (void)w->add_chunk((i + 1) * 4096 + i % 7, digest_of(i));
    (void)w->close();
  }
  auto r = DynamicIndexReader::open(path);
  if (!r) state.SkipWithError("open failed");
  std::mt19937_64 rng(1);
  for (auto _ : state) {
    auto pos = r->chunk_from_offset(rng() % r->index_bytes());
    benchmark::DoNotOptimize(r->index_digest(pos->index));
  }
  state.SetItemsProcessed(int64_t(state.iterations()));
}
BENCHMARK(BM_DynamicIndexLookup_1M);

void BM_DynamicIndexOpenAndCsum_1M(benchmark::State& state) {
  auto path = scratch_dir() / "lookup.didx";  // written by the lookup benchmark
  for (auto _ : state) {
    auto r = DynamicIndexReader::open(path);
    if (!r) state.SkipWithError("open failed (run the lookup benchmark first)");
    benchmark::DoNotOptimize(r->compute_csum());
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * 1000000);
}
BENCHMARK(BM_DynamicIndexOpenAndCsum_1M)->Unit(benchmark::kMillisecond);

void BM_ChunkerScan_Random(benchmark::State& state) {
  Bytes data = random_bytes(16u << 20);
  for (auto _ : state) benchmark::DoNotOptimize(chunk_end_offsets(data, kChunk));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(data.size()));
}
BENCHMARK(BM_ChunkerScan_Random)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ferry::datastore
