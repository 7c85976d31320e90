// libFuzzer target: FixedIndexReader::from_bytes on arbitrary bytes.
//
// Whatever parses must be internally consistent: ranges tile [0, size) in order, only the last
// chunk may be short, every offset maps back to its entry, and the checksum is computable.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "datastore/fixed_index.h"

namespace {

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fidx_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto r = ferry::datastore::FixedIndexReader::from_bytes(ferry::Bytes(data, data + size));
  if (!r) return 0;
  if (r->index_count() == 0) fail("parsed an index without entries");
  uint64_t expected_start = 0;
  for (size_t i = 0; i < r->index_count(); ++i) {
    auto range = r->chunk_range(i);
    if (range.start != expected_start || range.end <= range.start) fail("ranges do not tile");
    if (range.size() > r->chunk_size()) fail("chunk larger than chunk_size");
    if (i + 1 < r->index_count() && range.size() != r->chunk_size()) fail("short inner chunk");
    auto pos = r->chunk_from_offset(range.end - 1);
    if (!pos || pos->index != i || pos->offset_in_chunk != range.size() - 1) fail("lookup");
    (void)r->index_digest(i);
    expected_start = range.end;
  }
  if (expected_start != r->index_bytes()) fail("ranges do not end at the index size");
  if (r->chunk_from_offset(r->index_bytes())) fail("lookup past the end succeeded");
  (void)r->compute_csum();
  return 0;
}
