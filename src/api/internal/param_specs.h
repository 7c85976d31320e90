// Parameter specs shared by the API routes (api.md §2.2, §4): the PBS value types with their
// validators, so each route declares its schema in a few lines.
//
// Every spec converts form values per type (http/params.h) and checks the value with the
// validator of types/ (its message becomes the parameter's reason). Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "http/params.h"

namespace ferry::api::internal {

enum class Opt { Required, Optional };

http::ParamSpec string_param(Opt opt, std::optional<size_t> min_len = std::nullopt,
                             std::optional<size_t> max_len = std::nullopt);
http::ParamSpec bool_param(Opt opt = Opt::Optional);
http::ParamSpec int_param(Opt opt, std::optional<int64_t> min = std::nullopt,
                          std::optional<int64_t> max = std::nullopt);
// An array of strings (form: repeated key).
http::ParamSpec string_array_param(Opt opt = Opt::Optional);

// Value kinds of api.md §4.
http::ParamSpec datastore_name_param(Opt opt = Opt::Required);
http::ParamSpec remote_name_param(Opt opt = Opt::Required);
http::ParamSpec job_id_param(Opt opt = Opt::Required);
http::ParamSpec namespace_param(Opt opt = Opt::Optional);
http::ParamSpec backup_type_param(Opt opt = Opt::Required);
http::ParamSpec backup_id_param(Opt opt = Opt::Required);
http::ParamSpec backup_time_param(Opt opt = Opt::Required);
http::ParamSpec authid_param(Opt opt = Opt::Required);
http::ParamSpec userid_param(Opt opt = Opt::Required);
http::ParamSpec digest_param();  // optional, 64 lower-case hex
http::ParamSpec comment_param();  // optional, single line, <= 128
http::ParamSpec max_depth_param();  // optional 0..7
http::ParamSpec node_param();       // required host-name label ("localhost")

// Typed access to a decoded parameter object (after schema checks, so types are right).
std::optional<std::string> opt_string(const nlohmann::json& params, std::string_view name);
std::optional<int64_t> opt_int(const nlohmann::json& params, std::string_view name);
std::optional<bool> opt_bool(const nlohmann::json& params, std::string_view name);
std::string req_string(const nlohmann::json& params, std::string_view name);
std::vector<std::string> string_list(const nlohmann::json& params, std::string_view name);

}  // namespace ferry::api::internal

namespace ferry::api::internal {

// PBS answers reads and updates of an unknown config id with 400 ("no such remote 'x'"), and
// only deletes with 404 (api.md §3.3): turns a NotFound into InvalidArgument.
template <typename T>
Result<T> not_found_is_bad_request(Result<T>&& r) {
  if (!r && r.error().code() == Errc::NotFound) {
    return tl::unexpected(Error(Errc::InvalidArgument, r.error().to_string()));
  }
  return std::move(r);
}

}  // namespace ferry::api::internal
