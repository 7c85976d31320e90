// `ferry-manager datastore ...`: create, list, show, update and remove datastores
// (datastore.cfg) through the config service layer (api/config/datastores.h).
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/config/datastores.h"
#include "cli/internal/args.h"
#include "cli/internal/command.h"
#include "cli/output.h"

namespace ferry::cli::internal {
namespace {

// PBS-compat: the column set of `proxmox-backup-manager datastore list`.
const std::vector<Column> kListColumns = {{"name", ""}, {"path", ""}, {"comment", ""}};
const std::vector<std::string> kShowOrder = {"name",         "path",
                                             "gc-schedule",  "prune-schedule",
                                             "keep-last",    "keep-hourly",
                                             "keep-daily",   "keep-weekly",
                                             "keep-monthly", "keep-yearly",
                                             "verify-new",   "notify-user",
                                             "notify",       "notification-mode",
                                             "tuning",       "maintenance-mode",
                                             "comment",      "digest"};

void add_property_options(Args& args, api::DatastoreProperties& p) {
  args.text("comment", p.comment, "comment (empty removes it)");
  args.text("gc-schedule", p.gc_schedule, "calendar event for garbage collection");
  args.text("prune-schedule", p.prune_schedule, "calendar event for the legacy prune");
  args.integer("keep-last", p.keep_last, "legacy prune: keep the last N snapshots");
  args.integer("keep-hourly", p.keep_hourly, "legacy prune: hourly snapshots to keep");
  args.integer("keep-daily", p.keep_daily, "legacy prune: daily snapshots to keep");
  args.integer("keep-weekly", p.keep_weekly, "legacy prune: weekly snapshots to keep");
  args.integer("keep-monthly", p.keep_monthly, "legacy prune: monthly snapshots to keep");
  args.integer("keep-yearly", p.keep_yearly, "legacy prune: yearly snapshots to keep");
  args.boolean("verify-new", p.verify_new, "verify every new snapshot when it is finished (1/0)");
  args.text("notify-user", p.notify_user, "user who gets legacy notification mails");
  args.text("notify", p.notify,
            "legacy notifications: gc=,verify=,sync=,prune= always|never|error");
  args.text("notification-mode", p.notification_mode, "legacy-sendmail or notification-system");
  args.text("tuning", p.tuning, "chunk-order=none|inode,sync-level=none|file|filesystem");
  args.text("maintenance-mode", p.maintenance_mode,
            "read-only|offline[,message=TEXT] (remove with --delete maintenance-mode)");
}

struct CreateState {
  explicit CreateState(CLI::App& cmd) : args(cmd) {}
  Args args;
  api::DatastoreCreateParams params;
};

struct UpdateState {
  explicit UpdateState(CLI::App& cmd) : args(cmd) {}
  Args args;
  std::string name;
  api::DatastoreUpdateParams params;
};

struct RemoveState {
  explicit RemoveState(CLI::App& cmd) : args(cmd) {}
  Args args;
  std::string name;
  std::optional<bool> keep_job_configs;
  std::optional<std::string> digest;
};

struct ShowState {
  std::string name;
};

Result<std::string> run_create(const Context& ctx, const CreateState& s) {
  FERRY_TRY(s.args.status());
  FERRY_TRY(api::create_datastore(ctx.config_dir, ctx.caller, s.params));
  return format_nothing(ctx.format);
}

Result<std::string> run_list(const Context& ctx) {
  FERRY_TRY_ASSIGN(auto stores, api::list_datastores(ctx.config_dir, ctx.caller));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& store : stores.data) items.push_back(api::to_json(store));
  return format_list(items, kListColumns, ctx.format);
}

Result<std::string> run_show(const Context& ctx, const ShowState& s) {
  FERRY_TRY_ASSIGN(auto store, api::read_datastore(ctx.config_dir, ctx.caller, s.name));
  nlohmann::json object = api::to_json(store.data);
  object["digest"] = store.digest;
  return format_object(object, kShowOrder, ctx.format);
}

Result<std::string> run_update(const Context& ctx, const UpdateState& s) {
  FERRY_TRY(s.args.status());
  FERRY_TRY(api::update_datastore(ctx.config_dir, ctx.caller, s.name, s.params));
  return format_nothing(ctx.format);
}

Result<std::string> run_remove(const Context& ctx, const RemoveState& s) {
  FERRY_TRY(s.args.status());
  api::DatastoreDeleteParams params;
  params.digest = s.digest;
  params.keep_job_configs = s.keep_job_configs.value_or(false);
  FERRY_TRY(api::delete_datastore(ctx.config_dir, ctx.caller, s.name, params));
  return format_nothing(ctx.format);
}

void add_create(CLI::App& group, Action& selected) {
  auto* cmd = group.add_subcommand("create", "add a datastore and create its directory layout");
  auto state = std::make_shared<CreateState>(*cmd);
  cmd->add_option("name", state->params.name, "datastore name (3 to 32 characters)")->required();
  cmd->add_option("path", state->params.path, "absolute path (missing or empty directory)")
      ->required();
  add_property_options(state->args, state->params.props);
  on_parsed(cmd, selected, state, run_create);
}

void add_show(CLI::App& group, Action& selected) {
  auto* cmd = group.add_subcommand("show", "show one datastore");
  auto state = std::make_shared<ShowState>();
  cmd->add_option("name", state->name, "datastore name")->required();
  on_parsed(cmd, selected, state, run_show);
}

void add_update(CLI::App& group, Action& selected) {
  auto* cmd = group.add_subcommand("update", "change properties of a datastore");
  auto state = std::make_shared<UpdateState>(*cmd);
  cmd->add_option("name", state->name, "datastore name")->required();
  add_property_options(state->args, state->params.props);
  state->args.update_options(state->params.delete_props, state->params.digest,
                             "comment, gc-schedule, prune-schedule, keep-*, verify-new, "
                             "notify-user, notify, notification-mode, tuning, maintenance-mode");
  on_parsed(cmd, selected, state, run_update);
}

void add_remove(CLI::App& group, Action& selected) {
  auto* cmd = group.add_subcommand(
      "remove", "remove a datastore from the configuration (its data stays on disk)");
  auto state = std::make_shared<RemoveState>(*cmd);
  cmd->add_option("name", state->name, "datastore name")->required();
  state->args.boolean("keep-job-configs", state->keep_job_configs,
                      "keep the sync and verification jobs of this datastore (default 0)");
  state->args.text("digest", state->digest, "only remove if datastore.cfg still has this digest");
  on_parsed(cmd, selected, state, run_remove);
}

}  // namespace

void add_datastore_commands(CLI::App& app, Action& selected) {
  auto* group = app.add_subcommand("datastore", "manage datastores (datastore.cfg)");
  group->require_subcommand(1);
  add_create(*group, selected);
  auto* list = group->add_subcommand("list", "list datastores");
  list->callback([&selected] { selected = run_list; });
  add_show(*group, selected);
  add_update(*group, selected);
  add_remove(*group, selected);
}

}  // namespace ferry::cli::internal
