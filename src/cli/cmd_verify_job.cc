// `ferry-manager verify-job ...`: create, list, show, update, remove and run verification jobs
// (verification.cfg, api/config/verify_jobs.h), and `ferry-manager verify STORE`: verify a
// datastore now (jobs-and-schedules.md §7), as a `verify` task in the shared task registry.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/config/verify_jobs.h"
#include "cli/internal/args.h"
#include "cli/internal/command.h"
#include "cli/internal/local_job_states.h"
#include "cli/internal/local_jobs.h"
#include "cli/output.h"
#include "services/verification.h"

namespace ferry::cli::internal {
namespace {

// PBS-compat: the columns of `proxmox-backup-manager verify-job list`.
const std::vector<Column> kListColumns = {{"id", ""},
                                          {"store", ""},
                                          {"schedule", ""},
                                          {"ignore-verified", ""},
                                          {"outdated-after", ""},
                                          {"comment", ""}};
const std::vector<Column> kStatusColumns = {
    {"last-run-state", ""}, {"last-run-endtime", ""}, {"next-run", ""}};
const std::vector<std::string> kShowOrder = {"id",        "store",           "ns",
                                             "max-depth", "ignore-verified", "outdated-after",
                                             "schedule",  "comment",         "digest"};

void add_options(Args& args, api::VerifyJobProperties& p, bool create) {
  auto* store = args.text("store", p.store, "datastore to verify");
  args.text("ns", p.ns, "namespace to start from (default: root)");
  args.integer("max-depth", p.max_depth, "namespace levels below ns, 0..7 (default: all)");
  args.boolean("ignore-verified", p.ignore_verified,
               "skip snapshots that have a verify state (default 1)");
  args.integer("outdated-after", p.outdated_after,
               "days after which a verify state is outdated (default: never)");
  args.text("schedule", p.schedule, "calendar event, e.g. 'daily' (unset: manual only)");
  args.text("comment", p.comment, "comment (empty removes it)");
  if (create) store->required();
}

struct CreateState {
  explicit CreateState(CLI::App& cmd) : args(cmd) {}
  Args args;
  api::VerifyJobCreateParams params;
};

struct UpdateState {
  explicit UpdateState(CLI::App& cmd) : args(cmd) {}
  Args args;
  std::string id;
  api::VerifyJobUpdateParams params;
};

struct IdState {
  explicit IdState(CLI::App& cmd) : args(cmd) {}
  Args args;
  std::string id;
  std::optional<std::string> digest;
};

struct ListState {
  bool status = false;
};

Result<std::string> run_create(const Context& ctx, const CreateState& s) {
  FERRY_TRY(s.args.status());
  const auto states = LocalJobStates::open(ctx);
  FERRY_TRY(api::create_verify_job(ctx.config_dir, ctx.caller, s.params, states.get()));
  return format_nothing(ctx.format);
}

Result<std::string> run_list(const Context& ctx, const ListState& s) {
  FERRY_TRY_ASSIGN(auto jobs, api::list_verify_jobs(ctx.config_dir, ctx.caller));
  nlohmann::json items = nlohmann::json::array();
  std::unique_ptr<LocalJobs> local;
  if (s.status) {
    FERRY_TRY_ASSIGN(local, open_local_jobs(ctx));
  }
  for (const auto& job : jobs.data) {
    nlohmann::json item = api::to_json(job);
    if (local) {
      add_job_status(item, local->service->status("verificationjob", job.id, job.schedule),
                     ctx.format);
    }
    items.push_back(std::move(item));
  }
  std::vector<Column> columns = kListColumns;
  if (s.status) columns.insert(columns.end() - 1, kStatusColumns.begin(), kStatusColumns.end());
  return format_list(items, columns, ctx.format);
}

Result<std::string> run_show(const Context& ctx, const IdState& s) {
  FERRY_TRY_ASSIGN(auto job, api::read_verify_job(ctx.config_dir, ctx.caller, s.id));
  nlohmann::json object = api::to_json(job.data);
  object["digest"] = job.digest;
  return format_object(object, kShowOrder, ctx.format);
}

Result<std::string> run_update(const Context& ctx, const UpdateState& s) {
  FERRY_TRY(s.args.status());
  const auto states = LocalJobStates::open(ctx);
  FERRY_TRY(api::update_verify_job(ctx.config_dir, ctx.caller, s.id, s.params, states.get()));
  return format_nothing(ctx.format);
}

Result<std::string> run_remove(const Context& ctx, const IdState& s) {
  FERRY_TRY(s.args.status());
  const auto states = LocalJobStates::open(ctx);
  FERRY_TRY(api::delete_verify_job(ctx.config_dir, ctx.caller, s.id, s.digest, states.get()));
  return format_nothing(ctx.format);
}

void add_group(CLI::App& app, Action& selected) {
  auto* group = app.add_subcommand("verify-job", "manage verification jobs (verification.cfg)");
  group->require_subcommand(1);

  auto* create = group->add_subcommand("create", "add a verification job");
  auto cs = std::make_shared<CreateState>(*create);
  create->add_option("id", cs->params.id, "job id (3 to 32 characters)")->required();
  add_options(cs->args, cs->params.props, true);
  on_parsed(create, selected, cs, run_create);

  auto* list = group->add_subcommand("list", "list verification jobs");
  auto ls = std::make_shared<ListState>();
  list->add_flag("--status", ls->status, "add last run, state and next run");
  on_parsed(list, selected, ls, run_list);

  auto* show = group->add_subcommand("show", "show one verification job");
  auto ss = std::make_shared<IdState>(*show);
  show->add_option("id", ss->id, "job id")->required();
  on_parsed(show, selected, ss, run_show);

  auto* update = group->add_subcommand("update", "change properties of a verification job");
  auto us = std::make_shared<UpdateState>(*update);
  update->add_option("id", us->id, "job id")->required();
  add_options(us->args, us->params.props, false);
  us->args.update_options(us->params.delete_props, us->params.digest,
                          "ns, max-depth, ignore-verified, outdated-after, schedule, comment");
  on_parsed(update, selected, us, run_update);

  auto* remove = group->add_subcommand("remove", "remove a verification job");
  auto rs = std::make_shared<IdState>(*remove);
  remove->add_option("id", rs->id, "job id")->required();
  rs->args.text("digest", rs->digest, "only remove if verification.cfg still has this digest");
  on_parsed(remove, selected, rs, run_remove);

  add_run_command(*group, selected, "verificationjob");
}

// ---- ferry-manager verify STORE ----------------------------------------------------------

struct VerifyState {
  explicit VerifyState(CLI::App& cmd) : args(cmd) {}
  Args args;
  std::string store;
  std::optional<std::string> ns;
  std::optional<int64_t> max_depth;
  std::optional<bool> ignore_verified;
  std::optional<int64_t> outdated_after;
  std::optional<Error> bad_flag;
};

Result<services::VerificationScope> scope_of(const VerifyState& s) {
  services::VerificationScope scope;
  if (s.ns) {
    FERRY_TRY_ASSIGN(scope.ns, types::BackupNamespace::parse(*s.ns));
  }
  if (s.max_depth) {
    if (*s.max_depth < 0 || *s.max_depth > 7) {
      return make_error(Errc::InvalidArgument,
                        "invalid parameter 'max-depth': value {} is not in 0..7", *s.max_depth);
    }
    scope.max_depth = static_cast<size_t>(*s.max_depth);
  }
  scope.ignore_verified = s.ignore_verified.value_or(true);
  if (s.outdated_after && *s.outdated_after < 0) {
    return make_error(Errc::InvalidArgument,
                      "invalid parameter 'outdated-after': value {} is negative",
                      *s.outdated_after);
  }
  scope.outdated_after = s.outdated_after;
  return scope;
}

Result<std::string> run_verify(const Context& ctx, const VerifyState& s) {
  FERRY_TRY(s.args.status());
  if (s.bad_flag) return tl::unexpected(*s.bad_flag);
  FERRY_TRY_ASSIGN(auto scope, scope_of(s));
  FERRY_TRY_ASSIGN(auto local, open_local_jobs(ctx));
  FERRY_TRY_ASSIGN(auto store, local->datastores->lookup(s.store));
  // PBS: worker type `verify`, id "<store>[:<ns>]" (api.md §5.3.1).
  std::string worker_id = s.store;
  if (!scope.ns.is_root()) worker_id += ":" + scope.ns.to_string();
  FERRY_TRY_ASSIGN(
      auto upid, local->tasks->spawn("verify", worker_id, ctx.caller.to_string(),
                                     [store, scope](jobs::TaskContext& task) -> Status {
                                       task.log(fmt::format("verify datastore {}", store->name()));
                                       FERRY_TRY_ASSIGN(auto report, services::verify_datastore(
                                                                         *store, scope, task));
                                       return services::verification_result(report, task);
                                     }));
  const bool text = ctx.format == OutputFormat::Text;
  FERRY_TRY(follow_task(*local->tasks, upid, text ? &std::cout : nullptr));
  if (text) return std::string();
  return format_json(nlohmann::json{{"upid", upid.to_string()}, {"status", "OK"}}, ctx.format);
}

void add_verify(CLI::App& app, Action& selected) {
  auto* cmd = app.add_subcommand("verify", "verify the snapshots of a datastore now");
  auto s = std::make_shared<VerifyState>(*cmd);
  cmd->add_option("store", s->store, "datastore")->required();
  s->args.text("ns", s->ns, "namespace to start from (default: root)");
  s->args.integer("max-depth", s->max_depth, "namespace levels below ns, 0..7 (default: all)");
  // A flag here (`--ignore-verified`), optionally with a PBS boolean (`--ignore-verified 0`).
  VerifyState* raw = s.get();
  cmd->add_option_function<std::string>(
         "--ignore-verified",
         [raw](const std::string& v) {
           auto parsed = v.empty() ? Result<bool>(true) : parse_bool("ignore-verified", v);
           raw->ignore_verified = parsed.value_or(true);
           if (!parsed) raw->bad_flag = parsed.error();
         },
         "skip snapshots that have a verify state (default 1)")
      ->expected(0, 1);
  s->args.integer("outdated-after", s->outdated_after,
                  "days after which a verify state is outdated (default: never)");
  on_parsed(cmd, selected, s, run_verify);
}

}  // namespace

void add_verify_job_commands(CLI::App& app, Action& selected) {
  add_group(app, selected);
  add_verify(app, selected);
}

}  // namespace ferry::cli::internal
