// ferry::config — PBS configuration files: the section-config text format, the schemas of
// datastore.cfg, remote.cfg, sync.cfg and verification.cfg, typed views of their sections, and
// the lock + digest + atomic-replace discipline every modification follows
// (docs/formats/config-files.md, spec config-format.md).
//
// Layers, bottom up:
//   * section_config.h (this file): the generic format. A `SectionConfigSchema` describes one
//     file (its section types, each with typed properties); `parse_section_config` turns text
//     into `SectionConfigData` and `write_section_config` renders it back the way PBS writes
//     it, so a file written by PBS round-trips byte for byte.
//   * property_string.h: nested `key=value,...` values (datastore `tuning`, ...).
//   * config_file.h + config_dir.h: where the files live, their lock files, modes and digests.
//   * datastore_config.h, remote_config.h, sync_job_config.h, verification_job_config.h: the
//     schema of each file and a typed struct per section type with from_section/to_section.
//
// Values inside a `Section` are kept as text in canonical form: booleans "true"/"false",
// integers in plain decimal, strings exactly as read. Parsing canonicalizes booleans and
// integers (PBS reads them into JSON values and writes those back), strings stay verbatim.
//
// Everything here is pure computation on values: no I/O, no global state, thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace ferry::config {

// Bounds on untrusted config text (PBS has none; ours are far above any real file).
inline constexpr size_t kMaxConfigFileSize = 8 * 1024 * 1024;
inline constexpr size_t kMaxConfigLineLength = 64 * 1024;

enum class PropertyKind { String, Integer, Boolean };

// The schema of one property of a section type.
struct PropertySchema {
  std::string name;  // wire name, kebab-case ("auth-id")
  PropertyKind kind = PropertyKind::String;
  bool required = false;
  bool array = false;  // the key may repeat; items are kept in file order
  // Integer range (inclusive).
  int64_t min = std::numeric_limits<int64_t>::min();
  int64_t max = std::numeric_limits<int64_t>::max();
  // String length in Unicode code points (inclusive).
  size_t min_length = 0;
  size_t max_length = std::numeric_limits<size_t>::max();
  // Extra format check for strings (regex, enum, property string, ...); its error message is
  // the reason shown to the user.
  std::function<Status(std::string_view)> validate;
};

// The schema of one section type (`remote`, `sync`, ...).
struct SectionTypeSchema {
  std::string type;         // "remote"
  std::string id_property;  // "name": the header id is stored under this key
  std::function<Status(std::string_view)> validate_id;
  std::vector<PropertySchema> properties;  // the id property may be listed too (it is ignored)

  const PropertySchema* find(std::string_view key) const;
};

// The schema of one file.
struct SectionConfigSchema {
  std::string file_name;  // "remote.cfg": used in error messages
  std::vector<SectionTypeSchema> types;

  const SectionTypeSchema* find(std::string_view type) const;
};

// One section: `<type>: <id>` and its properties. Non-array properties have exactly one value.
// Keys are ordered by byte value, which is the order PBS writes them in.
struct Section {
  std::string type;
  std::string id;
  std::map<std::string, std::vector<std::string>> properties;

  // The single value of `key`, or nullptr if unset.
  const std::string* get(std::string_view key) const;
  // All values of an array property (empty if unset).
  std::vector<std::string> get_all(std::string_view key) const;
  void set(const std::string& key, std::string value) { properties[key] = {std::move(value)}; }
  void set_all(const std::string& key, std::vector<std::string> values);
  void erase(std::string_view key);
  bool has(std::string_view key) const { return get(key) != nullptr; }

  bool operator==(const Section&) const = default;
};

// The content of one file: sections in file order (new ones appended). Ids are unique across
// all section types of a file.
class SectionConfigData {
 public:
  const std::vector<Section>& sections() const { return sections_; }
  const Section* find(std::string_view id) const;
  // Inserts `s`, or replaces the section with the same id in place (keeping its position).
  void set(Section s);
  // Removes the section `id`; false if there was none.
  bool remove(std::string_view id);
  bool empty() const { return sections_.empty(); }

 private:
  std::vector<Section> sections_;
};

// Checks `value` against `prop` and returns its canonical text ("yes" → "true", "+07" → "7").
// InvalidArgument whose message is the reason only ("value '70000' is out of range
// 0..65535"); callers prefix where the value came from.
Result<std::string> canonical_value(const PropertySchema& prop, std::string_view value);

// Validates a whole section against its type: id, every value, unknown and missing properties.
// InvalidArgument: "<reason>" naming the property, e.g. "unknown property 'hots'",
// "property 'port': value '70000' is out of range 0..65535", "property 'host' is missing".
Status validate_section(const SectionTypeSchema& type, const Section& section);

// Parses a whole file (config-format.md §2.1/§2.2). Errors (Corruption) name the file, line
// and reason: "remote.cfg:3: unknown property 'hots' in remote 'pbs2'". Rejects files over
// kMaxConfigFileSize, lines over kMaxConfigLineLength and invalid UTF-8. A later section with
// an id already used replaces the earlier one (PBS-compat: same as proxmox-section-config).
Result<SectionConfigData> parse_section_config(const SectionConfigSchema& schema,
                                               std::string_view text);

// Renders `data` exactly as PBS writes it (config-format.md §2.3): sections in order, separated
// by one blank line; `<type>: <id>`; properties sorted by key, one `\t<key> <value>` line each
// (array items in order); the id property is never written. Every section is validated first
// (InvalidArgument naming the file, section and reason), and values are canonicalized.
Result<std::string> write_section_config(const SectionConfigSchema& schema,
                                         const SectionConfigData& data);

}  // namespace ferry::config
