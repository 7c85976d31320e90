// Parameter parsing and response building shared by the backup and reader endpoint handlers
// (protocol.md §3.2, §3.4.1): the PBS schema of every parameter (domains of §3.4.1) on top of
// http/params.h, so errors read exactly like PBS's
// `parameter verification failed - '<name>': <reason>`.
//
// Also the error mapping of §3.2/§7: NotFound → 404, Unauthenticated → 401, everything else
// 400, with the plain-text message as body. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/bytes.h"
#include "common/digest.h"
#include "common/result.h"
#include "http/h2_types.h"
#include "http/params.h"

namespace ferry::protocol::internal {

// Largest JSON body accepted by the append PUTs (the PBS client sends batches of 64 entries,
// a few KiB; 16 MiB leaves room for any sane client).
inline constexpr size_t kMaxJsonBody = 16 * 1024 * 1024;

// --- parameter specs (protocol.md §3.4.1) ---------------------------------------------------
http::ParamSpec wid_param();                           // integer 1..256
http::ParamSpec digest_param();                        // 64 lower-case hex
http::ParamSpec archive_name_param();                  // safe id (the session checks the extension)
http::ParamSpec chunk_size_param();                    // integer 1..16 MiB
http::ParamSpec chunk_encoded_size_param();            // integer 13..16 MiB + 44
http::ParamSpec blob_encoded_size_param();             // integer 12..16 MiB + 44
http::ParamSpec count_or_size_param(int64_t minimum);  // integer >= minimum
http::ParamSpec digest_list_param();                   // array of 64-hex strings
http::ParamSpec offset_list_param();                   // array of integers >= 0

// Decodes the query string of `request` against `schema` (unknown names rejected).
// InvalidArgument with PBS's parameter verification text.
Result<nlohmann::json> decode_query(const http::H2Request& request,
                                    const http::ParamSchema& schema);
// Decodes a JSON object body (the append PUTs); the query is ignored. InvalidArgument when the
// body is larger than kMaxJsonBody, not JSON, or fails the schema.
Result<nlohmann::json> decode_json_body(const http::H2Request& request,
                                        const http::ParamSchema& schema);

// Typed access after a successful decode (types are guaranteed by the schema).
uint64_t get_u64(const nlohmann::json& params, std::string_view name);
std::string get_string(const nlohmann::json& params, std::string_view name);
// Precondition: the value passed digest_param's check.
Digest get_digest(const nlohmann::json& params, std::string_view name);
std::vector<Digest> get_digest_list(const nlohmann::json& params, std::string_view name);
std::vector<uint64_t> get_u64_list(const nlohmann::json& params, std::string_view name);

// --- responses ---------------------------------------------------------------------------
// 200 `{"data": <data>}` with the JSON content type.
http::H2Response json_response(const nlohmann::json& data);
// 200 with raw bytes (application/octet-stream).
http::H2Response download_response(Bytes body);
// The error answer: status from error_status(), body = the error text.
http::H2Response error_response(const Error& error);
// NotFound → 404, Unauthenticated → 401, anything else → 400 (protocol.md §3.2, §7).
int error_status(Errc code);

// The endpoint path with leading/duplicate slashes removed ("//fixed_chunk" → "fixed_chunk").
std::string normalize_path(std::string_view path);
// 404 `Path '/<path>' not found.`
http::H2Response path_not_found(std::string_view normalized);
// GET / : `{"data":[{"subdir":"<name>"},...]}`.
http::H2Response endpoint_listing(const std::vector<std::string_view>& names);

}  // namespace ferry::protocol::internal
