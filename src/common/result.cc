#include "common/result.h"

#include <cstring>

namespace ferry {

std::string_view errc_name(Errc code) {
  switch (code) {
    case Errc::InvalidArgument: return "invalid-argument";
    case Errc::NotFound: return "not-found";
    case Errc::AlreadyExists: return "already-exists";
    case Errc::PermissionDenied: return "permission-denied";
    case Errc::Unauthenticated: return "unauthenticated";
    case Errc::Conflict: return "conflict";
    case Errc::Corruption: return "corruption";
    case Errc::Io: return "io";
    case Errc::Unavailable: return "unavailable";
    case Errc::Cancelled: return "cancelled";
    case Errc::Timeout: return "timeout";
    case Errc::Internal: return "internal";
  }
  return "unknown";
}

std::string Error::to_string() const {
  std::string out;
  for (auto it = context_.rbegin(); it != context_.rend(); ++it) {
    out += *it;
    out += ": ";
  }
  out += message_;
  return out;
}

tl::unexpected<Error> errno_error(int err, Errc code) {
  char buf[256];
  // GNU strerror_r returns the message pointer (which may not be buf).
  const char* msg = strerror_r(err, buf, sizeof buf);
  if (err == ENOENT) code = Errc::NotFound;
  if (err == EEXIST) code = Errc::AlreadyExists;
  if (err == EACCES || err == EPERM) code = Errc::PermissionDenied;
  return tl::unexpected<Error>(Error(code, msg));
}

}  // namespace ferry
