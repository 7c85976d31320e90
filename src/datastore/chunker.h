// ferry::datastore::Chunker — PBS's content-defined chunker (buzhash over a 64-byte window)
// (docs/formats/chunker.md, spec datastore-format §9.2).
//
// For an average chunk size `avg` (a power of two, 64 KiB .. 4 MiB):
//
//   min = avg / 4,  max = avg * 4,  mask = 2 * avg - 1,  threshold = mask - 2
//   h = rotl1(h) ^ T[byte leaving the window] ^ T[byte entering it]
//   boundary after a byte when n >= max, or n >= min and (h & mask) >= threshold
//
// where n counts the bytes of the current chunk and the hash and window restart at every
// boundary. Producing the same boundaries as PBS is what lets our chunks deduplicate against
// chunks that PBS clients uploaded; tests/compat checks the table and PBS's vectors.
//
// A Chunker is a small mutable state machine: one per stream, not thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/bytes.h"

namespace ferry::datastore {

inline constexpr size_t kChunkerWindowSize = 64;
inline constexpr size_t kMinChunkerAvgSize = 64u << 10;
inline constexpr size_t kMaxChunkerAvgSize = 4u << 20;
inline constexpr size_t kDefaultChunkerAvgSize = 4u << 20;

class Chunker {
 public:
  // Precondition (checked, aborts): is_valid_avg_size(avg_chunk_size). Callers that take the
  // size from user input validate it first.
  explicit Chunker(size_t avg_chunk_size);

  // Feeds `data`, which continues the stream after everything fed before. Returns 0 when no
  // boundary lies in `data` (all of it belongs to the current chunk), otherwise the number of
  // bytes of `data` up to and including the last byte of the chunk that just ended. The
  // caller feeds the rest of `data` again in the next call. The final partial chunk at the end
  // of the stream is the caller's to emit. Never fails, never blocks.
  size_t scan(ByteView data);

  // Forgets the current partial chunk (start of a new stream).
  void reset();

  size_t avg_size() const { return avg_; }
  size_t min_size() const { return min_; }
  size_t max_size() const { return max_; }

  // Power of two in [64 KiB, 4 MiB].
  static bool is_valid_avg_size(size_t avg_chunk_size);

  // The 256-entry buzhash table T (PBS-compat: never change).
  static const std::array<uint32_t, 256>& buzhash_table();

 private:
  size_t avg_;
  size_t min_;
  size_t max_;
  uint32_t mask_;
  uint32_t threshold_;
  uint32_t h_ = 0;
  size_t n_ = 0;  // bytes of the current chunk seen so far
  std::array<uint8_t, kChunkerWindowSize> window_{};
};

// Chunk end offsets (cumulative sizes) of a whole in-memory stream; the last one is
// data.size() unless data is empty (then the result is empty). Precondition as Chunker.
std::vector<uint64_t> chunk_end_offsets(ByteView data, size_t avg_chunk_size);

}  // namespace ferry::datastore
