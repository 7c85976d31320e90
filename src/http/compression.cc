#include "http/compression.h"

#include <zlib.h>

#include <cstdlib>

#include "http/request.h"

namespace ferry::http {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The q-value of one Accept-Encoding element's parameters ("q=0.5"); 1 when absent.
double q_value(std::string_view params) {
  while (!params.empty()) {
    size_t semi = params.find(';');
    std::string_view p = trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    if (p.size() >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
      std::string v(p.substr(2));
      char* end = nullptr;
      double q = std::strtod(v.c_str(), &end);
      return end == v.c_str() ? 0.0 : q;
    }
  }
  return 1.0;
}

}  // namespace

bool accepts_deflate(std::string_view accept_encoding) {
  while (!accept_encoding.empty()) {
    size_t comma = accept_encoding.find(',');
    std::string_view element = accept_encoding.substr(0, comma);
    accept_encoding =
        comma == std::string_view::npos ? std::string_view() : accept_encoding.substr(comma + 1);
    size_t semi = element.find(';');
    std::string_view coding = trim(element.substr(0, semi));
    if (!iequals(coding, "deflate")) continue;
    return semi == std::string_view::npos || q_value(element.substr(semi + 1)) > 0.0;
  }
  return false;
}

Result<std::string> deflate_compress(std::string_view data, int level) {
  uLongf bound = compressBound(uLong(data.size()));
  std::string out(bound, '\0');
  int rc = compress2(reinterpret_cast<Bytef*>(out.data()), &bound,
                     reinterpret_cast<const Bytef*>(data.data()), uLong(data.size()), level);
  if (rc != Z_OK) return make_error(Errc::Internal, "deflate failed: zlib error {}", rc);
  out.resize(bound);
  return out;
}

Result<std::string> deflate_decompress(std::string_view data, size_t max_size) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return make_error(Errc::Internal, "inflateInit failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = uInt(data.size());
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
    if (out.size() > max_size) rc = Z_MEM_ERROR;
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) rc = Z_DATA_ERROR;  // truncated
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    return make_error(Errc::InvalidArgument, "invalid deflate data (zlib error {})", rc);
  }
  return out;
}

}  // namespace ferry::http
