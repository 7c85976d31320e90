// SHA-256 digests: the identity of every chunk, the checksum of every index and blob.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"

namespace ferry {

// A 32-byte SHA-256 value. Regular value type; ordered byte-wise.
struct Digest {
  std::array<uint8_t, 32> bytes{};

  // 64 lower-case hex characters.
  std::string to_hex() const;
  // Parses exactly 64 hex characters (either case). InvalidArgument otherwise.
  static Result<Digest> from_hex(std::string_view text);
  static Digest from_bytes(ByteView raw);  // precondition: raw.size() == 32

  auto operator<=>(const Digest&) const = default;
  bool operator==(const Digest&) const = default;
};

// Incremental SHA-256 (OpenSSL EVP, SHA-NI when the CPU has it). Not thread-safe; cheap to
// create. Movable, not copyable.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;

  void update(ByteView data);
  // Returns the digest; the hasher must not be updated afterwards.
  Digest finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// One-shot SHA-256.
Digest sha256(ByteView data);
inline Digest sha256(std::string_view data) { return sha256(as_bytes(data)); }

// HMAC-SHA256(key, data).
Digest hmac_sha256(ByteView key, ByteView data);

// Standard CRC-32 (IEEE, zlib's crc32).
uint32_t crc32(ByteView data, uint32_t seed = 0);

}  // namespace ferry

template <>
struct std::hash<ferry::Digest> {
  size_t operator()(const ferry::Digest& d) const noexcept {
    // SHA-256 output is uniformly distributed: its first bytes are a perfect hash.
    size_t h;
    std::memcpy(&h, d.bytes.data(), sizeof h);
    return h;
  }
};
