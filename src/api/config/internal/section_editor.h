// Helpers shared by the config service layer (private to ferry_api).
//
// SectionEditor applies API parameters to a section: each value is checked against the
// property's schema and canonicalized, and the first failure is kept as an InvalidArgument
// naming the parameter ("invalid parameter 'port': value '70000' is out of range 0..65535").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "config/section_config.h"

namespace ferry::api::internal {

class SectionEditor {
 public:
  SectionEditor(const config::SectionTypeSchema& type, config::Section& section)
      : type_(type), section_(section) {}

  void set(const std::string& key, const std::optional<std::string>& value);
  void set(const std::string& key, std::optional<int64_t> value);
  void set(const std::string& key, std::optional<bool> value);
  void set_array(const std::string& key, const std::optional<std::vector<std::string>>& values);
  // PBS-compat: a comment is trimmed, and an empty or blank comment removes the property.
  void set_comment(const std::optional<std::string>& value);
  // A calendar event, parsed with jobs::CalendarEvent.
  void set_schedule(const std::string& key, const std::optional<std::string>& value);

  // Unsets each property of `props` (applied before new values). A name that is not in
  // `deletable` is an InvalidArgument naming it.
  void remove(const std::vector<std::string>& props, const std::vector<std::string>& deletable);

  // Records an error unless one is recorded already.
  void fail(Error error);

  // The first error, if any.
  Status status() const;

 private:
  const config::SectionTypeSchema& type_;
  config::Section& section_;
  std::optional<Error> error_;
};

// InvalidArgument "invalid parameter '<key>': <reason>".
tl::unexpected<Error> invalid_parameter(std::string_view key, std::string_view reason);

// Checks that every required property of `type` is present: InvalidArgument
// "missing required parameter '<key>'" otherwise.
Status check_required(const config::SectionTypeSchema& type, const config::Section& section);

// Validates a section id for create: InvalidArgument "invalid parameter '<id key>': ...".
Status check_id(const config::SectionTypeSchema& type, std::string_view id);

// The API object for a section: the id under its id property, booleans and integers as JSON
// values, arrays as arrays, everything else as strings. Keys in `skip` are left out.
nlohmann::json section_to_json(const config::SectionTypeSchema& type,
                               const config::Section& section,
                               const std::vector<std::string>& skip = {});

}  // namespace ferry::api::internal
