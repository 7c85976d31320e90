#include "cli/internal/args.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <utility>

namespace ferry::cli::internal {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string flags_for(std::string_view name, const std::vector<std::string>& aliases) {
  std::string flags = "--" + std::string(name);
  for (const auto& alias : aliases) flags += ",--" + alias;
  return flags;
}

}  // namespace

Result<bool> parse_bool(std::string_view field, std::string_view text) {
  const std::string v = lower(text);
  if (v == "1" || v == "on" || v == "yes" || v == "true") return true;
  if (v == "0" || v == "off" || v == "no" || v == "false") return false;
  return make_error(Errc::InvalidArgument,
                    "invalid parameter '{}': value '{}' is not a boolean "
                    "(expected 1/0, true/false, yes/no or on/off)",
                    field, text);
}

Result<int64_t> parse_integer(std::string_view field, std::string_view text) {
  std::string_view digits = text;
  if (digits.size() > 1 && digits.front() == '+' && digits[1] != '-') digits.remove_prefix(1);
  int64_t value = 0;
  const char* end = digits.data() + digits.size();
  const auto [ptr, ec] = std::from_chars(digits.data(), end, value);
  if (!digits.empty() && ptr == end && ec == std::errc::result_out_of_range) {
    return make_error(Errc::InvalidArgument, "invalid parameter '{}': value '{}' is too large",
                      field, text);
  }
  if (digits.empty() || ptr != end || ec != std::errc()) {
    return make_error(Errc::InvalidArgument, "invalid parameter '{}': value '{}' is not an integer",
                      field, text);
  }
  return value;
}

CLI::Option* Args::add(std::string_view name, const std::vector<std::string>& aliases,
                       const std::string& help, std::function<void(const std::string&)> store) {
  return cmd_.add_option_function<std::string>(flags_for(name, aliases), std::move(store), help);
}

void Args::record(Error error) {
  if (!error_) error_ = std::move(error);
}

CLI::Option* Args::text(std::string_view name, std::optional<std::string>& dest,
                        const std::string& help, const std::vector<std::string>& aliases) {
  return add(name, aliases, help, [&dest](const std::string& v) { dest = v; });
}

CLI::Option* Args::integer(std::string_view name, std::optional<int64_t>& dest,
                           const std::string& help) {
  return add(name, {}, help, [this, &dest, field = std::string(name)](const std::string& v) {
    auto parsed = parse_integer(field, v);
    if (parsed) {
      dest = *parsed;
    } else {
      record(std::move(parsed).error());
    }
  });
}

CLI::Option* Args::boolean(std::string_view name, std::optional<bool>& dest,
                           const std::string& help) {
  return add(name, {}, help, [this, &dest, field = std::string(name)](const std::string& v) {
    auto parsed = parse_bool(field, v);
    if (parsed) {
      dest = *parsed;
    } else {
      record(std::move(parsed).error());
    }
  });
}

CLI::Option* Args::list(std::string_view name, std::vector<std::string>& dest,
                        const std::string& help) {
  auto* option = cmd_.add_option_function<std::vector<std::string>>(
      flags_for(name, {}), [&dest](const std::vector<std::string>& v) { dest = v; }, help);
  // One value per occurrence, every occurrence kept.
  option->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  return option;
}

CLI::Option* Args::list(std::string_view name, std::optional<std::vector<std::string>>& dest,
                        const std::string& help) {
  auto* option = cmd_.add_option_function<std::vector<std::string>>(
      flags_for(name, {}), [&dest](const std::vector<std::string>& v) { dest = v; }, help);
  option->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  return option;
}

void Args::update_options(std::vector<std::string>& delete_props,
                          std::optional<std::string>& digest, const std::string& deletable) {
  list("delete", delete_props, "unset a property (repeatable): " + deletable);
  text("digest", digest,
       "only apply if the config file still has this SHA-256 digest (from 'show' or 'list')");
}

Status Args::status() const {
  if (error_) return tl::unexpected(*error_);
  return ok();
}

}  // namespace ferry::cli::internal
