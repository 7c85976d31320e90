#include "datastore/data_blob.h"

#include <openssl/rand.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "common/check.h"
#include "common/fs.h"
#include "common/hex.h"

namespace ferry::datastore {
namespace {

constexpr int kZstdLevel = 1;  // PBS-compat: chunks and blobs use zstd level 1 (spec §3.4)
constexpr size_t kMinDecodeBuffer = 64u << 10;

struct ZstdCCtxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct ZstdDCtxDeleter {
  void operator()(ZSTD_DCtx* c) const { ZSTD_freeDCtx(c); }
};

// Contexts are reused per thread: creating one costs more than compressing a small blob.
ZSTD_CCtx* thread_cctx() {
  thread_local std::unique_ptr<ZSTD_CCtx, ZstdCCtxDeleter> ctx(ZSTD_createCCtx());
  FERRY_CHECK(ctx != nullptr, "ZSTD_createCCtx failed");
  return ctx.get();
}
ZSTD_DCtx* thread_dctx() {
  thread_local std::unique_ptr<ZSTD_DCtx, ZstdDCtxDeleter> ctx(ZSTD_createDCtx());
  FERRY_CHECK(ctx != nullptr, "ZSTD_createDCtx failed");
  return ctx.get();
}

// Compresses `data`; returns nullopt when the result would not be strictly smaller. The
// output buffer is capped at size-1, so zstd itself reports "not beneficial" as dstSize.
Result<std::optional<Bytes>> compress_if_smaller(ByteView data) {
  if (data.size() <= 1) return std::optional<Bytes>{};
  Bytes out(std::min(data.size() - 1, ZSTD_compressBound(data.size())));
  size_t n = ZSTD_compressCCtx(thread_cctx(), out.data(), out.size(), data.data(), data.size(),
                               kZstdLevel);
  if (ZSTD_isError(n)) {
    if (ZSTD_getErrorCode(n) == ZSTD_error_dstSize_tooSmall) return std::optional<Bytes>{};
    return make_error(Errc::Internal, "zstd compression failed: {}", ZSTD_getErrorName(n));
  }
  out.resize(n);
  return std::optional<Bytes>(std::move(out));
}

// Streaming decode of one or more zstd frames, refusing to produce more than `limit` bytes.
Result<Bytes> zstd_decompress(ByteView in, size_t limit) {
  ZSTD_DCtx* dctx = thread_dctx();
  ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only);
  size_t initial = std::max(kMinDecodeBuffer, in.size() * 4);
  unsigned long long hint = ZSTD_getFrameContentSize(in.data(), in.size());
  if (hint != ZSTD_CONTENTSIZE_UNKNOWN && hint != ZSTD_CONTENTSIZE_ERROR && hint <= limit) {
    initial = std::max<size_t>(size_t(hint), 1);  // exact for well-formed single frames
  }
  Bytes out(std::min(initial, limit + 1));
  ZSTD_inBuffer ib{in.data(), in.size(), 0};
  size_t pos = 0;
  for (;;) {
    if (pos == out.size())
      out.resize(std::min(limit + 1, std::max(out.size() * 2, kMinDecodeBuffer)));
    ZSTD_outBuffer ob{out.data(), out.size(), pos};
    size_t ret = ZSTD_decompressStream(dctx, &ob, &ib);
    if (ZSTD_isError(ret)) {
      return make_error(Errc::Corruption, "invalid zstd data: {}", ZSTD_getErrorName(ret));
    }
    pos = ob.pos;
    if (pos > limit) {
      return make_error(Errc::Corruption, "decompressed data exceeds the limit of {} bytes", limit);
    }
    if (ib.pos == ib.size) {
      if (ret == 0) break;  // every frame decoded and flushed
      // Input used up and room left in the output: the decoder is waiting for more input.
      if (ob.pos < ob.size) return make_error(Errc::Corruption, "truncated zstd stream");
    }
  }
  out.resize(pos);
  return out;
}

const std::array<uint8_t, 8>& magic_for(BlobKind kind) {
  switch (kind) {
    case BlobKind::Uncompressed:
      return kUncompressedBlobMagicV1_0;
    case BlobKind::Compressed:
      return kCompressedBlobMagicV1_0;
    case BlobKind::Encrypted:
      return kEncryptedBlobMagicV1_0;
    case BlobKind::EncryptedCompressed:
      return kEncrCompBlobMagicV1_0;
  }
  FERRY_CHECK(false, "unknown blob kind");
  return kUncompressedBlobMagicV1_0;
}

bool kind_is_encrypted(BlobKind k) {
  return k == BlobKind::Encrypted || k == BlobKind::EncryptedCompressed;
}

}  // namespace

