#include "api/internal/param_specs.h"

#include <cctype>

#include "types/authid.h"
#include "types/backup_group.h"
#include "types/backup_namespace.h"
#include "types/backup_type.h"
#include "types/names.h"

namespace ferry::api::internal {
namespace {

using nlohmann::json;
using http::ParamSpec;
using http::ParamType;

// Wraps a string validator as a ParamSpec check (reason = the validator's message).
template <typename F>
std::function<Status(const json&)> string_check(F validate) {
  return [validate](const json& v) -> Status {
    if (!v.is_string()) return ok();
    return validate(v.get_ref<const std::string&>());
  };
}

ParamSpec with_check(ParamSpec spec, std::function<Status(const json&)> check) {
  spec.check = std::move(check);
  return spec;
}

}  // namespace

ParamSpec string_param(Opt opt, std::optional<size_t> min_len, std::optional<size_t> max_len) {
  ParamSpec s;
  s.type = ParamType::String;
  s.optional = opt == Opt::Optional;
  s.min_length = min_len;
  s.max_length = max_len;
  return s;
}

ParamSpec bool_param(Opt opt) {
  ParamSpec s;
  s.type = ParamType::Boolean;
  s.optional = opt == Opt::Optional;
  return s;
}

ParamSpec int_param(Opt opt, std::optional<int64_t> min, std::optional<int64_t> max) {
  ParamSpec s;
  s.type = ParamType::Integer;
  s.optional = opt == Opt::Optional;
  s.minimum = min;
  s.maximum = max;
  return s;
}

ParamSpec string_array_param(Opt opt) {
  ParamSpec s;
  s.type = ParamType::Array;
  s.item_type = ParamType::String;
  s.optional = opt == Opt::Optional;
  return s;
}

ParamSpec datastore_name_param(Opt opt) {
  return with_check(string_param(opt), string_check(types::validate_datastore_name));
}

ParamSpec remote_name_param(Opt opt) {
  return with_check(string_param(opt), string_check(types::validate_remote_name));
}

ParamSpec job_id_param(Opt opt) {
  return with_check(string_param(opt), string_check(types::validate_job_id));
}

ParamSpec namespace_param(Opt opt) {
  return with_check(string_param(opt), string_check([](std::string_view s) -> Status {
                      FERRY_TRY(types::BackupNamespace::parse(s));
                      return ok();
                    }));
}

ParamSpec backup_type_param(Opt opt) {
  return with_check(string_param(opt), string_check([](std::string_view s) -> Status {
                      FERRY_TRY(types::parse_backup_type(s));
                      return ok();
                    }));
}

ParamSpec backup_id_param(Opt opt) {
  return with_check(string_param(opt), string_check(types::validate_backup_id));
}

ParamSpec backup_time_param(Opt opt) {
  // Years 0..9999: the upper bound is 9999-12-31T23:59:59Z.
  return int_param(opt, 1, 253402300799);
}

ParamSpec authid_param(Opt opt) {
  return with_check(string_param(opt, 3, 64), string_check([](std::string_view s) -> Status {
                      FERRY_TRY(types::Authid::parse(s));
                      return ok();
                    }));
}

ParamSpec userid_param(Opt opt) {
  return with_check(string_param(opt, 3, 64), string_check([](std::string_view s) -> Status {
                      FERRY_TRY(types::Userid::parse(s));
                      return ok();
                    }));
}

ParamSpec digest_param() {
  return with_check(string_param(Opt::Optional), string_check([](std::string_view s) -> Status {
                      bool hex = s.size() == 64;
                      for (char c : s) hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
                      if (hex) return ok();
                      return make_error(Errc::InvalidArgument,
                                        "value does not match the regex pattern");
                    }));
}

ParamSpec comment_param() {
  return with_check(string_param(Opt::Optional), string_check(types::validate_comment));
}

ParamSpec max_depth_param() { return int_param(Opt::Optional, 0, 7); }

ParamSpec node_param() {
  return with_check(string_param(Opt::Required, 1, 63),
                    string_check([](std::string_view s) -> Status {
                      auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
                      bool good = alnum(s.front()) && alnum(s.back());
                      for (char c : s) good = good && (alnum(c) || c == '-');
                      if (good) return ok();
                      return make_error(Errc::InvalidArgument,
                                        "value does not match the regex pattern");
                    }));
}

std::optional<std::string> opt_string(const json& params, std::string_view name) {
  auto it = params.find(name);
  if (it == params.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<int64_t> opt_int(const json& params, std::string_view name) {
  auto it = params.find(name);
  if (it == params.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

std::optional<bool> opt_bool(const json& params, std::string_view name) {
  auto it = params.find(name);
  if (it == params.end() || !it->is_boolean()) return std::nullopt;
  return it->get<bool>();
}

std::string req_string(const json& params, std::string_view name) {
  return opt_string(params, name).value_or("");
}

std::vector<std::string> string_list(const json& params, std::string_view name) {
  std::vector<std::string> out;
  auto it = params.find(name);
  if (it == params.end()) return out;
  if (it->is_string()) {
    out.push_back(it->get<std::string>());
    return out;
  }
  if (!it->is_array()) return out;
  for (const auto& item : *it) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace ferry::api::internal
