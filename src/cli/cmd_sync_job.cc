// `ferry-manager sync-job ...`: create, list, show, update and remove sync jobs (sync.cfg)
// through the config service layer (api/config/sync_jobs.h); `run` runs one now
// (cli/internal/local_jobs.h) and `list --status` adds the job status.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/config/sync_jobs.h"
#include "cli/internal/args.h"
#include "cli/internal/command.h"
#include "cli/internal/local_job_states.h"
#include "cli/internal/local_jobs.h"
#include "cli/output.h"

namespace ferry::cli::internal {
namespace {

// PBS-compat: the column set of `proxmox-backup-manager sync-job list`.
const std::vector<Column> kListColumns = {{"id", ""},           {"store", ""},    {"remote", ""},
                                          {"remote-store", ""}, {"schedule", ""}, {"comment", ""}};
const std::vector<std::string> kShowOrder = {"id",
                                             "store",
                                             "ns",
                                             "remote",
                                             "remote-store",
                                             "remote-ns",
                                             "sync-direction",
                                             "owner",
                                             "max-depth",
                                             "remove-vanished",
                                             "group-filter",
                                             "transfer-last",
                                             "schedule",
                                             "rate-in",
                                             "burst-in",
                                             "rate-out",
                                             "burst-out",
                                             "resync-corrupt",
                                             "encrypted-only",
                                             "verified-only",
                                             "run-on-mount",
                                             "unmount-on-done",
                                             "worker-threads",
                                             "comment",
                                             "digest"};

void add_location_options(Args& args, api::SyncJobProperties& p, bool create) {
  auto* store = args.text("store", p.store, "local datastore (target of a pull, source of a push)");
  args.text("ns", p.ns, "local anchor namespace (default: root)");
  args.text("remote", p.remote, "remote (unset: sync from a local datastore)");
  auto* remote_store = args.text("remote-store", p.remote_store, "datastore on the remote");
  args.text("remote-ns", p.remote_ns, "remote anchor namespace (default: root)");
  args.integer("max-depth", p.max_depth, "namespace levels below the anchors, 0..7 (default: all)");
  args.text("owner", p.owner, "owner of new local groups, user@realm[!token] (default root@pam)");
  args.text("sync-direction", p.sync_direction, "pull (default) or push");
  if (create) {
    store->required();
    remote_store->required();
  }
}

void add_behaviour_options(Args& args, api::SyncJobProperties& p) {
  args.boolean("remove-vanished", p.remove_vanished,
               "delete local content that vanished on the source (1/0)");
  args.list("group-filter", p.group_filter,
            "[include:|exclude:]type:<vm|ct|host> | group:<type>/<id> | regex:<re> (repeatable)");
  args.integer("transfer-last", p.transfer_last, "only the newest N snapshots per group");
  args.text("schedule", p.schedule, "calendar event, e.g. 'Wed 02:30' (unset: manual only)");
  args.text("comment", p.comment, "comment (empty removes it)");
  args.text("rate-in", p.rate_in, "inbound rate limit per second, e.g. 20MiB");
  args.text("burst-in", p.burst_in, "inbound burst size, e.g. 100MiB");
  args.text("rate-out", p.rate_out, "outbound rate limit per second");
  args.text("burst-out", p.burst_out, "outbound burst size");
  args.boolean("resync-corrupt", p.resync_corrupt,
               "re-sync snapshots whose last verification failed (pull only)");
  args.boolean("encrypted-only", p.encrypted_only, "only sync encrypted snapshots");
  args.boolean("verified-only", p.verified_only, "only sync verified snapshots");
  args.boolean("run-on-mount", p.run_on_mount, "run when a removable datastore is mounted");
  args.boolean("unmount-on-done", p.unmount_on_done, "unmount a removable datastore afterwards");
  args.integer("worker-threads", p.worker_threads, "groups processed in parallel, 1..32");
}

struct CreateState {
  explicit CreateState(CLI::App& cmd) : args(cmd) {}
  Args args;
  api::SyncJobCreateParams params;
};

struct UpdateState {
  explicit UpdateState(CLI::App& cmd) : args(cmd) {}
  Args args;
  std::string id;
  api::SyncJobUpdateParams params;
};

struct IdState {
  explicit IdState(CLI::App& cmd) : args(cmd) {}
  Args args;
  std::string id;
  std::optional<std::string> digest;
};

struct ListState {
  std::string direction = "pull";
  bool status = false;  // add last run, state and next run
};

const std::vector<Column> kStatusColumns = {
    {"last-run-state", ""}, {"last-run-endtime", ""}, {"next-run", ""}};

// The CLI names the option rather than the API parameter check.
Result<api::SyncDirectionFilter> parse_direction_filter(std::string_view text) {
  auto filter = api::parse_sync_direction_filter(text);
  if (filter) return filter;
  return make_error(Errc::InvalidArgument,
                    "invalid parameter 'sync-direction': value '{}' is not one of pull, push, all",
                    text);
}

Result<std::string> run_create(const Context& ctx, const CreateState& s) {
  FERRY_TRY(s.args.status());
  const auto states = LocalJobStates::open(ctx);
  FERRY_TRY(api::create_sync_job(ctx.config_dir, ctx.caller, s.params, states.get()));
  return format_nothing(ctx.format);
}

Result<std::string> run_list(const Context& ctx, const ListState& s) {
  FERRY_TRY_ASSIGN(const auto direction, parse_direction_filter(s.direction));
  FERRY_TRY_ASSIGN(auto jobs, api::list_sync_jobs(ctx.config_dir, ctx.caller, direction));
  nlohmann::json items = nlohmann::json::array();
  std::unique_ptr<LocalJobs> local;
  if (s.status) {
    FERRY_TRY_ASSIGN(local, open_local_jobs(ctx));
  }
  for (const auto& job : jobs.data) {
    nlohmann::json item = api::to_json(job);
    if (local) {
      add_job_status(item, local->service->status("syncjob", job.id, job.schedule), ctx.format);
    }
    items.push_back(std::move(item));
  }
  if (!s.status) return format_list(items, kListColumns, ctx.format);
  std::vector<Column> columns = kListColumns;
  columns.insert(columns.end() - 1, kStatusColumns.begin(), kStatusColumns.end());
  return format_list(items, columns, ctx.format);
}

Result<std::string> run_show(const Context& ctx, const IdState& s) {
  FERRY_TRY_ASSIGN(auto job, api::read_sync_job(ctx.config_dir, ctx.caller, s.id));
  nlohmann::json object = api::to_json(job.data);
  object["digest"] = job.digest;
  return format_object(object, kShowOrder, ctx.format);
}

Result<std::string> run_update(const Context& ctx, const UpdateState& s) {
  FERRY_TRY(s.args.status());
  const auto states = LocalJobStates::open(ctx);
  FERRY_TRY(api::update_sync_job(ctx.config_dir, ctx.caller, s.id, s.params, states.get()));
  return format_nothing(ctx.format);
}

Result<std::string> run_remove(const Context& ctx, const IdState& s) {
  FERRY_TRY(s.args.status());
  const auto states = LocalJobStates::open(ctx);
  FERRY_TRY(api::delete_sync_job(ctx.config_dir, ctx.caller, s.id, s.digest, states.get()));
  return format_nothing(ctx.format);
}

void add_create(CLI::App& group, Action& selected) {
  auto* cmd = group.add_subcommand("create", "add a sync job");
  auto state = std::make_shared<CreateState>(*cmd);
  cmd->add_option("id", state->params.id, "job id (3 to 32 characters)")->required();
  add_location_options(state->args, state->params.props, true);
  add_behaviour_options(state->args, state->params.props);
  on_parsed(cmd, selected, state, run_create);
}

void add_list(CLI::App& group, Action& selected) {
  auto* cmd = group.add_subcommand("list", "list sync jobs");
  auto state = std::make_shared<ListState>();
  cmd->add_option("--sync-direction", state->direction, "pull (default), push or all");
  cmd->add_flag("--status", state->status, "add last run, state and next run");
  on_parsed(cmd, selected, state, run_list);
}

void add_show(CLI::App& group, Action& selected) {
  auto* cmd = group.add_subcommand("show", "show one sync job");
  auto state = std::make_shared<IdState>(*cmd);
  cmd->add_option("id", state->id, "job id")->required();
  on_parsed(cmd, selected, state, run_show);
}

void add_update(CLI::App& group, Action& selected) {
  auto* cmd = group.add_subcommand("update", "change properties of a sync job");
  auto state = std::make_shared<UpdateState>(*cmd);
  cmd->add_option("id", state->id, "job id")->required();
  add_location_options(state->args, state->params.props, false);
  add_behaviour_options(state->args, state->params.props);
  state->args.update_options(state->params.delete_props, state->params.digest,
                             "remote, owner, comment, schedule, remove-vanished, group-filter, "
                             "rate-in, burst-in, rate-out, burst-out, ns, remote-ns, max-depth, "
                             "transfer-last, sync-direction, resync-corrupt, encrypted-only, "
                             "verified-only, run-on-mount, unmount-on-done, worker-threads");
  on_parsed(cmd, selected, state, run_update);
}

void add_remove(CLI::App& group, Action& selected) {
  auto* cmd = group.add_subcommand("remove", "remove a sync job");
  auto state = std::make_shared<IdState>(*cmd);
  cmd->add_option("id", state->id, "job id")->required();
  state->args.text("digest", state->digest, "only remove if sync.cfg still has this digest");
  on_parsed(cmd, selected, state, run_remove);
}

}  // namespace

void add_sync_job_commands(CLI::App& app, Action& selected) {
  auto* group = app.add_subcommand("sync-job", "manage sync jobs (sync.cfg)");
  group->require_subcommand(1);
  add_create(*group, selected);
  add_list(*group, selected);
  add_show(*group, selected);
  add_update(*group, selected);
  add_remove(*group, selected);
  add_run_command(*group, selected, "syncjob");
}

}  // namespace ferry::cli::internal