std::optional<BlobKind> blob_kind_from_magic(ByteView magic8) {
  if (magic8.size() < 8) return std::nullopt;
  for (BlobKind k : {BlobKind::Uncompressed, BlobKind::Compressed, BlobKind::Encrypted,
                     BlobKind::EncryptedCompressed}) {
    if (std::memcmp(magic8.data(), magic_for(k).data(), 8) == 0) return k;
  }
  return std::nullopt;
}

Result<DataBlob> DataBlob::from_raw(Bytes raw) {
  if (raw.size() < kBlobHeaderSize) {
    return make_error(Errc::Corruption, "invalid blob: {} bytes is shorter than the {}-byte header",
                      raw.size(), kBlobHeaderSize);
  }
  std::optional<BlobKind> kind = blob_kind_from_magic(ByteView(raw).first(8));
  if (!kind) {
    return make_error(Errc::Corruption, "invalid blob: wrong magic {}",
                      to_hex(ByteView(raw).first(8)));
  }
  if (kind_is_encrypted(*kind) && raw.size() < kEncryptedBlobHeaderSize) {
    return make_error(Errc::Corruption,
                      "invalid blob: encrypted blob of {} bytes is shorter than the {}-byte header",
                      raw.size(), kEncryptedBlobHeaderSize);
  }
  return DataBlob(std::move(raw), *kind);
}

Result<DataBlob> DataBlob::load(const std::filesystem::path& path, uint64_t max_size) {
  auto loaded = [&]() -> Result<DataBlob> {
    FERRY_TRY_ASSIGN(Bytes raw, fs::read_file(path, max_size));
    FERRY_TRY_ASSIGN(DataBlob blob, from_raw(std::move(raw)));
    FERRY_TRY(blob.verify_crc());
    return blob;
  }();
  return with_context(std::move(loaded), "load blob '{}'", path.string());
}

Result<DataBlob> DataBlob::encode(ByteView data, const CryptConfig* crypt, bool compress) {
  return encode_impl(data, crypt, compress, nullptr);
}

Result<DataBlob> DataBlob::encode_with_iv_for_test(ByteView data, const CryptConfig& crypt,
                                                   bool compress, const CryptIv& iv) {
  return encode_impl(data, &crypt, compress, &iv);
}

Result<DataBlob> DataBlob::encode_impl(ByteView data, const CryptConfig* crypt, bool compress,
                                       const CryptIv* iv) {
  if (data.size() > kMaxBlobPlaintextSize) {
    return make_error(Errc::InvalidArgument, "blob data too large ({} bytes, limit {})",
                      data.size(), kMaxBlobPlaintextSize);
  }
  std::optional<Bytes> compressed;
  if (compress) {
    FERRY_TRY_ASSIGN(compressed, compress_if_smaller(data));
  }
  ByteView payload = compressed ? ByteView(*compressed) : data;
  Bytes raw;
  BlobKind kind;
  if (crypt == nullptr) {
    kind = compressed ? BlobKind::Compressed : BlobKind::Uncompressed;
    raw.resize(kBlobHeaderSize + payload.size());
    std::copy(payload.begin(), payload.end(), raw.begin() + kBlobHeaderSize);
  } else {
    kind = compressed ? BlobKind::EncryptedCompressed : BlobKind::Encrypted;
    CryptIv fresh_iv{};
    if (iv == nullptr) {
      if (RAND_bytes(fresh_iv.data(), int(fresh_iv.size())) != 1) {
        return make_error(Errc::Internal, "random iv generation failed");
      }
      iv = &fresh_iv;
    }
    CryptTag tag{};
    Bytes ct = crypt->encrypt(payload, *iv, tag);
    raw.resize(kEncryptedBlobHeaderSize + ct.size());
    std::copy(iv->begin(), iv->end(), raw.begin() + 12);
    std::copy(tag.begin(), tag.end(), raw.begin() + 28);
    std::copy(ct.begin(), ct.end(), raw.begin() + kEncryptedBlobHeaderSize);
  }
  const auto& magic = magic_for(kind);
  std::copy(magic.begin(), magic.end(), raw.begin());
  DataBlob blob(std::move(raw), kind);
  blob.fix_crc();
  return blob;
}

