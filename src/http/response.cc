#include "http/response.h"

namespace ferry::http {

Response Response::with_body(int status, std::string body, std::string_view content_type) {
  Response r;
  r.status = status;
  r.headers.set("Content-Type", std::string(content_type));
  r.body = std::move(body);
  return r;
}

}  // namespace ferry::http
