// nghttp2 helpers shared by the H2 session implementations (private to http/h2_*).
#pragma once

#include <nghttp2/nghttp2.h>

#include <string>
#include <string_view>
#include <vector>

#include "http/h2_session.h"
#include "http/h2_types.h"

namespace ferry::http::internal {

// A data provider that streams `body` (which must outlive the stream) and sets END_STREAM
// after its last byte. The buffer is released as soon as nghttp2 has copied it all.
nghttp2_data_provider body_provider(H2OutgoingBody* body);

// Header list builder: owns nothing, points into strings that must outlive the submit call
// (nghttp2 copies names and values during nghttp2_submit_*).
class NvList {
 public:
  void add(std::string_view name, std::string_view value);
  nghttp2_nv* data() { return nv_.data(); }
  size_t size() const { return nv_.size(); }

 private:
  std::vector<nghttp2_nv> nv_;
};

// "PROTOCOL_ERROR", "CANCEL", ... for an HTTP/2 error code.
std::string h2_error_name(uint32_t error_code);

// Lower-cases a header name in place (HTTP/2 requires lower-case field names).
std::string lower_header_name(std::string_view name);

}  // namespace ferry::http::internal