bool DataBlob::is_encrypted() const { return kind_is_encrypted(kind_); }

bool DataBlob::is_compressed() const {
  return kind_ == BlobKind::Compressed || kind_ == BlobKind::EncryptedCompressed;
}

size_t DataBlob::header_size() const {
  return is_encrypted() ? kEncryptedBlobHeaderSize : kBlobHeaderSize;
}

uint32_t DataBlob::stored_crc() const { return load_le32(raw_.data() + 8); }

uint32_t DataBlob::compute_crc() const { return crc32(ByteView(raw_).subspan(header_size())); }

Status DataBlob::verify_crc() const {
  uint32_t stored = stored_crc();
  uint32_t computed = compute_crc();
  if (stored != computed) {
    return make_error(Errc::Corruption, "blob crc mismatch: stored {:08x}, computed {:08x}", stored,
                      computed);
  }
  return ok();
}

void DataBlob::fix_crc() { store_le32(raw_.data() + 8, compute_crc()); }

CryptIv DataBlob::iv() const {
  FERRY_CHECK(is_encrypted(), "iv() of an unencrypted blob");
  CryptIv iv;
  std::copy_n(raw_.begin() + 12, iv.size(), iv.begin());
  return iv;
}

CryptTag DataBlob::tag() const {
  FERRY_CHECK(is_encrypted(), "tag() of an unencrypted blob");
  CryptTag tag;
  std::copy_n(raw_.begin() + 28, tag.size(), tag.begin());
  return tag;
}

Result<Bytes> DataBlob::decode(const CryptConfig* crypt, const Digest* expected_digest) const {
  return decode_with_limit(crypt, expected_digest, kMaxBlobPlaintextSize);
}

Result<Bytes> DataBlob::decode_with_limit(const CryptConfig* crypt, const Digest* expected_digest,
                                          size_t max_size) const {
  max_size = std::min(max_size, kMaxBlobPlaintextSize);
  ByteView payload = ByteView(raw_).subspan(header_size());
  Bytes plain;
  if (!is_encrypted()) {
    if (is_compressed()) {
      FERRY_TRY_ASSIGN(plain, zstd_decompress(payload, max_size));
    } else {
      if (payload.size() > max_size) {
        return make_error(Errc::Corruption, "blob payload of {} bytes exceeds the limit of {}",
                          payload.size(), max_size);
      }
      plain.assign(payload.begin(), payload.end());
    }
  } else {
    if (crypt == nullptr) {
      return make_error(Errc::InvalidArgument, "blob is encrypted but no key was given");
    }
    FERRY_TRY_ASSIGN(Bytes dec, with_context(crypt->decrypt(payload, iv(), tag()), "decrypt blob"));
    if (is_compressed()) {
      FERRY_TRY_ASSIGN(plain, zstd_decompress(dec, max_size));
    } else if (dec.size() > max_size) {
      return make_error(Errc::Corruption, "blob payload of {} bytes exceeds the limit of {}",
                        dec.size(), max_size);
    } else {
      plain = std::move(dec);
    }
  }
  if (expected_digest != nullptr) {
    // PBS-compat: only encrypted blobs use the keyed digest; unencrypted chunks of a
    // sign-only backup are addressed by plain SHA-256 even when a key is present.
    Digest got = is_encrypted() ? crypt->compute_digest(plain) : sha256(plain);
    if (got != *expected_digest) {
      return make_error(Errc::Corruption, "blob digest mismatch: expected {}, got {}",
                        expected_digest->to_hex(), got.to_hex());
    }
  }
  return plain;
}

Status DataBlob::verify_unencrypted(uint64_t expected_size, const Digest& digest) const {
  if (is_encrypted()) return ok();
  size_t limit = size_t(std::min<uint64_t>(expected_size, kMaxBlobPlaintextSize));
  auto decoded = decode_with_limit(nullptr, &digest, limit);
  if (!decoded) {
    return with_context<void>(tl::unexpected(std::move(decoded).error()), "verify chunk {}",
                              digest.to_hex());
  }
  if (decoded->size() != expected_size) {
    return make_error(Errc::Corruption, "verify chunk {}: size mismatch: expected {}, got {}",
                      digest.to_hex(), expected_size, decoded->size());
  }
  return ok();
}

}  // namespace ferry::datastore
