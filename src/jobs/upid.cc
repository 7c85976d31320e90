#include "jobs/upid.h"

#include <fmt/format.h>

#include <vector>

#include "common/text.h"
#include "types/authid.h"

namespace ferry::jobs {
namespace {


// Longest UPID text we parse. Real ones are far shorter (a log file name is limited to 255
// bytes anyway); the bound keeps error messages and work on hostile input small.
constexpr size_t kMaxUpidLength = 4096;

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?
bool is_node_name(std::string_view s) {
  if (s.empty() || !is_alnum(s.front()) || !is_alnum(s.back())) return false;
  for (char c : s) {
    if (!is_alnum(c) && c != '-') return false;
  }
  return true;
}

// [^:\s]+ and, because the UPID is a file name, no '/'.
bool is_worker_type(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == ':' || c == '/' || u <= 0x20 || u == 0x7f) return false;
  }
  return true;
}

// Hex field with `min`..`max` digits of either case.
bool parse_hex_field(std::string_view s, size_t min, size_t max, uint64_t& out) {
  if (s.size() < min || s.size() > max) return false;
  uint64_t v = 0;
  for (char c : s) {
    int d = hex_value(c);
    if (d < 0) return false;
    v = (v << 4) | uint64_t(d);
  }
  out = v;
  return true;
}

// Splits the body between "UPID:" and the final ':' at ':' (worker ids are escaped, so every
// ':' separates fields).
std::vector<std::string_view> split_fields(std::string_view s) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (true) {
    size_t colon = s.find(':', pos);
    if (colon == std::string_view::npos) {
      out.push_back(s.substr(pos));
      return out;
    }
    out.push_back(s.substr(pos, colon - pos));
    pos = colon + 1;
  }
}

Status check_auth_id(std::string_view s) {
  auto a = types::Authid::parse(s);
  if (!a) return tl::unexpected(std::move(a).error());
  return ok();
}

}  // namespace

std::string escape_worker_id(std::string_view id) {
  std::string out;
  out.reserve(id.size());
  for (size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    if (c == '/') {
      out.push_back('-');
    } else if ((i == 0 && c == '.') || !(is_alnum(c) || c == '_' || c == '.')) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<std::string> unescape_worker_id(std::string_view escaped) {
  auto bad = [&](std::string_view why) -> Result<std::string> {
    return make_error(Errc::InvalidArgument, "invalid worker id '{}': {}", escaped, why);
  };
  std::string out;
  out.reserve(escaped.size());
  for (size_t i = 0; i < escaped.size();) {
    char c = escaped[i];
    if (c == '\\') {
      if (i + 4 > escaped.size()) return bad("short escape sequence");
      if (escaped[i + 1] != 'x') return bad("unknown escape sequence");
      int hi = hex_value(escaped[i + 2]);
      int lo = hex_value(escaped[i + 3]);
      if (hi < 0 || lo < 0) return bad("invalid hex digit in escape sequence");
      out.push_back(static_cast<char>((hi << 4) | lo));
      i += 4;
    } else {
      out.push_back(c == '-' ? '/' : c);
      ++i;
    }
  }
  if (!is_valid_utf8(out)) return bad("not valid UTF-8");
  return out;
}

Result<Upid> Upid::parse(std::string_view text) {
  auto bad = [&](std::string_view why) -> Result<Upid> {
    if (text.size() > 300) {
      return make_error(Errc::InvalidArgument, "invalid UPID '{}...': {}", text.substr(0, 300),
                        why);
    }
    return make_error(Errc::InvalidArgument, "invalid UPID '{}': {}", text, why);
  };
  if (text.size() > kMaxUpidLength) return bad("too long");
  constexpr std::string_view kPrefix = "UPID:";
  if (text.substr(0, kPrefix.size()) != kPrefix) return bad("must start with 'UPID:'");
  if (text.back() != ':') return bad("must end with ':'");
  auto fields = split_fields(text.substr(kPrefix.size(), text.size() - kPrefix.size() - 1));
  if (fields.size() != 8) return bad(fmt::format("expected 8 fields, found {}", fields.size()));

  Upid u;
  uint64_t v = 0;
  if (!is_node_name(fields[0])) return bad("invalid node name");
  u.node = fields[0];
  if (!parse_hex_field(fields[1], 8, 8, v)) return bad("pid must be 8 hex digits");
  u.pid = uint32_t(v);
  if (!parse_hex_field(fields[2], 8, 9, u.pstart)) return bad("pstart must be 8 or 9 hex digits");
  if (!parse_hex_field(fields[3], 8, 16, u.task_id)) {
    return bad("task id must be 8 to 16 hex digits");
  }
  if (!parse_hex_field(fields[4], 8, 8, v)) return bad("start time must be 8 hex digits");
  u.starttime = int64_t(v);
  if (!is_worker_type(fields[5])) return bad("invalid worker type");
  u.worker_type = fields[5];
  for (char c : fields[6]) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == '/') return bad("invalid worker id");
  }
  if (!fields[6].empty()) {
    auto id = unescape_worker_id(fields[6]);
    if (!id) return bad(id.error().message());
    u.worker_id = std::move(*id);
  }
  if (auto st = check_auth_id(fields[7]); !st) return bad(st.error().message());
  u.auth_id = fields[7];
  return u;
}

Status Upid::validate() const {
  if (!is_node_name(node)) {
    return make_error(Errc::InvalidArgument, "invalid UPID node name '{}'", node);
  }
  if (!is_worker_type(worker_type)) {
    return make_error(Errc::InvalidArgument, "invalid worker type '{}'", worker_type);
  }
  if (starttime < 0 || starttime > 0xFFFFFFFFLL) {
    return make_error(Errc::InvalidArgument, "task start time {} out of range", starttime);
  }
  if (pstart > 0xFFFFFFFFFULL) {
    return make_error(Errc::InvalidArgument, "process start {} out of range", pstart);
  }
  if (worker_id && !is_valid_utf8(*worker_id)) {
    return make_error(Errc::InvalidArgument, "worker id is not valid UTF-8");
  }
  return check_auth_id(auth_id);
}

std::string Upid::to_string() const {
  return fmt::format("UPID:{}:{:08X}:{:08X}:{:08X}:{:08X}:{}:{}:{}:", node, pid, pstart, task_id,
                     uint64_t(starttime), worker_type,
                     worker_id ? escape_worker_id(*worker_id) : std::string(), auth_id);
}

std::string Upid::log_dir_name() const { return fmt::format("{:02X}", pstart & 0xFF); }

}  // namespace ferry::jobs
