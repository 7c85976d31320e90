#include "http/status.h"

namespace ferry::http {

int http_status(Errc code) {
  switch (code) {
    case Errc::InvalidArgument:
      return 400;
    case Errc::NotFound:
      return 404;
    // PBS-compat: "remote 'x' already exists." is a 400 parameter error (api.md §3.5).
    case Errc::AlreadyExists:
      return 400;
    case Errc::PermissionDenied:
      return 403;
    case Errc::Unauthenticated:
      return 401;
    // PBS-compat: digest mismatch and "locked by another operation" are 400 (api.md §3.5,
    // protocol.md §2.2), not 409.
    case Errc::Conflict:
      return 400;
    case Errc::Corruption:
      return 500;
    case Errc::Io:
      return 500;
    case Errc::Unavailable:
      return 503;
    case Errc::Cancelled:
      return 400;
    case Errc::Timeout:
      return 504;
    case Errc::Internal:
      return 500;
  }
  return 500;
}

}  // namespace ferry::http
