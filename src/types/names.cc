#include "types/names.h"

#include <arpa/inet.h>

#include <string>

namespace ferry::types {
namespace {

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_dns_label(std::string_view l) {
  if (l.empty() || l.size() > 63) return false;
  if (!is_alnum(l.front()) || !is_alnum(l.back())) return false;
  for (char c : l) {
    if (!is_alnum(c) && c != '-') return false;
  }
  return true;
}

}  // namespace

bool is_safe_id(std::string_view s) {
  if (s.empty() || !(is_alnum(s[0]) || s[0] == '_')) return false;
  for (char c : s.substr(1)) {
    if (!(is_alnum(c) || c == '_' || c == '.' || c == '-')) return false;
  }
  return true;
}

Status validate_safe_id(std::string_view s, std::string_view what, size_t min_len,
                        size_t max_len) {
  if (s.size() < min_len || s.size() > max_len) {
    return make_error(Errc::InvalidArgument, "invalid {} '{}': must be {} to {} characters", what,
                      s, min_len, max_len);
  }
  if (!is_safe_id(s)) {
    return make_error(Errc::InvalidArgument,
                      "invalid {} '{}': only letters, digits, '_', '.' and '-' are allowed, "
                      "starting with a letter, digit or '_'",
                      what, s);
  }
  return ok();
}

Status validate_datastore_name(std::string_view s) {
  return validate_safe_id(s, "datastore name", 3, 32);
}
Status validate_remote_name(std::string_view s) { return validate_safe_id(s, "remote name", 3, 32); }
Status validate_job_id(std::string_view s) { return validate_safe_id(s, "job id", 3, 32); }

Status validate_comment(std::string_view s) {
  if (s.size() > 128) {
    return make_error(Errc::InvalidArgument, "invalid comment: longer than 128 characters");
  }
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return make_error(Errc::InvalidArgument,
                        "invalid comment '{}': control characters (such as newlines) are not "
                        "allowed",
                        s);
    }
  }
  return ok();
}

Status validate_fingerprint(std::string_view s) {
  bool good = s.size() == 95;
  for (size_t i = 0; good && i < s.size(); ++i) {
    good = (i % 3 == 2) ? s[i] == ':' : is_hex(s[i]);
  }
  if (!good) {
    return make_error(Errc::InvalidArgument,
                      "invalid fingerprint '{}': expected 32 hex byte pairs separated by ':'", s);
  }
  return ok();
}

Status validate_host(std::string_view s) {
  std::string str(s);
  unsigned char buf[16];
  if (!s.empty() && s.size() <= 253) {
    if (inet_pton(AF_INET6, str.c_str(), buf) == 1) return ok();
    if (inet_pton(AF_INET, str.c_str(), buf) == 1) return ok();
    bool all_digits_dots = s.find_first_not_of("0123456789.") == std::string_view::npos;
    bool good = !all_digits_dots;  // "1.2.3" is neither an IPv4 address nor a DNS name
    size_t start = 0;
    while (good) {
      size_t dot = s.find('.', start);
      good = is_dns_label(s.substr(start, dot == std::string_view::npos ? dot : dot - start));
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
    if (good) return ok();
  }
  return make_error(Errc::InvalidArgument,
                    "invalid host '{}': expected a DNS name, an IPv4 or an IPv6 address", s);
}

Status validate_archive_name(std::string_view s) {
  FERRY_TRY(validate_safe_id(s, "archive name", 1, 255));
  auto ends = [&](std::string_view suf) {
    return s.size() > suf.size() && s.substr(s.size() - suf.size()) == suf;
  };
  if (!ends(".fidx") && !ends(".didx") && !ends(".blob")) {
    return make_error(Errc::InvalidArgument,
                      "invalid archive name '{}': must end in .fidx, .didx or .blob", s);
  }
  return ok();
}

}  // namespace ferry::types
