// `ferry-client snapshot list [GROUP]`, `snapshot forget SNAPSHOT`,
// `snapshot protected show SNAPSHOT` and `snapshot protected update SNAPSHOT true|false`:
// REST calls on /admin/datastore/{store} (api.md §5.9.4, §5.9.5, §5.9.7).
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/client/command.h"
#include "cli/client/listing.h"
#include "cli/client/specs.h"
#include "cli/internal/args.h"

namespace ferry::cli::client {
namespace {

using nlohmann::json;

struct ListState {
  std::optional<std::string> group;
};

struct SnapshotState {
  std::string snapshot;
  std::string value;  // protected update: true|false
};

Result<std::string> run_snapshot_list(const Session& session, const ListState& state) {
  json params = namespace_params(session);
  if (state.group) {
    FERRY_TRY_ASSIGN(auto group, parse_group_spec(*state.group));
    params = group_params(session, group);
  }
  FERRY_TRY_ASSIGN(auto http, session.connect());
  FERRY_TRY_ASSIGN(json snapshots, http->get(session.datastore_path() + "/snapshots", params));
  if (!snapshots.is_array()) {
    return make_error(Errc::Corruption, "list snapshots: expected an array, got {}",
                      snapshots.type_name());
  }
  if (session.format != OutputFormat::Text) return format_json(snapshots, session.format);
  return format_list(snapshot_rows(snapshots), kSnapshotColumns, OutputFormat::Text);
}

Result<std::string> run_forget(const Session& session, const SnapshotState& state) {
  FERRY_TRY_ASSIGN(auto snapshot, parse_snapshot_spec(state.snapshot));
  FERRY_TRY_ASSIGN(auto http, session.connect());
  FERRY_TRY(http->del(session.datastore_path() + "/snapshots", snapshot_params(session, snapshot)));
  return format_nothing(session.format);
}

Result<std::string> run_protected_show(const Session& session, const SnapshotState& state) {
  FERRY_TRY_ASSIGN(auto snapshot, parse_snapshot_spec(state.snapshot));
  FERRY_TRY_ASSIGN(auto http, session.connect());
  FERRY_TRY_ASSIGN(json value, http->get(session.datastore_path() + "/protected",
                                         snapshot_params(session, snapshot)));
  if (session.format != OutputFormat::Text) return format_json(value, session.format);
  return cell_text(value) + "\n";
}

Result<std::string> run_protected_update(const Session& session, const SnapshotState& state) {
  FERRY_TRY_ASSIGN(auto snapshot, parse_snapshot_spec(state.snapshot));
  FERRY_TRY_ASSIGN(bool value, internal::parse_bool("protected", state.value));
  FERRY_TRY_ASSIGN(auto http, session.connect());
  json params = snapshot_params(session, snapshot);
  params["protected"] = value;
  FERRY_TRY(http->put(session.datastore_path() + "/protected", params));
  return format_nothing(session.format);
}

CLI::App* add_snapshot_arg(CLI::App* cmd, SnapshotState& state) {
  cmd->add_option("snapshot", state.snapshot, "TYPE/ID/TIME (RFC 3339 or epoch)")->required();
  return cmd;
}

}  // namespace

void add_snapshot_commands(CLI::App& app, Action& selected) {
  auto* snapshot = app.add_subcommand("snapshot", "list, forget and protect snapshots");
  snapshot->require_subcommand(1);

  auto list_state = std::make_shared<ListState>();
  auto* list = snapshot->add_subcommand("list", "list snapshots, optionally of one group");
  list->add_option("group", list_state->group, "TYPE/ID");
  on_parsed(list, selected, list_state, run_snapshot_list);

  auto forget_state = std::make_shared<SnapshotState>();
  auto* forget = add_snapshot_arg(snapshot->add_subcommand("forget", "remove a snapshot"),
                                  *forget_state);
  on_parsed(forget, selected, forget_state, run_forget);

  auto* prot = snapshot->add_subcommand("protected", "show or change snapshot protection");
  prot->require_subcommand(1);
  auto show_state = std::make_shared<SnapshotState>();
  auto* show = add_snapshot_arg(prot->add_subcommand("show", "show the protection flag"),
                                *show_state);
  on_parsed(show, selected, show_state, run_protected_show);
  auto update_state = std::make_shared<SnapshotState>();
  auto* update = add_snapshot_arg(
      prot->add_subcommand("update", "protect (true) or unprotect (false) a snapshot"),
      *update_state);
  update->add_option("protected", update_state->value, "true or false")->required();
  on_parsed(update, selected, update_state, run_protected_update);
}

}  // namespace ferry::cli::client
