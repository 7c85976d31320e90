#include "datastore/manifest.h"

#include <openssl/crypto.h>

#include <cmath>

#include "common/check.h"
#include "common/hex.h"
#include "common/text.h"

namespace ferry::datastore {
namespace {

using json = nlohmann::json;

constexpr int64_t kMaxBackupTime = 253402300799;  // 9999-12-31T23:59:59Z
constexpr size_t kMaxNameLength = 255;            // NAME_MAX: names become directory entries

tl::unexpected<Error> invalid(std::string_view field, std::string_view reason) {
  return make_error(Errc::InvalidArgument, "invalid manifest: {}: {}", field, reason);
}

// PBS "safe id": ^[A-Za-z0-9_][A-Za-z0-9._\-]*$
bool is_safe_id(std::string_view s) {
  if (s.empty() || s.size() > kMaxNameLength) return false;
  auto alnum_ = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  if (!alnum_(s[0])) return false;
  for (char c : s.substr(1)) {
    if (!alnum_(c) && c != '.' && c != '-') return false;
  }
  return true;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool within_depth(const json& j, size_t depth) {
  if (depth > kMaxManifestJsonDepth) return false;
  if (j.is_object() || j.is_array()) {
    for (const json& v : j) {
      if (!within_depth(v, depth + 1)) return false;
    }
  }
  return true;
}


// ---- field readers: `field` is the JSON path used in messages ----

const json* find(const json& obj, std::string_view key) {
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

Result<std::string> read_string(const json& obj, std::string_view key, std::string_view field) {
  const json* v = find(obj, key);
  if (v == nullptr) return invalid(field, "missing");
  if (!v->is_string())
    return invalid(field, fmt::format("expected a string, got {}", v->type_name()));
  return v->get<std::string>();
}

Result<int64_t> read_i64(const json& obj, std::string_view key, std::string_view field) {
  const json* v = find(obj, key);
  if (v == nullptr) return invalid(field, "missing");
  if (v->is_number_unsigned()) {
    if (v->get<uint64_t>() > uint64_t(INT64_MAX)) return invalid(field, "integer out of range");
    return int64_t(v->get<uint64_t>());
  }
  if (!v->is_number_integer()) {
    return invalid(field, fmt::format("expected an integer, got {}", v->dump()));
  }
  return v->get<int64_t>();
}

Result<uint64_t> read_u64(const json& obj, std::string_view key, std::string_view field) {
  const json* v = find(obj, key);
  if (v == nullptr) return invalid(field, "missing");
  if (v->is_number_unsigned()) return v->get<uint64_t>();
  return invalid(field, fmt::format("expected a non-negative integer, got {}", v->dump()));
}

Result<FileInfo> parse_file_info(const json& j, size_t index) {
  std::string where = fmt::format("files[{}]", index);
  if (!j.is_object())
    return invalid(where, fmt::format("expected an object, got {}", j.type_name()));
  FileInfo f;
  FERRY_TRY_ASSIGN(f.filename, read_string(j, "filename", where + ".filename"));
  if (auto t = parse_archive_name(f.filename); !t) {
    return invalid(where + ".filename", t.error().message());
  }
  if (const json* cm = find(j, "crypt-mode"); cm != nullptr) {
    // PBS-compat: old manifests have no crypt-mode; it then defaults to "none" (spec §7.3).
    FERRY_TRY_ASSIGN(std::string mode, read_string(j, "crypt-mode", where + ".crypt-mode"));
    std::optional<CryptMode> parsed = parse_crypt_mode(mode);
    if (!parsed)
      return invalid(where + ".crypt-mode", fmt::format("unknown crypt mode '{}'", mode));
    f.crypt_mode = *parsed;
  }
  FERRY_TRY_ASSIGN(f.size, read_u64(j, "size", where + ".size"));
  FERRY_TRY_ASSIGN(std::string csum, read_string(j, "csum", where + ".csum"));
  auto digest = Digest::from_hex(csum);
  if (!digest) return invalid(where + ".csum", fmt::format("'{}' is not 64 hex digits", csum));
  f.csum = *digest;
  return f;
}

Status parse_identity(const json& doc, BackupManifest& m) {
  FERRY_TRY_ASSIGN(m.backup_type, read_string(doc, "backup-type", "backup-type"));
  if (m.backup_type != "vm" && m.backup_type != "ct" && m.backup_type != "host") {
    return invalid("backup-type", fmt::format("unknown backup type '{}'", m.backup_type));
  }
  FERRY_TRY_ASSIGN(m.backup_id, read_string(doc, "backup-id", "backup-id"));
  if (!is_safe_id(m.backup_id)) {
    return invalid("backup-id", fmt::format("'{}' is not a valid backup id", m.backup_id));
  }
  FERRY_TRY_ASSIGN(m.backup_time, read_i64(doc, "backup-time", "backup-time"));
  if (m.backup_time < 1 || m.backup_time > kMaxBackupTime) {
    return invalid("backup-time", fmt::format("{} is out of range", m.backup_time));
  }
  return ok();
}

Status parse_rest(const json& doc, BackupManifest& m) {
  const json* files = find(doc, "files");
  if (files == nullptr) return invalid("files", "missing");
  if (!files->is_array()) {
    return invalid("files", fmt::format("expected an array, got {}", files->type_name()));
  }
  for (size_t i = 0; i < files->size(); ++i) {
    FERRY_TRY_ASSIGN(FileInfo f, parse_file_info((*files)[i], i));
    m.files.push_back(std::move(f));
  }
  if (const json* u = find(doc, "unprotected"); u != nullptr && !u->is_null()) {
    if (!u->is_object()) {
      return invalid("unprotected", fmt::format("expected an object, got {}", u->type_name()));
    }
    m.unprotected = *u;
  }
  if (const json* s = find(doc, "signature"); s != nullptr && !s->is_null()) {
    if (!s->is_string()) {
      return invalid("signature", fmt::format("expected a string or null, got {}", s->type_name()));
    }
    m.signature = s->get<std::string>();
  }
  return ok();
}

// ---- serde_json-compatible writers ----

void write_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char ch : s) {
    auto c = uint8_t(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xf]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

// Writes a scalar (string, number, bool, null) as serde_json does.
void write_scalar(std::string& out, const json& v) {
  switch (v.type()) {
    case json::value_t::string:
      write_string(out, v.get_ref<const std::string&>());
      return;
    case json::value_t::number_integer:
      out += fmt::format("{}", v.get<int64_t>());
      return;
    case json::value_t::number_unsigned:
      out += fmt::format("{}", v.get<uint64_t>());
      return;
    case json::value_t::boolean:
      out += v.get<bool>() ? "true" : "false";
      return;
    case json::value_t::number_float: {
      // Best effort at serde's ryu output (PBS never writes floats into manifests): shortest
      // round-trip digits, ".0" on integral values, exponent without '+'.
      double d = v.get<double>();
      if (!std::isfinite(d)) {
        out += "null";
        return;
      }
      std::string s = fmt::format("{}", d);
      if (s.find_first_of(".e") == std::string::npos) s += ".0";
      if (auto p = s.find("e+"); p != std::string::npos) s.erase(p + 1, 1);
      out += s;
      return;
    }
    default:
      out += "null";
      return;
  }
}

void write_pretty(std::string& out, const json& v, size_t level) {
  if (!v.is_object() && !v.is_array()) return write_scalar(out, v);
  const bool obj = v.is_object();
  if (v.empty()) {
    out += obj ? "{}" : "[]";
    return;
  }
  out.push_back(obj ? '{' : '[');
  bool first = true;
  for (auto it = v.begin(); it != v.end(); ++it) {
    out += first ? "\n" : ",\n";
    first = false;
    out.append(2 * (level + 1), ' ');
    if (obj) {
      write_string(out, it.key());
      out += ": ";
    }
    write_pretty(out, *it, level + 1);
  }
  out.push_back('\n');
  out.append(2 * level, ' ');
  out.push_back(obj ? '}' : ']');
}

Status write_canonical(std::string& out, const json& v) {
  if (v.is_null())
    return make_error(Errc::InvalidArgument, "canonical json: unexpected null value");
  if (!v.is_object() && !v.is_array()) {
    write_scalar(out, v);
    return ok();
  }
  const bool obj = v.is_object();
  out.push_back(obj ? '{' : '[');
  bool first = true;
  // nlohmann objects are std::maps: iteration is already byte-wise sorted.
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (!first) out.push_back(',');
    first = false;
    if (obj) {
      write_string(out, it.key());
      out.push_back(':');
    }
    FERRY_TRY(write_canonical(out, *it));
  }
  out.push_back(obj ? '}' : ']');
  return ok();
}

json signed_value(const BackupManifest& m) {
  json files = json::array();
  for (const FileInfo& f : m.files) {
    json e = json::object();
    e["crypt-mode"] = std::string(crypt_mode_name(f.crypt_mode));
    e["csum"] = f.csum.to_hex();
    e["filename"] = f.filename;
    e["size"] = f.size;
    files.push_back(std::move(e));
  }
  json doc = json::object();
  doc["backup-type"] = m.backup_type;
  doc["backup-id"] = m.backup_id;
  doc["backup-time"] = m.backup_time;
  doc["files"] = std::move(files);
  return doc;
}

}  // namespace

std::string_view crypt_mode_name(CryptMode mode) {
  switch (mode) {
    case CryptMode::None:
      return "none";
    case CryptMode::Encrypt:
      return "encrypt";
    case CryptMode::SignOnly:
      return "sign-only";
  }
  return "none";
}

std::optional<CryptMode> parse_crypt_mode(std::string_view name) {
  if (name == "none") return CryptMode::None;
  if (name == "encrypt") return CryptMode::Encrypt;
  if (name == "sign-only") return CryptMode::SignOnly;
  return std::nullopt;
}

Result<ArchiveType> parse_archive_name(std::string_view name) {
  if (!is_safe_id(name)) {
    return make_error(Errc::InvalidArgument, "'{}' is not a valid archive name", name);
  }
  if (ends_with(name, ".fidx")) return ArchiveType::FixedIndex;
  if (ends_with(name, ".didx")) return ArchiveType::DynamicIndex;
  if (ends_with(name, ".blob")) return ArchiveType::Blob;
  return make_error(Errc::InvalidArgument,
                    "archive name '{}' does not end in .fidx, .didx or .blob", name);
}

std::string to_pbs_pretty_json(const json& value) {
  std::string out;
  write_pretty(out, value, 0);
  return out;
}

Result<std::string> to_canonical_json(const json& value) {
  std::string out;
  FERRY_TRY(write_canonical(out, value));
  return out;
}

Result<BackupManifest> BackupManifest::parse(std::string_view text) {
  if (text.size() > kMaxManifestSize) {
    return make_error(Errc::InvalidArgument, "invalid manifest: {} bytes exceeds the limit of {}",
                      text.size(), kMaxManifestSize);
  }
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded())
    return make_error(Errc::InvalidArgument, "invalid manifest: not valid JSON");
  if (!doc.is_object()) {
    return make_error(Errc::InvalidArgument, "invalid manifest: expected a JSON object, got {}",
                      doc.type_name());
  }
  if (!within_depth(doc, 0)) {
    return make_error(Errc::InvalidArgument, "invalid manifest: nested deeper than {} levels",
                      kMaxManifestJsonDepth);
  }
  BackupManifest m;
  FERRY_TRY(parse_identity(doc, m));
  FERRY_TRY(parse_rest(doc, m));
  return m;
}

Result<BackupManifest> BackupManifest::from_blob(const DataBlob& blob) {
  auto parsed = [&]() -> Result<BackupManifest> {
    FERRY_TRY(blob.verify_crc());
    if (blob.is_encrypted()) return make_error(Errc::Corruption, "manifest blob is encrypted");
    FERRY_TRY_ASSIGN(Bytes text, blob.decode_with_limit(nullptr, nullptr, kMaxManifestSize));
    return parse(as_chars(text));
  }();
  return with_context(std::move(parsed), "manifest blob");
}

Result<BackupManifest> BackupManifest::load(const std::filesystem::path& path) {
  auto loaded = [&]() -> Result<BackupManifest> {
    FERRY_TRY_ASSIGN(DataBlob blob,
                     DataBlob::load(path, kMaxManifestSize + kEncryptedBlobHeaderSize));
    return from_blob(blob);
  }();
  return with_context(std::move(loaded), "load manifest '{}'", path.string());
}

std::string BackupManifest::to_pretty_json() const {
  json doc = signed_value(*this);
  doc["unprotected"] = unprotected;
  doc["signature"] = signature ? json(*signature) : json(nullptr);
  return to_pbs_pretty_json(doc);
}

std::string BackupManifest::canonical_json() const {
  std::string out;
  Status st = write_canonical(out, signed_value(*this));
  // The signed part is built from strings and integers only: it cannot hold a null.
  FERRY_CHECK(st.has_value(), "canonical json of a manifest failed");
  return out;
}

Digest BackupManifest::compute_signature(const CryptConfig& crypt) const {
  return crypt.compute_auth_tag(as_bytes(canonical_json()));
}

void BackupManifest::sign(const CryptConfig& crypt) {
  set_key_fingerprint(crypt.fingerprint_string());
  signature = compute_signature(crypt).to_hex();
}

Status BackupManifest::verify_signature(const CryptConfig& crypt) const {
  if (std::optional<std::string> fp = key_fingerprint(); fp && *fp != crypt.fingerprint_string()) {
    return make_error(Errc::InvalidArgument,
                      "manifest was signed with key {} but the given key is {}", *fp,
                      crypt.fingerprint_string());
  }
  if (!signature) return make_error(Errc::InvalidArgument, "manifest is not signed");
  Digest expected = compute_signature(crypt);
  auto stored = Digest::from_hex(*signature);
  if (!stored || CRYPTO_memcmp(stored->bytes.data(), expected.bytes.data(), 32) != 0) {
    return make_error(Errc::Corruption, "manifest signature mismatch");
  }
  return ok();
}

Result<DataBlob> BackupManifest::to_blob() const {
  std::string text = to_pretty_json();
  return DataBlob::encode(as_bytes(text), nullptr, /*compress=*/true);
}

Status BackupManifest::add_file(std::string filename, uint64_t size, const Digest& csum,
                                CryptMode mode) {
  FERRY_TRY(parse_archive_name(filename));
  if (lookup_file(filename) != nullptr) {
    return make_error(Errc::AlreadyExists, "manifest already lists '{}'", filename);
  }
  files.push_back(FileInfo{std::move(filename), mode, size, csum});
  return ok();
}

const FileInfo* BackupManifest::lookup_file(std::string_view name) const {
  for (const FileInfo& f : files) {
    if (f.filename == name) return &f;
  }
  return nullptr;
}

Result<std::optional<SnapshotVerifyState>> BackupManifest::verify_state() const {
  const json* v = unprotected.is_object() ? find(unprotected, "verify_state") : nullptr;
  if (v == nullptr || v->is_null()) return std::optional<SnapshotVerifyState>{};
  auto bad = [](std::string_view why) {
    return make_error(Errc::Corruption, "invalid manifest: unprotected.verify_state: {}", why);
  };
  if (!v->is_object()) return bad("expected an object");
  const json* state = find(*v, "state");
  const json* upid = find(*v, "upid");
  if (state == nullptr || !state->is_string()) return bad("state: expected a string");
  if (upid == nullptr || !upid->is_string()) return bad("upid: expected a string");
  SnapshotVerifyState out;
  const auto& s = state->get_ref<const std::string&>();
  if (s == "ok") {
    out.state = VerifyState::Ok;
  } else if (s == "failed") {
    out.state = VerifyState::Failed;
  } else {
    return bad(fmt::format("unknown state '{}'", s));
  }
  out.upid = upid->get<std::string>();
  return std::optional<SnapshotVerifyState>(std::move(out));
}

void BackupManifest::set_verify_state(const SnapshotVerifyState& state) {
  if (!unprotected.is_object()) unprotected = json::object();
  json v = json::object();
  v["state"] = state.state == VerifyState::Ok ? "ok" : "failed";
  v["upid"] = state.upid;
  unprotected["verify_state"] = std::move(v);
}

void BackupManifest::clear_verify_state() {
  if (unprotected.is_object()) unprotected.erase("verify_state");
}

std::string BackupManifest::notes() const {
  const json* v = unprotected.is_object() ? find(unprotected, "notes") : nullptr;
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

Status BackupManifest::set_notes(std::string_view notes) {
  if (!is_valid_utf8(notes)) return make_error(Errc::InvalidArgument, "notes are not valid UTF-8");
  if (!unprotected.is_object()) unprotected = json::object();
  unprotected["notes"] = std::string(notes);
  return ok();
}

Result<std::optional<ChunkUploadStats>> BackupManifest::chunk_upload_stats() const {
  const json* v = unprotected.is_object() ? find(unprotected, "chunk_upload_stats") : nullptr;
  if (v == nullptr || v->is_null()) return std::optional<ChunkUploadStats>{};
  if (!v->is_object()) {
    return make_error(Errc::Corruption,
                      "invalid manifest: unprotected.chunk_upload_stats: expected an object");
  }
  ChunkUploadStats s;
  auto field = [&](std::string_view key, uint64_t& out) -> Status {
    std::string where = fmt::format("unprotected.chunk_upload_stats.{}", key);
    auto r = read_u64(*v, key, where);
    if (!r) return make_error(Errc::Corruption, "{}", r.error().message());
    out = *r;
    return ok();
  };
  FERRY_TRY(field("count", s.count));
  FERRY_TRY(field("size", s.size));
  FERRY_TRY(field("compressed_size", s.compressed_size));
  FERRY_TRY(field("duplicates", s.duplicates));
  return std::optional<ChunkUploadStats>(s);
}

void BackupManifest::set_chunk_upload_stats(const ChunkUploadStats& stats) {
  if (!unprotected.is_object()) unprotected = json::object();
  json v = json::object();
  v["compressed_size"] = stats.compressed_size;
  v["count"] = stats.count;
  v["duplicates"] = stats.duplicates;
  v["size"] = stats.size;
  unprotected["chunk_upload_stats"] = std::move(v);
}

std::optional<std::string> BackupManifest::key_fingerprint() const {
  const json* v = unprotected.is_object() ? find(unprotected, "key-fingerprint") : nullptr;
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->get<std::string>();
}

void BackupManifest::set_key_fingerprint(std::string fingerprint) {
  if (!unprotected.is_object()) unprotected = json::object();
  unprotected["key-fingerprint"] = std::move(fingerprint);
}

}  // namespace ferry::datastore
