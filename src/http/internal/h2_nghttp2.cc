#include "http/internal/h2_nghttp2.h"

#include <algorithm>
#include <cstring>

namespace ferry::http {

std::string_view H2Request::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (h.name == name) return h.value;
  }
  return {};
}

std::string_view H2Response::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (h.name == name) return h.value;
  }
  return {};
}

namespace internal {
namespace {

ssize_t read_body(nghttp2_session*, int32_t, uint8_t* buf, size_t length, uint32_t* data_flags,
                  nghttp2_data_source* source, void*) {
  auto* body = static_cast<H2OutgoingBody*>(source->ptr);
  size_t n = std::min(length, body->data.size() - body->offset);
  if (n > 0) std::memcpy(buf, body->data.data() + body->offset, n);
  body->offset += n;
  if (body->offset == body->data.size()) {
    *data_flags |= NGHTTP2_DATA_FLAG_EOF;
    // Everything is in nghttp2's frame buffer now: give the memory back early, which bounds
    // a client's footprint to the bodies still being sent.
    Bytes().swap(body->data);
    body->offset = 0;
  }
  return static_cast<ssize_t>(n);
}

}  // namespace

nghttp2_data_provider body_provider(H2OutgoingBody* body) {
  nghttp2_data_provider provider{};
  provider.source.ptr = body;
  provider.read_callback = read_body;
  return provider;
}

void NvList::add(std::string_view name, std::string_view value) {
  nghttp2_nv nv{};
  nv.name = reinterpret_cast<uint8_t*>(const_cast<char*>(name.data()));
  nv.namelen = name.size();
  nv.value = reinterpret_cast<uint8_t*>(const_cast<char*>(value.data()));
  nv.valuelen = value.size();
  nv.flags = NGHTTP2_NV_FLAG_NONE;
  nv_.push_back(nv);
}

std::string h2_error_name(uint32_t error_code) {
  switch (error_code) {
    case NGHTTP2_NO_ERROR:
      return "NO_ERROR";
    case NGHTTP2_PROTOCOL_ERROR:
      return "PROTOCOL_ERROR";
    case NGHTTP2_INTERNAL_ERROR:
      return "INTERNAL_ERROR";
    case NGHTTP2_FLOW_CONTROL_ERROR:
      return "FLOW_CONTROL_ERROR";
    case NGHTTP2_SETTINGS_TIMEOUT:
      return "SETTINGS_TIMEOUT";
    case NGHTTP2_STREAM_CLOSED:
      return "STREAM_CLOSED";
    case NGHTTP2_FRAME_SIZE_ERROR:
      return "FRAME_SIZE_ERROR";
    case NGHTTP2_REFUSED_STREAM:
      return "REFUSED_STREAM";
    case NGHTTP2_CANCEL:
      return "CANCEL";
    case NGHTTP2_COMPRESSION_ERROR:
      return "COMPRESSION_ERROR";
    case NGHTTP2_CONNECT_ERROR:
      return "CONNECT_ERROR";
    case NGHTTP2_ENHANCE_YOUR_CALM:
      return "ENHANCE_YOUR_CALM";
    case NGHTTP2_INADEQUATE_SECURITY:
      return "INADEQUATE_SECURITY";
    case NGHTTP2_HTTP_1_1_REQUIRED:
      return "HTTP_1_1_REQUIRED";
    default:
      return "error " + std::to_string(error_code);
  }
}

std::string lower_header_name(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace internal
}  // namespace ferry::http
