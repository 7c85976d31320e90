#include "cli/client/listing.h"

#include <algorithm>
#include <string>
#include <tuple>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/client/progress.h"
#include "common/time.h"

namespace ferry::cli::client {
namespace {

using nlohmann::json;

std::string string_at(const json& item, const char* key) {
  auto it = item.find(key);
  return it != item.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t int_at(const json& item, const char* key) {
  auto it = item.find(key);
  return it != item.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

std::string time_text(int64_t epoch) {
  auto text = format_rfc3339_utc(epoch);
  return text ? *text : std::to_string(epoch);
}

std::string group_text(const json& item) {
  return string_at(item, "backup-type") + "/" + string_at(item, "backup-id");
}

// File names one per line, without server extensions; entries are strings (groups) or
// objects with "filename" (snapshots).
std::string files_text(const json& item) {
  std::vector<std::string> names;
  auto it = item.find("files");
  if (it == item.end() || !it->is_array()) return {};
  for (const auto& f : *it) {
    std::string name = f.is_string() ? f.get<std::string>() : string_at(f, "filename");
    if (!name.empty()) names.push_back(strip_server_extension(name));
  }
  return fmt::format("{}", fmt::join(names, " "));
}

void sort_by(json& rows, const char* key) {
  std::sort(rows.begin(), rows.end(), [key](const json& a, const json& b) {
    return std::make_tuple(a.value("_group", std::string()), int_at(a, key)) <
           std::make_tuple(b.value("_group", std::string()), int_at(b, key));
  });
}

}  // namespace

const std::vector<Column> kGroupColumns = {{"group", ""},
                                           {"last-snapshot", "last snapshot"},
                                           {"backup-count", ""},
                                           {"owner", ""},
                                           {"files", ""}};
const std::vector<Column> kSnapshotColumns = {
    {"snapshot", ""}, {"size", ""}, {"files", ""}, {"protected", ""}};

json namespace_params(const Session& session) {
  json params = json::object();
  if (!session.ns.is_root()) params["ns"] = session.ns.to_string();
  return params;
}

json group_params(const Session& session, const types::BackupGroup& group) {
  json params = namespace_params(session);
  params["backup-type"] = std::string(types::to_string(group.type()));
  params["backup-id"] = group.id();
  return params;
}

json snapshot_params(const Session& session, const types::BackupDir& snapshot) {
  json params = group_params(session, snapshot.group());
  params["backup-time"] = snapshot.time();
  return params;
}

std::string strip_server_extension(const std::string& name) {
  for (const char* ext : {".fidx", ".didx", ".blob"}) {
    const std::string_view e(ext);
    if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0) {
      return name.substr(0, name.size() - e.size());
    }
  }
  return name;
}

json group_rows(const json& groups) {
  json rows = json::array();
  for (const auto& g : groups) {
    if (!g.is_object()) continue;
    rows.push_back({{"_group", group_text(g)},
                    {"group", group_text(g)},
                    {"last-snapshot", time_text(int_at(g, "last-backup"))},
                    {"backup-count", int_at(g, "backup-count")},
                    {"owner", string_at(g, "owner")},
                    {"files", files_text(g)}});
  }
  sort_by(rows, "backup-count");
  return rows;
}

json snapshot_rows(const json& snapshots) {
  json rows = json::array();
  for (const auto& s : snapshots) {
    if (!s.is_object()) continue;
    const int64_t time = int_at(s, "backup-time");
    auto size = s.find("size");
    auto prot = s.find("protected");
    const bool is_protected = prot != s.end() && prot->is_boolean() && prot->get<bool>();
    rows.push_back({{"_group", group_text(s)},
                    {"_time", time},
                    {"snapshot", group_text(s) + "/" + time_text(time)},
                    {"size", size != s.end() && size->is_number_unsigned()
                                 ? format_bytes(size->get<uint64_t>())
                                 : std::string()},
                    {"files", files_text(s)},
                    {"protected", is_protected}});
  }
  sort_by(rows, "_time");
  return rows;
}

json status_row(const json& status) {
  const auto total = static_cast<uint64_t>(std::max<int64_t>(0, int_at(status, "total")));
  const auto used = static_cast<uint64_t>(std::max<int64_t>(0, int_at(status, "used")));
  const auto avail = static_cast<uint64_t>(std::max<int64_t>(0, int_at(status, "avail")));
  const double pct = total > 0 ? 100.0 * static_cast<double>(used) / static_cast<double>(total)
                               : 0.0;
  return {{"total", format_bytes(total)},
          {"used", fmt::format("{} ({:.2f}%)", format_bytes(used), pct)},
          {"avail", format_bytes(avail)}};
}

}  // namespace ferry::cli::client
