// libFuzzer target: DataBlob parsing, CRC and bounded decoding of arbitrary bytes.
//
// Besides "no crash, no sanitizer report, no hang": whatever decodes must survive a round trip
// through our encoder (same plaintext back, CRC valid, same encryption state). Encrypted
// inputs are tried with the spec's test key (00..1f), so tag checks and the decompression of
// decrypted data are reached from the golden seed.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "datastore/data_blob.h"

namespace {

using ferry::Bytes;
using ferry::datastore::CryptConfig;
using ferry::datastore::DataBlob;

constexpr size_t kDecodeLimit = 1u << 20;  // keep each run fast

const CryptConfig& test_key() {
  static const CryptConfig key = [] {
    std::array<uint8_t, 32> k{};
    for (size_t i = 0; i < k.size(); ++i) k[i] = uint8_t(i);
    return CryptConfig::from_key(k);
  }();
  return key;
}

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "blob_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > ferry::datastore::kMaxEncodedChunkSize) return 0;
  auto blob = DataBlob::from_raw(Bytes(data, data + size));
  if (!blob) return 0;
  (void)blob->verify_crc();
  const CryptConfig* key = blob->is_encrypted() ? &test_key() : nullptr;
  auto plain = blob->decode_with_limit(key, nullptr, kDecodeLimit);
  (void)blob->verify_unencrypted(size, ferry::sha256(ferry::ByteView(data, size)));
  if (!plain) return 0;
  if (plain->size() > kDecodeLimit) fail("decode ignored its limit");

  auto again = DataBlob::encode(*plain, key, /*compress=*/true);
  if (!again) fail("re-encoding decoded data failed");
  if (!again->verify_crc()) fail("re-encoded blob has a bad crc");
  if (again->is_encrypted() != blob->is_encrypted()) fail("encryption state changed");
  auto back = again->decode(key);
  if (!back || *back != *plain) fail("round trip changed the plaintext");
  return 0;
}
