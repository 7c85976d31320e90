#include "http/internal/openssl_util.h"

#include <openssl/err.h>

namespace ferry::http::internal {

std::string openssl_error_text(std::string_view what) {
  std::string text(what);
  bool first = true;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    text += first ? ": " : "; ";
    text += buf;
    first = false;
  }
  if (first) text += ": unknown openssl error";
  return text;
}

tl::unexpected<Error> openssl_error(std::string_view what, Errc code) {
  return tl::unexpected<Error>(Error(code, openssl_error_text(what)));
}

std::string bio_to_string(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  if (len <= 0 || data == nullptr) return {};
  return std::string(data, size_t(len));
}

}  // namespace ferry::http::internal
