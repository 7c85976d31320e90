// `ferry-manager acl ...`: the access control list (acl.cfg), with proxmox-backup-manager's
// names:
//
//   acl list
//   acl update <path> <role> [--auth-id ID | --group G] [--propagate B] [--delete B] [--digest D]
//
// Both run the /access/acl routes in-process (LocalApi, api/access/acl.cc): same checks, same
// error texts, same file locking.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/internal/command.h"
#include "cli/internal/local_api.h"
#include "cli/output.h"

namespace ferry::cli::internal {
namespace {

using http::Method;
using nlohmann::json;

// PBS-compat: the columns of `proxmox-backup-manager acl list`; groups show as "@<name>".
const std::vector<Column> kAclColumns = {
    {"ugid", ""}, {"path", ""}, {"propagate", ""}, {"roleid", ""}};

json for_table(json items) {
  for (auto& item : items) {
    if (item.is_object() && item.value("ugid_type", "") == "group" && item["ugid"].is_string()) {
      item["ugid"] = "@" + item["ugid"].get<std::string>();
    }
  }
  return items;
}

struct State {
  explicit State(CLI::App& cmd) : opts(cmd) {}
  ApiOptions opts;
};

Result<std::string> run_list(const Context& ctx, const State& s) {
  FERRY_TRY_ASSIGN(auto api, LocalApi::open(ctx.config_dir));
  FERRY_TRY_ASSIGN(auto r, api->call(Method::Get, {"access", "acl"}, s.opts.params()));
  return format_list(ctx.format == OutputFormat::Text ? for_table(r.data) : r.data, kAclColumns,
                     ctx.format);
}

Result<std::string> run_update(const Context& ctx, const State& s) {
  FERRY_TRY_ASSIGN(auto api, LocalApi::open(ctx.config_dir));
  ApiParams params = {{"path", s.opts.positional("path")}, {"role", s.opts.positional("role")}};
  for (const auto& p : s.opts.params()) params.push_back(p);
  FERRY_TRY(api->call(Method::Put, {"access", "acl"}, params));
  return format_nothing(ctx.format);
}

}  // namespace

void add_acl_commands(CLI::App& app, Action& selected) {
  auto* group = app.add_subcommand("acl", "manage the access control list (acl.cfg)");
  group->require_subcommand(1);

  auto* list = group->add_subcommand("list", "list ACL entries");
  auto list_state = std::make_shared<State>(*list);
  list_state->opts.add("path", "only entries at or below this ACL path");
  list_state->opts.add("exact", "only entries exactly at --path (1/0)");
  on_parsed(list, selected, list_state, run_list);

  auto* update = group->add_subcommand("update", "grant a role on a path, or take it away");
  auto state = std::make_shared<State>(*update);
  state->opts.add_positional("path", "ACL path, e.g. / or /datastore/store1");
  state->opts.add_positional("role", "role, e.g. Admin, Audit, DatastoreBackup, NoAccess");
  state->opts.add("auth-id", "user or API token the entry is for");
  state->opts.add("group", "group the entry is for (groups are not supported yet)");
  state->opts.add("propagate", "inherit to paths below (default 1)");
  state->opts.add("delete", "remove the entry instead of adding it (1/0)");
  state->opts.add("digest", "only apply if acl.cfg still has this SHA-256 digest");
  on_parsed(update, selected, state, run_update);
}

}  // namespace ferry::cli::internal
