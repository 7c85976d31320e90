// `ferry-manager remote ...`: create, list, show, update and remove entries of remote.cfg
// through the config service layer (api/config/remotes.h).
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/config/remotes.h"
#include "cli/internal/args.h"
#include "cli/internal/command.h"
#include "cli/output.h"

namespace ferry::cli::internal {
namespace {

// PBS-compat: the column set of `proxmox-backup-manager remote list` as the PBS docs show it;
// the auth-id column keeps its older header "userid".
const std::vector<Column> kListColumns = {
    {"name", ""}, {"host", ""}, {"auth-id", "userid"}, {"fingerprint", ""}, {"comment", ""}};
const std::vector<std::string> kShowOrder = {"name",        "host",    "port",  "auth-id",
                                             "fingerprint", "comment", "digest"};

void add_property_options(Args& args, api::RemoteProperties& props, bool create) {
  auto* host = args.text("host", props.host, "DNS name or IP address of the remote (no port)");
  args.integer("port", props.port, "TCP port of the remote (default 8007)");
  auto* auth_id = args.text("auth-id", props.auth_id,
                            "user or API token on the remote: user@realm[!token]", {"userid"});
  auto* password =
      args.text("password", props.password, "password or API token secret (never printed)");
  args.text("fingerprint", props.fingerprint,
            "SHA-256 fingerprint of the remote's certificate: 32 hex pairs joined by ':'");
  args.text("comment", props.comment, "comment (empty removes it)");
  if (create) {
    host->required();
    auth_id->required();
    password->required();
  }
}

struct CreateState {
  explicit CreateState(CLI::App& cmd) : args(cmd) {}
  Args args;
  api::RemoteCreateParams params;
};

struct UpdateState {
  explicit UpdateState(CLI::App& cmd) : args(cmd) {}
  Args args;
  std::string name;
  api::RemoteUpdateParams params;
};

struct NameState {
  explicit NameState(CLI::App& cmd) : args(cmd) {}
  Args args;
  std::string name;
  std::optional<std::string> digest;
};

Result<std::string> run_create(const Context& ctx, const CreateState& s) {
  FERRY_TRY(s.args.status());
  FERRY_TRY(api::create_remote(ctx.config_dir, ctx.caller, s.params));
  return format_nothing(ctx.format);
}

Result<std::string> run_list(const Context& ctx) {
  FERRY_TRY_ASSIGN(auto remotes, api::list_remotes(ctx.config_dir, ctx.caller));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& remote : remotes.data) items.push_back(api::to_json(remote));
  return format_list(items, kListColumns, ctx.format);
}

Result<std::string> run_show(const Context& ctx, const NameState& s) {
  FERRY_TRY_ASSIGN(auto remote, api::read_remote(ctx.config_dir, ctx.caller, s.name));
  nlohmann::json object = api::to_json(remote.data);
  object["digest"] = remote.digest;
  return format_object(object, kShowOrder, ctx.format);
}

Result<std::string> run_update(const Context& ctx, const UpdateState& s) {
  FERRY_TRY(s.args.status());
  FERRY_TRY(api::update_remote(ctx.config_dir, ctx.caller, s.name, s.params));
  return format_nothing(ctx.format);
}

Result<std::string> run_remove(const Context& ctx, const NameState& s) {
  FERRY_TRY(s.args.status());
  FERRY_TRY(api::delete_remote(ctx.config_dir, ctx.caller, s.name, s.digest));
  return format_nothing(ctx.format);
}

void add_create(CLI::App& group, Action& selected) {
  auto* cmd = group.add_subcommand("create", "add a remote");
  auto state = std::make_shared<CreateState>(*cmd);
  cmd->add_option("name", state->params.name, "remote name (3 to 32 characters)")->required();
  add_property_options(state->args, state->params.props, true);
  on_parsed(cmd, selected, state, run_create);
}

void add_update(CLI::App& group, Action& selected) {
  auto* cmd = group.add_subcommand("update", "change properties of a remote");
  auto state = std::make_shared<UpdateState>(*cmd);
  cmd->add_option("name", state->name, "remote name")->required();
  add_property_options(state->args, state->params.props, false);
  state->args.update_options(state->params.delete_props, state->params.digest,
                             "comment, fingerprint, port");
  on_parsed(cmd, selected, state, run_update);
}

void add_show(CLI::App& group, Action& selected) {
  auto* cmd = group.add_subcommand("show", "show one remote (without its password)");
  auto state = std::make_shared<NameState>(*cmd);
  cmd->add_option("name", state->name, "remote name")->required();
  on_parsed(cmd, selected, state, run_show);
}

void add_remove(CLI::App& group, Action& selected) {
  auto* cmd = group.add_subcommand("remove", "remove a remote (refused while a sync job uses it)");
  auto state = std::make_shared<NameState>(*cmd);
  cmd->add_option("name", state->name, "remote name")->required();
  state->args.text("digest", state->digest, "only remove if remote.cfg still has this digest");
  on_parsed(cmd, selected, state, run_remove);
}

}  // namespace

void add_remote_commands(CLI::App& app, Action& selected) {
  auto* group = app.add_subcommand("remote", "manage remotes (remote.cfg)");
  group->require_subcommand(1);
  add_create(*group, selected);
  auto* list = group->add_subcommand("list", "list remotes");
  list->callback([&selected] { selected = run_list; });
  add_show(*group, selected);
  add_update(*group, selected);
  add_remove(*group, selected);
}

}  // namespace ferry::cli::internal
